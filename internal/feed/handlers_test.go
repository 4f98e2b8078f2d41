package feed_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/site/sitetest"
)

func TestAtomFeedOfPublicStatusChanges(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	page := b.Get("/projects/3/edit")
	form := sitetest.EditForm(t, page)
	// The 2023 completion target's progress is still empty; the 2022
	// start target's says 已开工.
	for name := range form {
		if strings.HasPrefix(name, "progress-") && form.Get(name) == "" {
			form.Set(name, "路面施工已完成百分之六十")
		}
	}
	form.Set("internal_note", "内部备注不对外")
	sitetest.WantStatus(t, "edit", b.Post("/projects/3/edit", form), http.StatusSeeOther)

	resp, body := sitetest.Fetch(t, site.URL+"/feed.atom?lang=en")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, body)
	}
	if feed.ID == "" || feed.Title == "" {
		t.Errorf("feed id %q, title %q", feed.ID, feed.Title)
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("feed updated %q: %v", feed.Updated, err)
	}
	if len(feed.Entries) != 1 {
		t.Fatalf("%d entries, want the one progress change:\n%s", len(feed.Entries), body)
	}
	e := feed.Entries[0]
	if !strings.Contains(e.Title, "Haian Road (Jungong Road–Gongqing Road)") || !strings.Contains(e.Content, "路面施工已完成百分之六十") ||
		e.Link.Href != site.URL+"/projects/3" || !strings.HasPrefix(e.ID, "tag:shuangshi.invalid,2023-06-01:") {
		t.Errorf("entry %+v", e)
	}
	if strings.Contains(string(body), "内部备注") || strings.Contains(string(body), "<name>li</name>") {
		t.Error("the public feed carries an internal note or the editor's name")
	}
	home := site.NewBrowser(t).Get("/")
	if href, _ := home.Doc.Find(`link[rel="alternate"][type="application/atom+xml"]`).Attr("href"); href != "/feed.atom?lang=zh-CN" {
		t.Errorf("the pages announce the feed at %q", href)
	}
}
