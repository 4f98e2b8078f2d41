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
	type entry struct {
		view     views.MyProject
		rank     int
		deadline civil.Date
	}
	var entries []entry
	for _, p := range projects {
		next, ok := NextTarget(p)
		status := h.rule.Status(next, p.Milestones, today)
		if !ok {
			status = ""
		}
		entries = append(entries, entry{
			view: views.MyProject{
				Name: p.Name, URL: ProjectURL(p.ID), EditURL: ProjectURL(p.ID) + "/edit",
				Category: string(p.Category), State: string(p.State()),
				UpdatedOn: civil.DateOf(p.LastChanged().In(h.location)),
				Next:      projectTarget(next, status),
			},
			rank: urgency(status), deadline: next.Deadline,
		})
	}
	// What is overdue comes first, then what is at risk, each by deadline.
	slices.SortStableFunc(entries, func(a, b entry) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return a.deadline.Compare(b.deadline)
	})
	var page views.MyProjectsPage
	for _, e := range entries {
		page.Projects = append(page.Projects, e.view)
	}
	return web.Render(c, http.StatusOK, views.MyProjects(page))
}

// NextTarget returns the target of p that is due next: the pending one with
// the nearest deadline, or, when none is pending, the latest. It reports
// false for a project without targets.
func NextTarget(p Project) (Target, bool) {
	var next Target
	found := false
	for _, t := range p.Targets {
		pending, nextPending := t.Outcome == Pending, next.Outcome == Pending
		switch {
		case !found:
			next, found = t, true
		case pending && (!nextPending || t.Deadline.Before(next.Deadline)):
			next = t
		case !pending && !nextPending && next.Deadline.Before(t.Deadline):
			next = t
		}
	}
	return next, found
}

// urgency orders statuses for a list of work: the most pressing first.
func urgency(s Status) int {
	switch s {
	case StatusOverdue:
		return 0
	case StatusAtRisk:
		return 1
	case StatusOnTrack:
		return 2
	case StatusPartial, StatusMissed:
		return 3
	}
	return 4
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
			ProjectURL: ProjectURL(t.ProjectID), Deadline: t.Deadline, DaysLate: t.Deadline.DaysUntil(today),
			Status: string(h.rule.Status(t, t.Project.Milestones, today)), ByHand: t.OutcomeByHand,
			Progress: t.Progress, DelayReason: t.Project.DelayReason,
		}
		for _, u := range engineers[t.ProjectID] {
			row.Engineers = append(row.Engineers, u.Name())
		}
		page.Rows = append(page.Rows, row)
	}
	return web.Render(c, http.StatusOK, views.Overdue(page))
}
