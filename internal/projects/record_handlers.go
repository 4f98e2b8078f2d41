package projects

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/locale"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// registerRecord adds the administrators' pages of projects.
func (h *Handler) registerRecord(r *web.Router) {
	admin := auth.Require(auth.ManageRecord)
	r.GET(RecordsPath, h.listProjects, admin)
	r.GET(NewRecordPath, h.newProject, admin)
	r.POST(RecordsPath, h.createProject, admin)
	r.GET(RecordsPath+"/:id", h.showProjectRecord, admin)
	r.POST(RecordsPath+"/:id", h.updateProjectRecord, admin)
	r.POST(RecordsPath+"/:id/archive", h.archiveProject(true), admin)
	r.POST(RecordsPath+"/:id/restore", h.archiveProject(false), admin)
	r.InHeader(web.HeaderLink{Label: "nav.projects", URL: RecordsPath, Place: web.HeaderRecord, Shown: auth.Shows(auth.ManageRecord)})
}

// RecordURL is the administrators' page of a project's record.
func RecordURL(id int64) string { return RecordsPath + "/" + strconv.FormatInt(id, 10) }

// RecordsPath is the administrators' list of projects; NewRecordPath the
// form that creates one.
const (
	RecordsPath   = "/admin/projects"
	NewRecordPath = RecordsPath + "/new"
)

func (h *Handler) listProjects(c echo.Context) error {
	ctx := c.Request().Context()
	archived := c.QueryParam("archived") == "1"
	all, err := h.store.All(ctx)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(all))
	for _, p := range all {
		ids = append(ids, p.ID)
	}
	withTargets, err := h.store.ProjectsWithTargets(ctx, ids)
	if err != nil {
		return err
	}
	years, err := h.store.Years(ctx, AudienceOf(ctx))
	if err != nil {
		return err
	}
	page := views.ProjectsAdminPage{Nav: views.Nav{Years: years}, Archived: archived, ListsURL: h.ListsURL,
		NewURL: NewRecordPath, ActiveURL: RecordsPath, ArchivedURL: RecordsPath + "?archived=1"}
	for _, p := range withTargets {
		if (p.ArchivedAt != nil) != archived {
			page.Others++
			continue
		}
		page.Projects = append(page.Projects, views.ProjectAdminRow{
			Name: p.Name, NameEn: p.NameEn, Category: string(p.Category), Unit: p.Unit,
			Targets: h.listMarks(p.Targets), URL: RecordURL(p.ID),
		})
	}
	// The newest projects first: those an administrator is setting up.
	slices.Reverse(page.Projects)
	return web.Render(c, http.StatusOK, views.ProjectsAdmin(page))
}

func (h *Handler) listMarks(targets []Target) []views.ListMark {
	var marks []views.ListMark
	for _, t := range targets {
		mark := views.ListMark{Year: t.Year, List: string(t.List)}
		if h.ListURL != nil {
			mark.URL = h.ListURL(t.Year)
		}
		marks = append(marks, mark)
	}
	return marks
}

func (h *Handler) newProject(c echo.Context) error {
	return h.renderProjectForm(c, http.StatusOK, Project{}, ProjectForm{}, nil, nil)
}

func (h *Handler) createProject(c echo.Context) error {
	ctx := c.Request().Context()
	values, err := c.FormParams()
	if err != nil {
		return web.BadRequest("error.400")
	}
	form := ParseProjectForm(values)
	p, _, problems := form.Check(Project{})
	if len(problems) > 0 {
		return h.renderProjectForm(c, http.StatusUnprocessableEntity, Project{}, form, problems, nil)
	}
	created, err := h.store.CreateProject(ctx, p, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
	if errors.Is(err, ErrNameTaken) {
		return h.renderProjectForm(c, http.StatusUnprocessableEntity, Project{}, form, Problems{"name": {ID: "record.name_taken"}}, nil)
	} else if err != nil {
		return err
	}
	auth.Flash(c, "flash.project_created")
	return c.Redirect(http.StatusSeeOther, RecordURL(created.ID))
}

func (h *Handler) showProjectRecord(c echo.Context) error {
	p, err := h.project(c)
	if err != nil {
		return err
	}
	return h.renderProjectForm(c, http.StatusOK, p, ProjectFormOf(p), nil, nil)
}

func (h *Handler) updateProjectRecord(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := h.project(c)
	if err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return web.BadRequest("error.400")
	}
	form := ParseProjectForm(values)
	version, err := strconv.ParseInt(form.Version, 10, 64)
	if err != nil {
		version = 0 // a hand-made form: taken as made from an older version
	}
	after, changes, problems := form.Check(p)
	if len(problems) > 0 {
		return h.renderProjectForm(c, http.StatusUnprocessableEntity, p, form, problems, nil)
	}
	err = h.store.UpdateProject(ctx, after, version, changes, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
	switch {
	case errors.Is(err, ErrConflict):
		return h.renderProjectConflict(c, p, form)
	case errors.Is(err, ErrNameTaken):
		return h.renderProjectForm(c, http.StatusUnprocessableEntity, p, form, Problems{"name": {ID: "record.name_taken"}}, nil)
	case err != nil:
		return err
	}
	if len(changes) > 0 {
		auth.Flash(c, "flash.project_saved")
	}
	return c.Redirect(http.StatusSeeOther, RecordURL(p.ID))
}

// renderProjectConflict shows the form again with the user's values, the
// stored ones beside them for every field that differs, and the current
// version, so that saving again is a choice made knowing both.
func (h *Handler) renderProjectConflict(c echo.Context, current Project, yours ProjectForm) error {
	ctx := c.Request().Context()
	conflict := &views.Conflict{}
	if last, err := h.store.LastChange(ctx, current.ID); err == nil {
		conflict.By, conflict.At = last.UserName, last.At.In(h.location)
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	stored, typed := ProjectFormOf(current).Fields(), yours.Fields()
	for _, field := range ProjectFormFields() {
		if stored[field] == typed[field] {
			continue
		}
		show := func(v string) string {
			if field == FieldCategory && v != "" {
				if c, err := ParseCategory(v); err == nil {
					return locale.T(ctx, "category."+string(c)+".short")
				}
			}
			return v
		}
		conflict.Rows = append(conflict.Rows, views.ConflictRow{
			Field: views.FieldName{Label: "history.field." + field}, Yours: show(typed[field]), Current: show(stored[field]),
		})
	}
	yours.Version = strconv.FormatInt(current.Version, 10)
	return h.renderProjectForm(c, http.StatusConflict, current, yours, nil, conflict)
}

func (h *Handler) archiveProject(archived bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := h.project(c)
		if err != nil {
			return err
		}
		if err := h.store.SetArchived(c.Request().Context(), p.ID, archived, auth.ActorOf(auth.CurrentUser(c), c.RealIP())); err != nil {
			return err
		}
		if archived {
			auth.Flash(c, "flash.project_archived")
		} else {
			auth.Flash(c, "flash.project_restored")
		}
		return c.Redirect(http.StatusSeeOther, RecordURL(p.ID))
	}
}

func (h *Handler) renderProjectForm(c echo.Context, status int, p Project, f ProjectForm, problems Problems, conflict *views.Conflict) error {
	ctx := c.Request().Context()
	years, err := h.store.Years(ctx, AudienceOf(ctx))
	if err != nil {
		return err
	}
	page := views.ProjectFormPage{
		Nav: views.Nav{Years: years}, ProjectsURL: RecordsPath, New: p.ID == 0, Action: RecordsPath,
		Version: f.Version, Name: f.Name, NameEn: f.NameEn, Category: f.Category, Extent: f.Extent,
		Unit: f.Unit, Location: f.Location, Description: f.Description,
		Errors: views.FieldErrors{}, Conflict: conflict,
	}
	if p.ID != 0 {
		page.Action = RecordURL(p.ID)
		page.PublicURL, page.HistoryURL = ProjectURL(p.ID), ProjectURL(p.ID)+"/history"
		page.ArchiveURL = RecordURL(p.ID) + "/archive"
		if p.ArchivedAt != nil {
			page.ArchivedAt = p.ArchivedAt.In(h.location)
			page.ArchiveURL = RecordURL(p.ID) + "/restore"
		}
		page.Targets = h.listMarks(p.Targets)
		page.Heading = p.Name // as stored, whatever the field holds
	}
	for field, problem := range problems {
		page.Errors[field] = locale.T(ctx, problem.ID, problem.Args...)
	}
	return web.Render(c, status, views.ProjectForm(page))
}
