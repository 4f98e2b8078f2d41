package projects

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// The monthly report (月报): each month, for each project on a public list
// of the month's year, an engineer reports the year's investment completed
// to the month's end (本年累计完成投资) and a short text of the visible
// progress (形象进度), by a deadline in the next month. A late report is
// taken and marked late. Each filing is kept: a month's report is its
// newest filing, and the public reads its newest approved one.

// MonthlyReport is one filing of a project's report for a month.
type MonthlyReport struct {
	ID        int64
	ProjectID int64
	Year      int
	Month     int
	// Completed is the year's investment completed to the end of the
	// month: cumulative within the year, from January.
	Completed money.Amount
	Progress  string // 形象进度
	// LowerReason explains a figure lower than the month before's.
	LowerReason string
	Late        bool
	// Approved marks a filing the public reads: at once without review
	// before publication, else once a reviewer approved it.
	Approved bool
	UserID   *int64
	UserName string
	FiledAt  time.Time
}

// TableName is the reports' table.
func (MonthlyReport) TableName() string { return "monthly_reports" }

// Of is the month the report is for.
func (r MonthlyReport) Of() Month { return Month{Year: r.Year, Month: r.Month} }

// FieldMonthlyReport is the history's field of a monthly report; its
// values are monthText.
const FieldMonthlyReport = "monthly_report"

// MaxMonthlyProgressLength bounds the 形象进度 text: a short text, as the
// report's table prints it.
const MaxMonthlyProgressLength = 300

// Month is a month of a year.
type Month struct {
	Year  int
	Month int // 1 to 12
}

// MonthOf is the month of a day.
func MonthOf(d civil.Date) Month { return Month{Year: d.Year, Month: int(d.Month)} }

// ParseMonth reads a month as a form or an address writes it: "2026-11".
func ParseMonth(s string) (Month, error) {
	year, month, ok := strings.Cut(strings.TrimSpace(s), "-")
	y, errY := strconv.Atoi(year)
	m, errM := strconv.Atoi(month)
	if !ok || errY != nil || errM != nil || m < 1 || m > 12 || y < civil.MinYear || y > civil.MaxYear || len(month) != 2 {
		return Month{}, fmt.Errorf("not a month: %q", s)
	}
	return Month{Year: y, Month: m}, nil
}

// String writes the month as ParseMonth reads it.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// IsZero reports whether m is no month.
func (m Month) IsZero() bool { return m.Year == 0 }

// Next is the month after m.
func (m Month) Next() Month {
	if m.Month == 12 {
		return Month{Year: m.Year + 1, Month: 1}
	}
	return Month{Year: m.Year, Month: m.Month + 1}
}

// Previous is the month before m.
func (m Month) Previous() Month {
	if m.Month == 1 {
		return Month{Year: m.Year - 1, Month: 12}
	}
	return Month{Year: m.Year, Month: m.Month - 1}
}

// Before reports whether m comes before n.
func (m Month) Before(n Month) bool {
	return m.Year < n.Year || m.Year == n.Year && m.Month < n.Month
}

// FirstDay is the first day of the month.
func (m Month) FirstDay() civil.Date {
	return civil.Date{Year: m.Year, Month: time.Month(m.Month), Day: 1}
}

// Deadline is the last day to file the month's report on time: reportDay
// of the next month.
func (m Month) Deadline(reportDay int) civil.Date {
	n := m.Next()
	return civil.Date{Year: n.Year, Month: time.Month(n.Month), Day: reportDay}
}

// DefaultReportDay is the day of the next month a month's report is due
// by, unless an administrator set another.
const DefaultReportDay = 5

// MonthToReport is the month whose report an engineer files as of today:
// the month just ended. Its deadline is in this month.
func MonthToReport(today civil.Date) Month { return MonthOf(today).Previous() }

// LastDueMonth is the latest month whose report's deadline has passed as
// of today: the month before last until the report day, then the month
// just ended.
func LastDueMonth(today civil.Date, reportDay int) Month {
	m := MonthToReport(today)
	if today.Day <= reportDay {
		return m.Previous()
	}
	return m
}

// MonthlyForm is the monthly report's form as typed.
type MonthlyForm struct {
	Month       string
	Completed   string
	Progress    string
	LowerReason string
}

// The monthly form's fields, by their names on the page.
const (
	MonthlyFieldMonth       = "month"
	MonthlyFieldCompleted   = "completed"
	MonthlyFieldProgress    = "progress"
	MonthlyFieldLowerReason = "lower_reason"
)

// MonthlyFormOf is the form for month m, filled with its report when there
// is one.
func MonthlyFormOf(m Month, report *MonthlyReport) MonthlyForm {
	f := MonthlyForm{Month: m.String()}
	if report != nil {
		f.Completed, f.Progress, f.LowerReason = report.Completed.String(), report.Progress, report.LowerReason
	}
	return f
}

// ReportableMonths are the months a project may be reported for as of
// today: each month of each year it is on a public, open list, up to the
// month in progress (a report may be filed early), newest first.
func (p Project) ReportableMonths(today civil.Date) []Month {
	var months []Month
	current := MonthOf(today)
	for _, year := range p.PlanYears() {
		if !p.yearPublic(year) || p.yearClosed(year) {
			continue
		}
		for m := (Month{Year: year, Month: 1}); m.Year == year && !current.Before(m); m = m.Next() {
			months = append(months, m)
		}
	}
	for i, j := 0, len(months)-1; i < j; i, j = i+1, j-1 {
		months[i], months[j] = months[j], months[i]
	}
	return months
}

// CheckMonthly validates a monthly report for project p as of today, with
// reportDay the deadline's day, and the reports the project already has
// for the month's year (the newest filing of each month), and returns the
// report to file or every problem by field.
//
// The rules: the month is one the project may report for
// (ReportableMonths); the completed amount is given, in 万元 with at most
// two decimals, not negative; a figure lower than an earlier month's of
// the same year needs a reason (a correction), and one higher than a later
// month's too; the 形象进度 text is given and short. A report filed after
// the month's deadline is late.
func (f MonthlyForm) Check(p Project, year []MonthlyReport, today civil.Date, reportDay int) (MonthlyReport, Problems) {
	problems := Problems{}
	report := MonthlyReport{ProjectID: p.ID, Progress: cleanText(f.Progress), LowerReason: cleanText(f.LowerReason)}
	month, err := ParseMonth(f.Month)
	reportable := false
	for _, m := range p.ReportableMonths(today) {
		reportable = reportable || m == month
	}
	if err != nil || !reportable {
		problems[MonthlyFieldMonth] = Problem{ID: "monthly.month_invalid"}
	}
	report.Year, report.Month = month.Year, month.Month
	if completed, err := money.Parse(f.Completed); err != nil {
		if strings.TrimSpace(f.Completed) == "" {
			problems[MonthlyFieldCompleted] = Problem{ID: "monthly.completed_required"}
		} else {
			problems[MonthlyFieldCompleted] = amountProblem(err)
		}
	} else {
		report.Completed = completed
		if _, ok := problems[MonthlyFieldMonth]; !ok && report.LowerReason == "" {
			if earlier, ok := reportBefore(year, month); ok && completed < earlier.Completed {
				problems[MonthlyFieldLowerReason] = Problem{ID: "monthly.lower_needs_reason",
					Args: []any{"Month", earlier.Month, "Amount", earlier.Completed.String()}}
			}
			if later, ok := reportAfter(year, month); ok && completed > later.Completed {
				problems[MonthlyFieldLowerReason] = Problem{ID: "monthly.higher_than_later_needs_reason",
					Args: []any{"Month", later.Month, "Amount", later.Completed.String()}}
			}
		}
	}
	switch n := utf8.RuneCountInString(report.Progress); {
	case n == 0:
		problems[MonthlyFieldProgress] = Problem{ID: "monthly.progress_required"}
	case n > MaxMonthlyProgressLength:
		problems[MonthlyFieldProgress] = Problem{ID: "edit.too_long", Args: []any{"Max", MaxMonthlyProgressLength}}
	}
	if utf8.RuneCountInString(report.LowerReason) > MaxReasonLength {
		problems[MonthlyFieldLowerReason] = Problem{ID: "edit.too_long", Args: []any{"Max", MaxReasonLength}}
	}
	if len(problems) > 0 {
		return MonthlyReport{}, problems
	}
	report.Late = today.After(month.Deadline(reportDay))
	return report, nil
}

// reportBefore is the report of the latest month before m among a year's
// reports.
func reportBefore(year []MonthlyReport, m Month) (MonthlyReport, bool) {
	var found MonthlyReport
	ok := false
	for _, r := range year {
		if r.Year == m.Year && r.Month < m.Month && (!ok || r.Month > found.Month) {
			found, ok = r, true
		}
	}
	return found, ok
}

// reportAfter is the report of the earliest month after m among a year's
// reports.
func reportAfter(year []MonthlyReport, m Month) (MonthlyReport, bool) {
	var found MonthlyReport
	ok := false
	for _, r := range year {
		if r.Year == m.Year && r.Month > m.Month && (!ok || r.Month < found.Month) {
			found, ok = r, true
		}
	}
	return found, ok
}

// monthText is how the history writes a month's completed amount:
// "2026-11 120.5", or "" for none.
func monthText(m Month, completed *money.Amount) string {
	if completed == nil {
		return ""
	}
	return m.String() + " " + completed.String()
}

// readMonthText reads monthText back.
func readMonthText(stored string) (Month, money.Amount, bool) {
	month, amount, ok := strings.Cut(stored, " ")
	m, err := ParseMonth(month)
	if !ok || err != nil {
		return Month{}, 0, false
	}
	a, err := money.Read(amount)
	return m, a, err == nil
}

// Paced is a project's pace for a year as of a month.
type Paced struct {
	Pace
	Planned   money.Amount
	Completed money.Amount
	// AsOf is the month the pace is reckoned at: the later of the last
	// month due and the newest month reported, never after the month
	// just ended.
	AsOf Month
}

// PaceAsOf reckons a project's pace in year from its plan and its reports
// of the year (the newest filing of each month), as of today with the
// deadline's day: against the share of the year gone by at the end of the
// later of the last month due and the newest month reported (no later
// than the month just ended). It returns false when there is no plan, or
// no month of the year is due or reported yet.
func (r PaceRule) PaceAsOf(planned *money.Amount, reports []MonthlyReport, year int, today civil.Date, reportDay int) (Paced, bool) {
	if planned == nil {
		return Paced{}, false
	}
	asOf := LastDueMonth(today, reportDay)
	ended := MonthToReport(today)
	if asOf.Year > year {
		asOf = Month{Year: year, Month: 12}
	}
	newest := Month{}
	for _, rep := range reports {
		if m := rep.Of(); rep.Year == year && !ended.Before(m) && newest.Before(m) {
			newest = m
		}
	}
	if asOf.Before(newest) {
		asOf = newest
	}
	if asOf.Year < year {
		return Paced{}, false
	}
	// Completed as of asOf: the newest report at or before it.
	var completed money.Amount
	best := Month{}
	for _, rep := range reports {
		m := rep.Of()
		if rep.Year == year && !asOf.Before(m) && best.Before(m) {
			best, completed = m, rep.Completed
		}
	}
	pace, ok := r.Of(*planned, completed, ElapsedThroughMonth(asOf.Month))
	if !ok {
		return Paced{}, false
	}
	return Paced{Pace: pace, Planned: *planned, Completed: completed, AsOf: asOf}, true
}

// FilingRate is a month's 填报率: how many of the projects due reported,
// in tenths of a percentage point, and false when none was due.
func FilingRate(filed, due int) (int64, bool) {
	if due == 0 {
		return 0, false
	}
	return (int64(filed)*1000*2 + int64(due)) / (int64(due) * 2), true
}

// Settings are what an administrator sets of supervision: the day of the
// next month a month's report is due by, and the 序时进度 lights'
// thresholds.
type Settings struct {
	ReportDay int
	Pace      PaceRule
}

// DefaultSettings are the settings of a new site.
func DefaultSettings() Settings {
	return Settings{ReportDay: DefaultReportDay, Pace: DefaultPaceRule()}
}

// SettingsForm is the settings' form as typed.
type SettingsForm struct {
	ReportDay, Yellow, Red string
}

// Check validates the settings' form: the report day is a day every month
// has (1 to 28); the thresholds are whole points from 1 to 100, yellow no
// more than red.
func (f SettingsForm) Check() (Settings, Problems) {
	problems := Problems{}
	var s Settings
	read := func(field, v string, lo, hi int, into *int) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			problems[field] = Problem{ID: "settings.range", Args: []any{"Min", lo, "Max", hi}}
			return
		}
		*into = n
	}
	read("report_day", f.ReportDay, 1, 28, &s.ReportDay)
	read("pace_yellow", f.Yellow, 1, 100, &s.Pace.YellowPoints)
	read("pace_red", f.Red, 1, 100, &s.Pace.RedPoints)
	if len(problems) == 0 && s.Pace.YellowPoints > s.Pace.RedPoints {
		problems["pace_red"] = Problem{ID: "settings.red_below_yellow"}
	}
	return s, problems
}
