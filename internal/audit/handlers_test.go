package audit_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
	"shuangshi/internal/workbook"
)

// readCSV reads an export back as a spreadsheet program would, after
// checking that it says how many rows it holds and that they are there.
func readCSV(t *testing.T, r sitetest.Response) [][]string {
	t.Helper()
	sitetest.WantStatus(t, "the export", r, http.StatusOK)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("Content-Type %q, Content-Disposition %q", r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	body, ok := strings.CutPrefix(r.Body, "\uFEFF")
	if !ok {
		t.Error("no byte-order mark: Excel would not read the file as UTF-8")
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	if n, err := strconv.Atoi(r.Header.Get("X-Row-Count")); err != nil || n != len(records)-1 {
		t.Errorf("X-Row-Count %q, and %d rows below the headings", r.Header.Get("X-Row-Count"), len(records)-1)
	}
	return records
}

func column(records [][]string, heading string) int {
	for i, h := range records[0] {
		if h == heading {
			return i
		}
	}
	return -1
}

func TestHistoryExportsForAuditors(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li := site.As(t, "li")
	form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
	form.Set("progress-5", "路面施工已完成百分之六十")
	form.Set("internal_note", "内部备注不对外")
	sitetest.WantStatus(t, "edit", li.Post("/projects/3/edit", form), http.StatusSeeOther)

	// The public edition: anyone's, from any origin, without internal
	// fields or names.
	anyone := site.NewBrowser(t)
	anyone.Header.Set("Origin", "https://dashboard.example.org")
	public := anyone.Get("/history.csv")
	if public.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("the public edition is not open data: Access-Control-Allow-Origin %q", public.Header.Get("Access-Control-Allow-Origin"))
	}
	records := readCSV(t, public)
	if got := strings.Join(records[0], ","); got != "时间（北京时间）,项目编号,项目名称,年度,目标,更改内容,原值,新值" {
		t.Errorf("public headings %s", got)
	}
	if !strings.Contains(public.Body, "路面施工已完成百分之六十") {
		t.Error("the public edition lacks the progress change")
	}
	if strings.Contains(public.Body, "内部备注不对外") || strings.Contains(public.Body, ",li,") || strings.Contains(public.Body, "内部备注") {
		t.Errorf("the public edition tells an internal field or a name:\n%s", public.Body)
	}

	// Kept by caches until the record changes.
	etag := public.Header.Get("ETag")
	again, err := http.NewRequest(http.MethodGet, site.URL+"/history.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	again.Header.Set("If-None-Match", etag)
	if r := anyone.Do(again); !strings.HasPrefix(etag, `W/"`) || r.StatusCode != http.StatusNotModified {
		t.Errorf("asked again with If-None-Match %s: %d, want 304", etag, r.StatusCode)
	}

	// A year's: its targets' changes, and its projects' own.
	year := readCSV(t, anyone.Get("/years/2023/history.csv"))
	for _, r := range year[1:] {
		if y := r[column(year, "年度")]; y != "" && y != "2023" {
			t.Errorf("the 2023 record holds a change of %s: %q", y, r)
		}
	}
	if len(year) < 2 || len(year) > len(records) {
		t.Errorf("the 2023 record has %d rows, all of it %d", len(year)-1, len(records)-1)
	}
	sitetest.WantStatus(t, "a year without a list", anyone.Get("/years/2019/history.csv"), http.StatusNotFound)

	// The staff edition: for supervisors and administrators only.
	for _, who := range []*sitetest.Browser{site.NewBrowser(t), li} {
		if r := who.Get("/audit/history.csv"); r.StatusCode == http.StatusOK || strings.Contains(r.Body, "内部备注不对外") {
			t.Errorf("the staff edition answered %d to someone who does not supervise", r.StatusCode)
		}
	}
	sup := site.As(t, "sup")
	staff := readCSV(t, sup.Get("/audit/history.csv"))
	if len(staff[0]) != 11 || staff[0][8] != "修改人" || staff[0][10] != "对外公开" {
		t.Errorf("staff headings %q", staff[0])
	}
	found := false
	for _, r := range staff[1:] {
		if r[column(staff, "新值")] == "内部备注不对外" {
			found = r[column(staff, "修改人")] == "li" && r[column(staff, "对外公开")] == "否"
		}
	}
	if !found || len(staff) <= len(records) {
		t.Errorf("the staff edition (%d rows, public %d) lacks the internal note with its author", len(staff)-1, len(records)-1)
	}

	// The XLSX, read back: its title says the count, its dimension covers
	// the data, each row has a height, the time is a time.
	x := sup.Get("/audit/years/2023/history.xlsx?lang=en")
	sitetest.WantStatus(t, "the staff XLSX", x, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(x.Header.Get("X-Row-Count"))
	if sheet != "Changes" || len(rows) != n+2 || !strings.Contains(rows[0][0], "rows: "+strconv.Itoa(n)) || rows[1][0] != "Time (China Standard Time)" {
		t.Fatalf("sheet %q with %d rows for X-Row-Count %d; title %q; headings %q", sheet, len(rows), n, rows[0][0], rows[1])
	}
	if dim, _ := f.GetSheetDimension(sheet); dim != "A1:K"+strconv.Itoa(n+2) {
		t.Errorf("dimension %q, want A1:K%d", dim, n+2)
	}
	for r := 3; r <= n+2; r++ {
		if h, _ := f.GetRowHeight(sheet, r); h < 15 {
			t.Errorf("row %d is %v points high", r, h)
		}
	}
	if style, _ := f.GetCellStyle(sheet, "A3"); style == 0 {
		t.Error("the time has no format")
	} else if s, _ := f.GetStyle(style); s.CustomNumFmt == nil || *s.CustomNumFmt != workbook.TimeFormat {
		t.Errorf("the time's format is %+v", s)
	}
	if a3, _ := f.GetCellValue(sheet, "A3"); !strings.HasPrefix(a3, "2023-") && !strings.HasPrefix(a3, "2022-") {
		t.Errorf("A3 reads %q, want a time", a3)
	}

	// The page says what each export holds, as the exports do.
	page := sup.Get("/audit")
	sitetest.WantStatus(t, "the auditors' page", page, http.StatusOK)
	first := page.Doc.Find(`[data-testid="audit-scope"]`).First()
	if rows, _ := first.Find(`[data-testid="audit-public"] [data-rows]`).Attr("data-rows"); rows != strconv.Itoa(len(records)-1) {
		t.Errorf("the page says the public edition holds %s rows; it holds %d", rows, len(records)-1)
	}
	if rows, _ := first.Find(`[data-testid="audit-staff"] [data-rows]`).Attr("data-rows"); rows != strconv.Itoa(len(staff)-1) {
		t.Errorf("the page says the staff edition holds %s rows; it holds %d", rows, len(staff)-1)
	}
	if page.Doc.Find(`[data-testid="audit-security-log"]`).Length() != 0 {
		t.Error("a supervisor is offered the security log")
	}
	// A change of the record is a new edition.
	form = sitetest.EditForm(t, li.Get("/projects/3/edit"))
	form.Set("progress-5", "路面施工已完成百分之八十")
	sitetest.WantStatus(t, "edit", li.Post("/projects/3/edit", form), http.StatusSeeOther)
	if r := anyone.Do(again); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "路面施工已完成百分之八十") {
		t.Errorf("after a change, with the old validator: %d", r.StatusCode)
	}
	// The year-end table links the year's public record.
	if href, _ := anyone.Get("/years/2023/report").Doc.Find(`[data-testid="history-csv"]`).Attr("href"); href != "/years/2023/history.csv" {
		t.Errorf("the year-end table links the record at %q", href)
	}
}

func TestSecurityLogAsCSVForAdministrators(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	if r := site.As(t, "sup").Get("/admin/events.csv"); r.StatusCode == http.StatusOK {
		t.Fatal("a supervisor reads the security log")
	}
	adm := site.As(t, "adm")
	records := readCSV(t, adm.Get("/admin/events.csv"))
	if len(records) < 3 || column(records, "操作人") < 0 || column(records, "次数") < 0 {
		t.Fatalf("the security log's CSV: %q", records)
	}
	signIns := 0
	for _, r := range records[1:] {
		if r[column(records, "事件")] == "登录" {
			signIns++
		}
	}
	if signIns < 2 {
		t.Errorf("%d sign-ins in the log's CSV, want sup's and adm's at least:\n%q", signIns, records)
	}
	// The filter of the page, in the file.
	mine := readCSV(t, adm.Get("/admin/events.csv?who=sup"))
	if len(mine) < 2 || len(mine) >= len(records) {
		t.Errorf("filtered by sup: %d rows of %d", len(mine)-1, len(records)-1)
	}
	page := adm.Get("/admin/events")
	if href, _ := page.Doc.Find(`[data-testid="events-csv"]`).Attr("href"); href != "/admin/events.csv" {
		t.Errorf("the log's page links its CSV at %q", href)
	}
	if adm.Get("/audit").Doc.Find(`[data-testid="audit-security-log"] [data-rows]`).Length() != 1 {
		t.Error("an administrator's auditors' page has no security log")
	}
}

// A long history is written as it is read: the answer goes out in chunks,
// with no length known before the end, and holds every row it counted.
func TestLongHistoriesStream(t *testing.T) {
	site := sitetest.NewEditing(t)
	const changes = 30_000
	err := site.Site.DB.Write.Exec(`INSERT INTO changes (project_id, target_id, at, user_name, field, old_value, new_value, public)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		SELECT 3, 5, ?, 'li', 'progress', '', 'step ' || i, true FROM n`, changes, site.Clock.Now()).Error
	if err != nil {
		t.Fatal(err)
	}
	r := site.NewBrowser(t).Get("/years/2023/history.csv")
	records := readCSV(t, r)
	if len(records)-1 != changes || r.ContentLength != -1 {
		t.Errorf("%d rows of %d, Content-Length %d: want every row, streamed", len(records)-1, changes, r.ContentLength)
	}
	x := site.NewBrowser(t).Get("/years/2023/history.xlsx")
	f, err := excelize.OpenReader(strings.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if n != changes+2 || x.Header.Get("X-Row-Count") != strconv.Itoa(changes) {
		t.Errorf("the XLSX holds %d rows under its title and headings, and says %s; want %d", n-2, x.Header.Get("X-Row-Count"), changes)
	}
}
