// Package feed is the public Atom feed of status changes, for residents
// and journalists who follow the works in a feed reader.
package feed

import (
	"encoding/xml"
	"net"
	"net/url"
	"strconv"
	"time"

	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
)

// The elements of an Atom feed (RFC 4287) that the site writes.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Content atomText `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// Atom writes the public status changes, newest first, as an Atom feed for
// residents and journalists: each change of an outcome or a progress text,
// with the project, the target, the old and the new value. It says nothing
// of who made a change.
func Atom(changes []projects.StatusChange, l *locale.Locale, siteURL string, now time.Time) ([]byte, error) {
	self := siteURL + Path + "?lang=" + url.QueryEscape(l.Lang())
	feed := atomFeed{
		Lang: l.Lang(), ID: self, Title: l.T("feed.title"),
		Links:  []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"}, {Rel: "alternate", Href: siteURL + "/", Type: "text/html"}},
		Author: atomAuthor{Name: l.T("site.name")},
	}
	updated := now
	if len(changes) > 0 {
		updated = changes[0].At
	}
	feed.Updated = updated.UTC().Format(time.RFC3339)
	// Entry ids are tag URIs (RFC 4151) under the site's host name, the
	// same in either language: the same change told twice.
	// An address is not a tag's authority: it takes a reserved name.
	authority := "shuangshi.invalid"
	if u, err := url.Parse(siteURL); err == nil && u.Hostname() != "" && net.ParseIP(u.Hostname()) == nil {
		authority = u.Hostname()
	}
	for _, c := range changes {
		target := l.T("digest.target", "Year", c.Year, "List", l.T("list."+string(c.List)))
		feed.Entries = append(feed.Entries, atomEntry{
			ID:      "tag:" + authority + "," + c.At.UTC().Format("2006-01-02") + ":change-" + strconv.FormatInt(c.ID, 10),
			Title:   l.T("feed.entry_title", "Name", l.Name(c.ProjectName, c.ProjectNameEn), "Target", target, "Field", l.T("history.field."+c.Field)),
			Updated: c.At.UTC().Format(time.RFC3339),
			Link:    atomLink{Href: siteURL + projects.ProjectURL(c.ProjectID)},
			Content: atomText{Type: "text", Text: l.T("feed.entry_content", "Old", feedValue(l, c.Old()), "New", feedValue(l, c.New()))},
		})
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

// feedValue tells an outcome or a progress text, the values the feed
// carries. Whether an outcome was recorded by hand is for staff, not the
// feed.
func feedValue(l *locale.Locale, v projects.ChangeValue) string {
	if v.Outcome != "" {
		return l.T("outcome." + string(v.Outcome))
	}
	return l.OrNone(v.Text)
}
