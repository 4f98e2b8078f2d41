package projects

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/locale"
	"shuangshi/internal/web"
	"shuangshi/views"
)

func (h *Handler) registerEditing(r *web.Router) {
	r.GET("/projects/:id/edit", h.editProject, auth.Require(""))
	r.POST("/projects/:id/edit", h.updateProject, auth.Require(""))
	r.KeptPage("/projects/:id/history", h.showHistory)
}

// mayEdit refuses, with 403, a user who may not edit project p: see MayEdit.
func (h *Handler) mayEdit(c echo.Context, p Project) error { return MayEdit(c, h.users, p) }

// MayEdit refuses, with 403, a user who may not edit project p, by the
// assignments kept in users: only the engineers assigned to it and
// administrators may, whatever the request. Features that change a
// project as its editors do (its documents) ask it too.
func MayEdit(c echo.Context, users *auth.Store, p Project) error {
	user := auth.CurrentUser(c)
	assigned := false
	if user != nil {
		var err error
		if assigned, err = users.IsAssigned(c.Request().Context(), user.ID, p.ID); err != nil {
			return err
		}
	}
	if !auth.CanEditProject(user, assigned) {
		return &web.Error{Status: http.StatusForbidden, MessageID: "error.not_your_project"}
	}
	return nil
}

func (h *Handler) editProject(c echo.Context) error {
	p, err := h.project(c)
	if err != nil {
		return err
	}
	if err := h.mayEdit(c, p); err != nil {
		return err
	}
	form := FormOf(p)
	if query := c.QueryParams(); len(query) > 0 {
		// Fields typed elsewhere (a refused quick update on My projects)
		// come along in the address, to be checked and saved here.
		form = ParseEditForm(query, p)
		form.Version, form.Base = strconv.FormatInt(p.Version, 10), nil
	}
	return h.renderEdit(c, http.StatusOK, p, form, nil, nil)
}

func (h *Handler) updateProject(c echo.Context) error {
	p, outcome, err := h.update(c, ReviewMerge)
	if err != nil {
		return err
	}
	switch {
	case len(outcome.Problems) > 0:
		return h.renderEdit(c, http.StatusUnprocessableEntity, p, outcome.Form, outcome.Problems, nil)
	case outcome.Conflict != nil:
		return h.renderConflict(c, outcome.Form, *outcome.Conflict)
	}
	auth.Flash(c, outcome.savedMessage(h.store.ReviewBeforePublication))
	return c.Redirect(http.StatusSeeOther, ProjectURL(p.ID))
}

// renderConflict shows the user's form again, merged onto the current
// version: fields they left alone take what was saved since, fields they
// changed keep their value, and those both changed are listed side by side.
func (h *Handler) renderConflict(c echo.Context, yours EditForm, merge Conflict) error {
	current := merge.Current
	conflict := &views.Conflict{}
	if last, err := h.store.LastChange(c.Request().Context(), current.ID); err == nil {
		conflict.By, conflict.At = last.UserName, last.At.In(h.location)
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	stored := FormOf(current).Fields()
	yourValues := yours.Fields()
	for _, key := range merge.Clashes {
		conflict.Rows = append(conflict.Rows, views.ConflictRow{
			Field: fieldName(key, current), Outcome: strings.HasPrefix(key, "outcome-"),
			Yours: yourValues[key], Current: stored[key],
		})
	}
	for _, key := range merge.Taken {
		conflict.Taken = append(conflict.Taken, fieldName(key, current))
	}
	return h.renderEdit(c, http.StatusConflict, current, merge.Merged, nil, conflict)
}

// fieldName names a field of the edit page of p for a person.
func fieldName(key string, p Project) views.FieldName {
	kind, id, isTarget := strings.Cut(key, "-")
	if !isTarget {
		return views.FieldName{Label: "edit." + key}
	}
	name := views.FieldName{Label: "edit." + kind}
	for _, t := range p.Targets {
		if strconv.FormatInt(t.ID, 10) == id {
			name.TargetYear, name.TargetList = t.Year, string(t.List)
		}
	}
	return name
}

func (h *Handler) renderEdit(c echo.Context, status int, p Project, f EditForm, problems Problems, conflict *views.Conflict) error {
	ctx := c.Request().Context()
	today := h.today()
	years, err := h.store.Years(ctx, AudienceOf(ctx))
	if err != nil {
		return err
	}
	// The base travels with the form: what a fresh page was loaded with,
	// kept through refusals, and the stored version after a merge.
	base := f.Base
	if base == nil {
		base = FormOf(p).Fields()
	}
	finished := finishedTargetsOf(auth.CurrentUser(c))
	page := views.EditPage{
		Nav:         views.Nav{Years: years},
		Base:        base,
		ProjectName: p.Name, ProjectNameEn: p.NameEn, ProjectURL: ProjectURL(p.ID), Action: ProjectURL(p.ID) + "/edit",
		Version:      f.Version,
		PlannedStart: f.PlannedStart, PlannedCompletion: f.PlannedCompletion,
		ActualStart: f.ActualStart, ActualCompletion: f.ActualCompletion,
		RebaselineReason: f.RebaselineReason, Percent: f.Percent,
		DelayReason: f.DelayReason, InternalNote: f.InternalNote,
		StoredPlannedStart: p.PlannedStart, StoredPlannedCompletion: p.PlannedCompletion,
		FinishedCorrectable: finished == FinishedCorrectable,
		Today:               today.String(),
		Errors:              views.FieldErrors{},
		Conflict:            conflict,
		TotalInvestment:     f.TotalInvestment,
	}
	var planFields []string
	for _, pf := range f.Plans {
		plan := views.EditPlan{Year: pf.Year, Field: planField(pf.Year), Value: pf.Planned,
			Public: p.yearPublic(pf.Year), Closed: p.yearClosed(pf.Year)}
		if stored, ok := p.PlanFor(pf.Year); ok {
			plan.Original = stored.OriginalPlanned
		}
		page.Plans = append(page.Plans, plan)
		planFields = append(planFields, plan.Field)
	}
	for field, problem := range problems {
		page.Errors[field] = locale.T(ctx, problem.ID, problem.Args...)
	}
	// The baseline's fields unfold when they hold a change or a message,
	// so that nothing typed or refused is hidden.
	page.BaselineOpen = f.PlannedStart != p.PlannedStart.String() || f.PlannedCompletion != p.PlannedCompletion.String() || f.RebaselineReason != ""
	for _, field := range []string{FieldPlannedStart, FieldPlannedCompletion, "rebaseline_reason"} {
		page.BaselineOpen = page.BaselineOpen || page.Errors[field] != ""
	}
	if !p.OriginalPlannedStart.IsZero() || !p.OriginalPlannedCompletion.IsZero() {
		page.Rebaselined = true
		page.OriginalStart, page.OriginalCompletion = p.OriginalPlannedStart, p.OriginalPlannedCompletion
		page.SlipStart = slip(p.OriginalPlannedStart, p.PlannedStart)
		page.SlipCompletion = slip(p.OriginalPlannedCompletion, p.PlannedCompletion)
	}
	typed := map[int64]TargetForm{}
	for _, tf := range f.Targets {
		typed[tf.ID] = tf
	}
	// The fields in page order, for the summary: the pending targets, the
	// delay reason and percentage, the finished targets, the dates, the
	// baseline, the note.
	var pendingFields, finishedFields []string
	for _, t := range p.Targets {
		key := strconv.FormatInt(t.ID, 10)
		tf := typed[t.ID]
		page.DelayReasonRequired = page.DelayReasonRequired || t.Overdue(today)
		target := views.EditTarget{
			ID: t.ID, Key: key, Year: t.Year, List: string(t.List), ListedName: t.ListedName,
			Deadline: t.Deadline, Status: string(h.rule.Status(t, p.Milestones, today)),
			Progress: tf.Progress, Outcome: tf.Outcome, Closed: t.Closed,
			ReadOnly: !finished.Editable(t),
		}
		if target.ListedName == p.Name {
			target.ListedName = ""
		}
		if target.ReadOnly {
			// What the record holds, whatever a stale page or the address
			// carried: it is not the form's to change.
			target.Progress = t.Progress
		}
		keys := []string{"progress-" + key, "outcome-" + key}
		if !t.Finished() {
			page.Pending = append(page.Pending, target)
			pendingFields = append(pendingFields, keys...)
			continue
		}
		page.Finished = append(page.Finished, target)
		finishedFields = append(finishedFields, keys...)
		for _, k := range keys {
			page.FinishedOpen = page.FinishedOpen || page.Errors[k] != ""
		}
	}
	page.Fields = append(append(append(append(pendingFields, "delay_reason", "percent"), finishedFields...),
		FieldActualStart, FieldActualCompletion, FieldTotalInvestment), planFields...)
	page.Fields = append(page.Fields, FieldPlannedStart, FieldPlannedCompletion, "rebaseline_reason", "internal_note")
	return web.Render(c, status, views.Edit(page))
}

// slip returns how many days a planned date moved from the original, or nil
// when either is unknown or only known to the year.
func slip(original, current civil.Date) *int {
	if !original.HasDay() || !current.HasDay() {
		return nil
	}
	days := original.DaysUntil(current)
	return &days
}

func (h *Handler) showHistory(c echo.Context) error {
	p, err := h.project(c)
	if err != nil {
		return err
	}
	staff := auth.Can(auth.CurrentUser(c), auth.ViewInternal)
	changes, err := h.store.Changes(c.Request().Context(), p.ID, !staff)
	if err != nil {
		return err
	}
	hidden, err := h.store.HiddenTargets(c.Request().Context(), p.ID, AudienceOf(c.Request().Context()))
	if err != nil {
		return err
	}
	years, err := h.store.Years(c.Request().Context(), AudienceOf(c.Request().Context()))
	if err != nil {
		return err
	}
	page := historyPage(p, changes, hidden, staff, h.location)
	page.Nav = views.Nav{Years: years}
	return web.Render(c, http.StatusOK, views.History(page))
}
