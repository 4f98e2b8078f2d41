package imports

import (
	"slices"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
)

// TestValidateProblems reads a file with one kind of problem per row and
// checks each is reported with the row number a spreadsheet shows, the
// column and the value.
func TestValidateProblems(t *testing.T) {
	data := csvText(t, [][]string{
		{"表十 2023 年区“双十”项目"},                                        // row 1
		{"“双十”", "项目名称", "类别", "计划开工", "计划竣工", "节点"},                // row 2
		{"开工", "轨道交通 20 号线一期工程", "轨", "2023/3/1", "", "2023-06-30"}, // 3: fine
		{"开工", "", "路", "", "", ""},                                 // 4: missing name
		{"", "渭南路（平凉路-杨树浦路）道路拓宽改建工程", "", "", "", ""},               // 5: missing list
		{"在建", "福宁路（齐齐哈尔路-广州路桥）道路新建工程", "", "", "", ""},             // 6: unknown list
		{"开工", "129、130 地块市政配套工程", "气", "", "", ""},                 // 7: unknown category
		{"开工", "85 街坊配套道路工程", "", "2023-02-30", "", ""},             // 8: bad date
		{"开工", "黄兴路下立交修缮提标工程", "", "", "", "2024-03-31"},            // 9: deadline in 2024
		{"开工", "轨道交通20号线一期工程", "", "", "", ""},                      // 10: repeats row 3
		{"竣工", "轨道交通 20 号线一期工程", "", "", "", ""},                    // 11: the other list: fine
		{"竣工", "宁国路（长阳路-杨树浦路）综合提升整治工程", "", "2023", "2022", ""},     // 12: completion before start
		{"竣工", "海安路（军工路-共青路）道路综合整治工程", "", "2022", "六月底", "2023"},   // 13: bad date; a year-only deadline is fine
	})
	sheet, err := Parse(t.Context(), "problems.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	lines := Validate(2023, sheet.Rows)
	want := map[int][]Problem{
		4:  {{Row: 4, Code: MissingName, Column: NameColumn, Value: ""}},
		5:  {{Row: 5, Code: MissingList, Column: ListColumn, Value: ""}},
		6:  {{Row: 6, Code: UnknownList, Column: ListColumn, Value: "在建"}},
		7:  {{Row: 7, Code: UnknownCategory, Column: CategoryColumn, Value: "气"}},
		8:  {{Row: 8, Code: BadDate, Column: PlannedStartColumn, Value: "2023-02-30"}},
		9:  {{Row: 9, Code: DeadlineOutsideYear, Column: DeadlineColumn, Value: "2024-03-31"}},
		10: {{Row: 10, Code: DuplicateRow, Column: NameColumn, Value: "轨道交通20号线一期工程", Earlier: 3}},
		12: {{Row: 12, Code: CompletionBeforeStart, Column: PlannedCompletionColumn, Value: "2022"}},
		13: {{Row: 13, Code: BadDate, Column: PlannedCompletionColumn, Value: "六月底"}},
	}
	if len(lines) != 11 {
		t.Fatalf("got %d lines, want 11", len(lines))
	}
	for _, l := range lines {
		if got := l.Problems; !slices.Equal(got, want[l.Row.Number]) {
			t.Errorf("row %d: got problems %v, want %v", l.Row.Number, got, want[l.Row.Number])
		}
		if wantError := len(want[l.Row.Number]) > 0; (l.Action == ActionError) != wantError {
			t.Errorf("row %d: got action %q, want an error: %v", l.Row.Number, l.Action, wantError)
		}
	}
}

func TestValidateYearUnknown(t *testing.T) {
	// Without a year, a deadline cannot be outside it.
	r := rows([]Column{ListColumn, NameColumn, DeadlineColumn}, []string{"开工", "甲路道路新建工程", "2024-03-31"})
	if p := Validate(0, r)[0].Problems; len(p) != 0 {
		t.Fatalf("got %v, want no problem", p)
	}
	if p := Validate(2023, r)[0].Problems; len(p) != 1 || p[0].Code != DeadlineOutsideYear {
		t.Fatalf("got %v, want a deadline outside 2023", p)
	}
}

func TestValidateFields(t *testing.T) {
	columns := []Column{ListColumn, NameColumn, CategoryColumn, ExtentColumn, UnitColumn, PlannedStartColumn, PlannedCompletionColumn, DeadlineColumn}
	lines := Validate(2023, rows(columns,
		[]string{"“双十”开工", "上海市区海州（土建）110kv 输变电工程", "", "", "区发改委", "2023年3月1日", "2024", "2023/6/30"},
		[]string{"complete", "海安路（军工路-共青路）道路综合整治工程", "ROAD", "", "", "2022", "", ""},
		[]string{"竣工", "黄浦江（杨浦区）堤防专项维修工程（友谊物流段）", "水", "", "", "", "", ""},
		[]string{"开工", "福宁路（齐齐哈尔路-广州路桥）道路新建工程", "", "齐齐哈尔路—广州路桥", "", "", "", ""},
	))
	want := []Line{
		{
			List: projects.StartList, Name: "上海市区海州（土建）110kv 输变电工程",
			Category: projects.Power, CategoryInferred: true, Unit: "区发改委",
			PlannedStart:      civil.Date{Year: 2023, Month: time.March, Day: 1},
			PlannedCompletion: civil.YearOnly(2024),
			Deadline:          civil.Date{Year: 2023, Month: time.June, Day: 30},
		},
		{
			List: projects.CompleteList, Name: "海安路（军工路-共青路）道路综合整治工程",
			Category: projects.Road, Extent: "军工路-共青路", ExtentInferred: true,
			PlannedStart: civil.YearOnly(2022),
		},
		// A section in brackets is not an extent.
		{List: projects.CompleteList, Name: "黄浦江（杨浦区）堤防专项维修工程（友谊物流段）", Category: projects.Water},
		// An extent given is kept as written; the 桥 in brackets is an end
		// point, not a bridge.
		{
			List: projects.StartList, Name: "福宁路（齐齐哈尔路-广州路桥）道路新建工程",
			Category: projects.Road, CategoryInferred: true, Extent: "齐齐哈尔路—广州路桥",
		},
	}
	for i, l := range lines {
		w := want[i]
		w.Row, w.Position = l.Row, i+1
		if l.Problems != nil || l.List != w.List || l.Name != w.Name || l.Category != w.Category ||
			l.CategoryInferred != w.CategoryInferred || l.Extent != w.Extent || l.ExtentInferred != w.ExtentInferred ||
			l.Unit != w.Unit || l.PlannedStart != w.PlannedStart || l.PlannedCompletion != w.PlannedCompletion ||
			l.Deadline != w.Deadline || l.Position != w.Position {
			t.Errorf("row %d:\ngot  %+v\nwant %+v", l.Row.Number, l, w)
		}
	}
}

func TestValidateCategories(t *testing.T) {
	for in, want := range map[string]projects.Category{
		"路": projects.Road, "桥": projects.Bridge, "轨": projects.Rail, "隧": projects.Tunnel, "水": projects.Water, "电": projects.Power,
		"road": projects.Road, "Water": projects.Water, "ＰＯＷＥＲ": projects.Power, "道路": projects.Road, "轨道交通": projects.Rail,
	} {
		l := Validate(2023, rows([]Column{ListColumn, NameColumn, CategoryColumn}, []string{"开工", "甲", in}))[0]
		if l.Category != want || l.CategoryInferred || len(l.Problems) != 0 {
			t.Errorf("category %q: got %q (inferred %v) %v, want %q", in, l.Category, l.CategoryInferred, l.Problems, want)
		}
	}
	for _, in := range []string{"气", "roads", "路桥"} {
		l := Validate(2023, rows([]Column{ListColumn, NameColumn, CategoryColumn}, []string{"开工", "甲", in}))[0]
		if len(l.Problems) != 1 || l.Problems[0].Code != UnknownCategory {
			t.Errorf("category %q: got %v, want unknown", in, l.Problems)
		}
	}
}

func TestValidateNameTooLong(t *testing.T) {
	name := strings.Repeat("路", MaxNameLength+1)
	l := Validate(2023, rows([]Column{ListColumn, NameColumn}, []string{"开工", name}))[0]
	if len(l.Problems) != 1 || l.Problems[0].Code != NameTooLong {
		t.Fatalf("got %v, want a name too long", l.Problems)
	}
	name = strings.Repeat("路", MaxNameLength)
	if l := Validate(2023, rows([]Column{ListColumn, NameColumn}, []string{"开工", name}))[0]; len(l.Problems) != 0 {
		t.Fatalf("%d characters: got %v, want none", MaxNameLength, l.Problems)
	}
}

func TestProblemError(t *testing.T) {
	p := Problem{Row: 10, Code: DuplicateRow, Column: NameColumn, Value: "甲路", Earlier: 3}
	if got, want := p.Error(), `row 10: duplicate_row: name "甲路" (as row 3)`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
