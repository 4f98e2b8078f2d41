package console

import (
	"testing"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
)

func day(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

// sample is a small portfolio seen on 1 December 2023.
func sample() ([]projects.Target, map[int64][]auth.User) {
	updated := func(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, time.UTC) }
	p := func(id int64, name string, cat projects.Category, unit string, lastUpdate civil.Date) projects.Project {
		return projects.Project{ID: id, Name: name, Category: cat, Unit: unit, ReportedAt: updated(lastUpdate), DelayReason: name + "的原因"}
	}
	road := p(1, "甲路", projects.Road, "区建管委", day(2023, time.November, 20))
	water := p(2, "乙河", projects.Water, "区水务局", day(2023, time.September, 1)) // stale
	power := p(3, "丙站", projects.Power, "", day(2023, time.November, 30))
	targets := []projects.Target{
		{ID: 11, Year: 2023, List: projects.StartList, ProjectID: 1, Project: road, ListedName: "甲路", Deadline: day(2023, time.June, 30), Outcome: projects.Pending},
		{ID: 12, Year: 2023, List: projects.CompleteList, ProjectID: 1, Project: road, ListedName: "甲路", Deadline: civil.LastDayOfYear(2023), Outcome: projects.Pending},
		{ID: 21, Year: 2022, List: projects.CompleteList, ProjectID: 2, Project: water, ListedName: "乙河", Deadline: civil.LastDayOfYear(2022), Outcome: projects.Partial},
		{ID: 31, Year: 2024, List: projects.StartList, ProjectID: 3, Project: power, ListedName: "丙站", Deadline: day(2024, time.June, 30), Outcome: projects.Pending},
		{ID: 32, Year: 2023, List: projects.StartList, ProjectID: 3, Project: power, ListedName: "丙站", Deadline: day(2023, time.December, 15), Outcome: projects.Pending},
	}
	engineers := map[int64][]auth.User{1: {{ID: 7, Username: "li"}}, 2: {{ID: 8, Username: "wang"}}}
	return targets, engineers
}

var asOf = day(2023, time.December, 1)
var now = time.Date(2023, time.December, 1, 10, 0, 0, 0, time.UTC)

// counts are the sizes of the console's groups, shown at the top of its
// lists, and how many of their rows are stale.
type counts struct {
	Overdue, AtRisk, Behind, Stale int
}

// shown is what the console shows of rows through filter, as a snapshot
// groups them: the ids of each group's rows, overdue first, and the
// counts.
func shown(rows []Row, filter Filter) ([]int64, counts) {
	s := &snapshot{rows: Pointers(rows)}
	s.complete()
	groups, stale := s.grouped("", false, filter)
	var out []int64
	for _, status := range []projects.Status{projects.StatusOverdue, projects.StatusAtRisk, StatusBehind} {
		for _, r := range groups[status] {
			out = append(out, r.Target.ID)
		}
	}
	return out, counts{Overdue: len(groups[projects.StatusOverdue]), AtRisk: len(groups[projects.StatusAtRisk]),
		Behind: len(groups[StatusBehind]), Stale: stale}
}

func ids(rows []Row) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r.Target.ID)
	}
	return out
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRowsAsOfADay(t *testing.T) {
	targets, engineers := sample()
	rows := Rows(targets, engineers, map[int64]projects.CaseCounts{21: {Open: 2, Late: 1, Answered: 1}}, projects.StatusRule{AtRiskDays: 30}, asOf, now, 30, nil)
	// Overdue: 21 (334 days), 11 (154 days); at risk: 32 (14 days left), 12 (30 days left).
	// 31, due in 2024, is on track and not listed.
	if got, want := ids(rows), []int64{21, 11, 32, 12}; !equal(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	days := map[int64]int{}
	for _, r := range rows {
		days[r.Target.ID] = r.Days
	}
	if days[21] != 335 || days[11] != 154 || days[32] != 14 || days[12] != 30 {
		t.Errorf("days %v", days)
	}
	if rows[0].Cases != (projects.CaseCounts{Open: 2, Late: 1, Answered: 1}) || !rows[0].Stale || rows[1].Stale {
		t.Errorf("cases %+v, stale %v/%v", rows[0].Cases, rows[0].Stale, rows[1].Stale)
	}
	if _, c := shown(rows, Filter{}); c != (counts{Overdue: 2, AtRisk: 2, Stale: 1}) {
		t.Errorf("counts %+v", c)
	}
	// A day later 32 is two weeks away still; on 16 December it is overdue.
	later := Rows(targets, engineers, nil, projects.StatusRule{AtRiskDays: 30}, day(2023, time.December, 16), now, 30, nil)
	if got, want := ids(later), []int64{21, 11, 32, 12}; !equal(got, want) || later[2].Status != projects.StatusOverdue {
		t.Errorf("on 16 December: %v (32 is %s)", got, later[2].Status)
	}
}

func TestFilters(t *testing.T) {
	targets, engineers := sample()
	rows := Rows(targets, engineers, nil, projects.StatusRule{AtRiskDays: 30}, asOf, now, 30, nil)
	tests := []struct {
		name   string
		filter Filter
		want   []int64
	}{
		{"everything", Filter{}, []int64{21, 11, 32, 12}},
		{"2023", Filter{Year: 2023}, []int64{11, 32, 12}},
		{"the start lists", Filter{List: projects.StartList}, []int64{11, 32}},
		{"water", Filter{Category: projects.Water}, []int64{21}},
		{"a unit", Filter{Unit: "区建管委"}, []int64{11, 12}},
		{"an engineer", Filter{EngineerID: 7}, []int64{11, 12}},
		{"an engineer with nothing late", Filter{EngineerID: 99}, nil},
		{"2023 and power", Filter{Year: 2023, Category: projects.Power}, []int64{32}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := shown(rows, tc.filter); !equal(got, tc.want) {
				t.Fatalf("%v, want %v", got, tc.want)
			}
		})
	}
}

func TestSorting(t *testing.T) {
	targets, engineers := sample()
	tests := []struct {
		column     string
		descending bool
		want       []int64
	}{
		{"", false, []int64{21, 11, 32, 12}},
		{"days", false, []int64{11, 21, 32, 12}},
		{"days", true, []int64{21, 11, 12, 32}},
		{"deadline", false, []int64{21, 11, 32, 12}},
		{"deadline", true, []int64{11, 21, 12, 32}},
		{"updated", false, []int64{21, 11, 12, 32}},
		{"unit", false, []int64{11, 21, 32, 12}},
		{"engineers", true, []int64{21, 11, 12, 32}},
	}
	for _, tc := range tests {
		t.Run(tc.column, func(t *testing.T) {
			rows := Rows(targets, engineers, nil, projects.StatusRule{AtRiskDays: 30}, asOf, now, 30, nil)
			// The order kept beside the rows, which leaves them as they are.
			before := ids(rows)
			var kept []int64
			for _, r := range SortedRows(Pointers(rows), tc.column, tc.descending) {
				kept = append(kept, r.Target.ID)
			}
			if !equal(ids(rows), before) {
				t.Fatalf("SortedRows moved the rows: %v, were %v", ids(rows), before)
			}
			SortRows(rows, tc.column, tc.descending)
			if got := ids(rows); !equal(got, tc.want) {
				t.Fatalf("by %s (descending %v): %v, want %v (overdue always first)", tc.column, tc.descending, got, tc.want)
			}
			if !equal(kept, tc.want) {
				t.Fatalf("SortedRows by %s (descending %v): %v, want %v", tc.column, tc.descending, kept, tc.want)
			}
		})
	}
}
