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
	// reason: the card asks for it in place. Left empty, the update is
	// refused beside it, keeping the text, which the card's link to the
	// edit page carries too.
	site.Clock.Advance(365 * 24 * time.Hour)
	b = site.SignIn(t, "li", sitetest.Password) // a year is longer than a session
	b.Header.Set("HX-Request", "true")
	card := b.Get("/my/projects").Doc.Find(`[data-testid="my-project"]`)
	if card.Find(`textarea[name="delay_reason"]`).Length() != 1 {
		t.Fatal("the overdue card does not ask for the delay reason")
	}
	form.Set("_csrf", b.CSRF)
	form.Set("version", "3")
	form.Set("base-version", "3")
	form.Set("base-"+field, "面层施工")
	form.Set(field, "验收中")
	form.Set("delay_reason", "")
	form.Set("base-delay_reason", "")
	refused := b.Post("/projects/3/progress", form)
	sitetest.WantStatus(t, "a quick update without the delay reason", refused, http.StatusUnprocessableEntity)
	if got := sitetest.Text(refused.Doc.Find(`[data-testid="error-delay_reason"]`)); !strings.Contains(got, "延误原因") {
		t.Errorf("the refusal beside the delay reason says %q", got)
	}
	if got := refused.Doc.Find("#" + field).Text(); got != "验收中" {
		t.Errorf("the typed text was lost: %q", got)
	}
	if _, focused := refused.Doc.Find(`#delay_reason`).Attr("autofocus"); !focused {
		t.Error("the refused card does not put the engineer at the delay reason")
	}
	edit := refused.Doc.Find(`a[href^="/projects/3/edit?"]`).AttrOr("href", "")
	b.Header.Del("HX-Request")
	if got := b.Get(edit).Doc.Find("#" + field).Text(); got != "验收中" {
		t.Errorf("the edit page the card links to has %q, want the text typed on the card", got)
	}

	// With the reason, in one tap.
	b.Header.Set("HX-Request", "true")
	form.Set("delay_reason", "雨季停工两周")
	saved := b.Post("/projects/3/progress", form)
	sitetest.WantStatus(t, "the overdue quick update", saved, http.StatusOK)
	if saved.Doc.Find(`[data-testid="quick-saved"]`).Length() != 1 {
		t.Fatalf("not saved:\n%s", saved.Body)
	}
	if got := saved.Doc.Find(`textarea[name="delay_reason"]`).Text(); got != "雨季停工两周" {
		t.Errorf("the saved card's delay reason is %q; the next update starts from it", got)
	}
	if got := sitetest.Text(site.NewBrowser(t).Get("/years/2023").Doc.Find(`tr[data-number="7"] .targets__progress`)); got != "验收中" {
		t.Errorf("public progress %q", got)
	}
}
