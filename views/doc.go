// Package views holds the site's templ components: the layout, shared
// components, and one .templ file per page. Each page takes a typed view
// model, declared in the .go file of the same name (year.go for
// year.templ); handlers build it from the domain, so no page sees a
// database model or a field it should not show, and no page has to decode
// how a value is stored.
//
// Codes (a category "road", a status "overdue") arrive untranslated and are
// put into the reader's words here, through the locale of the request.
package views
