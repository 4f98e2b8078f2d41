package projects

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/locale"
	"shuangshi/internal/money"
	"shuangshi/internal/web"
	"shuangshi/views"
)

func (h *Handler) registerMonthly(r *web.Router) {
	r.KeptForStaff("/projects/:id/monthly", h.showMonthly, auth.Require(""))
	r.POST("/projects/:id/monthly", h.fileMonthly, auth.Require(""))
	r.KeptForStaff("/monthly", h.showFiling, auth.Require(auth.ViewInternal))
	r.GET("/admin/settings", h.showSettings, auth.Require(auth.ManageRecord))
	r.POST("/admin/settings", h.saveSettings, auth.Require(auth.ManageRecord))
}

// MonthlyURL is the address of a project's monthly report form.
func MonthlyURL(projectID int64) string { return ProjectURL(projectID) + "/monthly" }

// FilingURL is the address of month m's filing: who reported, who not.
func FilingURL(m Month) string { return "/monthly?month=" + m.String() }

// MonthlyURLFor is the form's address for a month.
func MonthlyURLFor(projectID int64, m Month) string {
	return MonthlyURL(projectID) + "?month=" + m.String()
}

func (h *Handler) showMonthly(c echo.Context) error {
	p, err := h.project(c)
	if err != nil {
		return err
	}
	if err := h.mayEdit(c, p); err != nil {
		return err
	}
	today := h.today()
	month := MonthToReport(today)
	if m, err := ParseMonth(c.QueryParam("month")); err == nil {
		month = m
	}
	reports, err := h.store.YearReports(c.Request().Context(), p.ID, month.Year, false)
	if err != nil {
		return err
	}
	var current *MonthlyReport
	for i, r := range reports {
		if r.Of() == month {
			current = &reports[i]
		}
	}
	return h.renderMonthly(c, http.StatusOK, p, MonthlyFormOf(month, current), nil)
}

func (h *Handler) fileMonthly(c echo.Context) error {
	p, err := h.project(c)
	if err != nil {
		return err
	}
	if err := h.mayEdit(c, p); err != nil {
		return err
	}
	ctx := c.Request().Context()
	form := MonthlyForm{
		Month: c.FormValue(MonthlyFieldMonth), Completed: c.FormValue(MonthlyFieldCompleted),
		Progress: c.FormValue(MonthlyFieldProgress), LowerReason: c.FormValue(MonthlyFieldLowerReason),
	}
	settings, err := h.store.Settings(ctx)
	if err != nil {
		return err
	}
	var year []MonthlyReport
	if m, err := ParseMonth(form.Month); err == nil {
		if year, err = h.store.YearReports(ctx, p.ID, m.Year, false); err != nil {
			return err
		}
	}
	report, problems := form.Check(p, year, h.today(), settings.ReportDay)
	if len(problems) > 0 {
		return h.renderMonthly(c, http.StatusUnprocessableEntity, p, form, problems)
	}
	// A report is one month's figure, not a merge of fields: it is filed
	// on the project as just read, whatever else was saved meanwhile.
	user := auth.CurrentUser(c)
	if err := h.store.FileMonthlyReport(ctx, p, report, p.Version, auth.ActorOf(user, c.RealIP())); err != nil {
		return err
	}
	message := "monthly.filed"
	switch {
	case h.store.ReviewBeforePublication:
		message = "monthly.filed_review"
	case report.Late:
		message = "monthly.filed_late"
	}
	auth.Flash(c, message)
	return c.Redirect(http.StatusSeeOther, ProjectURL(p.ID)+"#investment-heading")
}

func (h *Handler) renderMonthly(c echo.Context, status int, p Project, f MonthlyForm, problems Problems) error {
	ctx := c.Request().Context()
	years, err := h.store.Years(ctx, AudienceOf(ctx))
	if err != nil {
		return err
	}
	settings, err := h.store.Settings(ctx)
	if err != nil {
		return err
	}
	today := h.today()
	page := views.MonthlyPage{
		Nav: views.Nav{Years: years}, ProjectName: p.Name, ProjectNameEn: p.NameEn, ProjectURL: ProjectURL(p.ID),
		Action: MonthlyURL(p.ID),
		Month:  f.Month, Completed: f.Completed, Progress: f.Progress, LowerReason: f.LowerReason,
		Errors: views.FieldErrors{},
		Fields: []string{MonthlyFieldMonth, MonthlyFieldCompleted, MonthlyFieldProgress, MonthlyFieldLowerReason},
	}
	for field, problem := range problems {
		page.Errors[field] = locale.T(ctx, problem.ID, problem.Args...)
	}
	all, err := h.store.ProjectReports(ctx, p.ID, false)
	if err != nil {
		return err
	}
	filed := map[Month]MonthlyReport{}
	for _, r := range all {
		filed[r.Of()] = r
	}
	for _, m := range p.ReportableMonths(today) {
		r, reported := filed[m]
		page.Months = append(page.Months, views.MonthChoice{Value: m.String(), Year: m.Year, Month: m.Month,
			Reported: reported, ReportedLate: reported && r.Late})
	}
	if m, err := ParseMonth(f.Month); err == nil {
		page.Deadline = m.Deadline(settings.ReportDay)
		page.Late = today.After(page.Deadline)
		if plan, ok := p.PlanFor(m.Year); ok {
			planned := plan.Planned
			page.Plan = &planned
		}
	}
	page.Series = h.series(p, all, settings, today, true)
	return web.Render(c, status, views.Monthly(page))
}

// series is a project's investment as its page shows it: the total, each
// year's plan and pace, and the months of reports (newest filing of each,
// any order), for staff with who filed them.
func (h *Handler) series(p Project, reports []MonthlyReport, settings Settings, today civil.Date, staff bool) views.MonthlySeries {
	s := views.MonthlySeries{Total: p.TotalInvestment, Staff: staff}
	byYear := map[int][]MonthlyReport{}
	for _, r := range reports {
		byYear[r.Year] = append(byYear[r.Year], r)
	}
	for _, year := range p.PlanYears() {
		y := views.MonthlyYear{Year: year}
		var planned *money.Amount
		if plan, ok := p.PlanFor(year); ok {
			amount := plan.Planned
			planned, y.Plan, y.Original = &amount, &amount, plan.OriginalPlanned
		}
		if paced, ok := settings.Pace.PaceAsOf(planned, byYear[year], year, today, settings.ReportDay); ok {
			y.Pace = paceView(paced, year)
		}
		months := byYear[year]
		slices.SortFunc(months, func(a, b MonthlyReport) int { return a.Month - b.Month })
		for _, r := range months {
			row := views.MonthlyRow{Year: r.Year, Month: r.Month, Completed: r.Completed, Progress: r.Progress}
			if planned != nil {
				if share, ok := money.Percent(r.Completed, *planned); ok {
					row.Share = &share
				}
			}
			if staff {
				row.LowerReason, row.Late, row.Waiting, row.By, row.FiledAt = r.LowerReason, r.Late, !r.Approved, r.UserName, r.FiledAt.In(h.location)
			}
			y.Months = append(y.Months, row)
		}
		if y.Plan == nil && len(y.Months) == 0 && y.Pace == nil {
			// A year without a plan or a report says nothing but "none":
			// the section says it once for all such years.
			continue
		}
		s.Years = append(s.Years, y)
	}
	return s
}

// paceView is a pace as pages show it.
func paceView(p Paced, year int) *views.PaceView {
	return &views.PaceView{Light: string(p.Light), Done: p.Done, Elapsed: p.Elapsed, Lag: p.Lag,
		Year: year, Month: p.AsOf.Month, Planned: p.Planned, Completed: p.Completed}
}

// PaceView is a pace as pages show it, for the features that show one.
func PaceView(p Paced, year int) *views.PaceView { return paceView(p, year) }

// investment is the investment section of project p's page: the public
// reads the approved reports, staff every filing.
func (h *Handler) investment(ctx context.Context, p Project, staff bool) (views.MonthlySeries, error) {
	reports, err := h.store.ProjectReports(ctx, p.ID, !staff && h.store.ReviewBeforePublication)
	if err != nil {
		return views.MonthlySeries{}, err
	}
	settings, err := h.store.Settings(ctx)
	if err != nil {
		return views.MonthlySeries{}, err
	}
	return h.series(p, reports, settings, h.today(), staff), nil
}

func (h *Handler) showSettings(c echo.Context) error {
	settings, err := h.store.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	f := SettingsForm{ReportDay: strconv.Itoa(settings.ReportDay),
		Yellow: strconv.Itoa(settings.Pace.YellowPoints), Red: strconv.Itoa(settings.Pace.RedPoints)}
	return h.renderSettings(c, http.StatusOK, f, nil, c.QueryParam("saved") == "1")
}

func (h *Handler) saveSettings(c echo.Context) error {
	f := SettingsForm{ReportDay: c.FormValue("report_day"), Yellow: c.FormValue("pace_yellow"), Red: c.FormValue("pace_red")}
	settings, problems := f.Check()
	if len(problems) > 0 {
		return h.renderSettings(c, http.StatusUnprocessableEntity, f, problems, false)
	}
	if err := h.store.SaveSettings(c.Request().Context(), settings); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/settings?saved=1")
}

func (h *Handler) renderSettings(c echo.Context, status int, f SettingsForm, problems Problems, saved bool) error {
	ctx := c.Request().Context()
	years, err := h.store.Years(ctx, AudienceOf(ctx))
	if err != nil {
		return err
	}
	page := views.MonthlySettingsPage{Nav: views.Nav{Years: years}, ReportDay: f.ReportDay, Yellow: f.Yellow, Red: f.Red,
		Errors: views.FieldErrors{}, Saved: saved}
	for field, problem := range problems {
		page.Errors[field] = locale.T(ctx, problem.ID, problem.Args...)
	}
	return web.Render(c, status, views.MonthlySettings(page))
}

// showFiling is a month's 填报率 for staff: who was due to report, who did
// (late or not), who has not, with the engineers to ask.
func (h *Handler) showFiling(c echo.Context) error {
	ctx := c.Request().Context()
	month := MonthToReport(h.today())
	if raw := c.QueryParam("month"); raw != "" {
		m, err := ParseMonth(raw)
		if err != nil {
			return web.BadRequest("error.400")
		}
		month = m
	}
	filing, err := h.store.MonthFiling(ctx, month)
	if err != nil {
		return err
	}
	settings, err := h.store.Settings(ctx)
	if err != nil {
		return err
	}
	years, err := h.store.Years(ctx, AudienceOf(ctx))
	if err != nil {
		return err
	}
	ids := make([]int64, len(filing.Missing))
	for i, p := range filing.Missing {
		ids[i] = p.ID
	}
	engineers, err := h.users.AssignedUsers(ctx, ids)
	if err != nil {
		return err
	}
	page := views.FilingPage{Nav: views.Nav{Years: years}, Year: month.Year, Month: month.Month,
		Deadline: month.Deadline(settings.ReportDay), Due: filing.Due, Filed: filing.Filed, Late: filing.Late,
		PreviousURL: FilingURL(month.Previous()), NextURL: FilingURL(month.Next())}
	if rate, ok := filing.Rate(); ok {
		page.Rate = &rate
	}
	for _, p := range filing.Missing {
		row := views.FilingMissing{Name: p.Name, NameEn: p.NameEn, URL: ProjectURL(p.ID), Unit: p.Unit}
		for _, u := range engineers[p.ID] {
			row.Engineers = append(row.Engineers, u.Name())
		}
		page.Missing = append(page.Missing, row)
	}
	return web.Render(c, http.StatusOK, views.Filing(page))
}
