// Package accounts is the administrators' pages for staff accounts: creating
// them, changing roles, disabling and enabling, resetting passwords,
// assigning engineers to projects, and reading the security log.
package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves the account administration.
type Handler struct {
	users    *auth.Store
	hasher   *auth.Hasher
	tally    *auth.Tally
	projects *projects.Store
	location *time.Location
}

// NewHandler returns the administration handlers; times are shown in loc.
// tally holds the sign-in failures counted and not yet written to the
// security log.
func NewHandler(users *auth.Store, hasher *auth.Hasher, tally *auth.Tally, projects *projects.Store, loc *time.Location) *Handler {
	return &Handler{users: users, hasher: hasher, tally: tally, projects: projects, location: loc}
}

// Register adds the routes, all for administrators.
func (h *Handler) Register(r *web.Router) {
	g := r.Group("/admin", auth.Require(auth.ManageAccounts))
	g.GET("/users", h.listUsers)
	g.GET("/users/new", h.newUser)
	g.POST("/users", h.createUser)
	g.GET("/users/:id", h.showUser)
	g.POST("/users/:id/role", h.changeRole)
	g.GET("/users/:id/disable", h.confirmDisable)
	g.POST("/users/:id/active", h.setActive)
	g.GET("/users/:id/password", h.confirmReset)
	g.POST("/users/:id/password", h.resetPassword)
	g.GET("/users/:id/temporary-password", h.showTemporaryPassword)
	g.POST("/users/:id/assignments", h.assign)
	g.POST("/users/:id/assignments/:project/delete", h.unassign)
	g.GET("/assignments", h.listAssignments)
	g.POST("/projects/:id/engineers", h.assignToProject)
	g.POST("/projects/:id/engineers/:user/delete", h.unassignFromProject)
	g.GET("/events", h.listEvents)
	r.GET(EventsCSVPath, h.downloadEvents, auth.Require(auth.ManageAccounts))
	manage := auth.Shows(auth.ManageAccounts)
	r.InHeader(web.HeaderLink{Label: "nav.accounts", URL: "/admin/users", Place: web.HeaderAccounts, Shown: manage, Landing: 3})
	r.InHeader(web.HeaderLink{Label: "nav.assignments", URL: "/admin/assignments", Place: web.HeaderAccounts, Shown: manage})
	r.InHeader(web.HeaderLink{Label: "nav.security_log", URL: "/admin/events", Place: web.HeaderAccounts, Shown: manage})
}

// UserURL is the address of an account's administration page.
func UserURL(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

func userRow(u auth.User) views.UserRow {
	return views.UserRow{
		ID: u.ID, URL: UserURL(u.ID), Username: u.Username, DisplayName: u.DisplayName,
		Role: string(u.Role), Active: u.Active, MustChange: u.MustChangePassword,
	}
}

func roleCodes() []string {
	var codes []string
	for _, r := range auth.Roles() {
		codes = append(codes, string(r))
	}
	return codes
}

func (h *Handler) listUsers(c echo.Context) error {
	users, err := h.users.Users(c.Request().Context())
	if err != nil {
		return err
	}
	page := views.UsersPage{}
	for _, u := range users {
		page.Users = append(page.Users, userRow(u))
	}
	return web.Render(c, http.StatusOK, views.Users(page))
}

func (h *Handler) newUser(c echo.Context) error {
	return web.Render(c, http.StatusOK, views.NewUser(views.NewUserPage{Role: string(auth.Engineer), Roles: roleCodes()}))
}

func (h *Handler) createUser(c echo.Context) error {
	ctx := c.Request().Context()
	page := views.NewUserPage{
		Username:    c.FormValue("username"),
		DisplayName: strings.TrimSpace(c.FormValue("display_name")),
		Role:        c.FormValue("role"),
		Roles:       roleCodes(),
		Errors:      views.FieldErrors{},
	}
	username := auth.NormalizeUsername(page.Username)
	if err := auth.CheckUsername(username); err != nil {
		page.Errors["username"] = auth.AccountError(c, err)
	}
	if err := auth.CheckDisplayName(page.DisplayName); err != nil {
		page.Errors["display_name"] = auth.AccountError(c, err)
	}
	role, err := auth.ParseRole(page.Role)
	if err != nil {
		page.Errors["role"] = locale.T(ctx, "admin.role_unknown")
	}
	if len(page.Errors) > 0 {
		return web.Render(c, http.StatusUnprocessableEntity, views.NewUser(page))
	}
	password, hash, err := h.temporaryPassword(ctx)
	if err != nil {
		return err
	}
	user, err := h.users.CreateUser(ctx, auth.User{
		Username: username, DisplayName: page.DisplayName, Role: role, Active: true,
		PasswordHash: hash, MustChangePassword: true,
	}, h.actor(c))
	if errors.Is(err, auth.ErrUsernameTaken) {
		page.Errors["username"] = auth.AccountError(c, auth.UsernameTaken(page.Username))
		return web.Render(c, http.StatusUnprocessableEntity, views.NewUser(page))
	}
	if err != nil {
		return err
	}
	return h.handOver(c, user, password, true)
}

// handOver keeps a new temporary password in the administrator's session
// and sends them to the page that shows it once: a redirect after the POST,
// so that reloading the page does not reset the password again.
func (h *Handler) handOver(c echo.Context, user auth.User, password string, created bool) error {
	kind := "reset"
	if created {
		kind = "created"
	}
	auth.Stash(c, temporaryKey(user.ID), kind+":"+password)
	return c.Redirect(http.StatusSeeOther, UserURL(user.ID)+"/temporary-password")
}

func temporaryKey(id int64) string { return "temporary-password:" + strconv.FormatInt(id, 10) }

func (h *Handler) showTemporaryPassword(c echo.Context) error {
	user, err := h.user(c)
	if err != nil {
		return err
	}
	kind, password, ok := strings.Cut(auth.TakeStash(c, temporaryKey(user.ID)), ":")
	if !ok {
		// Shown once: a second look finds the account page.
		return c.Redirect(http.StatusSeeOther, UserURL(user.ID))
	}
	return web.Render(c, http.StatusOK, views.TemporaryPassword(views.TemporaryPasswordPage{
		Username: user.Username, Password: password, Created: kind == "created", UserURL: UserURL(user.ID),
	}))
}

func (h *Handler) showUser(c echo.Context) error {
	user, err := h.user(c)
	if err != nil {
		return err
	}
	return h.renderUser(c, http.StatusOK, user, "")
}

func (h *Handler) renderUser(c echo.Context, status int, user auth.User, problem string) error {
	ctx := c.Request().Context()
	page := views.UserPage{
		User:        userRow(user),
		Self:        user.ID == auth.CurrentUser(c).ID,
		Roles:       roleCodes(),
		Problem:     problem,
		HasProjects: auth.Can(&user, auth.HaveAssignments),
	}
	if page.HasProjects {
		assigned, err := h.users.AssignedProjectIDs(ctx, user.ID)
		if err != nil {
			return err
		}
		all, err := h.projects.All(ctx)
		if err != nil {
			return err
		}
		isAssigned := map[int64]bool{}
		for _, id := range assigned {
			isAssigned[id] = true
		}
		for _, p := range all {
			option := views.ProjectOption{ID: p.ID, Name: p.Name, Category: string(p.Category), URL: projects.ProjectURL(p.ID)}
			if isAssigned[p.ID] {
				page.Assigned = append(page.Assigned, option)
			} else {
				page.Assignable = append(page.Assignable, option)
			}
		}
	}
	events, err := h.users.Events(ctx, user.ID, 50)
	if err != nil {
		return err
	}
	page.Events = h.eventRows(events)
	return web.Render(c, status, views.User(page))
}

func (h *Handler) changeRole(c echo.Context) error {
	user, err := h.otherUser(c)
	if err != nil {
		return err
	}
	role, err := auth.ParseRole(c.FormValue("role"))
	if err != nil {
		return h.renderUser(c, http.StatusUnprocessableEntity, user, locale.T(c.Request().Context(), "admin.role_unknown"))
	}
	return h.afterChange(c, user, "flash.role_changed", func(ctx context.Context) (auth.User, error) {
		return h.users.SetRole(ctx, user.ID, role, h.actor(c))
	})
}

func (h *Handler) confirmDisable(c echo.Context) error {
	user, err := h.otherUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return web.Render(c, http.StatusOK, views.Confirm(views.ConfirmPage{
		Title:   locale.T(ctx, "admin.disable_confirm_title", "Username", user.Username),
		Message: locale.T(ctx, "admin.disable_intro"),
		Action:  UserURL(user.ID) + "/active", Field: "active", Value: "false",
		Button: "admin.disable", Danger: true, BackURL: UserURL(user.ID),
	}))
}

func (h *Handler) setActive(c echo.Context) error {
	user, err := h.otherUser(c)
	if err != nil {
		return err
	}
	var active bool
	switch c.FormValue("active") {
	case "true":
		active = true
	case "false":
	default:
		return h.renderUser(c, http.StatusUnprocessableEntity, user, locale.T(c.Request().Context(), "error.400"))
	}
	flash := "flash.user_disabled"
	if active {
		flash = "flash.user_enabled"
	}
	return h.afterChange(c, user, flash, func(ctx context.Context) (auth.User, error) {
		return h.users.SetActive(ctx, user.ID, active, h.actor(c))
	})
}

// afterChange runs a change to an account and answers: back to the account
// with a message, or the account page with the reason the change was refused.
func (h *Handler) afterChange(c echo.Context, user auth.User, flash string, change func(context.Context) (auth.User, error)) error {
	_, err := change(c.Request().Context())
	if errors.Is(err, auth.ErrLastAdmin) {
		return h.renderUser(c, http.StatusUnprocessableEntity, user, auth.AccountError(c, err))
	}
	if err != nil {
		return err
	}
	auth.Flash(c, flash)
	return c.Redirect(http.StatusSeeOther, UserURL(user.ID))
}

func (h *Handler) confirmReset(c echo.Context) error {
	user, err := h.otherUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return web.Render(c, http.StatusOK, views.Confirm(views.ConfirmPage{
		Title:   locale.T(ctx, "admin.reset_confirm_title", "Username", user.Username),
		Message: locale.T(ctx, "admin.reset_intro"),
		Action:  UserURL(user.ID) + "/password",
		Button:  "admin.reset_password", Danger: true, BackURL: UserURL(user.ID),
	}))
}

func (h *Handler) resetPassword(c echo.Context) error {
	user, err := h.otherUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	password, hash, err := h.temporaryPassword(ctx)
	if err != nil {
		return err
	}
	if _, err := h.users.SetPassword(ctx, user.ID, hash, true, h.actor(c)); err != nil {
		return err
	}
	return h.handOver(c, user, password, false)
}

func (h *Handler) assign(c echo.Context) error {
	user, err := h.user(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	values, err := c.FormParams()
	if err != nil {
		return web.BadRequest("error.400")
	}
	// Several projects at once: each is checked before any is assigned.
	chosen := values["project_id"]
	if len(chosen) == 0 {
		return h.renderUser(c, http.StatusUnprocessableEntity, user, locale.T(ctx, "admin.assign_none"))
	}
	var assigning []projects.Project
	for _, raw := range chosen {
		project, err := h.project(c, raw)
		if err != nil {
			return h.renderUser(c, http.StatusUnprocessableEntity, user, locale.T(ctx, "admin.project_unknown"))
		}
		assigning = append(assigning, project)
	}
	for _, project := range assigning {
		err := h.users.Assign(ctx, user.ID, project.ID, projectDetail(project), h.actor(c))
		if errors.Is(err, auth.ErrCannotBeAssigned) {
			return h.renderUser(c, http.StatusUnprocessableEntity, user, locale.T(ctx, "admin.assign_engineers_only"))
		}
		if err != nil {
			return err
		}
	}
	auth.Flash(c, "flash.assigned")
	return c.Redirect(http.StatusSeeOther, UserURL(user.ID))
}

func (h *Handler) unassign(c echo.Context) error {
	user, err := h.user(c)
	if err != nil {
		return err
	}
	project, err := h.project(c, c.Param("project"))
	if err != nil {
		return err
	}
	if err := h.users.Unassign(c.Request().Context(), user.ID, project.ID, projectDetail(project), h.actor(c)); err != nil {
		return err
	}
	auth.Flash(c, "flash.unassigned")
	return c.Redirect(http.StatusSeeOther, UserURL(user.ID))
}

// ProjectEngineersURL is where an administrator assigns an engineer to a
// project from the project's page.
func ProjectEngineersURL(projectID int64) string {
	return "/admin/projects/" + strconv.FormatInt(projectID, 10) + "/engineers"
}

// ProjectEngineerURL is where an engineer is taken off a project from the
// project's page.
func ProjectEngineerURL(projectID, userID int64) string {
	return ProjectEngineersURL(projectID) + "/" + strconv.FormatInt(userID, 10) + "/delete"
}

// assignToProject assigns the engineer chosen on a project's page to it,
// and goes back to the page; an engineer not chosen or not an engineer is
// said there, beside the choice.
func (h *Handler) assignToProject(c echo.Context) error {
	project, err := h.project(c, c.Param("id"))
	if err != nil {
		return err
	}
	back := projects.ProjectURL(project.ID)
	// The page offers engineers only, one always chosen: anything else was
	// not sent from it.
	id, err := web.ParseID(c.FormValue("engineer_id"))
	if err != nil {
		return web.BadRequest("error.400")
	}
	user, err := h.users.UserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	err = h.users.Assign(c.Request().Context(), user.ID, project.ID, projectDetail(project), h.actor(c))
	if errors.Is(err, auth.ErrCannotBeAssigned) {
		auth.Flash(c, "admin.assign_engineers_only")
		return c.Redirect(http.StatusSeeOther, back+"#engineers")
	}
	if err != nil {
		return err
	}
	auth.Flash(c, "flash.assigned")
	return c.Redirect(http.StatusSeeOther, back+"#engineers")
}

// unassignFromProject takes an engineer off a project from its page.
func (h *Handler) unassignFromProject(c echo.Context) error {
	project, err := h.project(c, c.Param("id"))
	if err != nil {
		return err
	}
	id, err := web.IDParam(c, "user")
	if err != nil {
		return err
	}
	user, err := h.users.UserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := h.users.Unassign(c.Request().Context(), user.ID, project.ID, projectDetail(project), h.actor(c)); err != nil {
		return err
	}
	auth.Flash(c, "flash.unassigned")
	return c.Redirect(http.StatusSeeOther, projects.ProjectURL(project.ID)+"#engineers")
}

func projectDetail(p projects.Project) string {
	return "#" + strconv.FormatInt(p.ID, 10) + " " + p.Name
}

func (h *Handler) listAssignments(c echo.Context) error {
	ctx := c.Request().Context()
	all, err := h.projects.All(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, len(all))
	for i, p := range all {
		ids[i] = p.ID
	}
	engineers, err := h.users.AssignedUsers(ctx, ids)
	if err != nil {
		return err
	}
	var page views.AssignmentsPage
	for _, p := range all {
		row := views.AssignmentRow{Project: views.ProjectOption{ID: p.ID, Name: p.Name, Category: string(p.Category), URL: projects.ProjectURL(p.ID)}}
		for _, u := range engineers[p.ID] {
			row.Engineers = append(row.Engineers, views.UserLink{Name: u.Name(), URL: UserURL(u.ID)})
		}
		page.Rows = append(page.Rows, row)
	}
	return web.Render(c, http.StatusOK, views.Assignments(page))
}

// eventsPageSize is how many entries of the security log a page shows.
const eventsPageSize = 100

// maxWhoLength bounds the text the security log is filtered by: longer
// than any username or address.
const maxWhoLength = 64

// listEvents shows the security log a page at a time, newest first, with
// the entries of one kind or about one user or address if asked. The
// counts of failed sign-ins not yet written are written first, so that the
// page is up to date.
func (h *Handler) listEvents(c echo.Context) error {
	ctx := c.Request().Context()
	if err := h.tally.Flush(ctx); err != nil {
		return err
	}
	page, filter := eventsFilter(c)
	page.CSVURL = eventsURL(EventsCSVPath, page, 1)
	total, err := h.users.CountEvents(ctx, filter)
	if err != nil {
		return err
	}
	page.Total = total
	number, _ := strconv.Atoi(c.QueryParam("page"))
	var from, to int
	page.Pager, from, to = views.NewPager(total, number, eventsPageSize, func(n int) string { return eventsPageURL(page, n) })
	if to > from {
		events, err := h.users.SearchEvents(ctx, filter, from, to-from)
		if err != nil {
			return err
		}
		page.Events = h.eventRows(events)
	}
	return web.Render(c, http.StatusOK, views.Events(page))
}

// eventsFilter reads the security log's filter from the address: the
// page with its choices, and the filter they make.
func eventsFilter(c echo.Context) (views.EventsPage, auth.EventFilter) {
	page := views.EventsPage{Who: strings.TrimSpace(c.QueryParam("who"))}
	if len(page.Who) > maxWhoLength {
		page.Who = ""
	}
	for _, a := range auth.Actions() {
		page.Actions = append(page.Actions, string(a))
		if string(a) == c.QueryParam("action") {
			page.Action = string(a)
		}
	}
	return page, auth.EventFilter{Action: auth.Action(page.Action), Who: page.Who}
}

// EventsCSVPath is the security log as CSV, for administrators.
const EventsCSVPath = "/admin/events.csv"

// downloadEvents answers with the entries of the security log the filter
// picks, newest first, as CSV, written as they are read.
func (h *Handler) downloadEvents(c echo.Context) error {
	ctx := c.Request().Context()
	if err := h.tally.Flush(ctx); err != nil {
		return err
	}
	_, filter := eventsFilter(c)
	upTo, n, err := h.users.CountEventsUpTo(ctx, filter)
	if err != nil {
		return err
	}
	l := locale.FromContext(ctx)
	headings := []string{l.T("admin.event_first_at"), l.T("admin.event_at"), l.T("admin.event_count"), l.T("admin.event_action"),
		l.T("admin.event_actor"), l.T("admin.event_subject"), l.T("admin.event_detail"), l.T("admin.event_address")}
	return web.StreamCSV(c, "shuangshi-security-log.csv", headings, n, func(write func([]string) error) error {
		return h.users.EachEvent(ctx, filter, upTo, func(e auth.Event) error {
			row := h.eventRow(e)
			first := row.At
			if e.FirstAt != nil {
				first = row.FirstAt
			}
			return write([]string{first.Format(time.RFC3339), row.At.Format(time.RFC3339), strconv.FormatInt(max(e.Count, 1), 10),
				l.T("event." + row.Action), projects.SpreadsheetText(views.EventActorText(ctx, row)), projects.SpreadsheetText(row.Subject),
				projects.SpreadsheetText(views.EventDetailText(ctx, row.Detail)), row.Address})
		})
	})
}

// CountEvents counts the entries of the security log, for the auditors'
// page.
func (h *Handler) CountEvents(ctx context.Context) (int, error) {
	return h.users.CountEvents(ctx, auth.EventFilter{})
}

func eventsPageURL(p views.EventsPage, n int) string { return eventsURL("/admin/events", p, n) }

// eventsURL is the address of page n of the security log at path, with
// the filter of p.
func eventsURL(path string, p views.EventsPage, n int) string {
	q := url.Values{}
	if p.Action != "" {
		q.Set("action", p.Action)
	}
	if p.Who != "" {
		q.Set("who", p.Who)
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func (h *Handler) eventRows(events []auth.Event) []views.EventRow {
	rows := make([]views.EventRow, 0, len(events))
	for _, e := range events {
		rows = append(rows, h.eventRow(e))
	}
	return rows
}

// eventRow is one entry of the security log as its page and its CSV tell
// it, times in the district's.
func (h *Handler) eventRow(e auth.Event) views.EventRow {
	row := views.EventRow{
		At: e.At.In(h.location), Count: e.Count, Action: string(e.Action),
		Subject: e.Subject, Detail: eventDetail(e.ReadDetail()), Address: e.Address,
	}
	if code := auth.ActorCode(e.Actor); code != "" {
		row.ActorCode = code
	} else {
		row.Actor = e.Actor
	}
	if e.FirstAt != nil {
		row.FirstAt = e.FirstAt.In(h.location)
	}
	return row
}

func eventDetail(d auth.EventDetail) views.EventDetail {
	return views.EventDetail{FromRole: string(d.From), ToRole: string(d.To), Role: string(d.Role), Reason: d.Reason, Text: d.Text}
}

// user loads the account named by the :id parameter.
func (h *Handler) user(c echo.Context) (auth.User, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return auth.User{}, err
	}
	return h.users.UserByID(c.Request().Context(), id)
}

// otherUser loads the account named by :id for a change an administrator
// may not make to their own account (role, access, password reset): that
// would lock them out half-way, so they are sent to their account page.
func (h *Handler) otherUser(c echo.Context) (auth.User, error) {
	user, err := h.user(c)
	if err != nil {
		return user, err
	}
	if user.ID == auth.CurrentUser(c).ID {
		return user, &web.Error{Status: http.StatusUnprocessableEntity, MessageID: "admin.not_yourself"}
	}
	return user, nil
}

// project loads the project with the id given as text (web.ParseID), or an
// error of the not-found kind.
func (h *Handler) project(c echo.Context, raw string) (projects.Project, error) {
	id, err := web.ParseID(raw)
	if err != nil {
		return projects.Project{}, err
	}
	return h.projects.Project(c.Request().Context(), id)
}

func (h *Handler) actor(c echo.Context) auth.Actor {
	return auth.ActorOf(auth.CurrentUser(c), c.RealIP())
}

// temporaryAlphabet leaves out characters that are easily misread (0 and O,
// 1 and l) when the password is read out or copied by hand.
const temporaryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// temporaryPassword returns a new random password of three groups of four
// characters (60 bits), and its hash.
func (h *Handler) temporaryPassword(ctx context.Context) (string, string, error) {
	buf := make([]byte, 12)
	if _, err := rand.Read(buf); err != nil {
		return "", "", err
	}
	var b strings.Builder
	for i, x := range buf {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(temporaryAlphabet[int(x)%len(temporaryAlphabet)])
	}
	hash, err := h.hasher.Hash(ctx, b.String())
	return b.String(), hash, err
}
