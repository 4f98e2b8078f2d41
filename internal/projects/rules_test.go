package projects

import (
	"testing"
	"time"

	"shuangshi/internal/civil"
)

func TestCategoryFromName(t *testing.T) {
	tests := []struct {
		name string
		want Category
	}{
		{"轨道交通 20 号线一期工程", Rail},
		{"渭南路（平凉路-杨树浦路）道路拓宽改建工程", Road},
		// 广州路桥 and 兰州路桥 are end points of roads, not bridges.
		{"福宁路（齐齐哈尔路-广州路桥）道路新建工程", Road},
		{"河间路（眉州路—兰州路桥）道路改建工程", Road},
		{"129、130 地块市政配套工程", Road},
		{"黄兴路下立交修缮提标工程", Road},
		{"虬江（翔殷路-国顺东路）防汛墙维修工程", Water},
		{"黄浦江（杨浦区）堤防专项维修工程（友谊物流段）", Water},
		{"新江湾东排水泵站控污调蓄设施建设工程", Water},
		{"杨浦滨江平定路综合排水工程", Water},
		{"上海市区海州（土建）110kv 输变电工程", Power},
		{"公五二标电力设施配套工程", Power},
		{"爱国路 110KV 变电站工程", Power},
		{"昆明路 110 千伏变电站", Power},
		{"隆昌路越江隧道", Tunnel},
		{"杨浦滨江下穿渭南南路通道工程", Tunnel},
		{"嫩江路跨铁路立交桥工程", Bridge},
		{"路网一期（丹东路）", Road},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CategoryFromName(tc.name); got != tc.want {
				t.Fatalf("CategoryFromName(%q) = %s, want %s", tc.name, got, tc.want)
			}
		})
	}
}

func TestParseCategory(t *testing.T) {
	for in, want := range map[string]Category{"路": Road, "桥": Bridge, "轨": Rail, "隧": Tunnel, "水": Water, "电": Power, "water": Water, " road ": Road} {
		got, err := ParseCategory(in)
		if err != nil || got != want {
			t.Errorf("ParseCategory(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "river", "气", "Road"} {
		if _, err := ParseCategory(in); err == nil {
			t.Errorf("ParseCategory(%q) succeeded, want an error", in)
		}
	}
}

func TestProjectState(t *testing.T) {
	day := civil.Date{Year: 2023, Month: time.March, Day: 1}
	tests := []struct {
		name string
		m    Milestones
		want State
	}{
		{"nothing known", Milestones{}, Planned},
		{"only planned dates", Milestones{PlannedStart: day, PlannedCompletion: day}, Planned},
		{"started", Milestones{ActualStart: day}, Started},
		{"started, year only", Milestones{ActualStart: civil.YearOnly(2022)}, Started},
		{"completed", Milestones{ActualStart: day, ActualCompletion: day}, Completed},
		{"completion without a recorded start", Milestones{ActualCompletion: civil.YearOnly(2022)}, Completed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.m.State(); got != tc.want {
				t.Fatalf("State() = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestStatusRule(t *testing.T) {
	rule := StatusRule{AtRiskDays: 30}
	day := func(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }
	yearEnd := civil.LastDayOfYear(2023)
	leapDay := day(2024, time.February, 29)
	tests := []struct {
		name       string
		list       List
		deadline   civil.Date
		outcome    Outcome
		milestones Milestones
		asOf       civil.Date
		want       Status
	}{
		{"achieved, long after", StartList, yearEnd, Achieved, Milestones{}, day(2026, time.May, 1), StatusAchieved},
		{"partial by hand, after the deadline", CompleteList, yearEnd, Partial, Milestones{}, day(2024, time.January, 1), StatusPartial},
		{"missed", StartList, yearEnd, Missed, Milestones{}, day(2024, time.January, 1), StatusMissed},
		{"31 days before 31 December", StartList, yearEnd, Pending, Milestones{}, day(2023, time.November, 30), StatusOnTrack},
		{"30 days before 31 December", StartList, yearEnd, Pending, Milestones{}, day(2023, time.December, 1), StatusAtRisk},
		{"on the deadline day", StartList, yearEnd, Pending, Milestones{}, yearEnd, StatusAtRisk},
		{"the day after the deadline", StartList, yearEnd, Pending, Milestones{}, day(2024, time.January, 1), StatusOverdue},
		{"a leap-day deadline, on the day", CompleteList, leapDay, Pending, Milestones{}, leapDay, StatusAtRisk},
		{"a leap-day deadline, 1 March", CompleteList, leapDay, Pending, Milestones{}, day(2024, time.March, 1), StatusOverdue},
		{"a leap-day deadline, 30 January (30 days)", CompleteList, leapDay, Pending, Milestones{}, day(2024, time.January, 30), StatusAtRisk},
		{"a leap-day deadline, 29 January (31 days)", CompleteList, leapDay, Pending, Milestones{}, day(2024, time.January, 29), StatusOnTrack},
		{"planned start passed, far from the deadline", StartList, yearEnd, Pending,
			Milestones{PlannedStart: day(2023, time.March, 1)}, day(2023, time.March, 2), StatusAtRisk},
		{"planned start is today", StartList, yearEnd, Pending,
			Milestones{PlannedStart: day(2023, time.March, 1)}, day(2023, time.March, 1), StatusOnTrack},
		{"planned completion passed does not touch the start target", StartList, yearEnd, Pending,
			Milestones{PlannedCompletion: day(2023, time.March, 1)}, day(2023, time.June, 1), StatusOnTrack},
		{"planned completion passed", CompleteList, yearEnd, Pending,
			Milestones{PlannedCompletion: day(2023, time.March, 1)}, day(2023, time.June, 1), StatusAtRisk},
		{"a year-only planned date passes at the year's end", CompleteList, civil.LastDayOfYear(2024), Pending,
			Milestones{PlannedCompletion: civil.YearOnly(2023)}, day(2023, time.December, 31), StatusOnTrack},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := Target{List: tc.list, Deadline: tc.deadline, Outcome: tc.outcome}
			if got := rule.Status(target, tc.milestones, tc.asOf); got != tc.want {
				t.Fatalf("Status = %s, want %s", got, tc.want)
			}
		})
	}
	if got := (StatusRule{AtRiskDays: 0}).Status(Target{Deadline: yearEnd}, Milestones{}, day(2023, time.December, 30)); got != StatusOnTrack {
		t.Errorf("with AtRiskDays 0 a deadline tomorrow is %s, want on track", got)
	}
}

func TestOverdue(t *testing.T) {
	deadline := civil.LastDayOfYear(2022)
	tests := []struct {
		outcome Outcome
		asOf    civil.Date
		want    bool
	}{
		{Pending, deadline, false},
		{Pending, civil.Date{Year: 2023, Month: time.January, Day: 1}, true},
		{Partial, civil.Date{Year: 2023, Month: time.January, Day: 1}, true},
		{Missed, civil.Date{Year: 2023, Month: time.January, Day: 1}, false},
		{Achieved, civil.Date{Year: 2030, Month: time.January, Day: 1}, false},
	}
	for _, tc := range tests {
		if got := (Target{Deadline: deadline, Outcome: tc.outcome}).Overdue(tc.asOf); got != tc.want {
			t.Errorf("%s as of %v: overdue = %v, want %v", tc.outcome, tc.asOf, got, tc.want)
		}
	}
}

func TestDeriveOutcome(t *testing.T) {
	day := func(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }
	yearEnd := civil.LastDayOfYear(2023)
	node := day(2023, time.June, 30)
	tests := []struct {
		name   string
		target Target
		m      Milestones
		want   Outcome
	}{
		{"no actual start", Target{List: StartList, Deadline: yearEnd}, Milestones{PlannedStart: node}, Pending},
		{"started on the deadline day", Target{List: StartList, Deadline: yearEnd}, Milestones{ActualStart: yearEnd}, Achieved},
		{"started the day after", Target{List: StartList, Deadline: yearEnd}, Milestones{ActualStart: day(2024, time.January, 1)}, Missed},
		{"completed early", Target{List: CompleteList, Deadline: node}, Milestones{ActualStart: day(2022, time.May, 1), ActualCompletion: day(2023, time.June, 1)}, Achieved},
		{"completion target, only started", Target{List: CompleteList, Deadline: node}, Milestones{ActualStart: day(2022, time.May, 1)}, Pending},
		{"completed on a leap day for a leap-day node", Target{List: CompleteList, Deadline: day(2024, time.February, 29)}, Milestones{ActualCompletion: day(2024, time.February, 29)}, Achieved},
		{"year only, the whole year before the deadline", Target{List: StartList, Deadline: yearEnd}, Milestones{ActualStart: civil.YearOnly(2023)}, Achieved},
		{"year only, straddling a mid-year node", Target{List: StartList, Deadline: node}, Milestones{ActualStart: civil.YearOnly(2023)}, Pending},
		{"year only, all after the node", Target{List: StartList, Deadline: node}, Milestones{ActualStart: civil.YearOnly(2024)}, Missed},
		{"partial by hand stays", Target{List: CompleteList, Deadline: yearEnd, Outcome: Partial, OutcomeByHand: true}, Milestones{}, Partial},
		{"missed by hand stays, despite a date", Target{List: StartList, Deadline: yearEnd, Outcome: Missed, OutcomeByHand: true}, Milestones{ActualStart: node}, Missed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DeriveOutcome(tc.target, tc.m); got != tc.want {
				t.Fatalf("DeriveOutcome = %s, want %s", got, tc.want)
			}
		})
	}
}
