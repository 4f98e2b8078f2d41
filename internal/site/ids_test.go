package site_test

import (
	"net/http"
	"strings"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestAnIDIsWrittenOneWay: every page named by an id answers only to the id
// as strconv.FormatInt writes it (web.ParseID). "+1" and "01" would read as
// 1, but they are not the page's name, so they name no page: 404 with the
// not-found page, on every feature alike, as an id that names nothing is.
// The store's not-found, which no handler checks, is what answers 404.
func TestAnIDIsWrittenOneWay(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	adm := site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	admin := site.As(t, "adm")
	supervisor := site.As(t, "sup")

	admin.Get("/admin/import")
	uploaded := admin.PostFile("/admin/import", "2024", "list.csv", []byte("\uFEFF年度目标,项目名称,类别,计划开工\n开工,甲路新建工程,路,2024-03-01\n"))
	sitetest.WantStatus(t, "upload", uploaded, http.StatusSeeOther)
	upload := strings.TrimPrefix(uploaded.Header.Get("Location"), "/admin/import/")

	pages := []struct {
		name    string
		browser *sitetest.Browser
		path    func(id string) string
		id      string
		message string // of the not-found page
	}{
		{"project", site.NewBrowser(t), func(id string) string { return "/projects/" + id }, "1", "找不到编号为 %s 的项目。"},
		{"project's API", site.NewBrowser(t), func(id string) string { return "/api/v1/projects/" + id }, "1", ""},
		{"project's OC4IDS package", site.NewBrowser(t), func(id string) string { return "/api/v1/oc4ids/projects/" + id }, "1", ""},
		{"target's comments (console)", supervisor, func(id string) string { return "/targets/" + id + "/comments" }, "1", "找不到这个页面。"},
		{"account", admin, func(id string) string { return "/admin/users/" + id }, sitetest.ID(adm.ID), "找不到这个页面。"},
		{"listed target (lists)", admin, func(id string) string { return "/admin/targets/" + id + "/remove" }, "1", "找不到这个页面。"},
		{"import", admin, func(id string) string { return "/admin/import/" + id }, upload, "找不到这个页面。"},
	}
	for _, page := range pages {
		t.Run(page.name, func(t *testing.T) {
			sitetest.WantStatus(t, page.path(page.id), page.browser.Get(page.path(page.id)), http.StatusOK)
			for _, id := range []string{"+" + page.id, "0" + page.id, "99999"} {
				resp := page.browser.Get(page.path(id))
				sitetest.WantStatus(t, page.path(id), resp, http.StatusNotFound)
				if page.message == "" {
					if !strings.Contains(resp.Body, `"status":404`) {
						t.Errorf("%s: %s, want the API's JSON error", page.path(id), resp.Body)
					}
					continue
				}
				want := strings.Replace(page.message, "%s", id, 1)
				if got := sitetest.Text(resp.Doc.Find(`[data-testid="error-message"]`)); got != want {
					t.Errorf("%s: the page says %q, want %q", page.path(id), got, want)
				}
			}
		})
	}

	// A form sent to an address that names no comment changes nothing.
	for _, id := range []string{"+1", "01"} {
		sitetest.WantStatus(t, "answer comment "+id, admin.Post("/comments/"+id+"/answer", nil), http.StatusNotFound)
		sitetest.WantStatus(t, "unassign project "+id, admin.Post("/admin/users/"+sitetest.ID(adm.ID)+"/assignments/"+id+"/delete", nil), http.StatusNotFound)
	}
}
