package views

import (
	"strconv"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// DashboardPage is a year at a glance: the lists planned against achieved,
// by category, and beside the previous years.
type DashboardPage struct {
	Nav         Nav
	Year        int
	Standing    Standing
	AsOf        civil.Date // the year's one as-of (see YearPage.AsOf)
	Lists       []ListSummary
	Categories  []FigureRow // by category
	Years       []FigureRow // by year
	TimelineURL string
	ReportURL   string
	// Money is the year's investment by category, with its total row, and
	// MoneyYears the same totals for this year and the years before.
	Money      []MoneyRow
	MoneyTotal MoneyRow
	MoneyYears []MoneyRow
	// ReportMoneyURL is the year-end table with its investment columns.
	ReportMoneyURL string
}

// MoneyRow is the investment of a category (by its code) or of a year:
// the exact sums of the plans and the completed amounts given (nil when
// none was), the share, and the projects counted by light.
type MoneyRow struct {
	Category  string
	Year      int
	Planned   *money.Amount
	Completed *money.Amount
	Rate      *int64 // tenths of a point; nil without both sums
	Green     int
	Yellow    int
	Red       int
	NoLight   int
}

// FigureRow is one row of the dashboard's tables and charts: the figures
// of a category (by its code) or of a year.
type FigureRow struct {
	Category         string
	Year             int
	StartTotal       int
	StartAchieved    int
	CompleteTotal    int
	CompleteAchieved int
	Overdue          int
	AtRisk           int
}

// TimelinePage is the Gantt-style timeline of a year's projects.
type TimelinePage struct {
	Nav      Nav
	Year     int
	Standing Standing
	AsOf     civil.Date // the year's one as-of (see YearPage.AsOf)
	Today    civil.Date // where the chart draws today
	Axis     TimelineAxis
	Rows     []TimelineRow
}

// TimelineAxis is the stretch of days the timeline draws, from the first
// day of From to the last of To, and the ticks along it.
type TimelineAxis struct {
	From, To civil.Date
	Ticks    []TimelineTick
}

// TimelineTick is the first day of a month on the axis: a grid line, with
// the month's number and the year printed when there is room for them.
type TimelineTick struct {
	Date       civil.Date
	YearLabel  bool
	MonthLabel bool
}

// TimelineRow is one project on the timeline.
type TimelineRow struct {
	Number int // 序号
	Name   string
	NameEn string
	URL    string
	// Planned is the bar of the planned works; a project planned only by
	// its completion has none, and PlannedEnd marks that completion.
	Planned    Span
	PlannedEnd civil.Date
	Original   Span // the first baseline, when re-baselined and it has both ends
	Moved      Move // the planned completion's move, in every case it moved
	Actual     Span
	Deadlines  []Marker
}

// Span is a bar from one day to another; a zero From means no bar. Start
// and End are the dates as recorded (perhaps known only to the year, or no
// End yet for works under way); From and To are the days drawn. Approx
// marks a bar drawn from dates known only to the year.
type Span struct {
	Start, End civil.Date
	From, To   civil.Date
	Approx     bool
}

// Move is a planned completion moved from First, the first baseline's, to
// Now (zero when it was cleared). A zero First means it never moved.
type Move struct {
	First, Now civil.Date
}

// Marker is a deadline of a target on the timeline.
type Marker struct {
	Date civil.Date
	List string
}

// timelinePos is where the start of a day falls on the timeline's plot, as
// an SVG percentage of the plot's width: the plot stretches to the room it
// has while its text keeps its size.
func timelinePos(a TimelineAxis, d civil.Date) string {
	total := a.From.DaysUntil(a.To) + 1
	if total <= 0 {
		return "0%"
	}
	off := max(0, min(a.From.DaysUntil(d), total))
	return strconv.FormatFloat(float64(off)*100/float64(total), 'f', 2, 64) + "%"
}

// dayPos is where the middle of a day falls, for a mark on it; a date known
// only to the year is marked at its last day ("no later than").
func dayPos(a TimelineAxis, d civil.Date) string {
	d = d.Latest()
	total := a.From.DaysUntil(a.To) + 1
	if total <= 0 {
		return "0%"
	}
	off := max(0, min(float64(a.From.DaysUntil(d))+0.5, float64(total)))
	return strconv.FormatFloat(off*100/float64(total), 'f', 2, 64) + "%"
}

// spanBox is the x and width of a bar, as percentages of the plot.
func spanBox(a TimelineAxis, s Span) (string, string) {
	total := a.From.DaysUntil(a.To) + 1
	if total <= 0 {
		return "0%", "0%"
	}
	from := max(0, min(a.From.DaysUntil(s.From), total))
	to := max(from, min(a.From.DaysUntil(s.To)+1, total))
	// At least a fifth of a percent, so that a one-day bar still shows.
	width := max(float64(to-from)*100/float64(total), 0.2)
	return strconv.FormatFloat(float64(from)*100/float64(total), 'f', 2, 64) + "%", strconv.FormatFloat(width, 'f', 2, 64) + "%"
}

func itoa(n int) string { return strconv.Itoa(n) }

// chartShare is the width of a bar for a value on a chart whose largest
// value is top, as a percentage of the bar's room; 98% at most, so that the
// outline of the largest bar is not cut at the edge.
func chartShare(value, top int) string {
	if top <= 0 || value <= 0 {
		return "0"
	}
	return strconv.FormatFloat(max(float64(value)*98/float64(top), 1), 'f', 1, 64) + "%"
}

func chartTop(rows []FigureRow) int {
	top := 1
	for _, r := range rows {
		top = max(top, r.StartTotal, r.CompleteTotal)
	}
	return top
}

// moneyShare is the width of the bar of a share of the plan completed
// (tenths of a point), as a percentage of the bar's room: at most 99%,
// for a share over the whole plan too.
func moneyShare(tenths int64) string {
	return strconv.FormatFloat(float64(max(0, min(tenths, 990)))/10, 'f', 1, 64) + "%"
}
