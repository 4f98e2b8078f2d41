// Package feed is the public Atom feed of status changes, for residents
// and journalists who follow the works in a feed reader.
package feed

import (
	"encoding/xml"
	"strconv"
	"strings"
	"time"

	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
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
// residents and journalists: one entry per save of a target, with the
// project, the target, and the old and the new value of each field the save
// changed (its outcome, its progress text). It says nothing of who made a
// change.
//
// self is the address the feed was asked at, which its self link repeats;
// siteURL is where its links lead. Its ids come from identity alone, so
// that the same feed read at two addresses is one feed.
func Atom(changes []projects.StatusChange, l *locale.Locale, siteURL, self string, identity web.Identity, now time.Time) ([]byte, error) {
	feed := atomFeed{
		// The two languages are two feeds: each tells the changes in
		// its own words.
		Lang: l.Lang(), ID: "tag:" + identity.Authority + "," + identity.Since + ":feed:" + l.Lang(), Title: l.T("feed.title"),
		Links:  []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"}, {Rel: "alternate", Href: siteURL + "/", Type: "text/html"}},
		Author: atomAuthor{Name: l.T("site.name")},
	}
	updated := now
	if len(changes) > 0 {
		updated = changes[0].At
	}
	feed.Updated = atomTime(updated)
	for _, save := range saves(changes) {
		first := save[0]
		target := l.T("digest.target", "Year", first.Year, "List", l.T("list."+string(first.List)))
		fields := make([]string, len(save))
		told := make([]string, len(save))
		for i, c := range save {
			fields[i] = l.T("history.field." + c.Field)
			told[i] = l.T("feed.entry_content", "Field", fields[i], "Old", feedValue(l, c.Old()), "New", feedValue(l, c.New()))
		}
		feed.Entries = append(feed.Entries, atomEntry{
			// A tag URI (RFC 4151) named by the save's first change,
			// the same in either language: the same save told twice.
			ID:      "tag:" + identity.Authority + "," + first.At.UTC().Format("2006-01-02") + ":change-" + strconv.FormatInt(first.ID, 10),
			Title:   l.T("feed.entry_title", "Name", l.Name(first.ProjectName, first.ProjectNameEn), "Target", target, "Field", strings.Join(fields, l.T("feed.and"))),
			Updated: atomTime(first.At),
			Link:    atomLink{Href: siteURL + projects.ProjectURL(first.ProjectID)},
			Content: atomText{Type: "text", Text: strings.Join(told, "\n")},
		})
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

// atomTime writes t as RFC 3339 with the fraction of a second it has: two
// saves within one second are two moments, not one.
func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// saves groups changes, newest first, into the saves that made them, each
// in the order it was written: one save writes its changes of one target
// at one moment, by one person, each field once.
func saves(changes []projects.StatusChange) [][]projects.StatusChange {
	var out [][]projects.StatusChange
	for _, c := range changes {
		if n := len(out); n > 0 && sameSave(out[n-1], c) {
			out[n-1] = append([]projects.StatusChange{c}, out[n-1]...)
			continue
		}
		out = append(out, []projects.StatusChange{c})
	}
	return out
}

func sameSave(save []projects.StatusChange, c projects.StatusChange) bool {
	first := save[0]
	if !equalTargets(first.TargetID, c.TargetID) || !first.At.Equal(c.At) || !equalUsers(first.UserID, c.UserID) {
		return false
	}
	for _, s := range save {
		if s.Field == c.Field {
			return false
		}
	}
	return true
}

func equalTargets(a, b *int64) bool { return a != nil && b != nil && *a == *b }

func equalUsers(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
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
