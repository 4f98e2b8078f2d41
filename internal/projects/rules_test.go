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

func TestOverdueAndStatus(t *testing.T) {
	deadline := civil.LastDayOfYear(2022)
	dayBefore := civil.Date{Year: 2022, Month: time.December, Day: 30}
	dayAfter := civil.Date{Year: 2023, Month: time.January, Day: 1}
	leapDeadline := civil.Date{Year: 2024, Month: time.February, Day: 29}
	tests := []struct {
		name        string
		deadline    civil.Date
		outcome     Outcome
		asOf        civil.Date
		wantOverdue bool
		wantStatus  Status
	}{
		{"pending, before the deadline", deadline, Pending, dayBefore, false, StatusPending},
		{"pending, on the deadline day", deadline, Pending, deadline, false, StatusPending},
		{"pending, the day after", deadline, Pending, dayAfter, true, StatusOverdue},
		{"achieved, long after", deadline, Achieved, civil.LastDayOfYear(2026), false, StatusAchieved},
		{"partial, after the deadline", deadline, Partial, dayAfter, true, StatusPartial},
		{"partial, before the deadline", deadline, Partial, dayBefore, false, StatusPartial},
		{"missed, after the deadline", deadline, Missed, dayAfter, true, StatusMissed},
		{"leap-day deadline, on the day", leapDeadline, Pending, leapDeadline, false, StatusPending},
		{"leap-day deadline, 1 March", leapDeadline, Pending, civil.Date{Year: 2024, Month: time.March, Day: 1}, true, StatusOverdue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := Target{Deadline: tc.deadline, Outcome: tc.outcome}
			if got := target.Overdue(tc.asOf); got != tc.wantOverdue {
				t.Errorf("Overdue(%v) = %v, want %v", tc.asOf, got, tc.wantOverdue)
			}
			if got := target.Status(tc.asOf); got != tc.wantStatus {
				t.Errorf("Status(%v) = %s, want %s", tc.asOf, got, tc.wantStatus)
			}
		})
	}
}
