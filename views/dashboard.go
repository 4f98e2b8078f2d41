package views

import (
	"strconv"

	"shuangshi/internal/civil"
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
	From     civil.Date // the first day drawn
	To       civil.Date // the last day drawn
	Rows     []TimelineRow
}

// TimelineRow is one project on the timeline.
type TimelineRow struct {
	Number    int // 序号
	Name      string
	NameEn    string
	URL       string
	Planned   Span
	Original  Span // the first baseline, when re-baselined
	Actual    Span
	Deadlines []Marker
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

// Marker is a deadline of a target on the timeline.
type Marker struct {
	Date civil.Date
	List string
}

// The geometry of the timeline's SVG, in its own units.
const (
	timelineLabelWidth = 260
	timelinePlotWidth  = 740
	timelineRowHeight  = 30
	timelineTop        = 34
)

// timelineX is where a day falls on the timeline.
func timelineX(p TimelinePage, d civil.Date) int {
	total := p.From.DaysUntil(p.To) + 1
	if total <= 0 {
		return timelineLabelWidth
	}
	off := p.From.DaysUntil(d)
	off = max(0, min(off, total))
	return timelineLabelWidth + off*timelinePlotWidth/total
}

func timelineHeight(p TimelinePage) int { return timelineTop + len(p.Rows)*timelineRowHeight + 10 }

// spanBox is the x and width of a bar.
func spanBox(p TimelinePage, s Span) (int, int) {
	x0, x1 := timelineX(p, s.From), timelineX(p, s.To.AddDays(1))
	return x0, max(x1-x0, 2)
}

// monthTicks are the first days of the months between From and To.
func monthTicks(p TimelinePage) []civil.Date {
	var ticks []civil.Date
	d := civil.Date{Year: p.From.Year, Month: p.From.Month, Day: 1}
	if d.Before(p.From) {
		d = civil.Date{Year: d.Year, Month: d.Month + 1, Day: 1}
		if d.Month > 12 {
			d = civil.Date{Year: d.Year + 1, Month: 1, Day: 1}
		}
	}
	for !d.After(p.To) {
		ticks = append(ticks, d)
		if d.Month == 12 {
			d = civil.Date{Year: d.Year + 1, Month: 1, Day: 1}
		} else {
			d = civil.Date{Year: d.Year, Month: d.Month + 1, Day: 1}
		}
	}
	return ticks
}

func itoa(n int) string { return strconv.Itoa(n) }

// chartWidth is the width of a bar for a value on a chart whose largest
// value is top, out of the plot's 360 units.
func chartWidth(value, top int) int {
	if top <= 0 || value <= 0 {
		return 0
	}
	return max(value*360/top, 2)
}

func chartTop(rows []FigureRow) int {
	top := 1
	for _, r := range rows {
		top = max(top, r.StartTotal, r.CompleteTotal)
	}
	return top
}
