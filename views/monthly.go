package views

import (
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// MonthlyPage is the form of a project's monthly report (月报), with the
// months reported so far.
type MonthlyPage struct {
	Nav           Nav
	ProjectName   string
	ProjectNameEn string
	ProjectURL    string
	Action        string
	// Months are the months the project may be reported for, newest first.
	Months      []MonthChoice
	Month       string // the chosen month, "2026-11"
	Completed   string // as typed, in 万元
	Progress    string
	LowerReason string
	// Deadline is the chosen month's; Late is set when a report filed
	// today would be past it.
	Deadline civil.Date
	Late     bool
	// Plan is the chosen month's year's planned investment; nil without
	// one.
	Plan   *money.Amount
	Series MonthlySeries
	Errors FieldErrors
	Fields []string
}

// MonthChoice is a month the form offers.
type MonthChoice struct {
	Value        string // "2026-11"
	Year, Month  int
	Reported     bool
	ReportedLate bool
}

// MonthlySeries is a project's investment and its months: what the
// project page and the report's form show.
type MonthlySeries struct {
	// Total is 总投资; nil while not given.
	Total *money.Amount
	Years []MonthlyYear
	// Staff see who filed each month, when, and the filings waiting for
	// review.
	Staff bool
}

// MonthlyYear is a year's plan, its pace and its months.
type MonthlyYear struct {
	Year int
	// Plan is the year's planned investment, nil while not given;
	// Original the first plan, kept since a re-baseline.
	Plan     *money.Amount
	Original *money.Amount
	Pace     *PaceView
	Months   []MonthlyRow // oldest first
}

// MonthlyRow is one month's report.
type MonthlyRow struct {
	Year, Month int
	Completed   money.Amount
	// Share is Completed as a share of the year's plan, in tenths of a
	// point; nil without a plan.
	Share       *int64
	Progress    string
	LowerReason string
	Late        bool
	Waiting     bool // filed, not yet approved for the public
	By          string
	FiledAt     time.Time
}

// PaceView is a project's 序时进度 light for a year as of a month.
type PaceView struct {
	Light     string // "green", "yellow", "red"
	Done      int64  // tenths of a point of the plan completed
	Elapsed   int64  // tenths of a point of the year gone by
	Lag       int64  // tenths of a point behind (negative: ahead)
	Year      int
	Month     int
	Planned   money.Amount
	Completed money.Amount
}

// MonthlySettingsPage is the administrator's form of supervision's
// settings.
type MonthlySettingsPage struct {
	Nav       Nav
	ReportDay string
	Yellow    string
	Red       string
	Errors    FieldErrors
	Saved     bool
}

// FilingPage is a month's 填报率 (filing rate) for staff.
type FilingPage struct {
	Nav         Nav
	Year, Month int
	Deadline    civil.Date
	Due, Filed  int
	Late        int
	Rate        *int64 // tenths of a point; nil when none was due
	Missing     []FilingMissing
	PreviousURL string
	NextURL     string
}

// FilingMissing is a project due to report that has not.
type FilingMissing struct {
	Name, NameEn string
	URL          string
	Unit         string
	Engineers    []string
}
