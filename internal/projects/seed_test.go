package projects

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"shuangshi/data"
	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/database"
	"shuangshi/internal/database/databasetest"
)

// newTestStore returns a store on a migrated database of its own (see
// databasetest).
func newTestStore(t *testing.T) *Store {
	t.Helper()
	store, _ := newTestDatabase(t)
	return store
}

// newTestDatabase returns a store and its database, migrated, of its own.
func newTestDatabase(t *testing.T) (*Store, *database.DB) {
	t.Helper()
	db := databasetest.Open(t)
	return NewStore(db, time.Now), db
}

// seededStore returns a store loaded with the dataset in data/seed.
func seededStore(t *testing.T) *Store {
	t.Helper()
	s := newTestStore(t)
	dataset, err := ReadDataset(data.Seed())
	if err != nil {
		t.Fatalf("ReadDataset: %v", err)
	}
	if _, err := s.Seed(context.Background(), "test", dataset); err != nil {
		t.Fatal(err)
	}
	return s
}

// reportRow is one row of a table of the report, as printed (with the lines
// that the PDF extraction broke rejoined).
type reportRow struct {
	category string // 类别, as printed in Table 5; inferred for Table 10
	number   int
	name     string
	list     string
	progress string
	outcome  Outcome
}

// table5 is Table 5 of the report: the progress of the 2022 targets.
var table5 = []reportRow{
	{"路", 1, "顺平路（爱国路-白洋淀小区）新建工程", "开工", "已开工", Achieved},
	{"路", 2, "通北路（周家嘴路-唐山路）改建工程", "开工", "已开工", Achieved},
	{"路", 3, "海安路（军工路-共青路）道路整治工程", "开工", "已开工", Achieved},
	{"路", 4, "规划双阳路（龙口路—平凉路）道路新建工程", "开工", "已开工", Achieved},
	{"路", 5, "通北路(平凉路—惠民路)道路新建工程", "开工", "已开工", Achieved},
	{"路", 6, "安浦路（双阳南路-平定路）道路新建工程", "开工", "已开工", Achieved},
	{"路", 7, "淞沪路（政通路-环岛）道路综合整治工程", "竣工", "已竣工", Achieved},
	{"路", 8, "政治路黑山路道路新建工程", "竣工", "已竣工", Achieved},
	{"路", 9, "绥芬河路（国江路—政涟路）道路新建工程", "竣工", "已竣工", Achieved},
	{"路", 10, "河间路（眉州路—兰州路桥）道路改建工程", "竣工", "已竣工", Achieved},
	{"路", 11, "路网一期（丹东路）", "竣工", "已竣工", Achieved},
	{"路", 12, "眉州路（周家嘴路—九潭路）道路新建工程", "竣工", "已完成除北横通道借地范围的其它工程", Partial},
	{"路", 13, "顺平路（爱国路-白洋淀小区）新建工程", "竣工", "已完工", Achieved},
	{"隧", 14, "杨浦滨江下穿渭南南路通道工程", "竣工", "已完工", Achieved},
	{"隧", 15, "隆昌路越江隧道", "开工", "已开工", Achieved},
	{"水", 16, "排水泵站控污调蓄设施建设工程", "开工", "新江湾城东调蓄池工程已开工", Achieved},
	{"水", 17, "东走马塘（黄兴路—政本路）南侧防汛墙堤防加固维修", "开工", "已开工", Achieved},
	{"水", 18, "东走马塘（黄兴路—政本路）南侧防汛墙堤防加固维修", "竣工", "已完工", Achieved},
	{"水", 19, "杨浦滨江平定路综合排水工程", "开工", "已开工", Achieved},
	{"电", 20, "昆明路 110 千伏变电站", "竣工", "已竣工", Achieved},
}

// table10 is Table 10 of the report: the 2023 list, in the order printed.
// It prints no categories or numbers; these are the ones the site gives.
var table10 = []reportRow{
	{"轨", 1, "轨道交通 20 号线一期工程", "开工", "", Pending},
	{"路", 2, "渭南路（平凉路-杨树浦路）道路拓宽改建工程", "开工", "", Pending},
	{"路", 3, "福宁路（齐齐哈尔路-广州路桥）道路新建工程", "开工", "", Pending},
	{"路", 4, "129、130 地块市政配套工程", "开工", "", Pending},
	{"路", 5, "85 街坊配套道路工程", "开工", "", Pending},
	{"路", 6, "黄兴路下立交修缮提标工程", "开工", "", Pending},
	{"水", 7, "虬江（翔殷路-国顺东路）防汛墙维修工程", "开工", "", Pending},
	{"水", 8, "东走马塘（四平路-黄兴路）北侧防汛墙维修工程", "开工", "", Pending},
	{"电", 9, "上海市区海州（土建）110kv 输变电工程", "开工", "", Pending},
	{"电", 10, "公五二标电力设施配套工程", "开工", "", Pending},
	{"路", 11, "宁国路（长阳路-杨树浦路）综合提升整治工程", "竣工", "", Pending},
	{"路", 12, "海安路（军工路-共青路）道路综合整治工程", "竣工", "", Pending},
	{"路", 13, "黄兴路（环岛-中山北二路）道路综合整治工程", "竣工", "", Pending},
	{"路", 14, "打虎山路（飞虹路-辽源西路）道路新建工程", "竣工", "", Pending},
	{"路", 15, "安浦路（双阳南路-平定路）道路新建工程", "竣工", "", Pending},
	{"水", 16, "黄浦江（杨浦区）堤防专项维修工程（友谊物流段）", "竣工", "", Pending},
	{"水", 17, "黄浦江（杨浦区）堤防专项维修工程（国际时尚中心段）", "竣工", "", Pending},
	{"水", 18, "新江湾东排水泵站控污调蓄设施建设工程", "竣工", "", Pending},
	{"水", 19, "杨浦滨江平定路综合排水工程", "竣工", "", Pending},
	{"电", 20, "爱国路 110KV 变电站工程", "竣工", "", Pending},
}

// datasetRows returns the seed's targets of a year as the report prints
// them, in the order of its table, each with its project and with the
// index of its project in the dataset as ProjectID.
func datasetRows(t *testing.T, year int) []Target {
	t.Helper()
	dataset, err := ReadDataset(data.Seed())
	if err != nil {
		t.Fatal(err)
	}
	var rows []Target
	for i, p := range dataset {
		for _, tg := range p.Targets {
			if tg.Year == year {
				tg.Project, tg.ProjectID = p, int64(i+1)
				rows = append(rows, tg)
			}
		}
	}
	slices.SortFunc(rows, func(a, b Target) int { return a.Position - b.Position })
	return rows
}

func TestSeedReproducesTheReport(t *testing.T) {
	for year, table := range map[int][]reportRow{2022: table5, 2023: table10} {
		targets := datasetRows(t, year)
		if len(targets) != len(table) {
			t.Fatalf("%d has %d targets, want %d", year, len(targets), len(table))
		}
		for i, want := range table {
			got := targets[i]
			wantCategory, _ := ParseCategory(want.category)
			wantList, _ := ParseList(want.list)
			if got.Position != want.number || got.ListedName != want.name || got.List != wantList ||
				got.Progress != want.progress || got.Outcome != want.outcome || got.Project.Category != wantCategory {
				t.Errorf("%d row %d:\n got %d %s %q %s %q %s\nwant %d %s %q %s %q %s", year, i+1,
					got.Position, got.Project.Category, got.ListedName, got.List, got.Progress, got.Outcome,
					want.number, wantCategory, want.name, wantList, want.progress, want.outcome)
			}
			if got.Deadline != civil.LastDayOfYear(year) {
				t.Errorf("%d row %d: deadline %v, want 31 December", year, want.number, got.Deadline)
			}
		}
	}
}

// TestSeedLoadsTheReportsYears: the report closes 2022 and publishes
// 2023, on its own day. 2022 keeps Table 5's numbers; 2023, which Table 10
// prints without numbers, is numbered down its year-end table, by
// category.
func TestSeedLoadsTheReportsYears(t *testing.T) {
	s := seededStore(t)
	ctx := context.Background()
	report := time.Date(2023, 1, 4, 0, 0, 0, 0, time.UTC)
	for year, state := range map[int]ListState{2022: Closed, 2023: Published} {
		y, err := s.Year(ctx, year, ThePublic)
		if err != nil {
			t.Fatal(err)
		}
		if y.State != state || y.PublishedAt == nil || !y.PublishedAt.Equal(report) {
			t.Errorf("%d: %s, published %v; want %s on the report's day", year, y.State, y.PublishedAt, state)
		}
		if state == Closed && (y.ClosedAt == nil || !y.ClosedAt.Equal(report)) {
			t.Errorf("%d closed %v, want the report's day", year, y.ClosedAt)
		}
		if !y.AsOf.Equal(report) {
			t.Errorf("%d is as of %v, want the report's day", year, y.AsOf)
		}
		for i, tg := range y.Targets {
			if tg.Number != i+1 {
				t.Errorf("%d: place %d is numbered %d", year, i+1, tg.Number)
			}
		}
	}
	y2022, _ := s.Year(ctx, 2022, ThePublic)
	for i, want := range table5 {
		if got := y2022.Targets[i]; got.ListedName != want.name || got.Number != want.number {
			t.Errorf("2022 No. %d is %q, Table 5's is %q", got.Number, got.ListedName, want.name)
		}
	}
	y2023, _ := s.Year(ctx, 2023, ThePublic)
	var categories []Category
	for _, tg := range y2023.Targets {
		if len(categories) == 0 || categories[len(categories)-1] != tg.Project.Category {
			categories = append(categories, tg.Project.Category)
		}
	}
	if !slices.Equal(categories, []Category{Road, Rail, Water, Power}) || y2023.Targets[0].ListedName != "渭南路（平凉路-杨树浦路）道路拓宽改建工程" {
		t.Errorf("2023 is numbered by %v from %q, want roads first, from 渭南路", categories, y2023.Targets[0].ListedName)
	}
}

func TestSeedCategoriesOfTable5FollowFromTheirNames(t *testing.T) {
	// The rule that gives Table 10 its categories must agree with the
	// categories that Table 5 prints.
	for _, row := range table5 {
		want, _ := ParseCategory(row.category)
		if got := CategoryFromName(row.name); got != want {
			t.Errorf("CategoryFromName(%q) = %s, Table 5 prints %s", row.name, got, row.category)
		}
	}
}

func TestSeedLinksProjectsAcrossRowsAndYears(t *testing.T) {
	rows := map[[2]int]Target{}
	for _, year := range []int{2022, 2023} {
		for _, tg := range datasetRows(t, year) {
			rows[[2]int{year, tg.Position}] = tg
		}
	}
	same := [][2][2]int{
		{{2022, 1}, {2022, 13}},  // 顺平路: start and completion in one year
		{{2022, 17}, {2022, 18}}, // 东走马塘 south flood wall
		{{2022, 3}, {2023, 12}},  // 海安路 …道路整治工程 / …道路综合整治工程
		{{2022, 6}, {2023, 15}},  // 安浦路
		{{2022, 19}, {2023, 19}}, // 杨浦滨江平定路综合排水工程
		{{2022, 16}, {2023, 18}}, // 排水泵站… / 新江湾东排水泵站…
	}
	linked := map[[2]int]bool{}
	for _, pair := range same {
		a, b := rows[pair[0]], rows[pair[1]]
		if a.ProjectID == 0 || a.ProjectID != b.ProjectID {
			t.Errorf("%v (%s) and %v (%s) are projects %d and %d, want one project",
				pair[0], a.ListedName, pair[1], b.ListedName, a.ProjectID, b.ProjectID)
		}
		linked[pair[0]], linked[pair[1]] = true, true
	}
	// Every other row is a project of its own: 40 rows, 6 links, 34 projects.
	ids := map[int64]bool{}
	for _, tg := range rows {
		ids[tg.ProjectID] = true
	}
	if len(ids) != 34 {
		t.Errorf("the two years have %d projects, want 34", len(ids))
	}
	// The 2023 north flood wall is not the 2022 south wall.
	if rows[[2]int{2023, 8}].ProjectID == rows[[2]int{2022, 17}].ProjectID {
		t.Error("the 2023 north flood wall of 东走马塘 is linked to the 2022 south wall")
	}

	// The dataset's projects are stored in its order, so the index is the id.
	p, err := seededStore(t).Project(context.Background(), rows[[2]int{2022, 3}].ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "海安路（军工路-共青路）道路综合整治工程" || len(p.Targets) != 2 ||
		p.Targets[0].Year != 2022 || p.Targets[1].Year != 2023 {
		t.Errorf("海安路 = %q with %d targets, want its 2023 name and a target in 2022 then 2023", p.Name, len(p.Targets))
	}
}

func TestSeedInventsNoDates(t *testing.T) {
	s := seededStore(t)
	ctx := context.Background()
	for _, year := range []int{2022, 2023} {
		targets, err := listed(s.read.WithContext(ctx), year)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range targets {
			m := tg.Project.Milestones
			for _, d := range []civil.Date{m.PlannedStart, m.PlannedCompletion, m.ActualStart, m.ActualCompletion} {
				if d.HasDay() {
					t.Errorf("%s has a milestone on a day (%v); the report gives none", tg.ListedName, d)
				}
			}
			if year == 2022 && tg.Outcome == Achieved {
				got := m.ActualStart
				if tg.List == CompleteList {
					got = m.ActualCompletion
				}
				if got != civil.YearOnly(2022) {
					t.Errorf("%s achieved its 2022 %s target but the actual date is %q, want 2022", tg.ListedName, tg.List, got)
				}
			}
		}
	}
}

func TestSeedIsLoadedOnce(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	for i, wantLoaded := range []bool{true, false} {
		dataset, err := ReadDataset(data.Seed())
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := s.Seed(ctx, "report", dataset)
		if err != nil {
			t.Fatal(err)
		}
		if loaded != wantLoaded {
			t.Fatalf("start %d: loaded = %v, want %v", i+1, loaded, wantLoaded)
		}
	}
	for _, year := range []int{2022, 2023} {
		targets, err := listed(s.read.WithContext(ctx), year)
		if err != nil {
			t.Fatal(err)
		}
		if len(targets) != 20 {
			t.Fatalf("after two starts %d has %d targets, want 20", year, len(targets))
		}
	}
}

func TestReadDatasetAcceptsAByteOrderMark(t *testing.T) {
	fsys := fstest.MapFS{
		"projects.csv": {Data: []byte("\uFEFFkey,name,category,extent,unit,description,actual_start,actual_completion\na,甲路,,,,,,\n")},
		"targets.csv":  {Data: []byte("\uFEFFyear,position,list,project,listed_name,deadline,outcome,progress,reported_on\n2024,1,开工,a,甲路,,pending,,2024-01-02\n")},
	}
	projects, err := ReadDataset(fsys)
	if err != nil || len(projects) != 1 || len(projects[0].Targets) != 1 {
		t.Fatalf("ReadDataset of files saved by a spreadsheet = %v, %v", projects, err)
	}
}

func TestReadDatasetRejectsBadRows(t *testing.T) {
	const projectsHeader = "key,name,category,extent,unit,description,actual_start,actual_completion\n"
	const targetsHeader = "year,position,list,project,listed_name,deadline,outcome,progress,reported_on\n"
	const goodProject = "a,甲路道路新建工程,,,,,,\n"
	tests := []struct {
		name, projects, targets, wantError string
	}{
		{"unknown category", projectsHeader + "a,甲路,河,,,,,\n", targetsHeader + "2022,1,开工,a,甲路,,pending,,2023-01-04\n", "projects.csv line 2: unknown category"},
		{"bad actual date", projectsHeader + "a,甲路,,,,,20222,\n", targetsHeader + "2022,1,开工,a,甲路,,pending,,2023-01-04\n", "projects.csv line 2: actual_start"},
		{"duplicate key", projectsHeader + goodProject + goodProject, targetsHeader + "2022,1,开工,a,甲路,,pending,,2023-01-04\n", "projects.csv line 3: key"},
		{"unknown project", projectsHeader + goodProject, targetsHeader + "2022,1,开工,b,甲路,,pending,,2023-01-04\n", `targets.csv line 2: project "b"`},
		{"unknown list", projectsHeader + goodProject, targetsHeader + "2022,1,完工,a,甲路,,pending,,2023-01-04\n", "targets.csv line 2: unknown list"},
		{"unknown outcome", projectsHeader + goodProject, targetsHeader + "2022,1,开工,a,甲路,,done,,2023-01-04\n", "targets.csv line 2: unknown outcome"},
		{"two rows with one number", projectsHeader + goodProject + "b,乙路,,,,,,\n", targetsHeader + "2022,1,开工,a,甲路,,pending,,2023-01-04\n2022,1,竣工,b,乙路,,pending,,2023-01-04\n", "targets.csv line 3: 2022 has two rows numbered 1"},
		{"twice on one list", projectsHeader + goodProject, targetsHeader + "2022,1,开工,a,甲路,,pending,,2023-01-04\n2022,2,开工,a,甲路,,pending,,2023-01-04\n", "targets.csv line 3: project \"a\" is twice"},
		{"year-only deadline", projectsHeader + goodProject, targetsHeader + "2022,1,开工,a,甲路,2022,pending,,2023-01-04\n", "targets.csv line 2: deadline \"2022\" needs a day"},
		{"empty listed name", projectsHeader + goodProject, targetsHeader + "2022,1,开工,a,,,pending,,2023-01-04\n", "targets.csv line 2: listed_name is empty"},
		{"project on no list", projectsHeader + goodProject + "b,乙路,,,,,,\n", targetsHeader + "2022,1,开工,a,甲路,,pending,,2023-01-04\n", "乙路 is on no list"},
		{"missing column", "key,name\na,甲路\n", targetsHeader, `projects.csv: no column "category"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"projects.csv": {Data: []byte(tc.projects)},
				"targets.csv":  {Data: []byte(tc.targets)},
			}
			_, err := ReadDataset(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.wantError) {
				t.Fatalf("ReadDataset error = %v, want one that says %q", err, tc.wantError)
			}
		})
	}
}

func TestSaveEditRefusesAStaleVersion(t *testing.T) {
	s := seededStore(t)
	ctx := context.Background()
	p, err := s.Project(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	today := civil.Date{Year: 2023, Month: 6, Day: 1}
	first, second := FormOf(p), FormOf(p)
	first.Percent, second.Percent = "10", "20"
	editA, problems := first.Check(p, today)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	editB, _ := second.Check(p, today)
	if _, err := s.SaveEdit(ctx, editA, p.Version, auth.Actor{Name: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveEdit(ctx, editB, p.Version, auth.Actor{Name: "b"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a second save from the same version: %v, want ErrConflict", err)
	}
	after, _ := s.Project(ctx, 3)
	changes, _ := s.Changes(ctx, 3, false)
	if *after.PercentComplete != 10 || after.Version != p.Version+1 || len(changes) != 1 || changes[0].UserName != "a" {
		t.Fatalf("after the refused save: percent %d, version %d, %d changes", *after.PercentComplete, after.Version, len(changes))
	}
}

func TestSeedOutcomesFollowFromTheMilestones(t *testing.T) {
	s := seededStore(t)
	for _, year := range []int{2022, 2023} {
		targets, err := listed(s.read, year)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range targets {
			if got := DeriveOutcome(tg, tg.Project.Milestones); got != tg.Outcome {
				t.Errorf("%d row %d (%s): recorded %s, the milestones give %s", year, tg.Position, tg.ListedName, tg.Outcome, got)
			}
		}
	}
}
