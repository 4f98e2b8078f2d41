package notify

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/console"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves the calendar feeds and the digest page.
type Handler struct {
	digester *Digester
	identity web.Identity // names the calendars' events
	now      func() time.Time
}

// NewHandler returns the handlers; the digester holds the stores and the
// settings they share with the e-mails.
func NewHandler(d *Digester, identity web.Identity, now func() time.Time) *Handler {
	return &Handler{digester: d, identity: identity, now: now}
}

// Register adds the routes. The calendar feed is opened by calendar
// programs, which sign in to nothing: its secret address is its key.
// DigestPath is the page of the reader's daily digest.
const DigestPath = "/digest"

func (h *Handler) Register(r *web.Router) {
	r.GET("/calendar/:token", h.calendarFeed)
	r.GET("/account/calendar", h.showCalendar, auth.Require(auth.ViewInternal))
	r.POST("/account/calendar", h.makeCalendar, auth.Require(auth.ViewInternal))
	r.POST("/account/calendar/revoke", h.revokeCalendar, auth.Require(auth.ViewInternal))
	r.GET(DigestPath, h.showDigest, auth.Require(auth.ViewInternal))
	r.InHeader(web.HeaderLink{Label: "nav.digest", URL: DigestPath, Place: web.HeaderWork, Shown: auth.Shows(auth.ViewInternal)})
}

func (h *Handler) siteURL(c echo.Context) string { return web.SiteURL(c, h.digester.siteURL) }

// concerning returns the targets that concern a user, each with its
// project.
func (h *Handler) concerning(c echo.Context, user auth.User) ([]projects.Target, error) {
	ctx := c.Request().Context()
	targets, err := h.digester.projects.AllTargets(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(targets))
	for _, t := range targets {
		ids = append(ids, t.ProjectID)
	}
	engineers, err := h.digester.users.AssignedUsers(ctx, ids)
	if err != nil {
		return nil, err
	}
	return Concerning(user, targets, engineers), nil
}

// calendarFeed answers a calendar program with the deadlines that concern
// the owner of the token, in the owner's language. A revoked or unknown
// token is not found, and neither is one of a disabled account or one made
// before the owner's sessions were ended (signing out everywhere, a changed
// or reset password): whoever might have taken over the account loses the
// calendar too.
func (h *Handler) calendarFeed(c echo.Context) error {
	ctx := c.Request().Context()
	token, ok := strings.CutSuffix(c.Param("token"), ".ics")
	if !ok || token == "" {
		return web.NotFound("error.calendar_not_found")
	}
	userID, generation, err := h.digester.store.CalendarUser(ctx, token)
	if err != nil {
		return err
	}
	user, err := h.digester.users.UserByID(ctx, userID)
	if errors.Is(err, auth.ErrNotFound) || (err == nil && (!user.Active || user.SessionGeneration != generation)) {
		return web.NotFound("error.calendar_not_found")
	} else if err != nil {
		return err
	}
	targets, err := h.concerning(c, user)
	if err != nil {
		return err
	}
	l := h.digester.catalog.For(user.Language, c.Request().Header.Get("Accept-Language"))
	body, err := Calendar(targets, l, h.siteURL(c), h.identity.Authority, h.now())
	if err != nil {
		return err
	}
	header := c.Response().Header()
	// The address is a secret: no shared cache keeps the answer, and no
	// search engine lists it.
	header.Set(echo.HeaderCacheControl, "private, max-age=0")
	header.Set("X-Robots-Tag", "noindex")
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", body)
}

func (h *Handler) showCalendar(c echo.Context) error {
	ctx := c.Request().Context()
	user := auth.CurrentUser(c)
	since, err := h.digester.store.CalendarSince(ctx, user.ID, user.SessionGeneration)
	if err != nil {
		return err
	}
	years, err := h.digester.projects.Years(ctx, projects.AudienceOf(ctx))
	if err != nil {
		return err
	}
	page := views.CalendarPage{Nav: views.Nav{Years: years}, Everything: auth.Can(user, auth.Supervise)}
	if !since.IsZero() {
		page.Since = since.In(h.digester.location)
	}
	// The address is shown on the page that follows its making, and never
	// again: only its hash is kept.
	if token := auth.TakeStash(c, stashCalendarToken); token != "" && !since.IsZero() {
		page.FeedURL = h.siteURL(c) + "/calendar/" + token + ".ics"
		_, rest, _ := strings.Cut(page.FeedURL, "://")
		page.WebcalURL = "webcal://" + rest
	}
	return web.Render(c, http.StatusOK, views.Calendar(page))
}

const stashCalendarToken = "calendar-token"

func (h *Handler) makeCalendar(c echo.Context) error {
	ctx := c.Request().Context()
	user := auth.CurrentUser(c)
	token, err := h.digester.store.NewCalendarToken(ctx, user.ID, user.SessionGeneration)
	if err != nil {
		return err
	}
	if err := h.digester.users.Log(ctx, auth.ActorOf(user, c.RealIP()), auth.ActionCalendarLinkCreated, user, ""); err != nil {
		return err
	}
	auth.Stash(c, stashCalendarToken, token)
	return c.Redirect(http.StatusSeeOther, "/account/calendar")
}

func (h *Handler) revokeCalendar(c echo.Context) error {
	ctx := c.Request().Context()
	user := auth.CurrentUser(c)
	if err := h.digester.store.RevokeCalendarToken(ctx, user.ID); err != nil {
		return err
	}
	if err := h.digester.users.Log(ctx, auth.ActorOf(user, c.RealIP()), auth.ActionCalendarLinkRevoked, user, ""); err != nil {
		return err
	}
	auth.Flash(c, "flash.calendar_revoked")
	return c.Redirect(http.StatusSeeOther, "/account/calendar")
}

func (h *Handler) showDigest(c echo.Context) error {
	ctx := c.Request().Context()
	user := auth.CurrentUser(c)
	digest, err := h.digester.For(ctx, *user, h.now())
	if err != nil {
		return err
	}
	years, err := h.digester.projects.Years(ctx, projects.AudienceOf(ctx))
	if err != nil {
		return err
	}
	page := views.DigestPage{
		Nav: views.Nav{Years: years}, AsOf: digest.Day, Everything: auth.Can(user, auth.Supervise),
		StaleDays: h.digester.staleDays, Email: user.Email, Mailing: h.digester.sender != nil, Hour: h.digester.hour,
	}
	item := func(r console.Row) views.DigestItem {
		return views.DigestItem{
			Name: r.Target.ListedName, NameEn: r.Target.Project.NameEn, ProjectURL: projects.ProjectURL(r.Target.ProjectID),
			Year: r.Target.Year, List: string(r.Target.List), Deadline: r.Target.Deadline, Days: r.Days,
		}
	}
	for _, r := range digest.Overdue {
		page.Overdue = append(page.Overdue, item(r))
	}
	for _, r := range digest.AtRisk {
		page.AtRisk = append(page.AtRisk, item(r))
	}
	caseItem := func(c CaseLine) views.DigestCase {
		return views.DigestCase{Name: c.Target.ListedName, NameEn: c.Target.Project.NameEn, URL: projects.CommentsURL(c.Target.ID),
			Year: c.Target.Year, List: string(c.Target.List), Due: c.Case.DueOn, Late: c.Late, Question: c.Case.Body}
	}
	for _, c := range digest.Waiting {
		page.Waiting = append(page.Waiting, caseItem(c))
	}
	for _, c := range digest.Answers {
		page.Answers = append(page.Answers, caseItem(c))
	}
	if r := digest.Reports; r != nil {
		page.Reports = &views.DigestReports{Year: r.Month.Year, Month: r.Month.Month, Filed: r.Filed, Due: r.Due,
			URL: projects.FilingURL(r.Month)}
		if rate, ok := r.Rate(); ok {
			page.Reports.Rate = &rate
		}
		for _, p := range r.Missing {
			page.Reports.Missing = append(page.Reports.Missing, views.DigestProject{Name: p.Name, NameEn: p.NameEn,
				URL: projects.MonthlyURLFor(p.ID, r.Month), LastUpdate: civil.DateOf(p.LastReported().In(h.digester.location))})
		}
	}
	for _, p := range digest.Stale {
		page.Stale = append(page.Stale, views.DigestProject{
			Name: p.Name, NameEn: p.NameEn, URL: projects.ProjectURL(p.ID),
			LastUpdate: civil.DateOf(p.LastReported().In(h.digester.location)),
		})
	}
	return web.Render(c, http.StatusOK, views.Digest(page))
}
