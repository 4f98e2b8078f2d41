package projects

import (
	"testing"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

func TestMonths(t *testing.T) {
	m, err := ParseMonth("2026-11")
	if err != nil || m != (Month{2026, 11}) || m.String() != "2026-11" {
		t.Fatalf("ParseMonth(2026-11) = %v, %v", m, err)
	}
	for _, bad := range []string{"", "2026-13", "2026-00", "2026-1", "11-2026", "2026/11", "99999-01"} {
		if _, err := ParseMonth(bad); err == nil {
			t.Errorf("ParseMonth(%q) took it", bad)
		}
	}
	if got := (Month{2026, 12}).Deadline(5); got != day(2027, time.January, 5) {
		t.Errorf("December's deadline is %v", got)
	}
	for _, tc := range []struct {
		today civil.Date
		want  Month
	}{
		{day(2026, time.December, 5), Month{2026, 10}}, // November's deadline is today: not passed
		{day(2026, time.December, 6), Month{2026, 11}},
		{day(2026, time.January, 3), Month{2025, 11}},
		{day(2026, time.January, 6), Month{2025, 12}},
	} {
		if got := LastDueMonth(tc.today, 5); got != tc.want {
			t.Errorf("LastDueMonth(%v) = %v, want %v", tc.today, got, tc.want)
		}
	}
}

func TestMonthlyRules(t *testing.T) {
	may := []MonthlyReport{{Year: 2023, Month: 5, Completed: money.Wan(300)}}
	tests := []struct {
		name      string
		form      MonthlyForm
		year      []MonthlyReport
		wantField string
		wantID    string
	}{
		{"a first report", MonthlyForm{Month: "2023-05", Completed: "300", Progress: "桩基完成"}, nil, "", ""},
		{"the month in progress, early", MonthlyForm{Month: "2023-06", Completed: "310", Progress: "桩基完成"}, may, "", ""},
		{"a month to come", MonthlyForm{Month: "2023-07", Completed: "310", Progress: "x"}, nil, MonthlyFieldMonth, "monthly.month_invalid"},
		{"a year the project is not listed in", MonthlyForm{Month: "2022-12", Completed: "1", Progress: "x"}, nil, MonthlyFieldMonth, "monthly.month_invalid"},
		{"not a month", MonthlyForm{Month: "May", Completed: "1", Progress: "x"}, nil, MonthlyFieldMonth, "monthly.month_invalid"},
		{"three decimals of 万元", MonthlyForm{Month: "2023-05", Completed: "300.125", Progress: "x"}, nil, MonthlyFieldCompleted, "edit.amount_decimals"},
		{"a negative amount", MonthlyForm{Month: "2023-05", Completed: "-3", Progress: "x"}, nil, MonthlyFieldCompleted, "edit.amount_negative"},
		{"no amount", MonthlyForm{Month: "2023-05", Completed: " ", Progress: "x"}, nil, MonthlyFieldCompleted, "monthly.completed_required"},
		{"no visible progress", MonthlyForm{Month: "2023-05", Completed: "1"}, nil, MonthlyFieldProgress, "monthly.progress_required"},
		{"lower than last month's", MonthlyForm{Month: "2023-06", Completed: "299.99", Progress: "x"}, may, MonthlyFieldLowerReason, "monthly.lower_needs_reason"},
		{"lower than last month's, with a reason", MonthlyForm{Month: "2023-06", Completed: "280", Progress: "x", LowerReason: "5月多报了20万元"}, may, "", ""},
		{"higher than a later month's", MonthlyForm{Month: "2023-04", Completed: "301", Progress: "x"}, may, MonthlyFieldLowerReason, "monthly.higher_than_later_needs_reason"},
		{"the same month corrected down", MonthlyForm{Month: "2023-05", Completed: "200", Progress: "x"}, may, "", ""},
	}
	p := invested()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			report, problems := tc.form.Check(p, tc.year, midYear, DefaultReportDay)
			if tc.wantField == "" {
				if len(problems) != 0 {
					t.Fatalf("problems %v", problems)
				}
				if report.ProjectID != p.ID || report.Year != 2023 {
					t.Fatalf("report %+v", report)
				}
				return
			}
			if got := problems[tc.wantField].ID; got != tc.wantID {
				t.Fatalf("problem of %s = %q, want %q (all: %v)", tc.wantField, got, tc.wantID, problems)
			}
		})
	}
}

func TestALateReportIsTakenAndMarked(t *testing.T) {
	p := invested()
	f := MonthlyForm{Month: "2023-04", Completed: "200", Progress: "x"}
	onTime, problems := f.Check(p, nil, day(2023, time.May, 5), 5)
	if len(problems) != 0 || onTime.Late {
		t.Fatalf("on the deadline: %+v, %v", onTime, problems)
	}
	late, problems := f.Check(p, nil, day(2023, time.May, 6), 5)
	if len(problems) != 0 || !late.Late {
		t.Fatalf("the day after: %+v, %v", late, problems)
	}
}

func TestPaceAsOf(t *testing.T) {
	rule := DefaultPaceRule()
	plan := money.Wan(1200)
	reports := []MonthlyReport{
		{Year: 2023, Month: 3, Completed: money.Wan(250)},
		{Year: 2023, Month: 5, Completed: money.Wan(300)},
	}
	tests := []struct {
		name        string
		planned     *money.Amount
		reports     []MonthlyReport
		today       civil.Date
		wantOK      bool
		wantMonth   int
		wantDone    int64
		wantElapsed int64
		wantLight   Light
	}{
		// 1 June, before the 5th: April is the last month due, but May is
		// reported: as of May, 300 of 1200 (25.0%) against 41.7%.
		{"a month reported early counts", &plan, reports, day(2023, time.June, 1), true, 5, 250, 417, LightYellow},
		// April due, March's figure carried: 250/1200 = 20.8% against 33.3%.
		{"the last figure carries to the month due", &plan, reports[:1], day(2023, time.May, 6), true, 4, 208, 333, LightYellow},
		{"nothing reported by August", &plan, nil, day(2023, time.September, 6), true, 8, 0, 667, LightRed},
		{"no plan, no light", nil, reports, day(2023, time.June, 1), false, 0, 0, 0, ""},
		{"January: nothing due yet", &plan, nil, day(2023, time.January, 20), false, 0, 0, 0, ""},
		{"February: January due", &plan, []MonthlyReport{{Year: 2023, Month: 1, Completed: money.Wan(100)}}, day(2023, time.February, 6), true, 1, 83, 83, LightGreen},
		{"a past year is as of December", &plan, reports, day(2024, time.March, 1), true, 12, 250, 1000, LightRed},
		{"a year to come has no light", &plan, nil, day(2022, time.December, 31), false, 0, 0, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := rule.PaceAsOf(tc.planned, tc.reports, 2023, tc.today, 5)
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tc.wantOK, got)
			}
			if !ok {
				return
			}
			if got.AsOf.Month != tc.wantMonth || got.Done != tc.wantDone || got.Elapsed != tc.wantElapsed || got.Light != tc.wantLight {
				t.Fatalf("got %+v as of %v, want month %d done %d elapsed %d %s", got.Pace, got.AsOf, tc.wantMonth, tc.wantDone, tc.wantElapsed, tc.wantLight)
			}
		})
	}
}

func TestFilingRate(t *testing.T) {
	for _, tc := range []struct {
		filed, due int
		want       int64
		ok         bool
	}{
		{7, 10, 700, true}, {2, 3, 667, true}, {1, 3, 333, true}, {0, 4, 0, true}, {5, 5, 1000, true}, {0, 0, 0, false},
	} {
		got, ok := FilingRate(tc.filed, tc.due)
		if got != tc.want || ok != tc.ok {
			t.Errorf("FilingRate(%d, %d) = %d, %v; want %d, %v", tc.filed, tc.due, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSettingsForm(t *testing.T) {
	for _, tc := range []struct {
		form      SettingsForm
		wantField string
	}{
		{SettingsForm{"5", "10", "30"}, ""},
		{SettingsForm{"29", "10", "30"}, "report_day"},
		{SettingsForm{"0", "10", "30"}, "report_day"},
		{SettingsForm{"5", "x", "30"}, "pace_yellow"},
		{SettingsForm{"5", "40", "30"}, "pace_red"},
		{SettingsForm{"5", "30", "30"}, ""},
	} {
		_, problems := tc.form.Check()
		if tc.wantField == "" && len(problems) != 0 || tc.wantField != "" && problems[tc.wantField].ID == "" {
			t.Errorf("%+v: problems %v, want one of %q", tc.form, problems, tc.wantField)
		}
	}
}
