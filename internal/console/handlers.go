package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/database"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves the console.
type Handler struct {
	snapshots snapshots
	projects  *projects.Store
	users     *auth.Store
	rule      projects.StatusRule
	staleDays int
	now       func() time.Time
	location  *time.Location
}

// NewHandler returns the console's handlers. A project not updated for
// staleDays is flagged stale; dates are reckoned in loc.
//
// versions reads the versions of the record (database.DB.Versions): the
// console is brought up to date only when they move, or made again when
// the day changes.
func NewHandler(store *projects.Store, users *auth.Store, versions func(context.Context) (database.Versions, error),
	rule projects.StatusRule, staleDays int, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{
		snapshots: snapshots{versions: versions},
		projects:  store, users: users, rule: rule, staleDays: staleDays, now: now, location: loc,
	}
}

// OverduePath is the supervisors' list of what is overdue or lagging.
const OverduePath = "/overdue"

// Register adds the routes.
func (h *Handler) Register(r *web.Router) {
	r.KeptForStaff(OverduePath, h.showOverdue, auth.Require(auth.Supervise))
	r.GET(csvPath, h.downloadCSV, auth.Require(auth.Supervise))
	r.GET(xlsxPath, h.downloadXLSX, auth.Require(auth.Supervise))
	r.InHeader(web.HeaderLink{Label: "nav.overdue", URL: OverduePath, Place: web.HeaderWork, Shown: auth.Shows(auth.Supervise), Landing: 2})
}

func (h *Handler) today() civil.Date { return civil.DateOf(h.now().In(h.location)) }

func (h *Handler) showOverdue(c echo.Context) error {
	ctx := c.Request().Context()
	filter, chosen, err := parseFilter(c.QueryParams())
	if err != nil {
		return err
	}
	column, descending := c.QueryParam("sort"), c.QueryParam("dir") == "desc"
	if column != "" && !slices.Contains(SortColumns(), column) {
		return web.BadRequest("error.400")
	}
	pages := map[projects.Status]int{}
	for _, status := range []projects.Status{projects.StatusOverdue, projects.StatusAtRisk, StatusBehind} {
		if raw := c.QueryParam(pageParam(status)); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 {
				return web.BadRequest("error.400")
			}
			pages[status] = n
		}
	}
	snap, err := h.snapshot(ctx)
	if err != nil {
		return err
	}
	years, err := h.projects.Years(ctx, projects.AudienceOf(ctx))
	if err != nil {
		return err
	}
	nav := views.Nav{Years: years}
	// The content is the same for every supervisor who asks the same of
	// the same data on the same day, in the same language.
	key := locale.Lang(ctx) + " " + c.QueryParams().Encode()
	if content, ok := snap.content(key); ok {
		return web.Render(c, http.StatusOK, views.ConsoleKept(nav, content))
	}

	page := views.ConsolePage{
		Nav: nav, AsOf: h.today(), StaleDays: h.staleDays,
		Sort: column, Descending: descending, SortURLs: map[string]string{},
		Filter: chosen,
	}
	page.CSVURL, page.XLSXURL = exportURLs(exportQuery(c.QueryParams()))
	page.FilterWords = filterWords(ctx, chosen, snap.engineers)
	page.Filter.Years = years
	for _, cat := range projects.Categories() {
		page.Filter.Categories = append(page.Filter.Categories, string(cat))
	}
	page.Filter.Units, page.Filter.Engineers = snap.units, snap.engineers
	for _, col := range SortColumns() {
		q := c.QueryParams()
		q = cloneValues(q)
		q.Set("sort", col)
		q.Del("dir")
		q.Del(pageParam(projects.StatusOverdue))
		q.Del(pageParam(projects.StatusAtRisk))
		q.Del(pageParam(StatusBehind))
		if col == column && !descending {
			q.Set("dir", "desc")
		}
		page.SortURLs[col] = "/overdue?" + q.Encode()
	}
	// The rows of each group, filtered and counted, and of those only the
	// page's fifty are shown.
	groups := map[projects.Status]*views.ConsoleGroup{
		projects.StatusOverdue: {Status: string(projects.StatusOverdue)},
		projects.StatusAtRisk:  {Status: string(projects.StatusAtRisk)},
		StatusBehind:           {Status: string(StatusBehind)},
	}
	var kept map[projects.Status][]*Row
	kept, page.Stale = snap.grouped(column, descending, filter)
	page.Overdue, page.AtRisk, page.Behind = len(kept[projects.StatusOverdue]), len(kept[projects.StatusAtRisk]), len(kept[StatusBehind])
	page.Filing = filingSummary(snap.filing, snap.settings.ReportDay)
	for status, g := range groups {
		rows := kept[status]
		var from, to int
		g.Pager, from, to = views.NewPager(len(rows), pages[status], PageSize, func(n int) string { return pageURL(c.QueryParams(), status, n) })
		for _, r := range rows[from:to] {
			g.Rows = append(g.Rows, h.consoleRow(*r))
		}
	}
	page.Groups = []views.ConsoleGroup{*groups[projects.StatusOverdue], *groups[projects.StatusAtRisk], *groups[StatusBehind]}
	var content strings.Builder
	if err := views.ConsoleContent(page).Render(ctx, &content); err != nil {
		return err
	}
	snap.keep(key, content.String())
	return web.Render(c, http.StatusOK, views.ConsoleKept(nav, content.String()))
}

// PageSize is how many rows of each group a page of the console shows.
const PageSize = 50

// pageParam is the query parameter of a group's page number.
func pageParam(status projects.Status) string { return "page-" + string(status) }

// pageURL is the console's address with the same filter and order, and
// another page of one group.
func pageURL(q url.Values, status projects.Status, n int) string {
	q = cloneValues(q)
	if n == 1 {
		q.Del(pageParam(status))
	} else {
		q.Set(pageParam(status), strconv.Itoa(n))
	}
	return "/overdue?" + q.Encode()
}

func (h *Handler) consoleRow(r Row) views.ConsoleRow {
	row := views.ConsoleRow{
		Year: r.Target.Year, List: string(r.Target.List), Name: r.Target.ListedName, NameEn: r.Target.Project.NameEn,
		ProjectURL: projects.ProjectURL(r.Target.ProjectID), Deadline: r.Target.Deadline, Days: r.Days,
		Status: string(r.Status), Unit: r.Target.Project.Unit,
		LastUpdate: civil.DateOf(r.LastUpdate.In(h.location)), Stale: r.Stale,
		DelayReason: r.Target.Project.DelayReason,
		CommentsURL: projects.CommentsURL(r.Target.ID), OpenComments: r.Cases.Open,
		LateCases: r.Cases.Late, AnsweredCases: r.Cases.Answered,
	}
	if r.Pace != nil {
		row.Pace = projects.PaceView(*r.Pace, r.Target.Year)
	}
	for _, e := range r.Engineers {
		row.Engineers = append(row.Engineers, e.Name())
	}
	return row
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// parseFilter reads the filter from the query, and what was chosen, to show
// it again. Anything that is not a choice the form offers is a 400.
func parseFilter(q url.Values) (Filter, views.ConsoleFilter, error) {
	var f Filter
	chosen := views.ConsoleFilter{
		Year: q.Get("year"), List: q.Get("list"), Category: q.Get("category"),
		Unit: q.Get("unit"), Engineer: q.Get("engineer"), Light: q.Get("light"),
	}
	var err error
	if chosen.Year != "" {
		if f.Year, err = strconv.Atoi(chosen.Year); err != nil || f.Year < civil.MinYear || f.Year > civil.MaxYear {
			return f, chosen, web.BadRequest("error.year_malformed", "Year", chosen.Year)
		}
	}
	if chosen.List != "" {
		if f.List, err = projects.ParseList(chosen.List); err != nil {
			return f, chosen, web.BadRequest("error.400")
		}
	}
	if chosen.Category != "" {
		if f.Category, err = projects.ParseCategory(chosen.Category); err != nil {
			return f, chosen, web.BadRequest("error.category_unknown", "Category", chosen.Category)
		}
	}
	f.Unit = chosen.Unit
	if chosen.Engineer != "" {
		if f.EngineerID, err = strconv.ParseInt(chosen.Engineer, 10, 64); err != nil || f.EngineerID < 1 {
			return f, chosen, web.BadRequest("error.400")
		}
	}
	switch l := projects.Light(chosen.Light); l {
	case "":
	case projects.LightGreen, projects.LightYellow, projects.LightRed:
		f.Light = l
	default:
		return f, chosen, web.BadRequest("error.400")
	}
	chosen.Active = f != (Filter{})
	return f, chosen, nil
}

// exportQuery is the query of the console's files: its filter and order,
// without the page numbers of its groups (a file has every row).
func exportQuery(q url.Values) string {
	q = cloneValues(q)
	q.Del(pageParam(projects.StatusOverdue))
	q.Del(pageParam(projects.StatusAtRisk))
	q.Del(pageParam(StatusBehind))
	return q.Encode()
}

// filingSummary is the console's box of the month just ended's reports.
func filingSummary(f projects.Filing, reportDay int) *views.FilingSummary {
	rate, ok := f.Rate()
	if !ok {
		return nil
	}
	return &views.FilingSummary{Year: f.Month.Year, Month: f.Month.Month, Deadline: f.Month.Deadline(reportDay),
		Due: f.Due, Filed: f.Filed, Late: f.Late, Rate: rate, URL: projects.FilingURL(f.Month)}
}
