package dashboard

import (
	"fmt"
	"testing"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
	"shuangshi/views"
)

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAxisSpan(t *testing.T) {
	for _, tc := range []struct {
		name     string
		year     int
		today    string
		days     []string
		from, to string
	}{
		{"nothing drawn: the list's year", 2023, "2023-06-01", nil, "2023-01-01", "2023-12-31"},
		{"works begun the year before", 2023, "2023-06-01", []string{"2022-03-01", "2023-12-31"}, "2022-01-01", "2023-12-31"},
		{"a long project, to its end", 2023, "2023-06-01", []string{"2021-03-01", "2026-10-31"}, "2021-01-01", "2026-12-31"},
		{"today long after the list", 2022, "2026-02-01", []string{"2022-12-31"}, "2022-01-01", "2026-12-31"},
		{"no today", 2023, "", []string{"2024-05-01"}, "2023-01-01", "2024-12-31"},
		{"no limit of a year either side", 2023, "2023-06-01", []string{"2019-01-01", "2030-06-30"}, "2019-01-01", "2030-12-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var days []civil.Date
			for _, d := range tc.days {
				days = append(days, day(d))
			}
			var today civil.Date
			if tc.today != "" {
				today = day(tc.today)
			}
			from, to := axisSpan(tc.year, today, days)
			if from != day(tc.from) || to != day(tc.to) {
				t.Errorf("got %s to %s, want %s to %s", from, to, tc.from, tc.to)
			}
		})
	}
}

func TestDrawnDaysTakeYearOnlyDatesWhole(t *testing.T) {
	r := views.TimelineRow{
		Actual:    span(civil.YearOnly(2021), civil.Date{}, day("2023-06-01")),
		Moved:     views.Move{First: civil.YearOnly(2025), Now: day("2026-03-01")},
		Deadlines: []views.Marker{{Date: day("2023-12-31"), List: "complete"}},
	}
	from, to := axisSpan(2023, day("2023-06-01"), drawnDays(r))
	if from != day("2021-01-01") || to != day("2026-12-31") {
		t.Errorf("got %s to %s, want 2021-01-01 to 2026-12-31", from, to)
	}
}

func TestBaselineOf(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		m                       projects.Milestones
		plannedBar, originalBar bool
		plannedEnd              string
		movedFirst, movedNow    string
	}{
		{name: "nothing planned", m: projects.Milestones{}},
		{
			name: "planned, never moved", m: projects.Milestones{PlannedStart: day("2023-03-01"), PlannedCompletion: day("2023-10-31")},
			plannedBar: true,
		},
		{
			name: "completion moved, with a start",
			m: projects.Milestones{PlannedStart: day("2022-09-01"), PlannedCompletion: day("2023-12-15"),
				OriginalPlannedCompletion: day("2023-10-31")},
			plannedBar: true, originalBar: true, movedFirst: "2023-10-31", movedNow: "2023-12-15",
		},
		{
			name:       "completion moved, no planned start",
			m:          projects.Milestones{PlannedCompletion: day("2026-10-31"), OriginalPlannedCompletion: day("2025-06-30")},
			plannedEnd: "2026-10-31", movedFirst: "2025-06-30", movedNow: "2026-10-31",
		},
		{
			name:       "completion moved earlier, no planned start",
			m:          projects.Milestones{PlannedCompletion: day("2023-09-30"), OriginalPlannedCompletion: day("2023-12-31")},
			plannedEnd: "2023-09-30", movedFirst: "2023-12-31", movedNow: "2023-09-30",
		},
		{
			name:        "completion cleared",
			m:           projects.Milestones{PlannedStart: day("2023-01-01"), OriginalPlannedCompletion: day("2023-06-30")},
			originalBar: true, movedFirst: "2023-06-30",
		},
		{
			name: "only the start moved",
			m: projects.Milestones{PlannedStart: day("2023-05-01"), PlannedCompletion: day("2023-12-31"),
				OriginalPlannedStart: day("2023-03-01")},
			plannedBar: true, originalBar: true,
		},
		{
			name: "moved and moved back",
			m: projects.Milestones{PlannedStart: day("2023-05-01"), PlannedCompletion: day("2023-12-31"),
				OriginalPlannedCompletion: day("2023-12-31")},
			plannedBar: true, originalBar: true,
		},
		{
			name:       "known only to the year, moved",
			m:          projects.Milestones{PlannedCompletion: civil.YearOnly(2024), OriginalPlannedCompletion: civil.YearOnly(2023)},
			plannedEnd: "2024", movedFirst: "2023", movedNow: "2024",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := baselineOf(tc.m)
			if got := !b.Planned.From.IsZero(); got != tc.plannedBar {
				t.Errorf("planned bar drawn: got %v, want %v", got, tc.plannedBar)
			}
			if got := !b.Original.From.IsZero(); got != tc.originalBar {
				t.Errorf("original bar drawn: got %v, want %v", got, tc.originalBar)
			}
			if got := b.PlannedEnd.String(); got != tc.plannedEnd {
				t.Errorf("planned completion marked alone: got %q, want %q", got, tc.plannedEnd)
			}
			if got, want := fmt.Sprint(b.Moved.First, " → ", b.Moved.Now), fmt.Sprint(tc.movedFirst, " → ", tc.movedNow); got != want && !(b.Moved.First.IsZero() && tc.movedFirst == "") {
				t.Errorf("move drawn: got %s, want %s", got, want)
			}
			if b.Moved.First.IsZero() != (tc.movedFirst == "") {
				t.Errorf("a move drawn: got %v, want %v", !b.Moved.First.IsZero(), tc.movedFirst != "")
			}
		})
	}
}

func TestAxisTicksLeaveRoomForTheirLabels(t *testing.T) {
	for _, tc := range []struct {
		name                string
		from, to            string
		width               int
		monthStep, yearStep int // 0: no such labels
	}{
		{"one year: every month", "2023-01-01", "2023-12-31", PlotMinWidth, 1, 0},
		{"two years: every month", "2022-01-01", "2023-12-31", PlotMinWidth, 1, 1},
		{"three years: every other month", "2022-01-01", "2024-12-31", PlotMinWidth, 2, 1},
		{"six years: every quarter", "2021-01-01", "2026-12-31", PlotMinWidth, 3, 1},
		{"ten years: every half year", "2021-01-01", "2030-12-31", PlotMinWidth, 6, 1},
		{"twenty years: every other year", "2011-01-01", "2030-12-31", PlotMinWidth, 0, 2},
		{"forty years: every five years", "1991-01-01", "2030-12-31", PlotMinWidth, 0, 5},
		{"a century: every ten years", "2000-01-01", "2100-12-31", PlotMinWidth, 0, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ticks := axisTicks(day(tc.from), day(tc.to), tc.width)
			months := (day(tc.to).Year-day(tc.from).Year)*12 + 12
			perMonth := float64(tc.width) / float64(months)
			var lastMonth, lastYear = -1, -1
			monthStep, yearStep := 0, 0
			for _, tick := range ticks {
				at := (tick.Date.Year-day(tc.from).Year)*12 + int(tick.Date.Month-time.January)
				if tick.MonthLabel {
					if lastMonth >= 0 {
						if gap := float64(at-lastMonth) * perMonth; gap < monthLabelRoom {
							t.Errorf("month labels %.1f px apart at %s", gap, tick.Date)
						}
						monthStep = at - lastMonth
					}
					lastMonth = at
				}
				if tick.YearLabel {
					if lastYear >= 0 {
						if gap := float64(at-lastYear) * perMonth; gap < yearLabelRoom {
							t.Errorf("year labels %.1f px apart at %s", gap, tick.Date)
						}
						yearStep = (at - lastYear) / 12
					}
					lastYear = at
				}
			}
			if monthStep != tc.monthStep || yearStep != tc.yearStep {
				t.Errorf("got months every %d and years every %d, want %d and %d", monthStep, yearStep, tc.monthStep, tc.yearStep)
			}
			if len(ticks) == 0 || ticks[0].Date != day(tc.from) || !ticks[0].YearLabel {
				t.Errorf("the first tick is %+v; want the first day, with its year", ticks[0])
			}
		})
	}
}
