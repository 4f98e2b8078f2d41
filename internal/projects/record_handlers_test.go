package projects_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

func TestAdministratorsCreateEditAndArchiveProjects(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	adm.Get("/admin/projects/new")

	refused := adm.Post("/admin/projects", url.Values{"name": {""}, "category": {"x"}, "extent": {"军工路-共青路"}})
	sitetest.WantStatus(t, "a project without a name", refused, http.StatusUnprocessableEntity)
	if sitetest.Text(refused.Doc.Find("#name-error")) == "" || sitetest.Text(refused.Doc.Find("#category-error")) == "" {
		t.Errorf("no message by the name or the category: %s", sitetest.Text(refused.Doc.Find(".error-summary")))
	}
	if v, _ := refused.Doc.Find("#extent").Attr("value"); v != "军工路-共青路" {
		t.Errorf("the refused form lost the extent: %q", v)
	}
	taken := adm.Post("/admin/projects", url.Values{"name": {"海安路（军工路-共青路）道路综合整治工程"}, "category": {"road"}})
	sitetest.WantStatus(t, "a name another project has", taken, http.StatusUnprocessableEntity)

	created := adm.Post("/admin/projects", url.Values{"name": {"  长海路（国和路-嫩江路）道路新建工程 "}, "category": {"路"},
		"name_en": {"Changhai Road: new road"}, "unit": {"区建设管理委员会"}, "location": {"杨浦区新江湾城"}})
	sitetest.WantStatus(t, "a new project", created, http.StatusSeeOther)
	record := created.Header.Get("Location")
	page := adm.Get(record)
	if v, _ := page.Doc.Find("#name").Attr("value"); v != "长海路（国和路-嫩江路）道路新建工程" {
		t.Errorf("stored name %q", v)
	}
	if v, _ := page.Doc.Find("#category option[selected]").Attr("value"); v != "road" {
		t.Errorf("stored category %q", v)
	}

	// Two administrators edit at once: the second save shows both versions
	// and keeps the first.
	other := site.SignIn(t, "adm", sitetest.Password)
	form := url.Values{}
	page.Doc.Find("form.form input, form.form select, form.form textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v, _ := s.Attr("value")
		switch goquery.NodeName(s) {
		case "select":
			v, _ = s.Find("option[selected]").Attr("value")
		case "textarea":
			v = s.Text()
		}
		form.Set(name, v)
	})
	otherForm := url.Values{}
	for k, v := range form {
		otherForm[k] = v
	}
	other.Get(record)
	otherForm.Set("_csrf", other.CSRF)
	otherForm.Set("unit", "区建管委")
	sitetest.WantStatus(t, "the first save", other.Post(record, otherForm), http.StatusSeeOther)
	form.Set("unit", "区市政所")
	conflict := adm.Post(record, form)
	sitetest.WantStatus(t, "the second save", conflict, http.StatusConflict)
	row := conflict.Doc.Find(`[data-testid="conflict-row"]`)
	if row.Length() != 1 || !strings.Contains(sitetest.Text(row), "区市政所") || !strings.Contains(sitetest.Text(row), "区建管委") {
		t.Errorf("the conflict shows %q", sitetest.Text(conflict.Doc.Find(`[data-testid="conflict"]`)))
	}
	if v, _ := conflict.Doc.Find("#unit").Attr("value"); v != "区市政所" {
		t.Errorf("the form lost the typed unit: %q", v)
	}
	if got := adm.Get(record).Doc.Find("#unit"); got.AttrOr("value", "") != "区建管委" {
		t.Errorf("the first save was overwritten: %q", got.AttrOr("value", ""))
	}

	// Archived: not offered for a list, still on its pages and in history.
	adm.Get(record)
	sitetest.WantStatus(t, "archive", adm.Post(record+"/archive", nil), http.StatusSeeOther)
	if adm.Get(record).Doc.Find(`[data-testid="archived"]`).Length() != 1 {
		t.Error("the project page does not say it is archived")
	}
	editor := adm.Get("/admin/years/2024/list")
	if strings.Contains(sitetest.Text(editor.Doc.Find("#project")), "长海路") {
		t.Error("an archived project is offered for a list")
	}
	archived := adm.Get("/admin/projects?archived=1")
	if !strings.Contains(sitetest.Text(archived.Doc.Find(`[data-testid="projects"]`)), "长海路") {
		t.Error("the archived project is not in the archived list")
	}
	id := strings.TrimPrefix(record, "/admin/projects/")
	history := adm.Get("/projects/" + id + "/history")
	for _, field := range []string{"created", "unit", "archived"} {
		if history.Doc.Find(`[data-testid="change"][data-field="`+field+`"]`).Length() == 0 {
			t.Errorf("the history has no %s change", field)
		}
	}
	sitetest.WantStatus(t, "restore", adm.Post(record+"/restore", nil), http.StatusSeeOther)
	if !strings.Contains(sitetest.Text(adm.Get("/admin/years/2024/list").Doc.Find("#project")), "长海路") {
		t.Error("a restored project is not offered")
	}
}
