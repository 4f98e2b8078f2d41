package projects

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/data"
	"shuangshi/internal/auth"
	"shuangshi/internal/locale"
	"shuangshi/internal/web"
	"shuangshi/static"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// newTestSite serves the public pages of a database seeded with dataset,
// over a real HTTP server, with the clock stopped at now.
func newTestSite(t *testing.T, dataset fs.FS, now time.Time) *httptest.Server {
	t.Helper()
	store, db := newTestDatabase(t)
	projects, err := ReadDataset(dataset)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Seed(context.Background(), "test", projects); err != nil {
		t.Fatal(err)
	}
	catalog, err := locale.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	e := web.NewServer(web.Config{
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Catalog: catalog,
		Static:  static.All(),
		Ping:    db.Ping,
	})
	NewHandler(store, auth.NewStore(db, time.Now), StatusRule{AtRiskDays: DefaultAtRiskDays}, func() time.Time { return now }, shanghai).Register(e)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

// midSeptember2023 is a day on which the 2023 targets are still pending.
var midSeptember2023 = time.Date(2023, time.September, 15, 12, 0, 0, 0, shanghai)

func get(t *testing.T, url string, wantStatus int) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != wantStatus {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: status %d, want %d\n%s", url, resp.StatusCode, wantStatus, body)
	}
	return resp
}

func getPage(t *testing.T, url string, wantStatus int) *goquery.Document {
	t.Helper()
	resp := get(t, url, wantStatus)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET %s: Content-Type %q, want HTML", url, ct)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

func TestYearPageShowsTheTwoListsOf2022(t *testing.T) {
	srv := newTestSite(t, data.Seed(), midSeptember2023)
	doc := getPage(t, srv.URL+"/years/2022", http.StatusOK)

	if got := text(doc.Find("h1")); got != "2022年区“双十”项目" {
		t.Errorf("h1 = %q", got)
	}
	if got := doc.Find(`tr[data-testid="target"]`).Length(); got != 20 {
		t.Fatalf("the page lists %d targets, want 20", got)
	}
	for _, list := range []string{"start", "complete"} {
		rows := doc.Find(`[data-testid="list-` + list + `"] tr[data-testid="target"]`)
		if rows.Length() != 10 {
			t.Errorf("the %s list has %d rows, want 10", list, rows.Length())
		}
	}
	// The badges: every target achieved except row 12, 眉州路, partial.
	doc.Find(`tr[data-testid="target"]`).Each(func(_ int, row *goquery.Selection) {
		position, _ := row.Attr("data-number")
		wantStatus, wantBadge := "achieved", "已达成"
		if position == "12" {
			wantStatus, wantBadge = "partial", "部分达成"
		}
		if got, _ := row.Attr("data-status"); got != wantStatus {
			t.Errorf("row %s: status %s, want %s", position, got, wantStatus)
		}
		if got := text(row.Find(".badge")); !strings.Contains(got, wantBadge) {
			t.Errorf("row %s: badge says %q, want the words %q", position, got, wantBadge)
		}
	})
	row12 := doc.Find(`tr[data-number="12"]`)
	if got := text(row12.Find(".targets__progress")); got != "已完成除北横通道借地范围的其它工程" {
		t.Errorf("row 12 progress = %q", got)
	}
	if got := text(doc.Find(`[data-testid="summary-start"]`)); !strings.Contains(got, "按节点开工 10/10") {
		t.Errorf("start summary = %q, want 按节点开工 10/10", got)
	}
	if got := text(doc.Find(`[data-testid="summary-complete"]`)); !strings.Contains(got, "按节点竣工 9/10") || !strings.Contains(got, "部分达成 1 项") {
		t.Errorf("completion summary = %q, want 按节点竣工 9/10 and 部分达成 1 项", got)
	}
	if got := text(doc.Find(`[data-testid="as-of"]`)); got != "数据截至 2023年1月4日" {
		t.Errorf("as-of = %q", got)
	}
	// Each name links to its project.
	href, _ := doc.Find(`tr[data-number="13"] .targets__name a`).Attr("href")
	href1, _ := doc.Find(`tr[data-number="1"] .targets__name a`).Attr("href")
	if href == "" || href != href1 {
		t.Errorf("rows 1 and 13 (顺平路) link to %q and %q, want one project page", href1, href)
	}
	getPage(t, srv.URL+href, http.StatusOK)
}

func TestNewestYearIsTheHomePage(t *testing.T) {
	srv := newTestSite(t, data.Seed(), midSeptember2023)
	doc := getPage(t, srv.URL+"/", http.StatusOK)
	if got := text(doc.Find("h1")); got != "2023年区“双十”项目" {
		t.Errorf("home h1 = %q, want the 2023 page", got)
	}
	if got := text(doc.Find(`.year-nav [aria-current="page"]`)); got != "2023年" {
		t.Errorf("current year in the nav = %q, want 2023年", got)
	}
}

func TestOverdueFollowsTheClock(t *testing.T) {
	tests := []struct {
		name        string
		now         time.Time
		wantOverdue bool
		wantStatus  string
	}{
		{"more than 30 days before the deadline", midSeptember2023, false, "on-track"},
		{"on the deadline day in Shanghai", time.Date(2023, time.December, 31, 23, 59, 0, 0, shanghai), false, "at-risk"},
		// 16:30 UTC on 31 December is already 1 January in Shanghai.
		{"the first minute after it in Shanghai", time.Date(2023, time.December, 31, 16, 30, 0, 0, time.UTC), true, "overdue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTestSite(t, data.Seed(), tc.now)
			var doc yearDocument
			if err := json.NewDecoder(get(t, srv.URL+"/api/v1/years/2023", http.StatusOK).Body).Decode(&doc); err != nil {
				t.Fatal(err)
			}
			for _, target := range doc.Targets {
				if target.Overdue != tc.wantOverdue {
					t.Fatalf("row %d overdue = %v, want %v", target.Position, target.Overdue, tc.wantOverdue)
				}
			}
			page := getPage(t, srv.URL+"/years/2023", http.StatusOK)
			if got := page.Find(`tr[data-status="` + tc.wantStatus + `"]`).Length(); got != 20 {
				t.Errorf("%d rows show %s, want all 20", got, tc.wantStatus)
			}
			// The data is as of 4 January 2023: once the deadline has passed,
			// the page says that the outcomes were not reported, not only late.
			notice := text(page.Find(`[data-testid="unreported"]`))
			if tc.wantOverdue && !strings.Contains(notice, "有 20 个目标的节点已过，但还没有报告结果") {
				t.Errorf("unreported notice = %q, want it to count 20 targets", notice)
			}
			if !tc.wantOverdue && notice != "" {
				t.Errorf("a notice %q before any deadline passed", notice)
			}
		})
	}
}

func TestYearJSONMatchesThePage(t *testing.T) {
	srv := newTestSite(t, data.Seed(), midSeptember2023)
	for _, year := range []int{2022, 2023} {
		y := strconv.Itoa(year)
		resp := get(t, srv.URL+"/api/v1/years/"+y, http.StatusOK)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("Content-Type = %q", ct)
		}
		var doc yearDocument
		if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		page := getPage(t, srv.URL+"/years/"+y, http.StatusOK)
		if doc.Year != year || len(doc.Targets) != 20 {
			t.Fatalf("JSON of %d: year %d with %d targets", year, doc.Year, len(doc.Targets))
		}
		if doc.AsOf.IsZero() {
			t.Errorf("JSON of %d has no as_of", year)
		}
		for _, target := range doc.Targets {
			row := page.Find(`tr[data-number="` + strconv.Itoa(target.Position) + `"]`)
			if row.Length() != 1 {
				t.Fatalf("%d: no row %d on the page", year, target.Position)
			}
			if got := text(row.Find(".targets__name")); got != target.Name {
				t.Errorf("%d row %d: page name %q, JSON %q", year, target.Position, got, target.Name)
			}
			if got, _ := row.Attr("data-status"); !statusAgrees(got, target.Outcome, target.Overdue) {
				t.Errorf("%d row %d: page status %s, JSON outcome %s overdue %v", year, target.Position, got, target.Outcome, target.Overdue)
			}
			if list := row.Closest(`[data-testid="list-` + string(target.List) + `"]`); list.Length() != 1 {
				t.Errorf("%d row %d is not in the %s list on the page", year, target.Position, target.List)
			}
			wantProgress := target.Progress
			if wantProgress == "" {
				wantProgress = "尚未报告"
			}
			if got := text(row.Find(".targets__progress")); got != wantProgress {
				t.Errorf("%d row %d: page progress %q, JSON %q", year, target.Position, got, target.Progress)
			}
			if target.Project.ID == 0 || string(target.Project.Category) == "" || target.Deadline.String() != y+"-12-31" {
				t.Errorf("%d row %d: incomplete JSON %+v", year, target.Position, target)
			}
		}
	}
}

// statusAgrees reports whether a badge's status fits the outcome and the
// overdue flag of the JSON.
func statusAgrees(status string, outcome Outcome, overdue bool) bool {
	switch outcome {
	case Achieved, Partial, Missed:
		return status == string(outcome)
	}
	if overdue {
		return status == string(StatusOverdue)
	}
	return status == string(StatusAtRisk) || status == string(StatusOnTrack)
}

func TestProjectPageAndJSON(t *testing.T) {
	srv := newTestSite(t, data.Seed(), midSeptember2023)
	var year yearDocument
	if err := json.NewDecoder(get(t, srv.URL+"/api/v1/years/2022", http.StatusOK).Body).Decode(&year); err != nil {
		t.Fatal(err)
	}
	haian := year.Targets[2].Project // row 3: 海安路, on the 2023 completion list too
	id := strconv.FormatInt(haian.ID, 10)

	doc := getPage(t, srv.URL+"/projects/"+id, http.StatusOK)
	if got := text(doc.Find("h1")); got != "海安路（军工路-共青路）道路综合整治工程" {
		t.Errorf("h1 = %q", got)
	}
	if got := text(doc.Find(`[data-testid="state"]`)); got != "在建" {
		t.Errorf("state = %q, want 在建 (started, not completed)", got)
	}
	if got := text(doc.Find(`[data-testid="milestone-start"] td:nth-of-type(2)`)); got != "不晚于2022年*" {
		t.Errorf("actual start = %q, want 不晚于2022年* (the report gives no day)", got)
	}
	if got := text(doc.Find(".footnote")); !strings.Contains(got, "只知道年份") {
		t.Errorf("the page does not explain the * of a year-only date: %q", got)
	}
	if got := text(doc.Find(`[data-testid="as-of"]`)); got != "数据截至 2023年1月4日" {
		t.Errorf("as-of = %q", got)
	}
	targets := doc.Find(`tr[data-testid="project-target"]`)
	if targets.Length() != 2 {
		t.Fatalf("%d targets on the page, want 2", targets.Length())
	}
	first, second := targets.Eq(0), targets.Eq(1)
	if y, _ := first.Attr("data-year"); y != "2022" || !strings.Contains(text(first), "海安路（军工路-共青路）道路整治工程") || !strings.Contains(text(first), "已开工") {
		t.Errorf("first target = %q, want 2022 with its own wording and progress", text(first))
	}
	if y, _ := second.Attr("data-year"); y != "2023" || !strings.Contains(text(second), "竣工") {
		t.Errorf("second target = %q, want the 2023 completion", text(second))
	}

	var project projectDocument
	if err := json.NewDecoder(get(t, srv.URL+"/api/v1/projects/"+id, http.StatusOK).Body).Decode(&project); err != nil {
		t.Fatal(err)
	}
	if project.Name != "海安路（军工路-共青路）道路综合整治工程" || project.State != Started ||
		project.Milestones.ActualStart.String() != "2022" || !project.Milestones.ActualCompletion.IsZero() ||
		len(project.Targets) != 2 || project.Targets[0].Name != "海安路（军工路-共青路）道路整治工程" {
		t.Errorf("project JSON = %+v", project)
	}
	raw := get(t, srv.URL+"/api/v1/projects/"+id, http.StatusOK)
	body, _ := io.ReadAll(raw.Body)
	if !bytes.Contains(body, []byte(`"actual_completion":null`)) || !bytes.Contains(body, []byte(`"actual_start":"2022"`)) {
		t.Errorf("project JSON should give a year-only date as \"2022\" and an unknown one as null: %s", body)
	}
}

func TestNamesAreEscaped(t *testing.T) {
	const attack = `<script>alert(1)</script>`
	dataset := fstest.MapFS{
		"projects.csv": {Data: []byte("key,name,category,extent,unit,description,actual_start,actual_completion\n" +
			"x," + attack + ",路,\"<b>a</b>-b\",<i>unit</i>,<img src=x onerror=alert(2)>,,\n")},
		"targets.csv": {Data: []byte("year,position,list,project,listed_name,deadline,outcome,progress,reported_on\n" +
			"2024,1,开工,x," + attack + ",,pending,\"<a href=javascript:alert(3)>x</a>\",2024-01-02\n")},
	}
	srv := newTestSite(t, dataset, midSeptember2023)
	for _, path := range []string{"/years/2024", "/projects/1"} {
		resp := get(t, srv.URL+path, http.StatusOK)
		body, _ := io.ReadAll(resp.Body)
		for _, raw := range []string{attack, "<img src=x", "<a href=javascript", "<b>a</b>", "<i>unit</i>"} {
			if bytes.Contains(body, []byte(raw)) {
				t.Errorf("%s contains %q unescaped", path, raw)
			}
		}
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(doc.Find("main").Text(), attack) {
			t.Errorf("%s does not show the name %q as text", path, attack)
		}
		if doc.Find("main script").Length() != 0 {
			t.Errorf("%s has a script element in main", path)
		}
	}
}

func TestCategoryFilter(t *testing.T) {
	srv := newTestSite(t, data.Seed(), midSeptember2023)
	for _, param := range []string{"water", "水"} {
		doc := getPage(t, srv.URL+"/years/2022?category="+param, http.StatusOK)
		rows := doc.Find(`tr[data-testid="target"]`)
		if rows.Length() != 4 {
			t.Errorf("?category=%s shows %d rows, want the 4 water rows", param, rows.Length())
		}
		rows.Each(func(_ int, row *goquery.Selection) {
			if got := text(row.Find(".targets__category")); got != "水" {
				t.Errorf("?category=%s shows a row of category %q", param, got)
			}
		})
		if got := text(doc.Find(`.filter [aria-current="page"]`)); got != "水务（4）" {
			t.Errorf("selected filter = %q, want 水务（4）", got)
		}
	}
	doc := getPage(t, srv.URL+"/years/2022", http.StatusOK)
	var options []string
	doc.Find(".filter a").Each(func(_ int, a *goquery.Selection) { options = append(options, text(a)) })
	if got, want := strings.Join(options, " "), "全部（20） 道路（13） 隧道（2） 水务（4） 电力（1）"; got != want {
		t.Errorf("filter options = %q, want %q", got, want)
	}
	bad := getPage(t, srv.URL+"/years/2022?category=%3Cscript%3E", http.StatusBadRequest)
	if got := text(bad.Find(`[data-testid="error-message"]`)); got != "没有“<script>”这个类别。" {
		t.Errorf("unknown category message = %q", got)
	}
}

func TestYearCSV(t *testing.T) {
	srv := newTestSite(t, data.Seed(), midSeptember2023)
	resp := get(t, srv.URL+"/years/2022/table.csv", http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "2022") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	body, _ := io.ReadAll(resp.Body)
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatal("the CSV does not begin with a UTF-8 byte-order mark")
	}
	records, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 21 {
		t.Fatalf("%d records, want a header and 20 rows", len(records))
	}
	if got := strings.Join(records[0][:5], ","); got != "类别,序号,项目名称,年度目标,推进情况" {
		t.Errorf("header = %q, want Table 5's columns first", got)
	}
	for i, want := range table5 {
		got := records[i+1]
		if got[0] != want.category || got[1] != strconv.Itoa(want.number) || got[2] != want.name || got[3] != want.list || got[4] != want.progress {
			t.Errorf("row %d = %q, want %v", i+1, got[:5], want)
		}
	}
}

func TestSpreadsheetTextIsNotAFormula(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "-1": "'-1", "@SUM": "'@SUM",
		"已开工": "已开工", "": "", "1-2": "1-2",
	} {
		if got := spreadsheetText(in); got != want {
			t.Errorf("spreadsheetText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBadAddressesAnswerClearly(t *testing.T) {
	srv := newTestSite(t, data.Seed(), midSeptember2023)
	tests := []struct {
		path        string
		wantStatus  int
		wantMessage string
	}{
		{"/years/1999", http.StatusNotFound, "没有 1999 年的“双十”名单。"},
		{"/years/2030/table.csv", http.StatusNotFound, "没有 2030 年的“双十”名单。"},
		{"/years/abc", http.StatusBadRequest, "“abc”不是一个年份。"},
		{"/years/20222", http.StatusBadRequest, "“20222”不是一个年份。"},
		{"/years/0202", http.StatusBadRequest, "“0202”不是一个年份。"},
		{"/projects/99999", http.StatusNotFound, "找不到编号为 99999 的项目。"},
		// What is not an id (web.ParseID) names no project, as an unknown id does.
		{"/projects/abc", http.StatusNotFound, "找不到编号为 abc 的项目。"},
		{"/projects/-1", http.StatusNotFound, "找不到编号为 -1 的项目。"},
		{"/projects/0", http.StatusNotFound, "找不到编号为 0 的项目。"},
		{"/projects/1.5", http.StatusNotFound, "找不到编号为 1.5 的项目。"},
		{"/projects/99999999999999999999999", http.StatusNotFound, "找不到编号为 99999999999999999999999 的项目。"},
		{"/projects/%E2%80%AE1", http.StatusNotFound, "找不到编号为 \u202e1 的项目。"},
		{"/projects/1/x", http.StatusNotFound, "找不到这个页面。"},
		{"/projects/+1", http.StatusNotFound, "找不到编号为 +1 的项目。"},
		{"/projects/01", http.StatusNotFound, "找不到编号为 01 的项目。"},
		{"/no/such/page", http.StatusNotFound, "找不到这个页面。"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			doc := getPage(t, srv.URL+tc.path, tc.wantStatus)
			if got := text(doc.Find(`[data-testid="error-message"]`)); got != tc.wantMessage {
				t.Errorf("message = %q, want %q", got, tc.wantMessage)
			}
			if doc.Find("header.site-header").Length() != 1 {
				t.Error("the error page is not in the site's layout")
			}
		})
	}
	for path, want := range map[string]int{
		"/api/v1/years/1999":           http.StatusNotFound,
		"/api/v1/years/x":              http.StatusBadRequest,
		"/api/v1/years/2022/table.csv": http.StatusNotFound,
		"/api/v1/projects/99999":       http.StatusNotFound,
		"/api/v1/projects/abc":         http.StatusNotFound,
		"/api/v1/no-such-address":      http.StatusNotFound,
	} {
		t.Run(path, func(t *testing.T) {
			resp := get(t, srv.URL+path, want)
			var body struct {
				Error struct {
					Status  int    `json:"status"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Error.Status != want || body.Error.Message == "" {
				t.Errorf("JSON error %+v (%v), want status %d with a message", body, err, want)
			}
		})
	}
}
