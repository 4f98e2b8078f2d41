package search_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/database/databasetest"
	"shuangshi/internal/projects"
	"shuangshi/internal/site/sitetest"
)

// find searches as b and returns the page, checking its status.
func find(t *testing.T, b *sitetest.Browser, query string) *goquery.Document {
	t.Helper()
	r := b.Get("/search?" + url.Values{"q": {query}}.Encode())
	sitetest.WantStatus(t, "search "+query, r, http.StatusOK)
	return r.Doc
}

// found is the years and names of the rows of a results page, as
// "2023 海安路（军工路-共青路）道路综合整治工程".
func found(doc *goquery.Document) []string {
	var rows []string
	doc.Find(`section[data-testid^="found-"]`).Each(func(_ int, s *goquery.Selection) {
		year := strings.TrimPrefix(s.AttrOr("data-testid", ""), "found-")
		s.Find(`tr[data-testid="target"] .targets__name`).Each(func(_ int, row *goquery.Selection) {
			rows = append(rows, year+" "+sitetest.Text(row))
		})
	})
	return rows
}

// haian is 海安路's name on the 2023 list; the 2022 list printed another.
const (
	haian     = "海安路（军工路-共青路）道路综合整治工程"
	haian2022 = "海安路（军工路-共青路）道路整治工程"
)

// TestSearchFindsAProject: a reader finds 海安路 by two characters of a
// street it runs between, by its English name and by year, as the year
// pages' rows, newest year first; what finds nothing says so; nothing a
// reader sends makes an error of the server's.
func TestSearchFindsAProject(t *testing.T) { searchFindsAProject(t) }

func searchFindsAProject(t *testing.T) {
	site := sitetest.New(t)
	reader := site.NewBrowser(t)

	tests := []struct {
		query string
		want  []string
	}{
		{"军工", []string{"2023 " + haian, "2022 " + haian2022}},
		{"jungong road", []string{"2023 " + haian, "2022 " + haian2022}},
		{"ＪＵＮＧＯＮＧ", []string{"2023 " + haian, "2022 " + haian2022}},
		{"军工 2023", []string{"2023 " + haian}},
		{"军工路-共青路", []string{"2023 " + haian, "2022 " + haian2022}},
		{"共青路 军工路 2022年", []string{"2022 " + haian2022}},
	}
	for _, tc := range tests {
		if got := found(find(t, reader, tc.query)); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q found %q, want %q", tc.query, got, tc.want)
		}
	}

	year := find(t, reader, "2022")
	if got := len(found(year)); got != 20 {
		t.Errorf("2022 found %d targets, want the year's 20", got)
	}
	if got := sitetest.Text(year.Find(`[data-testid="search-count"]`)); got != "找到 20 项目标。" {
		t.Errorf("2022: the count says %q", got)
	}
	if row := year.Find(`tr[data-testid="target"]`).First(); row.AttrOr("data-number", "") != "1" || row.Find(`a[href="/projects/1"]`).Length() != 1 {
		t.Errorf("2022's first row is not No. 1 linking its project: %q", sitetest.Text(row))
	}
	bridges := reader.Get("/search?q=2022&category=bridge")
	sitetest.WantStatus(t, "2022's bridges", bridges, http.StatusOK)
	bridges.Doc.Find(`tr[data-testid="target"] .targets__category abbr`).Each(func(_ int, s *goquery.Selection) {
		if s.Text() != "桥" {
			t.Errorf("a bridge search found a %s", s.Text())
		}
	})

	empty := find(t, reader, "  ")
	if empty.Find(`[data-testid="search-empty"]`).Length() != 1 || len(found(empty)) != 0 {
		t.Errorf("an empty search says %q", sitetest.Text(empty.Find("main")))
	}
	none := find(t, reader, "不存在的道路")
	if got := sitetest.Text(none.Find(`[data-testid="search-none"]`)); !strings.Contains(got, "不存在的道路") {
		t.Errorf("a search that finds nothing says %q", got)
	}
	long := find(t, reader, strings.Repeat("军工", 80))
	if long.Find(`[data-testid="search-cut"]`).Length() != 1 || len(long.Find(`#search-q`).AttrOr("value", "")) > 300 {
		t.Errorf("a long search was not cut")
	}
	if v := find(t, reader, "Jungong").Find(`#search-q`).AttrOr("value", ""); v != "Jungong" {
		t.Errorf("the search box keeps %q", v)
	}

	for _, hostile := range []struct {
		path string
		want int
	}{
		{"/search?q=%FF%FE%00", http.StatusOK},
		{"/search?q=%22%20OR%20*%20NEAR", http.StatusOK},
		{"/search?q=%25_%5C", http.StatusOK},
		{"/search?q=" + strings.Repeat("%E8%B7%AF", 3000), http.StatusOK},
		{"/search?q=a&page=999999", http.StatusOK},
		{"/search?q=a&page=0", http.StatusBadRequest},
		{"/search?q=a&page=x", http.StatusBadRequest},
		{"/search?q=a&category=ship", http.StatusBadRequest},
		{"/search?q=a&category=%E8%B7%AF", http.StatusOK},
		{"/projects?page=-1", http.StatusBadRequest},
		{"/projects?category=%FF", http.StatusBadRequest},
		{"/projects?page=99999", http.StatusOK},
	} {
		sitetest.WantStatus(t, hostile.path, reader.Get(hostile.path), hostile.want)
	}
}

// TestSearchKeepsDraftsFromThePublic: a project listed only on a draft
// is found by staff, marked as the draft's, and by no search or index of
// the public.
func TestSearchKeepsDraftsFromThePublic(t *testing.T) { searchKeepsDraftsFromThePublic(t) }

func searchKeepsDraftsFromThePublic(t *testing.T) {
	site := sitetest.NewEditing(t)
	ctx := t.Context()
	records := projects.NewStore(site.Site.DB, site.Clock.Now)
	p, err := records.CreateProject(ctx, projects.Project{Name: "长江大道（军工路-黄兴路）新建工程", Category: projects.Road,
		Extent: "军工路-黄兴路", NameEn: "Changjiang Avenue"}, auth.CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	if err := records.AddTargets(ctx, []projects.NewTarget{{Year: 2024, List: projects.StartList, ProjectID: p.ID}}, auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	adm, public := site.As(t, "adm"), site.NewBrowser(t)

	staff := find(t, adm, "大道")
	if got := found(staff); len(got) != 1 || got[0] != "2024 长江大道（军工路-黄兴路）新建工程" {
		t.Fatalf("staff found %q", got)
	}
	if staff.Find(`[data-testid="found-2024"] [data-testid="draft"]`).Length() != 1 {
		t.Errorf("the draft's year is not marked as a draft")
	}
	for _, q := range []string{"大道", "changjiang", "2024", "军工"} {
		if doc := find(t, public, q); strings.Contains(doc.Text(), "长江大道") {
			t.Errorf("the public's search for %q shows the draft's project", q)
		}
	}
	if body := public.Get("/projects").Body; strings.Contains(body, "长江大道") {
		t.Errorf("the public index lists a project only on a draft")
	}
	if body := adm.Get("/projects").Body; !strings.Contains(body, "长江大道") {
		t.Errorf("the staff's index leaves out the draft's project")
	}

	// Renamed, the project is found by its new name and no longer by
	// its old one: the index follows the record.
	p.Name, p.NameEn = "长江西路（军工路-黄兴路）新建工程", "Changjiang West Road"
	if err := records.UpdateProject(ctx, p, p.Version, []projects.Change{{ProjectID: p.ID, Field: "name", OldValue: "长江大道", NewValue: p.Name}}, auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	if got := found(find(t, adm, "大道")); len(got) != 0 {
		t.Errorf("the old name still finds %q", got)
	}
	if got := find(t, adm, "长江西路").Find(`tr[data-testid="target"] a[href="/projects/` + sitetest.ID(p.ID) + `"]`); got.Length() != 1 {
		t.Errorf("the new name does not find the project")
	}
}

// TestSearchShowsThePublicTheApprovedVersion: under review, the public's
// results show a project's progress as last approved; staff the newest.
func TestSearchShowsThePublicTheApprovedVersion(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	li := site.As(t, "li")
	page := li.Get("/projects/3/edit")
	form := sitetest.EditForm(t, page)
	page.Doc.Find(`.target-edit`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Find("h3").Text(), "2023") {
			form.Set("progress-"+strings.TrimPrefix(s.AttrOr("data-testid", ""), "target-"), "路面施工中，尚未审核")
		}
	})
	sitetest.WantStatus(t, "save 海安路", li.Post("/projects/3/edit", form), http.StatusSeeOther)

	if doc := find(t, site.NewBrowser(t), "海安路 2023"); strings.Contains(doc.Text(), "尚未审核") || len(found(doc)) != 1 {
		t.Errorf("the public's results show the unreviewed progress, or not the project: %q", found(doc))
	}
	if doc := find(t, li, "海安路 2023"); !strings.Contains(doc.Text(), "尚未审核") {
		t.Errorf("staff's results leave out the newest progress")
	}
}

// TestIndexOfEveryProject: the index lists every public project with its
// lists, a category at a time, each linking its page.
func TestIndexOfEveryProject(t *testing.T) { indexOfEveryProject(t) }

func indexOfEveryProject(t *testing.T) {
	site := sitetest.New(t)
	reader := site.NewBrowser(t)
	all := reader.Get("/projects")
	sitetest.WantStatus(t, "the index", all, http.StatusOK)
	rows := all.Doc.Find(`[data-testid="index-project"]`)
	if rows.Length() < 30 {
		t.Errorf("the index lists %d projects", rows.Length())
	}
	haianRow := rows.FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Find(`a[href="/projects/3"]`).Length() == 1 })
	if got := sitetest.Text(haianRow); !strings.Contains(got, haian) || !strings.Contains(got, "2022年开工") || !strings.Contains(got, "2023年竣工") {
		t.Errorf("海安路's row: %q", got)
	}
	bridges := reader.Get("/projects?category=tunnel")
	sitetest.WantStatus(t, "the tunnels", bridges, http.StatusOK)
	bridges.Doc.Find(`[data-testid="index-project"]`).Each(func(_ int, s *goquery.Selection) {
		if !strings.Contains(sitetest.Text(s), "隧道") {
			t.Errorf("a tunnel index lists %q", sitetest.Text(s))
		}
	})
	if bridges.Doc.Find(`[data-testid="index-project"]`).Length() == 0 {
		t.Errorf("the seed's tunnels are not listed")
	}
}

// TestSearchOnPostgres runs the searches on PostgreSQL, where pg_trgm
// answers them.
func TestSearchOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"finds a project":    searchFindsAProject,
		"drafts are staff's": searchKeepsDraftsFromThePublic,
		"the index":          indexOfEveryProject,
	})
}
