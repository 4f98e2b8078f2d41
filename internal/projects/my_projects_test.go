package projects_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/site/sitetest"
)

func TestQuickProgressUpdate(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	list := b.Get("/my/projects")
	form := url.Values{}
	list.Doc.Find(`form.quick-update input, form.quick-update textarea`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v, _ := s.Attr("value")
		if goquery.NodeName(s) == "textarea" {
			v = s.Text()
		}
		form.Set(name, v)
	})
	var field string
	for name := range form {
		if strings.HasPrefix(name, "progress-") {
			field = name
		}
	}
	if field == "" {
		t.Fatal("no quick progress field on the list")
	}

	// Without JavaScript: a plain POST and a redirect back to the list.
	form.Set(field, "基层施工")
	resp := b.Post("/projects/3/progress", form)
	sitetest.WantStatus(t, "quick update", resp, http.StatusSeeOther)
	if resp.Header.Get("Location") != "/my/projects" {
		t.Errorf("redirected to %q", resp.Header.Get("Location"))
	}

	// With htmx: the card alone comes back. The list's version is now old,
	// and nobody else touched the field, so the update merges and saves.
	b.Header.Set("HX-Request", "true")
	form.Set("base-"+field, "基层施工")
	form.Set(field, "面层施工")
	fragment := b.Post("/projects/3/progress", form)
	sitetest.WantStatus(t, "quick update with htmx", fragment, http.StatusOK)
	if strings.Contains(fragment.Body, "<html") || fragment.Doc.Find(`[data-testid="quick-saved"]`).Length() != 1 {
		t.Fatalf("the htmx answer is not the saved card:\n%s", fragment.Body)
	}
	history := b.Get("/projects/3/history")
	if got := history.Doc.Find(`[data-testid="change"][data-field="progress"]`).Length(); got != 2 {
		t.Errorf("%d progress changes in the history, want 2", got)
	}
	public := site.NewBrowser(t).Get("/years/2023")
	if got := sitetest.Text(public.Doc.Find(`tr[data-number="7"] .targets__progress`)); got != "面层施工" {
		t.Errorf("public progress %q", got)
	}

	// A year later the target is overdue and the project has no delay
	// reason: the quick update is refused, in place, and keeps the text.
	site.Clock.Advance(365 * 24 * time.Hour)
	b = site.SignIn(t, "li", sitetest.Password) // a year is longer than a session
	b.Header.Set("HX-Request", "true")
	b.Get("/my/projects")
	form.Set("_csrf", b.CSRF)
	form.Set("version", "3")
	form.Set("base-version", "3")
	form.Set("base-"+field, "面层施工")
	form.Set(field, "验收中")
	refused := b.Post("/projects/3/progress", form)
	sitetest.WantStatus(t, "a quick update that needs a delay reason", refused, http.StatusUnprocessableEntity)
	if got := sitetest.Text(refused.Doc.Find(`[data-testid="error-` + field + `"]`)); !strings.Contains(got, "延误原因") {
		t.Errorf("the refusal says %q", got)
	}
	if got := refused.Doc.Find("#" + field).Text(); got != "验收中" {
		t.Errorf("the typed text was lost: %q", got)
	}
}
