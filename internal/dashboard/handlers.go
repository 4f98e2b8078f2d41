package dashboard

import (
	"context"
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
	r.KeptPage("/years/:year/dashboard", h.showDashboard, r.ReadsAWholeYear)
	r.KeptPage("/years/:year/timeline", h.showTimeline, r.ReadsAWholeYear)
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
	settings, err := h.projects.Settings(ctx)
	if err != nil {
		return err
	}
	whole, byCategory := YearFigures(targets, h.rule, today)
	page := views.DashboardPage{
		Nav: views.Nav{Years: years, CurrentYear: year}, Year: year,
		Standing: projects.StandingOf(y.YearList, h.location), AsOf: civil.DateOf(y.AsOf.In(h.location)),
		TimelineURL: views.YearURL(year) + "/timeline", ReportURL: views.YearURL(year) + "/report",
		ReportMoneyURL: views.YearURL(year) + "/report?investment=1",
	}
	if page.Money, page.MoneyTotal, err = h.yearMoney(ctx, y, settings, today); err != nil {
		return err
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
	// The same figures for this year and the years before it, side by
	// side. This year's are made; the others are read one at a time, and
	// only their figures kept: in a large city each year is thousands of
	// targets.
	thisYear := figureRow(whole)
	thisYear.Year = year
	for _, other := range years {
		switch {
		case other > year:
			continue
		case other == year:
			page.Years = append(page.Years, thisYear)
			page.MoneyYears = append(page.MoneyYears, page.MoneyTotal)
			continue
		}
		row, money, err := h.yearRow(ctx, other, settings, today)
		if err != nil {
			return err
		}
		page.Years = append(page.Years, row)
		page.MoneyYears = append(page.MoneyYears, money)
	}
	return web.Render(c, http.StatusOK, views.Dashboard(page))
}

// yearRow reads year and returns its figures and its money, for the
// dashboard's years side by side.
func (h *Handler) yearRow(ctx context.Context, year int, settings projects.Settings, today civil.Date) (views.FigureRow, views.MoneyRow, error) {
	y, err := h.projects.Year(ctx, year, projects.AudienceOf(ctx))
	if err != nil {
		return views.FigureRow{}, views.MoneyRow{}, err
	}
	_, money, err := h.yearMoney(ctx, y, settings, today)
	if err != nil {
		return views.FigureRow{}, views.MoneyRow{}, err
	}
	f, _ := YearFigures(y.Targets, h.rule, today)
	row := figureRow(f)
	row.Year = year
	return row, money, nil
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
	}
	rows := map[int64]*views.TimelineRow{}
	var order []int64
	for _, t := range targets {
		row, seen := rows[t.ProjectID]
		if !seen {
			p := t.Project
			b := baselineOf(p.Milestones)
			row = &views.TimelineRow{
				Number: t.Number, Name: t.ListedName, NameEn: p.NameEn, URL: projects.ProjectURL(p.ID),
				Planned: b.Planned, PlannedEnd: b.PlannedEnd, Original: b.Original, Moved: b.Moved,
				Actual: span(p.ActualStart, p.ActualCompletion, today),
			}
			rows[t.ProjectID] = row
			order = append(order, t.ProjectID)
		}
		row.Deadlines = append(row.Deadlines, views.Marker{Date: t.Deadline, List: string(t.List)})
	}
	var days []civil.Date
	for _, id := range order {
		page.Rows = append(page.Rows, *rows[id])
		days = append(days, drawnDays(*rows[id])...)
	}
	from, to := axisSpan(year, today, days)
	page.Axis = views.TimelineAxis{From: from, To: to, Ticks: axisTicks(from, to, PlotMinWidth)}
	return web.Render(c, http.StatusOK, views.Timeline(page))
}
