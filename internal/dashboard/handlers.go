package dashboard

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves the dashboard and the timeline of a year.
type Handler struct {
	projects *projects.Store
	rule     projects.StatusRule
	// now and location give "today" in the district.
	now      func() time.Time
	location *time.Location
}

// NewHandler returns the dashboard's handlers on store, with statuses by
// rule; dates are reckoned in loc.
func NewHandler(store *projects.Store, rule projects.StatusRule, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{projects: store, rule: rule, now: now, location: loc}
}

// Register adds the routes: public pages, kept for every reader.
func (h *Handler) Register(r *web.Router) {
	r.KeptPage("/years/:year/dashboard", h.showDashboard)
	r.KeptPage("/years/:year/timeline", h.showTimeline)
}

func (h *Handler) today() civil.Date { return civil.DateOf(h.now().In(h.location)) }

func figureRow(f Figures) views.FigureRow {
	return views.FigureRow{
		StartTotal: f.Start.Total, StartAchieved: f.Start.Achieved,
		CompleteTotal: f.Complete.Total, CompleteAchieved: f.Complete.Achieved,
		Overdue: f.Start.Overdue + f.Complete.Overdue, AtRisk: f.Start.AtRisk + f.Complete.AtRisk,
	}
}

func (h *Handler) showDashboard(c echo.Context) error {
	y, err := projects.YearFromParam(c, h.projects)
	if err != nil {
		return err
	}
	year, targets := y.Year, y.Targets
	ctx := c.Request().Context()
	today := h.today()
	years, err := h.projects.Years(ctx, projects.AudienceOf(ctx))
	if err != nil {
		return err
	}
	whole, byCategory := YearFigures(targets, h.rule, today)
	page := views.DashboardPage{
		Nav: views.Nav{Years: years, CurrentYear: year}, Year: year,
		Standing: projects.StandingOf(y.YearList, h.location), AsOf: civil.DateOf(y.AsOf.In(h.location)),
		TimelineURL: views.YearURL(year) + "/timeline", ReportURL: views.YearURL(year) + "/report",
	}
	for _, tally := range []projects.Tally{whole.Start, whole.Complete} {
		page.Lists = append(page.Lists, views.ListSummary{
			List: string(tally.List), Total: tally.Total, Achieved: tally.Achieved, Partial: tally.Partial,
			Missed: tally.Missed, Overdue: tally.Overdue, AtRisk: tally.AtRisk,
		})
	}
	for _, cf := range byCategory {
		row := figureRow(cf.Figures)
		row.Category = string(cf.Category)
		page.Categories = append(page.Categories, row)
	}
	// The same figures for this year and the years before it, side by side.
	for _, y := range years {
		if y > year {
			continue
		}
		yearTargets := targets
		if y != year {
			other, err := h.projects.Year(ctx, y, projects.AudienceOf(ctx))
			if err != nil {
				return err
			}
			yearTargets = other.Targets
		}
		f, _ := YearFigures(yearTargets, h.rule, today)
		row := figureRow(f)
		row.Year = y
		page.Years = append(page.Years, row)
	}
	return web.Render(c, http.StatusOK, views.Dashboard(page))
}

func (h *Handler) showTimeline(c echo.Context) error {
	y, err := projects.YearFromParam(c, h.projects)
	if err != nil {
		return err
	}
	year, targets := y.Year, y.Targets
	years, err := h.projects.Years(c.Request().Context(), projects.AudienceOf(c.Request().Context()))
	if err != nil {
		return err
	}
	today := h.today()
	page := views.TimelinePage{
		Nav: views.Nav{Years: years, CurrentYear: year}, Year: year, Today: today,
		Standing: projects.StandingOf(y.YearList, h.location), AsOf: civil.DateOf(y.AsOf.In(h.location)),
		From: civil.Date{Year: year, Month: 1, Day: 1}, To: civil.LastDayOfYear(year),
	}
	rows := map[int64]*views.TimelineRow{}
	var order []int64
	for _, t := range targets {
		row, seen := rows[t.ProjectID]
		if !seen {
			p := t.Project
			row = &views.TimelineRow{
				Number: t.Number, Name: t.ListedName, NameEn: p.NameEn, URL: projects.ProjectURL(p.ID),
				Planned:  span(p.PlannedStart, p.PlannedCompletion, civil.Date{}),
				Original: originalSpan(p.Milestones),
				Actual:   span(p.ActualStart, p.ActualCompletion, today),
			}
			rows[t.ProjectID] = row
			order = append(order, t.ProjectID)
		}
		row.Deadlines = append(row.Deadlines, views.Marker{Date: t.Deadline, List: string(t.List)})
	}
	for _, id := range order {
		r := rows[id]
		page.Rows = append(page.Rows, *r)
		// Stretch the drawing to every bar and marker, within a year on either
		// side of the list's year, so that long works stay readable.
		for _, s := range []views.Span{r.Planned, r.Original, r.Actual} {
			if !s.From.IsZero() {
				page.From = earlier(page.From, s.From, civil.Date{Year: year - 1, Month: 1, Day: 1})
				page.To = later(page.To, s.To, civil.LastDayOfYear(year+1))
			}
		}
	}
	return web.Render(c, http.StatusOK, views.Timeline(page))
}

// originalSpan is the bar of the first baseline, when either of its dates
// was moved: a date never moved is its own original.
func originalSpan(m projects.Milestones) views.Span {
	if m.OriginalPlannedStart.IsZero() && m.OriginalPlannedCompletion.IsZero() {
		return views.Span{}
	}
	start, end := m.OriginalPlannedStart, m.OriginalPlannedCompletion
	if start.IsZero() {
		start = m.PlannedStart
	}
	if end.IsZero() {
		end = m.PlannedCompletion
	}
	return span(start, end, civil.Date{})
}

// span is the bar of a start and an end date. Without an end, the works are
// under way until today (the planned bars need both ends).
func span(start, end, today civil.Date) views.Span {
	if start.IsZero() {
		return views.Span{}
	}
	s := views.Span{Start: start, End: end, From: start.Earliest(), Approx: !start.HasDay() || (!end.IsZero() && !end.HasDay())}
	switch {
	case !end.IsZero():
		s.To = end.Latest()
	case !today.IsZero():
		s.To = today
	default:
		return views.Span{}
	}
	if s.To.Before(s.From) {
		s.To = s.From
	}
	return s
}

func earlier(current, d, limit civil.Date) civil.Date {
	if d.Before(limit) {
		d = limit
	}
	if d.Before(current) {
		return d
	}
	return current
}

func later(current, d, limit civil.Date) civil.Date {
	if d.After(limit) {
		d = limit
	}
	if d.After(current) {
		return d
	}
	return current
}
