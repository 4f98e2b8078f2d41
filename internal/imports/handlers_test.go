package imports_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/database/databasetest"
	"shuangshi/internal/site/sitetest"
)

// table10 is Table 10 of the report, the 2023 list, read from the seed.
func table10(t *testing.T) [][]string {
	t.Helper()
	f, err := os.Open("../../data/seed/targets.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, r := range records[1:] {
		if r[0] == "2023" {
			rows = append(rows, []string{"“双十”" + r[2], r[4]})
		}
	}
	if len(rows) != 20 {
		t.Fatalf("%d rows of Table 10", len(rows))
	}
	return rows
}

func lineActions(p sitetest.Response) map[string]string {
	out := map[string]string{}
	p.Doc.Find(`[data-testid="import-line"]`).Each(func(_ int, s *goquery.Selection) {
		row, _ := s.Attr("data-row")
		action, _ := s.Attr("data-action")
		out[row] = action
	})
	return out
}

func TestImportingTable10IntoItsOwnYearChangesNothing(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	adm.Get("/admin/import")
	file := sitetest.Workbook(t, "表十 2023 年区“双十”项目", []string{"", "项目名称"}, table10(t))

	uploaded := adm.PostFile("/admin/import", "2023", "表十.xlsx", file)
	sitetest.WantStatus(t, "upload Table 10", uploaded, http.StatusSeeOther)
	preview := adm.Get(uploaded.Header.Get("Location"))
	actions := lineActions(preview)
	if len(actions) != 20 {
		t.Fatalf("%d lines in the preview, want 20", len(actions))
	}
	for row := 3; row <= 22; row++ {
		if actions[strconv.Itoa(row)] != "listed" {
			t.Errorf("row %d: %q, want listed (the seed has the 2023 list)", row, actions[strconv.Itoa(row)])
		}
	}
	sitetest.WantStatus(t, "confirm", adm.Post(uploaded.Header.Get("Location"), nil), http.StatusSeeOther)
	if got := site.NewBrowser(t).Get("/years/2023").Doc.Find(`tr[data-number]`).Length(); got != 20 {
		t.Errorf("2023 has %d targets after importing its own list, want 20", got)
	}
}

func TestImportANewYearsList(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	adm.Get("/admin/import")
	rows := [][]string{
		{"开工", "长海路（国和路-嫩江路）道路新建工程", "", "2024-06-30"},
		{"竣工", "海安路（军工路-共青路）道路整治工程", "", ""},          // 2022's name for project 3: the same project
		{"竣工", "新江湾东排水泵站控污调蓄设施工程", "水", "2024-09-30"}, // looks like 新江湾东排水泵站控污调蓄设施建设工程
	}
	file := sitetest.Workbook(t, "2024年区“双十”项目", []string{"年度目标", "项目名称", "类别", "节点"}, rows)

	uploaded := adm.PostFile("/admin/import", "2024", "2024双十.xlsx", file)
	sitetest.WantStatus(t, "upload", uploaded, http.StatusSeeOther)
	previewURL := uploaded.Header.Get("Location")
	preview := adm.Get(previewURL)
	want := map[string]string{"3": "new", "4": "existing", "5": "propose"}
	if got := lineActions(preview); len(got) != 3 || got["3"] != want["3"] || got["4"] != want["4"] || got["5"] != want["5"] {
		t.Fatalf("actions %v, want %v", got, want)
	}
	if preview.Doc.Find(`[data-testid="size-warning-start"]`).Length() != 1 {
		t.Error("no warning that the lists will not have ten projects")
	}
	if !strings.Contains(sitetest.Text(preview.Doc.Find(`[data-row="5"] [data-testid="proposal"]`)), "新江湾东排水泵站控污调蓄设施建设工程") {
		t.Errorf("the proposal: %q", sitetest.Text(preview.Doc.Find(`[data-row="5"]`)))
	}
	if adm.Get("/years/2024").StatusCode != http.StatusNotFound {
		t.Fatal("the preview changed the record")
	}

	unanswered := adm.Post(previewURL, nil)
	sitetest.WantStatus(t, "confirm without answering", unanswered, http.StatusUnprocessableEntity)
	sitetest.WantStatus(t, "confirm", adm.Post(previewURL, url.Values{"match-5": {"yes"}}), http.StatusSeeOther)

	// An import makes a draft: staff read it, the public does not.
	sitetest.WantStatus(t, "the 2024 draft, to the public", site.NewBrowser(t).Get("/years/2024"), http.StatusNotFound)
	public := adm.Get("/years/2024")
	sitetest.WantStatus(t, "the 2024 page", public, http.StatusOK)
	listed := public.Doc.Find(`tr[data-number]`)
	if listed.Length() != 3 {
		t.Fatalf("2024 has %d targets, want 3", listed.Length())
	}
	if !strings.Contains(sitetest.Text(listed.Eq(0)), "2024年6月30日") {
		t.Errorf("the node date was not imported: %q", sitetest.Text(listed.Eq(0)))
	}
	// The matched project keeps its identity, under this year's name.
	haian := adm.Get("/projects/3")
	if !strings.Contains(sitetest.Text(haian.Doc.Find("main")), "2024") {
		t.Error("海安路's page does not show its 2024 target to staff")
	}
	if strings.Contains(sitetest.Text(site.NewBrowser(t).Get("/projects/3").Doc.Find("main")), "2024") {
		t.Error("海安路's public page shows its target on the 2024 draft")
	}
	projects := adm.Get("/admin/projects")
	if n := projects.Doc.Find(`[data-testid="project-row"]`).Length(); n != 35 {
		t.Errorf("%d projects after the import, want the 34 seeded and one new", n)
	}

	// The same file again changes nothing, and the first upload cannot be
	// confirmed twice.
	adm.Get("/admin/import")
	again := adm.PostFile("/admin/import", "2024", "2024双十.xlsx", file)
	sitetest.WantStatus(t, "upload again", again, http.StatusSeeOther)
	for row, action := range lineActions(adm.Get(again.Header.Get("Location"))) {
		if action != "listed" {
			t.Errorf("second upload, row %s: %s, want listed", row, action)
		}
	}
	sitetest.WantStatus(t, "confirm the second upload", adm.Post(again.Header.Get("Location"), nil), http.StatusSeeOther)
	adm.Get(previewURL)
	sitetest.WantStatus(t, "confirm the first upload again", adm.Post(previewURL, url.Values{"match-5": {"yes"}}), http.StatusConflict)
	if got := adm.Get("/years/2024").Doc.Find(`tr[data-number]`).Length(); got != 3 {
		t.Errorf("2024 has %d targets after importing twice, want 3", got)
	}
}

func TestImportShowsEveryProblemWithItsRow(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	adm.Get("/admin/import")
	csvFile := "\uFEFF年度目标,项目名称,类别,计划开工\n" +
		"开工,甲路新建工程,路,2024-03-01\n" +
		"开工,,路,\n" + // row 3: no name
		"竣工,乙河整治工程,河,\n" + // row 4: unknown category
		"开工,甲路新建工程,路,\n" + // row 5: the same as row 2
		"竣工,丙站工程,电,2024-13-45\n" // row 6: a bad date
	uploaded := adm.PostFile("/admin/import", "2024", "list.csv", []byte(csvFile))
	sitetest.WantStatus(t, "upload", uploaded, http.StatusSeeOther)
	preview := adm.Get(uploaded.Header.Get("Location"))
	for row, want := range map[string]string{"3": "项目名称", "4": "河", "5": "第 2 行", "6": "2024-13-45"} {
		line := preview.Doc.Find(`[data-row="` + row + `"]`)
		if action, _ := line.Attr("data-action"); action != "error" || !strings.Contains(sitetest.Text(line.Find(`[data-testid="problems"]`)), want) {
			t.Errorf("row %s: %s %q, want an error naming %q", row, action, sitetest.Text(line.Find(`[data-testid="problems"]`)), want)
		}
	}
	if preview.Doc.Find(`[data-testid="confirm"]`).Length() != 0 {
		t.Error("a file with problems can be confirmed")
	}
	sitetest.WantStatus(t, "confirm anyway", adm.Post(uploaded.Header.Get("Location"), nil), http.StatusUnprocessableEntity)
	if adm.Get("/years/2024").StatusCode != http.StatusNotFound {
		t.Error("a refused import changed the record")
	}

	for _, bad := range []struct {
		name, filename string
		content        []byte
		says           string
	}{
		{"not a spreadsheet", "photo.xlsx", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ".xlsx"},
		{"empty", "empty.csv", nil, "没有项目行"},
		{"too large", "huge.csv", bytes.Repeat([]byte("开工,某路\n"), 5<<20/12), "MB"},
		{"no header", "notes.csv", []byte("说明,备注\n一,二\n"), "表头"},
	} {
		adm.Get("/admin/import")
		resp := adm.PostFile("/admin/import", "2024", bad.filename, bad.content)
		sitetest.WantStatus(t, bad.name, resp, http.StatusUnprocessableEntity)
		if got := sitetest.Text(resp.Doc.Find("#file-error")); !strings.Contains(got, bad.says) {
			t.Errorf("%s: the message by the file says %q", bad.name, got)
		}
		if v, _ := resp.Doc.Find("#year").Attr("value"); v != "2024" {
			t.Errorf("%s: the year was lost: %q", bad.name, v)
		}
	}
	adm.Get("/admin/import")
	noFile := adm.PostFile("/admin/import", "20x4", "", nil)
	sitetest.WantStatus(t, "no file and a bad year", noFile, http.StatusUnprocessableEntity)
	if sitetest.Text(noFile.Doc.Find("#year-error")) == "" || sitetest.Text(noFile.Doc.Find("#file-error")) == "" {
		t.Error("no message by the year or the file")
	}
}

// A new project on both lists of the year is two rows and one project.
func TestImportANewProjectOnBothLists(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	adm.Get("/admin/import")
	file := "年度目标,项目名称\n开工,甲路新建工程\n竣工,甲路新建工程\n"
	uploaded := adm.PostFile("/admin/import", "2030", "both.csv", []byte(file))
	sitetest.WantStatus(t, "upload", uploaded, http.StatusSeeOther)
	sitetest.WantStatus(t, "confirm", adm.Post(uploaded.Header.Get("Location"), nil), http.StatusSeeOther)

	rows := adm.Get("/years/2030").Doc.Find(`tr[data-number]`)
	if rows.Length() != 2 {
		t.Fatalf("2030 has %d targets, want 2", rows.Length())
	}
	var links []string
	rows.Find(`a[href^="/projects/"]`).Each(func(_ int, a *goquery.Selection) { links = append(links, a.AttrOr("href", "")) })
	if len(links) != 2 || links[0] != links[1] {
		t.Errorf("the two rows link to %v, want one project", links)
	}
}

// TestImportOnPostgres runs the imports that write the most again on
// PostgreSQL.
func TestImportOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"ImportANewYearsList":          TestImportANewYearsList,
		"ImportANewProjectOnBothLists": TestImportANewProjectOnBothLists,
	})
}
