package lists

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves the administrators' pages of the yearly lists.
type Handler struct {
	store    *projects.Store
	now      func() time.Time
	location *time.Location
	// ImportURL is the address of the spreadsheet import of a year's list,
	// which the import owns; the site sets it. Nil offers no import.
	ImportURL func(year int) string
}

// NewHandler returns the handlers of the list editor.
func NewHandler(store *projects.Store, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{store: store, now: now, location: loc}
}

// Register adds the routes, for administrators only.
func (h *Handler) Register(r *web.Router) {
	admin := auth.Require(auth.ManageRecord)
	r.GET(YearsPath, h.showYears, admin)
	r.GET(YearsPath+"/:year/list", h.showList, admin)
	r.POST(YearsPath+"/:year/targets", h.addTarget, admin)
	r.GET(YearsPath+"/:year/carry-over", h.showCarryOver, admin)
	r.POST(YearsPath+"/:year/carry-over", h.carryOver, admin)
	r.POST("/admin/targets/:id/move", h.moveTarget, admin)
	r.POST("/admin/targets/:id/deadline", h.setDeadline, admin)
	r.GET("/admin/targets/:id/remove", h.confirmRemove, admin)
	r.POST("/admin/targets/:id/remove", h.removeTarget, admin)
	h.registerLifecycle(r, admin)
	r.InHeader(web.HeaderLink{Label: "nav.lists", URL: YearsPath, Place: web.HeaderRecord, Shown: auth.Shows(auth.ManageRecord)})
}

// YearsPath is the administrators' page of every year's list; a year's
// own pages are under it (yearURL).
const YearsPath = "/admin/years"

// yearURL is the page of a year under YearsPath: "list", "targets",
// "carry-over".
func yearURL(year int, page string) string { return YearsPath + "/" + strconv.Itoa(year) + "/" + page }

// ListURL is the address of a year's list editor.
func ListURL(year int) string { return yearURL(year, "list") }

// carryOverURL is the page that carries a year's unfinished targets into
// the next year's list.
func carryOverURL(year int) string { return yearURL(year, "carry-over") }

func targetURL(id int64) string { return "/admin/targets/" + strconv.FormatInt(id, 10) }

func actor(c echo.Context) auth.Actor { return auth.ActorOf(auth.CurrentUser(c), c.RealIP()) }

// year returns a year's list as staff read it; a year without a list is
// a draft without targets.
func (h *Handler) year(ctx context.Context, year int) (projects.Year, error) {
	y, err := h.store.Year(ctx, year, projects.Staff)
	if errors.Is(err, projects.ErrNotFound) {
		list, err := h.store.YearList(ctx, year)
		return projects.Year{YearList: list}, err
	}
	return y, err
}

func (h *Handler) nav(ctx context.Context) (views.Nav, error) {
	years, err := h.store.Years(ctx, projects.AudienceOf(ctx))
	return views.Nav{Years: years}, err
}

func (h *Handler) showYears(c echo.Context) error {
	ctx := c.Request().Context()
	nav, err := h.nav(ctx)
	if err != nil {
		return err
	}
	page := views.YearsAdminPage{Nav: nav, Action: YearsPath, ProjectsURL: projects.RecordsPath, Next: civil.DateOf(h.now().In(h.location)).Year + 1}
	summaries, err := h.store.YearSummaries(ctx)
	if err != nil {
		return err
	}
	for _, year := range nav.Years {
		s := summaries[year]
		page.Years = append(page.Years, views.YearAdminRow{Year: year, State: string(s.State), URL: ListURL(year),
			Start: s.Listed[projects.StartList], Complete: s.Listed[projects.CompleteList]})
		if year >= page.Next {
			page.Next = year + 1
		}
	}
	// "Set up another year": a plain GET form, so the address is the
	// editor's own.
	if raw := c.QueryParam("year"); raw != "" {
		year, err := strconv.Atoi(strings.TrimSpace(raw))
		if err == nil && year >= civil.MinYear && year <= civil.MaxYear {
			return c.Redirect(http.StatusSeeOther, ListURL(year))
		}
		page.Typed = raw
		page.Error = locale.T(ctx, "lists.year_malformed", "Min", civil.MinYear, "Max", civil.MaxYear)
		return web.Render(c, http.StatusUnprocessableEntity, views.YearsAdmin(page))
	}
	return web.Render(c, http.StatusOK, views.YearsAdmin(page))
}

func (h *Handler) showList(c echo.Context) error {
	year, err := projects.YearParam(c)
	if err != nil {
		return err
	}
	return h.renderList(c, http.StatusOK, year, AddForm{}, nil, nil)
}

// refusedDeadline is a deadline change the editor shows again, refused.
type refusedDeadline struct {
	target  int64
	typed   string
	problem projects.Problem
}

func (h *Handler) renderList(c echo.Context, status int, year int, add AddForm, problems projects.Problems, refused *refusedDeadline) error {
	ctx := c.Request().Context()
	nav, err := h.nav(ctx)
	if err != nil {
		return err
	}
	nav.CurrentYear = year
	y, err := h.year(ctx, year)
	if err != nil {
		return err
	}
	events, err := h.store.YearEvents(ctx, year)
	if err != nil {
		return err
	}
	page := views.ListEditorPage{
		Nav: nav, Year: year, Size: ListSize, Errors: views.FieldErrors{},
		Standing: projects.StandingOf(y.YearList, h.location), Closed: y.State == projects.Closed,
		History:  projects.ListHistory(events, true, h.location),
		Add:      views.AddTargetForm{Project: add.Project, List: add.List, ListedName: add.ListedName, Deadline: add.Deadline},
		ListsURL: YearsPath, AddAction: yearURL(year, "targets"), NewProjectURL: projects.NewRecordPath,
	}
	if len(y.Targets) > 0 {
		page.PublicURL = views.YearURL(year)
		page.Step = string(nextStep(y.State))
		page.StepURL = yearURL(year, page.Step)
	}
	if h.ImportURL != nil {
		page.ImportURL = h.ImportURL(year)
	}
	if previous, err := h.year(ctx, year-1); err != nil {
		return err
	} else if len(previous.Targets) > 0 {
		page.CarryOverURL = carryOverURL(year - 1)
	}
	for _, list := range projects.Lists() {
		el := views.EditorList{List: string(list)}
		for _, t := range y.Targets {
			if t.List != list {
				continue
			}
			et := views.EditorTarget{
				ID: t.ID, Anchor: "target-" + strconv.FormatInt(t.ID, 10), Number: t.Number, Category: string(t.Project.Category),
				Name: t.ListedName, NameEn: t.Project.NameEn, RecordURL: projects.RecordURL(t.ProjectID),
				Deadline: t.Deadline, NodeDate: t.Deadline != civil.LastDayOfYear(year),
				MoveURL: targetURL(t.ID) + "/move", DeadlineURL: targetURL(t.ID) + "/deadline", RemoveURL: targetURL(t.ID) + "/remove",
				DeadlineValue: t.Deadline.String(),
			}
			if refused != nil && refused.target == t.ID {
				et.DeadlineValue = refused.typed
				et.DeadlineError = locale.T(ctx, refused.problem.ID, refused.problem.Args...)
			}
			el.Targets = append(el.Targets, et)
		}
		// A target moves among the targets of its list and category: the
		// numbers group the rows by category, as the year-end table does.
		for i := range el.Targets {
			el.Targets[i].First = i == 0 || el.Targets[i-1].Category != el.Targets[i].Category
			el.Targets[i].Last = i == len(el.Targets)-1 || el.Targets[i+1].Category != el.Targets[i].Category
		}
		page.Lists = append(page.Lists, el)
	}
	offered, err := h.offered(ctx)
	if err != nil {
		return err
	}
	for _, p := range offered {
		page.Offered = append(page.Offered, views.ProjectChoice{ID: strconv.FormatInt(p.ID, 10), Name: p.Name, NameEn: p.NameEn})
	}
	for field, problem := range problems {
		page.Errors[field] = locale.T(ctx, problem.ID, problem.Args...)
	}
	return web.Render(c, status, views.ListEditor(page))
}

// offered returns the projects that may go on a list: the active ones, the
// newest first, since a new list is mostly new projects.
func (h *Handler) offered(ctx context.Context) ([]projects.Project, error) {
	all, err := h.store.All(ctx)
	if err != nil {
		return nil, err
	}
	var active []projects.Project
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].ArchivedAt == nil {
			active = append(active, all[i])
		}
	}
	return active, nil
}

func (h *Handler) addTarget(c echo.Context) error {
	ctx := c.Request().Context()
	year, err := projects.YearParam(c)
	if err != nil {
		return err
	}
	form := AddForm{
		Project: strings.TrimSpace(c.FormValue("project")), List: strings.TrimSpace(c.FormValue("list")),
		ListedName: projects.CleanLine(c.FormValue("listed_name")), Deadline: strings.TrimSpace(c.FormValue("deadline")),
	}
	active, err := h.offered(ctx)
	if err != nil {
		return err
	}
	offered := map[int64]projects.Project{}
	for _, p := range active {
		offered[p.ID] = p
	}
	nt, problems := form.Check(year, offered)
	if len(problems) == 0 {
		err = h.store.AddTargets(ctx, []projects.NewTarget{nt}, actor(c))
		switch {
		case errors.Is(err, projects.ErrAlreadyListed):
			problems["project"] = projects.Problem{ID: "lists.already_listed"}
		case errors.Is(err, projects.ErrArchived), errors.Is(err, projects.ErrNotFound):
			problems["project"] = projects.Problem{ID: "lists.project_missing"}
		case err != nil:
			return err
		}
	}
	if len(problems) > 0 {
		return h.renderList(c, http.StatusUnprocessableEntity, year, form, problems, nil)
	}
	auth.Flash(c, "flash.target_added")
	return c.Redirect(http.StatusSeeOther, ListURL(year))
}

func (h *Handler) moveTarget(c echo.Context) error {
	t, err := projects.TargetParam(c, h.store)
	if err != nil {
		return err
	}
	by := 0
	switch c.FormValue("direction") {
	case "up":
		by = -1
	case "down":
		by = 1
	default:
		return web.BadRequest("error.400")
	}
	if err := h.store.MoveTarget(c.Request().Context(), t.ID, by, actor(c)); err != nil {
		return err // projects.ErrNotFound, 404, when removed since it was read
	}
	return c.Redirect(http.StatusSeeOther, ListURL(t.Year)+"#target-"+strconv.FormatInt(t.ID, 10))
}

func (h *Handler) setDeadline(c echo.Context) error {
	t, err := projects.TargetParam(c, h.store)
	if err != nil {
		return err
	}
	typed := strings.TrimSpace(c.FormValue("deadline"))
	deadline := civil.LastDayOfYear(t.Year) // an emptied field: no node date
	if typed != "" {
		d, problem := CheckDeadline(typed, t.Year)
		if problem != nil {
			return h.renderList(c, http.StatusUnprocessableEntity, t.Year, AddForm{}, nil, &refusedDeadline{target: t.ID, typed: typed, problem: *problem})
		}
		deadline = d
	}
	if err := h.store.SetDeadline(c.Request().Context(), t.ID, deadline, actor(c)); err != nil {
		return err // projects.ErrNotFound, 404, when removed since it was read
	}
	auth.Flash(c, "flash.deadline_saved")
	return c.Redirect(http.StatusSeeOther, ListURL(t.Year)+"#target-"+strconv.FormatInt(t.ID, 10))
}

func (h *Handler) confirmRemove(c echo.Context) error {
	t, err := projects.TargetParam(c, h.store)
	if err != nil {
		return err
	}
	return h.renderRemove(c, http.StatusOK, t, "", nil)
}

func (h *Handler) renderRemove(c echo.Context, status int, t projects.Target, reason string, problem *projects.Problem) error {
	ctx := c.Request().Context()
	nav, err := h.nav(ctx)
	if err != nil {
		return err
	}
	page := views.RemoveTargetPage{
		Nav: nav, Year: t.Year, List: string(t.List), Name: t.ListedName, NameEn: t.Project.NameEn,
		Action: targetURL(t.ID) + "/remove", BackURL: ListURL(t.Year), Reason: reason, Errors: views.FieldErrors{},
	}
	if problem != nil {
		page.Errors["reason"] = locale.T(ctx, problem.ID, problem.Args...)
	}
	return web.Render(c, status, views.RemoveTarget(page))
}

func (h *Handler) removeTarget(c echo.Context) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	// A second click on Remove finds the target already gone: what the
	// administrator asked for is done.
	if removed, err := h.store.RemovedTarget(c.Request().Context(), id); err == nil {
		auth.Flash(c, "flash.target_removed")
		return c.Redirect(http.StatusSeeOther, ListURL(removed.Year))
	}
	t, err := projects.TargetParam(c, h.store)
	if err != nil {
		return err
	}
	reason := projects.CleanText(c.FormValue("reason"))
	if problem := CheckReason(reason); problem != nil {
		return h.renderRemove(c, http.StatusUnprocessableEntity, t, reason, problem)
	}
	// Removed by another click between the read and now: done as well.
	if err := h.store.RemoveTarget(c.Request().Context(), t.ID, reason, actor(c)); err != nil && !errors.Is(err, projects.ErrNotFound) {
		return err
	}
	auth.Flash(c, "flash.target_removed")
	return c.Redirect(http.StatusSeeOther, ListURL(t.Year))
}

// proposals returns what carrying year's unfinished work over proposes.
func (h *Handler) proposals(ctx context.Context, year int) ([]Proposal, error) {
	if year >= civil.MaxYear {
		return nil, web.BadRequest("error.400") // there is no next year to carry over to
	}
	this, err := h.year(ctx, year)
	if err != nil {
		return nil, err
	}
	if len(this.Targets) == 0 {
		return nil, web.NotFound("error.year_not_found", "Year", year)
	}
	next, err := h.year(ctx, year+1)
	if err != nil {
		return nil, err
	}
	return CarryOver(this.Targets, next.Targets), nil
}

func proposalValue(p Proposal) string {
	return strconv.FormatInt(p.Project.ID, 10) + "-" + string(p.List)
}

func (h *Handler) showCarryOver(c echo.Context) error {
	year, err := projects.YearParam(c)
	if err != nil {
		return err
	}
	proposals, err := h.proposals(c.Request().Context(), year)
	if err != nil {
		return err
	}
	return h.renderCarryOver(c, http.StatusOK, year, proposals, nil, "")
}

func (h *Handler) renderCarryOver(c echo.Context, status int, year int, proposals []Proposal, chosen map[string]bool, problem string) error {
	ctx := c.Request().Context()
	nav, err := h.nav(ctx)
	if err != nil {
		return err
	}
	page := views.CarryOverPage{
		Nav: nav, Year: year, Next: year + 1, Action: carryOverURL(year), ListURL: ListURL(year + 1),
	}
	if problem != "" {
		page.Error = locale.T(ctx, problem)
	}
	for _, p := range proposals {
		v := proposalValue(p)
		page.Proposals = append(page.Proposals, views.CarryOverChoice{
			Value: v, Name: p.Project.Name, NameEn: p.Project.NameEn, List: string(p.List), Why: p.Why,
			Outcome: string(p.From.Outcome), FromList: string(p.From.List), Listed: p.Listed,
			Checked: !p.Listed && (chosen == nil || chosen[v]),
		})
	}
	return web.Render(c, status, views.CarryOver(page))
}

func (h *Handler) carryOver(c echo.Context) error {
	ctx := c.Request().Context()
	year, err := projects.YearParam(c)
	if err != nil {
		return err
	}
	proposals, err := h.proposals(ctx, year)
	if err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return web.BadRequest("error.400")
	}
	chosen := map[string]bool{}
	for _, v := range values["carry"] {
		chosen[v] = true
	}
	var adding []projects.NewTarget
	for _, p := range proposals {
		if chosen[proposalValue(p)] && !p.Listed {
			nt := projects.NewTarget{Year: year + 1, List: p.List, ProjectID: p.Project.ID}
			if p.Why == WhyUnfinished {
				nt.CarriedFrom = p.From.ID
			}
			adding = append(adding, nt)
		}
	}
	if len(adding) == 0 {
		return h.renderCarryOver(c, http.StatusUnprocessableEntity, year, proposals, chosen, "lists.carry_none")
	}
	err = h.store.AddTargets(ctx, adding, actor(c))
	if errors.Is(err, projects.ErrAlreadyListed) || errors.Is(err, projects.ErrArchived) {
		// Someone changed the lists since the page was made: show them as
		// they are now.
		if proposals, err = h.proposals(ctx, year); err != nil {
			return err
		}
		return h.renderCarryOver(c, http.StatusConflict, year, proposals, chosen, "lists.carry_changed")
	} else if err != nil {
		return err
	}
	auth.Flash(c, "flash.carried_over")
	return c.Redirect(http.StatusSeeOther, ListURL(year+1))
}
