package sitetest

import (
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// EditForm reads a project's edit page's form as a browser would submit
// it: every field with the value the page shows, the first option of a
// select that has none chosen.
func EditForm(t *testing.T, page Response) url.Values {
	t.Helper()
	values := url.Values{}
	page.Doc.Find("form.edit-form input, form.edit-form textarea, form.edit-form select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch goquery.NodeName(s) {
		case "textarea":
			values.Set(name, s.Text())
		case "select":
			v, _ := s.Find("option[selected]").Attr("value")
			if v == "" {
				v, _ = s.Find("option").First().Attr("value")
			}
			values.Set(name, v)
		default:
			v, _ := s.Attr("value")
			values.Set(name, v)
		}
	})
	return values
}
