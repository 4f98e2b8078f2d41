package projects

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// The staff pages of the record: an engineer's projects and the overdue list.
// Both grow into their full form with the milestone editing and the
// supervisor console.

func (h *Handler) registerStaff(e *echo.Echo) {
	e.GET("/my/projects", h.showMyProjects, auth.Require(auth.HaveAssignments))
	e.GET("/overdue", h.showOverdue, auth.Require(auth.Supervise))
}

func (h *Handler) showMyProjects(c echo.Context) error {
	ctx := c.Request().Context()
	ids, err := h.users.AssignedProjectIDs(ctx, auth.CurrentUser(c).ID)
	if err != nil {
		return err
	}
	projects, err := h.store.ProjectsWithTargets(ctx, ids)
	if err != nil {
		return err
	}
	today := h.today()
	var page views.MyProjectsPage
	for _, p := range projects {
		mine := views.MyProject{
			Name: p.Name, URL: ProjectURL(p.ID), Category: string(p.Category), State: string(p.State()),
			UpdatedOn: civil.DateOf(p.LastChanged().In(h.location)),
		}
		for _, t := range p.Targets {
			mine.Overdue = mine.Overdue || t.Overdue(today)
			mine.Targets = append(mine.Targets, projectTarget(t, today))
		}
		page.Projects = append(page.Projects, mine)
	}
	// What is overdue comes first; otherwise the order of assignment.
	slices.SortStableFunc(page.Projects, func(a, b views.MyProject) int {
		switch {
		case a.Overdue && !b.Overdue:
			return -1
		case b.Overdue && !a.Overdue:
			return 1
		}
		return 0
	})
	return web.Render(c, http.StatusOK, views.MyProjects(page))
}

func (h *Handler) showOverdue(c echo.Context) error {
	ctx := c.Request().Context()
	today := h.today()
	targets, err := h.store.OverdueTargets(ctx, today)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(targets))
	for _, t := range targets {
		ids = append(ids, t.ProjectID)
	}
	engineers, err := h.users.AssignedUsers(ctx, ids)
	if err != nil {
		return err
	}
	page := views.OverduePage{AsOf: today}
	for _, t := range targets {
		row := views.OverdueRow{
			Year: t.Year, List: string(t.List), Position: t.Position, Name: t.ListedName,
			ProjectURL: ProjectURL(t.ProjectID), Deadline: t.Deadline, Status: string(t.Status(today)), Progress: t.Progress,
		}
		for _, u := range engineers[t.ProjectID] {
			row.Engineers = append(row.Engineers, u.Name())
		}
		page.Rows = append(page.Rows, row)
	}
	return web.Render(c, http.StatusOK, views.Overdue(page))
}
