package site_test

import (
	"net/http"
	"strings"
	"testing"

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
