package oc4ids

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"shuangshi/data"
	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/database"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
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

// midSeptember2023 is a day on which the 2023 targets are still pending.
var midSeptember2023 = time.Date(2023, time.September, 15, 12, 0, 0, 0, shanghai)

func day(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

func testPublication() Publication {
	return DefaultPublication("https://shuangshi.example.gov.cn", shanghai)
}

// seedProjects reads the real seed dataset, each project with its targets.
func seedProjects(t *testing.T) []projects.Project {
	t.Helper()
	ps, err := projects.ReadDataset(data.Seed())
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestTypeOfEverySeedName pins the type of every project in the seed, so
// that a new word or a new project is a decision, not an accident.
func TestTypeOfEverySeedName(t *testing.T) {
	want := map[string]Type{
		"顺平路（爱国路-白洋淀小区）新建工程":        TypeConstruction,
		"通北路（周家嘴路-唐山路）改建工程":         TypeExpansion,
		"海安路（军工路-共青路）道路综合整治工程":      TypeRehabilitation,
		"规划双阳路（龙口路—平凉路）道路新建工程":      TypeConstruction,
		"通北路(平凉路—惠民路)道路新建工程":        TypeConstruction,
		"安浦路（双阳南路-平定路）道路新建工程":       TypeConstruction,
		"淞沪路（政通路-环岛）道路综合整治工程":       TypeRehabilitation,
		"政治路黑山路道路新建工程":              TypeConstruction,
		"绥芬河路（国江路—政涟路）道路新建工程":       TypeConstruction,
		"河间路（眉州路—兰州路桥）道路改建工程":       TypeExpansion,
		"路网一期（丹东路）":                 TypeConstruction,
		"眉州路（周家嘴路—九潭路）道路新建工程":       TypeConstruction,
		"杨浦滨江下穿渭南南路通道工程":            TypeConstruction,
		"隆昌路越江隧道":                   TypeConstruction,
		"新江湾东排水泵站控污调蓄设施建设工程":        TypeConstruction,
		"东走马塘（黄兴路—政本路）南侧防汛墙堤防加固维修":  TypeRehabilitation,
		"杨浦滨江平定路综合排水工程":             TypeConstruction,
		"昆明路 110 千伏变电站":             TypeConstruction,
		"轨道交通 20 号线一期工程":            TypeConstruction,
		"渭南路（平凉路-杨树浦路）道路拓宽改建工程":     TypeExpansion,
		"福宁路（齐齐哈尔路-广州路桥）道路新建工程":     TypeConstruction,
		"129、130 地块市政配套工程":          TypeConstruction,
		"85 街坊配套道路工程":               TypeConstruction,
		"黄兴路下立交修缮提标工程":              TypeRehabilitation,
		"虬江（翔殷路-国顺东路）防汛墙维修工程":       TypeRehabilitation,
		"东走马塘（四平路-黄兴路）北侧防汛墙维修工程":    TypeRehabilitation,
		"上海市区海州（土建）110kv 输变电工程":     TypeConstruction,
		"公五二标电力设施配套工程":              TypeConstruction,
		"宁国路（长阳路-杨树浦路）综合提升整治工程":     TypeRehabilitation,
		"黄兴路（环岛-中山北二路）道路综合整治工程":     TypeRehabilitation,
		"打虎山路（飞虹路-辽源西路）道路新建工程":      TypeConstruction,
		"黄浦江（杨浦区）堤防专项维修工程（友谊物流段）":   TypeRehabilitation,
		"黄浦江（杨浦区）堤防专项维修工程（国际时尚中心段）": TypeRehabilitation,
		"爱国路 110KV 变电站工程":           TypeConstruction,
		"四平路（新建路-大连路）道路维修工程":        TypeRehabilitation, // not in the seed: 新建路 is a street
		"(新建路—海拉尔路)道路拓宽工程":          TypeExpansion,      // not in the seed: half-width brackets
	}
	seen := 0
	for _, p := range seedProjects(t) {
		w, ok := want[p.Name]
		if !ok {
			t.Errorf("the seed's %q has no expected type here", p.Name)
			continue
		}
		seen++
		if got := TypeOf(p.Name); got != w {
			t.Errorf("TypeOf(%q) = %s, want %s", p.Name, got, w)
		}
	}
	if seen != 34 {
		t.Errorf("checked %d seed names, want all 34", seen)
	}
	for _, name := range []string{"四平路（新建路-大连路）道路维修工程", "(新建路—海拉尔路)道路拓宽工程"} {
		if got := TypeOf(name); got != want[name] {
			t.Errorf("TypeOf(%q) = %s, want %s", name, got, want[name])
		}
	}
}

func TestSectorsOf(t *testing.T) {
	for _, tc := range []struct {
		name     string
		category projects.Category
		want     []Sector
	}{
		{"顺平路（爱国路-白洋淀小区）新建工程", projects.Road, []Sector{"transport", "transport.road"}},
		{"福宁路（齐齐哈尔路-广州路桥）道路新建工程", projects.Road, []Sector{"transport", "transport.road"}},
		{"某某桥改建工程", projects.Bridge, []Sector{"transport", "transport.road"}},
		{"隆昌路越江隧道", projects.Tunnel, []Sector{"transport", "transport.road"}},
		{"轨道交通 20 号线一期工程", projects.Rail, []Sector{"transport", "transport.rail"}},
		{"昆明路 110 千伏变电站", projects.Power, []Sector{"energy"}},
		{"虬江（翔殷路-国顺东路）防汛墙维修工程", projects.Water, []Sector{"naturalResources", "naturalResources.floodProtection"}},
		{"黄浦江（杨浦区）堤防专项维修工程（友谊物流段）", projects.Water, []Sector{"naturalResources", "naturalResources.floodProtection"}},
		{"新江湾东排水泵站控污调蓄设施建设工程", projects.Water, []Sector{"waterAndWaste"}},
		{"杨浦滨江平定路综合排水工程", projects.Water, []Sector{"waterAndWaste"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SectorsOf(tc.category, tc.name); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestStatusOf(t *testing.T) {
	target := func(list projects.List, o projects.Outcome) projects.Target {
		return projects.Target{Year: 2023, List: list, Outcome: o, Deadline: civil.LastDayOfYear(2023)}
	}
	for _, tc := range []struct {
		name    string
		m       projects.Milestones
		targets []projects.Target
		want    Status
	}{
		{"nothing started", projects.Milestones{PlannedStart: day(2023, 6, 1)},
			[]projects.Target{target(projects.StartList, projects.Pending)}, StatusPreparation},
		{"a start target missed, nothing started", projects.Milestones{},
			[]projects.Target{target(projects.StartList, projects.Missed)}, StatusPreparation},
		{"started in a year", projects.Milestones{ActualStart: civil.YearOnly(2022)},
			[]projects.Target{target(projects.CompleteList, projects.Pending)}, StatusImplementation},
		{"started on a day", projects.Milestones{ActualStart: day(2023, 3, 1)}, nil, StatusImplementation},
		{"completed", projects.Milestones{ActualStart: civil.YearOnly(2022), ActualCompletion: civil.YearOnly(2022)},
			[]projects.Target{target(projects.CompleteList, projects.Achieved)}, StatusCompletion},
		{"partly completed, as 眉州路", projects.Milestones{ActualStart: civil.YearOnly(2022)},
			[]projects.Target{target(projects.CompleteList, projects.Partial)}, StatusImplementation},
		{"start achieved by hand without a date", projects.Milestones{},
			[]projects.Target{target(projects.StartList, projects.Achieved)}, StatusImplementation},
		{"completion achieved by hand without a date", projects.Milestones{},
			[]projects.Target{target(projects.StartList, projects.Achieved), target(projects.CompleteList, projects.Achieved)}, StatusCompletion},
		{"completion achieved before a start target is listed", projects.Milestones{ActualStart: day(2023, 1, 5)},
			[]projects.Target{target(projects.CompleteList, projects.Achieved), target(projects.StartList, projects.Achieved)}, StatusCompletion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := projects.Project{Milestones: tc.m, Targets: tc.targets}
			if got := StatusOf(p); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestMilestoneStatusOf(t *testing.T) {
	for o, want := range map[projects.Outcome]MilestoneStatus{
		projects.Pending: "scheduled", projects.Achieved: "met", projects.Partial: "partiallyMet", projects.Missed: "notMet",
	} {
		if got := MilestoneStatusOf(o); got != want {
			t.Errorf("MilestoneStatusOf(%s) = %s, want %s", o, got, want)
		}
	}
}

// TestDates checks that a date known to the day becomes that day in the
// district's time, and that a date known only to its year never becomes a
// day: it is left out of the date fields and said in words.
func TestDates(t *testing.T) {
	updated := time.Date(2023, 1, 4, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name           string
		m              projects.Milestones
		want           Period
		wantCompletion *Completion
		wantDateMet    string
		wantWords      string // in the completion milestone's description
	}{
		{
			name: "known to the day",
			m: projects.Milestones{
				PlannedStart: day(2022, 3, 1), PlannedCompletion: day(2022, 11, 30),
				ActualStart: day(2022, 3, 15), ActualCompletion: day(2022, 12, 20),
			},
			want:           Period{StartDate: "2022-03-01T00:00:00+08:00", EndDate: "2022-11-30T23:59:59+08:00"},
			wantCompletion: &Completion{EndDate: "2022-12-20T00:00:00+08:00"},
			wantDateMet:    "2022-12-20T00:00:00+08:00",
		},
		{
			name: "known only to the year",
			m: projects.Milestones{
				PlannedStart: civil.YearOnly(2021), PlannedCompletion: civil.YearOnly(2022),
				ActualStart: civil.YearOnly(2022), ActualCompletion: civil.YearOnly(2022),
			},
			wantCompletion: &Completion{EndDateDetails: "2022年竣工，具体日期未记录。"},
			wantWords:      "2022年竣工，具体日期未记录。",
		},
		{
			name:           "a year-only start, a planned completion to the day",
			m:              projects.Milestones{PlannedStart: civil.YearOnly(2022), PlannedCompletion: day(2023, 6, 30), ActualStart: civil.YearOnly(2022)},
			want:           Period{EndDate: "2023-06-30T23:59:59+08:00"},
			wantCompletion: nil,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := projects.Project{
				ID: 7, Name: "眉州路（周家嘴路—九潭路）道路新建工程", Category: projects.Road, Milestones: tc.m, UpdatedAt: updated,
				Targets: []projects.Target{{
					Year: 2022, List: projects.CompleteList, ListedName: "眉州路（周家嘴路—九潭路）道路新建工程",
					Deadline: civil.LastDayOfYear(2022), Outcome: projects.DeriveOutcome(projects.Target{List: projects.CompleteList, Deadline: civil.LastDayOfYear(2022)}, tc.m),
					UpdatedAt: updated,
				}},
			}
			got := ProjectOf(p, testPublication())
			var period Period
			if got.Period != nil {
				period = *got.Period
			}
			if period != tc.want {
				t.Errorf("period = %+v, want %+v", period, tc.want)
			}
			if !reflect.DeepEqual(got.Completion, tc.wantCompletion) {
				t.Errorf("completion = %+v, want %+v", got.Completion, tc.wantCompletion)
			}
			m := got.Milestones[0]
			if m.DueDate != "2022-12-31T23:59:59+08:00" {
				t.Errorf("dueDate = %q, want the deadline's last second", m.DueDate)
			}
			if m.DateMet != tc.wantDateMet {
				t.Errorf("dateMet = %q, want %q", m.DateMet, tc.wantDateMet)
			}
			if !strings.Contains(m.Description, tc.wantWords) {
				t.Errorf("description = %q, want it to say %q", m.Description, tc.wantWords)
			}
			body, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			// A year alone must not turn into its first or last day.
			for _, invented := range []string{"2021-01-01", "2021-12-31", "2022-01-01", "2022-12-31T00"} {
				if strings.Contains(string(body), invented) {
					t.Errorf("the project says %s, a day the record does not know:\n%s", invented, body)
				}
			}
		})
	}
}

// TestMilestones checks that a target keeps its list, year, deadline,
// outcome and progress, and the name the year's table gave it.
func TestMilestones(t *testing.T) {
	updated := time.Date(2023, 1, 4, 0, 0, 0, 0, time.UTC)
	p := projects.Project{
		ID: 16, Name: "新江湾东排水泵站控污调蓄设施建设工程", Category: projects.Water,
		Milestones: projects.Milestones{ActualStart: civil.YearOnly(2022)},
		Targets: []projects.Target{
			{Year: 2022, List: projects.StartList, ListedName: "排水泵站控污调蓄设施建设工程", Deadline: civil.LastDayOfYear(2022),
				Outcome: projects.Achieved, Progress: "新江湾城东调蓄池工程已开工", UpdatedAt: updated},
			{Year: 2023, List: projects.CompleteList, ListedName: "新江湾东排水泵站控污调蓄设施建设工程", Deadline: day(2023, 9, 30),
				Outcome: projects.Pending, UpdatedAt: updated},
		},
	}
	got := ProjectOf(p, testPublication()).Milestones
	want := []Milestone{
		{
			ID: "2022-start", Title: "2022年“双十”开工目标", Type: "delivery",
			Description: "当年名单所列名称：排水泵站控污调蓄设施建设工程\n推进情况：新江湾城东调蓄池工程已开工\n2022年开工，具体日期未记录。",
			DueDate:     "2022-12-31T23:59:59+08:00", DateModified: "2023-01-04T08:00:00+08:00", Status: MilestoneMet,
		},
		{
			ID: "2023-complete", Title: "2023年“双十”竣工目标", Type: "delivery",
			DueDate: "2023-09-30T23:59:59+08:00", DateModified: "2023-01-04T08:00:00+08:00", Status: MilestoneScheduled,
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestProjectOfPublishesOnlyPublicData(t *testing.T) {
	percent := 80
	p := projects.Project{
		ID: 3, Name: "渭南路（平凉路-杨树浦路）道路拓宽改建工程", Category: projects.Road, Extent: "平凉路-杨树浦路",
		Unit: "区建设管理委员会", Description: "道路拓宽。", PercentComplete: &percent,
		DelayReason: "征收未完成，延误三个月", InternalNote: "内部备注：勿外传",
		UpdatedAt: time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC),
		Targets: []projects.Target{{
			Year: 2023, List: projects.StartList, ListedName: "渭南路（平凉路-杨树浦路）道路拓宽改建工程",
			Deadline: civil.LastDayOfYear(2023), Outcome: projects.Missed, OutcomeByHand: true,
		}},
	}
	pub := testPublication()
	pub.Prefix = "oc4ids-qu8r7p"
	got := ProjectOf(p, pub)

	if got.ID != "oc4ids-qu8r7p-3" {
		t.Errorf("id = %q, want the prefix, a hyphen and the project number", got.ID)
	}
	if got.Title != p.Name || got.Language != "zh" || got.Description != "道路拓宽。" {
		t.Errorf("title, language, description = %q, %q, %q", got.Title, got.Language, got.Description)
	}
	if got.Type != TypeExpansion || got.Status != StatusPreparation {
		t.Errorf("type, status = %s, %s; want expansion, preparation", got.Type, got.Status)
	}
	wantParty := []Organization{{ID: "1", Name: "区建设管理委员会", Roles: []string{"publicAuthority"}}}
	if !reflect.DeepEqual(got.Parties, wantParty) || got.PublicAuthority == nil || *got.PublicAuthority != (OrganizationReference{ID: "1", Name: "区建设管理委员会"}) {
		t.Errorf("parties = %+v, publicAuthority = %+v", got.Parties, got.PublicAuthority)
	}
	if len(got.Locations) != 1 || got.Locations[0].Description != "平凉路-杨树浦路" {
		t.Errorf("locations = %+v", got.Locations)
	}
	if len(got.Documents) != 1 || got.Documents[0].URL != "https://shuangshi.example.gov.cn/projects/3" {
		t.Errorf("documents = %+v, want the project's page", got.Documents)
	}
	wantMetric := []Metric{{ID: "physicalProgress", Title: "形象进度", Observations: []Observation{{
		ID: "1", Period: &Period{StartDate: "2023-05-06T15:08:09+08:00", EndDate: "2023-05-06T15:08:09+08:00"},
		Measure: "80", Unit: &Unit{Name: "percent", Scheme: "UNCEFACT", ID: "P1"},
	}}}}
	if !reflect.DeepEqual(got.Metrics, wantMetric) {
		t.Errorf("metrics = %+v, want %+v", got.Metrics, wantMetric)
	}
	if got.Milestones[0].Status != MilestoneNotMet {
		t.Errorf("a missed target is %s, want notMet", got.Milestones[0].Status)
	}

	body, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"征收未完成", "勿外传", "ByHand", "byHand", "delay", "internal"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("the open data contains %q:\n%s", secret, body)
		}
	}
}

func TestPackageOfPublishesEachProjectOnce(t *testing.T) {
	a := projects.Project{ID: 1, Name: "顺平路（爱国路-白洋淀小区）新建工程", Category: projects.Road, UpdatedAt: time.Date(2023, 1, 4, 0, 0, 0, 0, time.UTC)}
	b := projects.Project{ID: 2, Name: "隆昌路越江隧道", Category: projects.Tunnel, UpdatedAt: time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)}
	pub := testPublication()
	pub.License = "https://creativecommons.org/licenses/by/4.0/"
	got := PackageOf("https://shuangshi.example.gov.cn/api/v1/oc4ids/years/2022", []projects.Project{a, b, a}, pub, midSeptember2023)

	if len(got.Projects) != 2 || got.Projects[0].ID != "oc4ids-shuangshi-1" || got.Projects[1].ID != "oc4ids-shuangshi-2" {
		t.Fatalf("projects = %+v, want 1 and 2 once each", got.Projects)
	}
	if got.Version != "0.9" || got.Publisher.Name != DefaultPublisher || got.License != pub.License {
		t.Errorf("version, publisher, license = %q, %q, %q", got.Version, got.Publisher.Name, got.License)
	}
	if got.PublishedDate != "2023-02-01T08:00:00+08:00" {
		t.Errorf("publishedDate = %q, want the last change", got.PublishedDate)
	}
	if empty := PackageOf("u", nil, pub, midSeptember2023); empty.PublishedDate != "2023-09-15T12:00:00+08:00" || empty.Projects == nil {
		t.Errorf("an empty package: publishedDate %q, projects %v", empty.PublishedDate, empty.Projects)
	}
}

// newTestSite serves the open data of a database seeded with the real seed
// over a real HTTP server, and returns the store to change it through.
func newTestSite(t *testing.T) (*httptest.Server, *projects.Store) {
	t.Helper()
	ctx := context.Background()
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "test.db"), discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	store := projects.NewStore(db, func() time.Time { return midSeptember2023 })
	if _, err := store.Seed(ctx, "test", seedProjects(t)); err != nil {
		t.Fatal(err)
	}
	catalog, err := locale.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	e := web.NewServer(web.Config{Logger: discard, Catalog: catalog, Static: static.All(), Ping: db.Ping})
	NewHandler(store, "", func() time.Time { return midSeptember2023 }, shanghai).Register(e)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv, store
}

// getPackage fetches a package, checking its status and content type.
func getPackage(t *testing.T, url string) (Package, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200\n%s", url, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", url, ct)
	}
	var pkg Package
	if err := json.Unmarshal(body, &pkg); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
	return pkg, string(body)
}

// targetOf returns the target of a year's number (序号), with its project.
func targetOf(t *testing.T, store *projects.Store, year, number int) projects.Target {
	t.Helper()
	y, err := store.Year(context.Background(), year, projects.Staff)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range y.Targets {
		if target.Number == number {
			return target
		}
	}
	t.Fatalf("%d has no row %d", year, number)
	return projects.Target{}
}

func TestYearPackageOnTheSeed(t *testing.T) {
	srv, store := newTestSite(t)
	pkg, _ := getPackage(t, srv.URL+"/api/v1/oc4ids/years/2022")

	if pkg.URI != srv.URL+"/api/v1/oc4ids/years/2022" || pkg.Version != "0.9" || pkg.Publisher.Name == "" {
		t.Errorf("uri, version, publisher = %q, %q, %q", pkg.URI, pkg.Version, pkg.Publisher.Name)
	}
	if pkg.PublishedDate != "2023-01-04T08:00:00+08:00" {
		t.Errorf("publishedDate = %q, want the report's day", pkg.PublishedDate)
	}

	// 20 rows, 18 projects: 顺平路 and the 东走马塘 south wall are on both lists.
	y, err := store.Year(context.Background(), 2022, projects.ThePublic)
	if err != nil {
		t.Fatal(err)
	}
	var wantIDs []string
	for _, target := range y.Targets {
		id := "oc4ids-shuangshi-" + strconv.FormatInt(target.ProjectID, 10)
		if !slices.Contains(wantIDs, id) {
			wantIDs = append(wantIDs, id)
		}
	}
	var gotIDs []string
	for _, p := range pkg.Projects {
		gotIDs = append(gotIDs, p.ID)
	}
	if len(wantIDs) != 18 || !slices.Equal(gotIDs, wantIDs) {
		t.Fatalf("project ids = %v, want each of the 18 projects once, in table order: %v", gotIDs, wantIDs)
	}

	// Every 2022 project started in 2022; those the report calls completed
	// are in completion, the others still in implementation.
	completed := map[string]bool{
		"顺平路（爱国路-白洋淀小区）新建工程": true, "淞沪路（政通路-环岛）道路综合整治工程": true, "政治路黑山路道路新建工程": true,
		"绥芬河路（国江路—政涟路）道路新建工程": true, "河间路（眉州路—兰州路桥）道路改建工程": true, "路网一期（丹东路）": true,
		"杨浦滨江下穿渭南南路通道工程": true, "东走马塘（黄兴路—政本路）南侧防汛墙堤防加固维修": true, "昆明路 110 千伏变电站": true,
	}
	for _, p := range pkg.Projects {
		want := StatusImplementation
		if completed[p.Title] {
			want = StatusCompletion
		}
		if p.Status != want {
			t.Errorf("%s: status %s, want %s", p.Title, p.Status, want)
		}
		if completed[p.Title] != (p.Completion != nil) {
			t.Errorf("%s: completion %+v", p.Title, p.Completion)
		}
	}

	// 顺平路 carries both of its 2022 targets; 海安路 its 2022 start and its
	// 2023 completion, in the 2022 package too.
	for title, wantMilestones := range map[string][]string{
		"顺平路（爱国路-白洋淀小区）新建工程":   {"2022-start", "2022-complete"},
		"海安路（军工路-共青路）道路综合整治工程": {"2022-start", "2023-complete"},
	} {
		i := slices.IndexFunc(pkg.Projects, func(p Project) bool { return p.Title == title })
		if i < 0 {
			t.Errorf("%s is not in the 2022 package", title)
			continue
		}
		var got []string
		for _, m := range pkg.Projects[i].Milestones {
			got = append(got, m.ID)
		}
		if !slices.Equal(got, wantMilestones) {
			t.Errorf("%s: milestones %v, want %v", title, got, wantMilestones)
		}
	}

	pkg2023, _ := getPackage(t, srv.URL+"/api/v1/oc4ids/years/2023")
	if len(pkg2023.Projects) != 20 {
		t.Errorf("the 2023 package has %d projects, want 20", len(pkg2023.Projects))
	}
	for _, p := range pkg2023.Projects {
		if p.Title == "轨道交通 20 号线一期工程" && (p.Status != StatusPreparation || !slices.Equal(p.Sector, []Sector{"transport", "transport.rail"})) {
			t.Errorf("Metro Line 20: status %s, sector %v", p.Status, p.Sector)
		}
	}
}

// TestProjectPackageOfMeizhouRoad follows 眉州路, the report's partly
// completed row 12, after an engineer has written a delay reason and an
// internal note and planned dates, one of them known only to its year.
func TestProjectPackageOfMeizhouRoad(t *testing.T) {
	srv, store := newTestSite(t)
	ctx := context.Background()
	row12 := targetOf(t, store, 2022, 12)
	p, err := store.Project(ctx, row12.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	f := projects.FormOf(p)
	f.DelayReason = "北横通道借地尚未归还"
	f.InternalNote = "只供内部：与北横通道项目部协调中"
	f.PlannedStart = "2021"
	f.PlannedCompletion = "2023-06-30"
	f.Percent = "90"
	edit, problems := f.Check(p, civil.DateOf(midSeptember2023))
	if len(problems) > 0 {
		t.Fatalf("the edit was refused: %v", problems)
	}
	if _, err := store.SaveEdit(ctx, edit, p.Version, auth.Actor{UserID: 0, Name: "测试工程师"}); err != nil {
		t.Fatal(err)
	}

	id := strconv.FormatInt(p.ID, 10)
	pkg, body := getPackage(t, srv.URL+"/api/v1/oc4ids/projects/"+id)
	if len(pkg.Projects) != 1 {
		t.Fatalf("%d projects, want 1", len(pkg.Projects))
	}
	got := pkg.Projects[0]
	want := Project{
		ID: "oc4ids-shuangshi-" + id, Updated: got.Updated, Language: "zh",
		Title:  "眉州路（周家嘴路—九潭路）道路新建工程",
		Status: StatusImplementation, Type: TypeConstruction, Sector: []Sector{"transport", "transport.road"},
		// The planned start, 2021, is known only to its year: left out.
		Period:    &Period{EndDate: "2023-06-30T23:59:59+08:00"},
		Locations: []Location{{ID: "1", Description: "周家嘴路—九潭路"}},
		Documents: []Document{{ID: "page", Title: "项目公开页面", URL: srv.URL + "/projects/" + id, Format: "text/html", Language: "zh"}},
		Metrics: []Metric{{ID: "physicalProgress", Title: "形象进度", Observations: []Observation{{
			ID: "1", Period: &Period{StartDate: "2023-09-15T12:00:00+08:00", EndDate: "2023-09-15T12:00:00+08:00"},
			Measure: "90", Unit: &Unit{Name: "percent", Scheme: "UNCEFACT", ID: "P1"},
		}}}},
		Milestones: []Milestone{{
			ID: "2022-complete", Title: "2022年“双十”竣工目标", Type: "delivery",
			Description: "推进情况：已完成除北横通道借地范围的其它工程",
			DueDate:     "2022-12-31T23:59:59+08:00", DateModified: "2023-01-04T08:00:00+08:00", Status: MilestonePartiallyMet,
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got.Updated != "2023-09-15T12:00:00+08:00" {
		t.Errorf("updated = %q, want the day of the edit", got.Updated)
	}
	for _, secret := range []string{"北横通道借地尚未归还", "只供内部", "测试工程师", "2021"} {
		if strings.Contains(body, secret) {
			t.Errorf("the project's package contains %q:\n%s", secret, body)
		}
	}
	_, yearBody := getPackage(t, srv.URL+"/api/v1/oc4ids/years/2022")
	for _, secret := range []string{"北横通道借地尚未归还", "只供内部", "测试工程师"} {
		if strings.Contains(yearBody, secret) {
			t.Errorf("the 2022 package contains %q", secret)
		}
	}
}

func TestErrors(t *testing.T) {
	srv, _ := newTestSite(t)
	for path, want := range map[string]int{
		"/api/v1/oc4ids/years/1999":     http.StatusNotFound,
		"/api/v1/oc4ids/years/20x2":     http.StatusBadRequest,
		"/api/v1/oc4ids/years/99999":    http.StatusBadRequest,
		"/api/v1/oc4ids/projects/99999": http.StatusNotFound,
		"/api/v1/oc4ids/projects/abc":   http.StatusNotFound,
		"/api/v1/oc4ids/projects/0":     http.StatusNotFound,
		"/api/v1/oc4ids/projects/01":    http.StatusNotFound,
		"/api/v1/oc4ids/projects/1/x":   http.StatusNotFound,
	} {
		t.Run(path, func(t *testing.T) {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("status %d, want %d", resp.StatusCode, want)
			}
			var doc struct {
				Error struct {
					Status  int    `json:"status"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.Error.Status != want || doc.Error.Message == "" {
				t.Errorf("the error is not the API's JSON error: %+v, %v", doc, err)
			}
		})
	}
}
