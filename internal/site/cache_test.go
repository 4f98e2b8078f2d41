package site_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// The public pages are kept between changes of the record, and never
// served after the write that changed them has been answered.
func TestPublicPagesAreKeptUntilTheRecordChanges(t *testing.T) {
	site := sitetest.NewEditing(t)
	reader := site.NewBrowser(t)
	first := reader.Get("/years/2023")
	sitetest.WantStatus(t, "year page", first, http.StatusOK)
	tag, modified := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if tag == "" || modified == "" {
		t.Fatalf("ETag %q, Last-Modified %q: the public page has no validators", tag, modified)
	}
	if again := reader.Get("/years/2023"); again.Header.Get("ETag") != tag || again.Body != first.Body {
		t.Error("the same page, with no change between, came back different")
	}
	reader.Header = http.Header{"If-None-Match": {tag}}
	sitetest.WantStatus(t, "revalidating", reader.Get("/years/2023"), http.StatusNotModified)
	reader.Header = nil

	// A signed-in engineer sees their own page, which is not kept; the
	// reader's page shows nobody's name and no form token.
	li := site.SignIn(t, "li", sitetest.Password)
	mine := li.Get("/years/2023")
	if mine.Header.Get("Cache-Control") != "no-store" || !strings.Contains(mine.Body, `data-testid="signed-in"`) {
		t.Error("the signed-in page is not the engineer's own")
	}
	public := reader.Get("/years/2023")
	if strings.Contains(public.Body, `data-testid="signed-in"`) || strings.Contains(public.Body, `name="_csrf"`) {
		t.Error("the reader was served the signed-in engineer's page")
	}

	edit := li.Get("/projects/3/edit")
	form := sitetest.EditForm(t, edit)
	for name := range form {
		if strings.HasPrefix(name, "progress-") {
			form.Set(name, "缓存测试：主体工程完成")
		}
	}
	sitetest.WantStatus(t, "save", li.Post("/projects/3/edit", form), http.StatusSeeOther)

	after := reader.Get("/years/2023")
	if !strings.Contains(after.Body, "缓存测试：主体工程完成") {
		t.Error("the year page read right after the save does not show it")
	}
	if after.Header.Get("ETag") == tag {
		t.Error("the changed page kept its ETag")
	}
	reader.Header = http.Header{"If-None-Match": {tag}}
	sitetest.WantStatus(t, "revalidating the old page", reader.Get("/years/2023"), http.StatusOK)
	reader.Header = nil
	if project := reader.Get("/api/v1/projects/3"); !strings.Contains(project.Body, "缓存测试：主体工程完成") {
		t.Error("the project's JSON read right after the save does not show it")
	}
}

// The staff's pages are kept too, but for one session each: another
// supervisor gets their own page, with their own name and form token; a
// change is shown at once; a session signed out is no longer served the
// page it kept; a message waiting for the reader is shown.
func TestStaffPagesAreKeptForTheirSessionAlone(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	site.AddUser(t, "zhou", auth.Supervisor, sitetest.Password)
	site.AddUser(t, "qian", auth.Supervisor, sitetest.Password)
	zhou := site.SignIn(t, "zhou", sitetest.Password)
	qian := site.SignIn(t, "qian", sitetest.Password)

	for _, path := range []string{"/overdue", "/review", "/monthly"} {
		first := zhou.Get(path)
		sitetest.WantStatus(t, path, first, http.StatusOK)
		token := zhou.CSRF
		if again := zhou.Get(path); again.Body != first.Body {
			t.Errorf("%s asked twice with no change between came back different", path)
		}
		if first.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", path, first.Header.Get("Cache-Control"))
		}
		other := qian.Get(path)
		sitetest.WantStatus(t, path+" for another supervisor", other, http.StatusOK)
		if qian.CSRF == token || strings.Contains(other.Body, token) {
			t.Errorf("%s: the other supervisor was served zhou's page, form token and all", path)
		}
		if name := other.Doc.Find(`[data-testid="signed-in"]`).Text(); !strings.Contains(name, "qian") {
			t.Errorf("%s: the other supervisor's page says %q signed in", path, name)
		}
	}

	// An engineer's change waits in the queue the moment it is saved.
	li := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
	for name := range form {
		if strings.HasPrefix(name, "progress-") {
			form.Set(name, "缓存测试：待审核的推进情况")
		}
	}
	sitetest.WantStatus(t, "save", li.Post("/projects/3/edit", form), http.StatusSeeOther)
	if queue := zhou.Get("/review"); !strings.Contains(queue.Body, "缓存测试：待审核的推进情况") {
		t.Error("the review queue asked right after the save does not show it")
	}

	// A copy of zhou's cookie is served the kept page until zhou signs
	// out, and then only the sign-in.
	copied := site.NewBrowser(t)
	siteURL, _ := url.Parse(site.URL)
	copied.Client.Jar.SetCookies(siteURL, zhou.Client.Jar.Cookies(siteURL))
	sitetest.WantStatus(t, "the console with a copy of the cookie", copied.Get("/overdue"), http.StatusOK)
	sitetest.WantStatus(t, "signing out", zhou.Post("/logout", nil), http.StatusSeeOther)
	if after := copied.Get("/overdue"); after.StatusCode == http.StatusOK {
		t.Error("the console was served to a session signed out")
	}

	// A message left for the next page is shown on it, and only once.
	queue := qian.Get("/review")
	approve := url.Values{"approve": {}}
	queue.Doc.Find(`input[name="approve"]`).Each(func(_ int, box *goquery.Selection) {
		approve.Add("approve", box.AttrOr("value", ""))
	})
	approved := qian.Post("/review/approve", approve)
	sitetest.WantStatus(t, "approving", approved, http.StatusSeeOther)
	if next := qian.Get("/review"); next.Doc.Find(`.flash`).Length() == 0 {
		t.Error("the queue after the approval shows no message")
	}
	if again := qian.Get("/review"); again.Doc.Find(`.flash`).Length() != 0 {
		t.Error("the queue shows the approval's message a second time")
	}
}
