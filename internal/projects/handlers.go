package projects

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves the pages and the open data of the record.
type Handler struct {
	store *Store
	users *auth.Store // who answers for which project
	rule  StatusRule
	// now and location give "today" in the district: a target's deadline
	// passes at midnight where the works are, not where the server is.
	now      func() time.Time
	location *time.Location
	// ListsURL and ListURL are the addresses of the yearly lists and of a
	// year's list editor, which the lists own; the site sets them.
	ListsURL string
	ListURL  func(year int) string
	// AssignURL and UnassignURL are where an administrator assigns an
	// engineer to a project and takes one off it, which the accounts own.
	AssignURL   func(projectID int64) string
	UnassignURL func(projectID, userID int64) string
	// Announcer queues what staff are told at once of a 督办 and of a
	// review (nil: nothing is sent; the pages and digests still show it),
	// and Log says when a notice could not be queued.
	Announcer Announcer
	Log       *slog.Logger
	// Documents, when set, is the documents section of a project's page
	// as its reader reads p, which the documents own; the site sets it.
	Documents func(c echo.Context, p Project) (*views.ProjectDocuments, error)
	// Photos, when set, is a project's photos from the site as the
	// reader of c sees them on its page, which the photos own.
	Photos func(c echo.Context, projectID int64) (views.PhotoTimeline, error)
}

// NewHandler returns the handlers on store, with the assignments kept in
// users and statuses by rule. Dates are reckoned in loc.
func NewHandler(store *Store, users *auth.Store, rule StatusRule, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{store: store, users: users, rule: rule, now: now, location: loc}
}

// Register adds the routes of the record: the public pages and the open
// data, then the staff's list of their projects, the edit pages and the
// administrators' pages of projects.
func (h *Handler) Register(r *web.Router) {
	r.KeptPage("/", h.showNewestYear, r.ReadsAWholeYear)
	r.KeptPage("/years/:year", h.showYear, r.ReadsAWholeYear)
	r.OpenData(r.KeptPage("/years/:year/table.csv", h.downloadYearCSV, r.ReadsAWholeYear))
	r.KeptPage("/projects/:id", h.showProject)
	r.OpenData(r.KeptPage("/api/v1/years/:year", h.showYearJSON, r.ReadsAWholeYear))
	r.OpenData(r.KeptPage("/api/v1/projects/:id", h.showProjectJSON))
	h.registerMyProjects(r)
	h.registerComments(r)
	h.registerEditing(r)
	h.registerMonthly(r)
	h.registerRecord(r)
}

// AudienceOf is whom the reader of ctx is: staff, who see drafts, when
// signed in with the staff's view; else the public.
func AudienceOf(ctx context.Context) Audience {
	if auth.Shows(auth.ViewInternal)(ctx) {
		return Staff
	}
	return ThePublic
}

func (h *Handler) today() civil.Date { return civil.DateOf(h.now().In(h.location)) }

// showNewestYear is the home page: the newest published year, for staff
// too (a draft is reached from the year menu).
func (h *Handler) showNewestYear(c echo.Context) error {
	ctx := c.Request().Context()
	newest, err := h.store.NewestYear(ctx, ThePublic)
	if err != nil {
		return err
	}
	y, err := h.store.Year(ctx, newest, AudienceOf(ctx))
	if err != nil {
		return err
	}
	return h.renderYear(c, y)
}

func (h *Handler) showYear(c echo.Context) error {
	y, err := YearFromParam(c, h.store)
	if err != nil {
		return err
	}
	return h.renderYear(c, y)
}

func (h *Handler) renderYear(c echo.Context, y Year) error {
	ctx := c.Request().Context()
	years, err := h.store.Years(ctx, AudienceOf(ctx))
	if err != nil {
		return err
	}
	filter, err := categoryParam(c)
	if err != nil {
		return err
	}
	number, err := PageParam(c)
	if err != nil {
		return err
	}
	events, err := h.store.YearEvents(ctx, y.Year)
	if err != nil {
		return err
	}
	history := ListHistory(events, AudienceOf(ctx) == Staff, h.location)
	page := yearPage(y, history, filter, number, h.today(), h.location, h.rule)
	page.Nav = views.Nav{Years: years, CurrentYear: y.Year}
	return web.Render(c, http.StatusOK, views.Year(page))
}

func (h *Handler) downloadYearCSV(c echo.Context) error {
	y, err := YearFromParam(c, h.store)
	if err != nil {
		return err
	}
	investment, err := h.yearInvestment(c.Request().Context(), y)
	if err != nil {
		return err
	}
	body, err := yearCSV(c.Request().Context(), y.Targets, h.rule, h.today(), investment)
	if err != nil {
		return err
	}
	return web.Download(c, "shuangshi-"+strconv.Itoa(y.Year)+".csv", "text/csv; charset=utf-8", body)
}

func (h *Handler) showYearJSON(c echo.Context) error {
	y, err := YearFromParam(c, h.store)
	if err != nil {
		return err
	}
	number, err := PageParam(c)
	if err != nil {
		return err
	}
	if last := pageCount(len(y.Targets), YearPageSize); number > last {
		return web.NotFound("error.page_not_found", "Page", number)
	}
	investment, err := h.yearInvestment(c.Request().Context(), y)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newYearDocument(y, number, h.today(), investment))
}

func (h *Handler) showProject(c echo.Context) error {
	p, err := h.project(c)
	if err != nil {
		return err
	}
	years, err := h.store.Years(c.Request().Context(), AudienceOf(c.Request().Context()))
	if err != nil {
		return err
	}
	page := projectPage(p, h.today(), h.location, h.rule)
	page.Nav = views.Nav{Years: years}
	if h.Photos != nil {
		if page.Photos, err = h.Photos(c, p.ID); err != nil {
			return err
		}
	}
	if h.Documents != nil {
		if page.Documents, err = h.Documents(c, p); err != nil {
			return err
		}
	}
	staff := auth.Can(auth.CurrentUser(c), auth.ViewInternal)
	if page.Investment, err = h.investment(c.Request().Context(), p, staff); err != nil {
		return err
	}
	if staff {
		engineers, err := h.users.AssignedUsers(c.Request().Context(), []int64{p.ID})
		if err != nil {
			return err
		}
		page.Internal, page.DelayReason, page.InternalNote = true, p.DelayReason, p.InternalNote
		page.Review = string(p.ReviewState)
		for _, u := range engineers[p.ID] {
			page.Engineers = append(page.Engineers, u.Name())
		}
		if h.mayEdit(c, p) == nil {
			page.EditURL = ProjectURL(p.ID) + "/edit"
			if len(p.ReportableMonths(h.today())) > 0 {
				page.MonthlyURL = MonthlyURL(p.ID)
			}
		}
		if auth.Can(auth.CurrentUser(c), auth.ManageAccounts) && h.AssignURL != nil {
			if page.Assigning, err = h.assigning(c.Request().Context(), p.ID, engineers[p.ID]); err != nil {
				return err
			}
		}
	}
	return web.Render(c, http.StatusOK, views.Project(page))
}

// assigning is the administrator's form of a project's engineers: those
// assigned, and the active engineers who could be.
func (h *Handler) assigning(ctx context.Context, projectID int64, assigned []auth.User) (*views.ProjectAssigning, error) {
	users, err := h.users.Users(ctx)
	if err != nil {
		return nil, err
	}
	a := &views.ProjectAssigning{Action: h.AssignURL(projectID)}
	taken := map[int64]bool{}
	for _, u := range assigned {
		taken[u.ID] = true
		a.Assigned = append(a.Assigned, views.AssignedEngineer{Name: u.Name(), RemoveAction: h.UnassignURL(projectID, u.ID)})
	}
	for _, u := range users {
		if u.Active && u.Role == auth.Engineer && !taken[u.ID] {
			a.Choices = append(a.Choices, views.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name()})
		}
	}
	return a, nil
}

func (h *Handler) showProjectJSON(c echo.Context) error {
	p, err := h.project(c)
	if err != nil {
		return err
	}
	investment, err := h.projectInvestment(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newProjectDocument(p, h.today(), investment))
}

// YearFromParam loads the year named by a page's :year parameter, as
// its reader may read it: 400 for what is not a year, 404 for a year
// without a list, or with a draft the reader may not see.
func YearFromParam(c echo.Context, store *Store) (Year, error) {
	year, err := YearParam(c)
	if err != nil {
		return Year{}, err
	}
	ctx := c.Request().Context()
	return store.Year(ctx, year, AudienceOf(ctx))
}

// project loads the project named by the :id parameter; see ProjectParam.
func (h *Handler) project(c echo.Context) (Project, error) {
	return ProjectParam(c, h.store)
}

// ProjectParam loads the project named by a page's :id parameter. What is
// not an id (web.ParseID: "+1" and "01" name project 1 but are not its
// address) names no project, as an id without one does: both are
// ErrNotFound, saying there is no project with that id.
func ProjectParam(c echo.Context, store *Store) (Project, error) {
	raw := c.Param("id")
	id, err := web.ParseID(raw)
	if err != nil {
		return Project{}, ErrNotFound.WithMessage("error.project_not_found", "ID", quoteInput(raw))
	}
	ctx := c.Request().Context()
	return store.ProjectAs(ctx, id, AudienceOf(ctx))
}

// TargetParam loads the listed target named by a page's :id parameter,
// with its project, or an error of the not-found kind when the parameter
// is not an id (web.ParseID) or no listed target has it.
func TargetParam(c echo.Context, store *Store) (Target, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return Target{}, err
	}
	return store.Target(c.Request().Context(), id)
}

// YearParam reads the :year parameter, answering 400 for anything that is not
// a plausible year.
func YearParam(c echo.Context) (int, error) {
	raw := c.Param("year")
	if strings.Contains(raw, "/") {
		return 0, web.NotFound("error.404") // a longer path than any route
	}
	year, err := strconv.Atoi(raw)
	if err != nil || year < civil.MinYear || year > civil.MaxYear || len(raw) != 4 {
		return 0, web.BadRequest("error.year_malformed", "Year", quoteInput(raw))
	}
	return year, nil
}

// PageParam reads the page number of a long list: 1 when there is none,
// 400 when it is not a positive number.
func PageParam(c echo.Context) (int, error) {
	raw := c.QueryParam("page")
	if raw == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, web.BadRequest("error.page_malformed", "Page", quoteInput(raw))
	}
	return n, nil
}

// yearPageURL is the address of a page of a year's lists, with its filter.
func yearPageURL(year int, filter Category, number int) string {
	q := url.Values{}
	if filter != "" {
		q.Set("category", string(filter))
	}
	if number > 1 {
		q.Set("page", strconv.Itoa(number))
	}
	if len(q) == 0 {
		return views.YearURL(year)
	}
	return views.YearURL(year) + "?" + q.Encode()
}

// categoryParam reads the optional ?category= filter: none when it is
// empty, 400 when it names no category.
func categoryParam(c echo.Context) (Category, error) {
	raw := c.QueryParam("category")
	if raw == "" {
		return "", nil
	}
	category, err := ParseCategory(raw)
	if err != nil {
		return "", web.BadRequest("error.category_unknown", "Category", quoteInput(raw))
	}
	return category, nil
}

// quoteInput shortens what a reader typed before an error message repeats
// it, and replaces bytes that are not text.
func quoteInput(s string) string {
	s = strings.ToValidUTF8(s, "�")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}
