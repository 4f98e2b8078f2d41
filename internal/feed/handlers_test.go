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
	if _, err := time.Parse(time.RFC3339Nano, feed.Updated); err != nil {
		t.Errorf("feed updated %q: %v", feed.Updated, err)
	}
	if len(feed.Entries) != 1 {
		t.Fatalf("%d entries, want the one progress change:\n%s", len(feed.Entries), body)
	}
	e := feed.Entries[0]
	if !strings.Contains(e.Title, "Haian Road (Jungong Road–Gongqing Road)") || !strings.Contains(e.Content, "路面施工已完成百分之六十") ||
		e.Link.Href != site.URL+"/projects/3" || !strings.HasPrefix(e.ID, "tag:"+authorityOf(t, site)+",2023-06-01:change-") {
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

// authorityOf is the authority of a site without a public address: made
// from its installation's name, kept in its database.
func authorityOf(t *testing.T, s *sitetest.Site) string {
	t.Helper()
	installation, err := s.Site.DB.Installation(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return "shuangshi-" + installation.Name + ".invalid"
}

// atomFeed is what the tests read of a feed.
type atomFeed struct {
	ID    string `xml:"id"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Content string `xml:"content"`
	} `xml:"entry"`
}

func readFeed(t *testing.T, address string, header ...string) atomFeed {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, address, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var feed atomFeed
	if err := xml.NewDecoder(resp.Body).Decode(&feed); err != nil {
		t.Fatalf("%s does not parse: %v", address, err)
	}
	return feed
}

func (f atomFeed) self() string {
	for _, l := range f.Links {
		if l.Rel == "self" {
			return l.Href
		}
	}
	return ""
}

// One save is one entry, whatever it changed; two saves within one second
// are two entries at two moments; and the ids are the installation's,
// whatever name the feed is read through.
func TestFeedEntriesAreSavesWithStableIdentities(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	save := func(progress, outcome string) {
		t.Helper()
		form := sitetest.EditForm(t, b.Get("/projects/3/edit"))
		form.Set("progress-5", progress)
		form.Set("outcome-5", outcome)
		sitetest.WantStatus(t, "edit", b.Post("/projects/3/edit", form), http.StatusSeeOther)
	}
	save("主体结构完成", "partial")
	site.Clock.Advance(400 * time.Millisecond)
	save("主体结构完成，附属设施施工中", "partial")

	feed := readFeed(t, site.URL+"/feed.atom?lang=zh-CN")
	if len(feed.Entries) != 2 {
		t.Fatalf("%d entries, want one per save: %+v", len(feed.Entries), feed.Entries)
	}
	newer, older := feed.Entries[0], feed.Entries[1]
	if !strings.Contains(older.Title, "推进情况、目标结果") && !strings.Contains(older.Title, "目标结果、推进情况") {
		t.Errorf("the first save's entry is titled %q, want both fields it changed", older.Title)
	}
	if !strings.Contains(older.Content, "主体结构完成") || strings.Count(older.Content, "原为") != 2 {
		t.Errorf("the first save's entry says %q, want both of its changes", older.Content)
	}
	if newer.ID == older.ID || newer.Updated == older.Updated {
		t.Errorf("two saves within a second share an id or a time: %+v, %+v", newer, older)
	}
	for _, e := range feed.Entries {
		if _, err := time.Parse(time.RFC3339Nano, e.Updated); err != nil || !strings.HasPrefix(e.Updated, "2023-") {
			t.Errorf("updated %q: %v", e.Updated, err)
		}
	}

	// Through another name, the same feed: the same ids.
	other := readFeed(t, site.URL+"/feed.atom?lang=zh-CN", "Host", "shuangshi.example.net")
	if other.ID != feed.ID || other.Entries[0].ID != newer.ID || strings.Contains(newer.ID, "127.0.0.1") {
		t.Errorf("read as shuangshi.example.net the feed is %q, entry %q; as %s %q, %q",
			other.ID, other.Entries[0].ID, site.URL, feed.ID, newer.ID)
	}
	// The self link is the address asked for, with ?lang= or without.
	if feed.self() != site.URL+"/feed.atom?lang=zh-CN" {
		t.Errorf("self link %q", feed.self())
	}
	if bare := readFeed(t, site.URL+"/feed.atom", "Accept-Language", "en"); bare.self() != site.URL+"/feed.atom" ||
		!strings.HasSuffix(bare.ID, ":feed:en") {
		t.Errorf("/feed.atom read in English: self link %q, id %q", bare.self(), bare.ID)
	}
	// Another installation: other ids.
	if another := sitetest.NewEditing(t); authorityOf(t, another) == authorityOf(t, site) ||
		!strings.HasPrefix(feed.ID, "tag:"+authorityOf(t, site)+",") {
		t.Errorf("feed id %q; two installations named %q and %q", feed.ID, authorityOf(t, site), authorityOf(t, another))
	}
}
