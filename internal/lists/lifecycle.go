package lists

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// step is a step of a list's life cycle, and the last part of the address
// of the page that confirms it.
type step string

const (
	publish step = "publish"
	closing step = "close"
	reopen  step = "reopen"
)

// nextStep is the step a list in state can take.
func nextStep(state projects.ListState) step {
	switch state {
	case projects.Draft:
		return publish
	case projects.Published:
		return closing
	}
	return reopen
}

// from is the state a step starts from.
func (s step) from() projects.ListState {
	switch s {
	case publish:
		return projects.Draft
	case closing:
		return projects.Published
	}
	return projects.Closed
}

func (h *Handler) registerLifecycle(r *web.Router, admin echo.MiddlewareFunc) {
	for _, s := range []step{publish, closing, reopen} {
		r.GET(YearsPath+"/:year/"+string(s), h.confirmStep(s), admin)
		r.POST(YearsPath+"/:year/"+string(s), h.takeStep(s), admin)
	}
}

// confirmStep shows what taking the step will do, and what stops it.
func (h *Handler) confirmStep(s step) echo.HandlerFunc {
	return func(c echo.Context) error {
		year, err := projects.YearParam(c)
		if err != nil {
			return err
		}
		y, err := h.year(c.Request().Context(), year)
		if err != nil {
			return err
		}
		page, err := h.stepPage(c, s, y)
		if err != nil {
			return err
		}
		switch {
		case page.Action == "":
		case s == publish:
			if problems := projects.CheckPublish(y.Targets); len(problems) > 0 {
				page.Error = locale.T(c.Request().Context(), problems["list"].ID)
			}
		case s == closing:
			h.block(c, &page, y.Targets, projects.CheckClose(y.Targets, h.store.ReviewBeforePublication))
		}
		return web.Render(c, http.StatusOK, views.Lifecycle(page))
	}
}

// stepPage is the confirmation of step s of list y as it stands: without
// a form when the list is no longer where the step starts.
func (h *Handler) stepPage(c echo.Context, s step, y projects.Year) (views.LifecyclePage, error) {
	ctx := c.Request().Context()
	nav, err := h.nav(ctx)
	if err != nil {
		return views.LifecyclePage{}, err
	}
	nav.CurrentYear = y.Year
	page := views.LifecyclePage{
		Nav: nav, Year: y.Year, Step: string(s), Standing: projects.StandingOf(y.YearList, h.location),
		Version: y.Version, BackURL: ListURL(y.Year), Errors: views.FieldErrors{},
	}
	for _, t := range y.Targets {
		if t.List == projects.StartList {
			page.Start++
		} else {
			page.Complete++
		}
	}
	if y.State == s.from() {
		page.Action = yearURL(y.Year, string(s))
	} else {
		page.Error = locale.T(ctx, "lifecycle.not_now."+string(y.State))
	}
	return page, nil
}

// block lists the targets that keep the year from closing, and why, and
// takes the form away: there is nothing to confirm until they are fixed.
func (h *Handler) block(c echo.Context, page *views.LifecyclePage, targets []projects.Target, problems map[int64]projects.Problem) {
	if len(problems) == 0 {
		return
	}
	ctx := c.Request().Context()
	for _, t := range targets {
		if p, ok := problems[t.ID]; ok {
			page.Blocking = append(page.Blocking, views.BlockingTarget{
				Number: t.Number, Name: t.ListedName, NameEn: t.Project.NameEn,
				Problem: locale.T(ctx, p.ID, p.Args...), EditURL: projects.ProjectURL(t.ProjectID) + "/edit",
			})
		}
	}
	page.Error = locale.T(ctx, "lifecycle.close_blocked", "Count", len(page.Blocking))
	page.Action = ""
}

// takeStep publishes, closes or reopens the list, if it is still as the
// confirmation showed it.
func (h *Handler) takeStep(s step) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		year, err := projects.YearParam(c)
		if err != nil {
			return err
		}
		version, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
		if err != nil {
			return web.BadRequest("error.400")
		}
		reason := projects.CleanText(c.FormValue("reason"))
		var problems projects.Problems
		var blocking map[int64]projects.Problem
		switch s {
		case publish:
			problems, err = h.store.Publish(ctx, year, version, actor(c))
		case closing:
			blocking, err = h.store.Close(ctx, year, version, actor(c))
		case reopen:
			if problem := CheckReason(reason); problem != nil {
				problems = projects.Problems{"reason": *problem}
			} else {
				err = h.store.Reopen(ctx, year, version, reason, actor(c))
			}
		}
		if errors.Is(err, projects.ErrListChanged) {
			// Another administrator took a step first: show the list as it
			// is now, and what they did.
			return h.refuseStep(c, http.StatusConflict, s, year, reason, nil, nil, "lifecycle.changed")
		} else if err != nil {
			return err
		}
		if len(problems) > 0 || len(blocking) > 0 {
			return h.refuseStep(c, http.StatusUnprocessableEntity, s, year, reason, problems, blocking, "")
		}
		auth.Flash(c, "flash.list_"+string(s))
		return c.Redirect(http.StatusSeeOther, ListURL(year))
	}
}

// refuseStep shows the confirmation again, with why the step was refused.
func (h *Handler) refuseStep(c echo.Context, status int, s step, year int, reason string,
	problems projects.Problems, blocking map[int64]projects.Problem, message string) error {
	ctx := c.Request().Context()
	y, err := h.year(ctx, year)
	if err != nil {
		return err
	}
	page, err := h.stepPage(c, s, y)
	if err != nil {
		return err
	}
	page.Reason = reason
	h.block(c, &page, y.Targets, blocking)
	if p, ok := problems["list"]; ok {
		page.Error = locale.T(ctx, p.ID, p.Args...)
	}
	if p, ok := problems["reason"]; ok {
		page.Errors["reason"] = locale.T(ctx, p.ID, p.Args...)
	}
	if message != "" {
		page.Error = locale.T(ctx, message) + " " + page.Error
	}
	return web.Render(c, status, views.Lifecycle(page))
}
