package projects

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/locale"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// My projects: the list of the projects an engineer answers for, most
// pressing first, with the quick update of each one's next target and the
// supervisory comments waiting for their answer.

// MyProjectsPath is the engineer's list of the projects they answer for.
const MyProjectsPath = "/my/projects"

func (h *Handler) registerMyProjects(r *web.Router) {
	r.GET(MyProjectsPath, h.showMyProjects, auth.Require(auth.HaveAssignments))
	r.POST("/projects/:id/progress", h.updateProgress, auth.Require(""))
	r.InHeader(web.HeaderLink{Label: "nav.my_projects", URL: MyProjectsPath, Place: web.HeaderWork,
		Shown: auth.Shows(auth.HaveAssignments), Landing: 1})
}

func (h *Handler) showMyProjects(c echo.Context) error {
	page, err := h.myProjects(c, nil)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.MyProjects(page))
}

// myProjects builds the engineer's list; a card given in replace (a quick
// update that was refused) is shown instead of the stored one.
func (h *Handler) myProjects(c echo.Context, replace *views.MyProject) (views.MyProjectsPage, error) {
	ctx := c.Request().Context()
	ids, err := h.users.AssignedProjectIDs(ctx, auth.CurrentUser(c).ID)
	if err != nil {
		return views.MyProjectsPage{}, err
	}
	projects, err := h.store.ProjectsWithTargets(ctx, ids)
	if err != nil {
		return views.MyProjectsPage{}, err
	}
	type entry struct {
		view     views.MyProject
		rank     int
		deadline civil.Date
	}
	var targetIDs []int64
	for _, p := range projects {
		for _, t := range p.Targets {
			targetIDs = append(targetIDs, t.ID)
		}
	}
	comments, err := h.store.Comments(ctx, targetIDs)
	if err != nil {
		return views.MyProjectsPage{}, err
	}
	returns, err := h.store.Returns(ctx, ids)
	if err != nil {
		return views.MyProjectsPage{}, err
	}
	names, err := h.names(ctx)
	if err != nil {
		return views.MyProjectsPage{}, err
	}
	// The cases waiting for an answer, each with its thread: a reopened
	// one shows why the last answer did not settle it.
	var waiting []Comment
	for _, id := range targetIDs {
		for _, cm := range comments[id] {
			if cm.Open() {
				waiting = append(waiting, cm)
			}
		}
	}
	waitingViews, err := h.caseViews(ctx, waiting, names, true, false, nil)
	if err != nil {
		return views.MyProjectsPage{}, err
	}
	byTarget := map[int64][]views.CommentView{}
	for i, cm := range waiting {
		byTarget[cm.TargetID] = append(byTarget[cm.TargetID], waitingViews[i])
	}
	month := MonthToReport(h.today())
	reported, err := h.store.ReportedFor(ctx, ids, month)
	if err != nil {
		return views.MyProjectsPage{}, err
	}
	settings, err := h.store.Settings(ctx)
	if err != nil {
		return views.MyProjectsPage{}, err
	}
	var entries []entry
	for _, p := range projects {
		card, next, status := h.myProject(p)
		card.MonthlyDue = h.monthlyDue(p, month, reported[p.ID], settings.ReportDay)
		if r, ok := returns[p.ID]; ok {
			card.Returned = &views.CommentView{Body: r.NewValue, Author: names[r.UserName], At: r.At.In(h.location)}
			if card.Returned.Author == "" {
				card.Returned.Author = r.UserName
			}
		}
		for _, t := range p.Targets {
			card.Comments = append(card.Comments, byTarget[t.ID]...)
		}
		if replace != nil && replace.ID == p.ID {
			replace.Comments = card.Comments
			card = *replace
		}
		entries = append(entries, entry{view: card, rank: urgency(status), deadline: next.Deadline})
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
	return page, nil
}

// myProject is the card of one project on the engineer's list.
func (h *Handler) myProject(p Project) (views.MyProject, Target, Status) {
	next, ok := NextTarget(p)
	var status Status
	card := views.MyProject{
		ID: p.ID, Name: p.Name, NameEn: p.NameEn, URL: ProjectURL(p.ID), EditURL: ProjectURL(p.ID) + "/edit",
		ProgressAction: ProjectURL(p.ID) + "/progress", Version: strconv.FormatInt(p.Version, 10),
		Category: string(p.Category), State: string(p.State()),
		UpdatedOn: civil.DateOf(p.LastReported().In(h.location)), Review: string(p.ReviewState),
		PhotosURL: ProjectURL(p.ID) + "/photos",
	}
	if ok {
		status = h.rule.Status(next, p.Milestones, h.today())
		card.Next = projectTarget(next, status)
		card.NextKey = strconv.FormatInt(next.ID, 10)
		card.Progress, card.BaseProgress = next.Progress, next.Progress
	}
	for _, t := range p.Targets {
		if t.Overdue(h.today()) {
			// The edit form's rule (EditForm.Check): a project with an
			// overdue target says why. The card asks for it in place.
			card.DelayReasonNeeded = true
			card.DelayReason, card.BaseDelayReason = p.DelayReason, p.DelayReason
		}
	}
	return card, next, status
}

// updateProgress is the quick update of one target's progress text from
// the engineer's list. It changes nothing else, goes through the same
// update flow as the edit page (see Update), and saves a merge with what
// others saved since the list was loaded unless it clashes. From htmx it
// answers with the project's card alone.
func (h *Handler) updateProgress(c echo.Context) error {
	p, outcome, err := h.update(c, SaveMerge)
	if err != nil {
		return err
	}
	switch {
	case len(outcome.Problems) > 0:
		return h.refuseProgress(c, p, outcome.Form, outcome.Problems)
	case outcome.Conflict != nil:
		// The card is made again from the project as stored now, so that
		// the engineer's next try is not from the version that clashed.
		return h.refuseProgress(c, outcome.Conflict.Current, outcome.Form, nil)
	}
	saved := outcome.savedMessage(h.store.ReviewBeforePublication)
	if !web.IsHTMX(c) {
		auth.Flash(c, saved)
		return c.Redirect(http.StatusSeeOther, MyProjectsPath)
	}
	card, _, _ := h.myProject(outcome.Saved)
	if len(outcome.Changes) > 0 {
		card.Saved = saved
	}
	return web.Render(c, http.StatusOK, views.MyProjectCard(card))
}

// refuseProgress answers a refused quick update of project p with 422: its
// card, with what was typed and each problem beside its field, alone from
// htmx, else in the whole list. A problem of a field the card does not
// have is told at the progress text, and the card's link to the edit page
// carries what was typed there. Nil problems are a clash with a save made
// meanwhile.
func (h *Handler) refuseProgress(c echo.Context, p Project, form EditForm, problems Problems) error {
	ctx := c.Request().Context()
	card, _, _ := h.myProject(p)
	progress := "progress-" + card.NextKey
	for _, tf := range form.Targets {
		if strconv.FormatInt(tf.ID, 10) == card.NextKey {
			card.Progress = tf.Progress
		}
	}
	card.Errors = views.FieldErrors{}
	if problems == nil {
		card.Errors[progress] = locale.T(ctx, "my.progress_clash")
	}
	for key, problem := range problems {
		switch {
		case key == progress, key == "delay_reason" && card.DelayReasonNeeded:
			card.Errors[key] = locale.T(ctx, problem.ID, problem.Args...)
		case card.Errors[progress] == "":
			card.Errors[progress] = locale.T(ctx, "my.progress_elsewhere", "Problem", locale.T(ctx, problem.ID, problem.Args...))
		}
	}
	if card.DelayReasonNeeded {
		card.DelayReason = form.DelayReason
	}
	typed := url.Values{progress: {card.Progress}}
	if card.DelayReasonNeeded {
		typed.Set("delay_reason", card.DelayReason)
	}
	card.EditURL += "?" + typed.Encode()
	if web.IsHTMX(c) {
		return web.Render(c, http.StatusUnprocessableEntity, views.MyProjectCard(card))
	}
	page, err := h.myProjects(c, &card)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusUnprocessableEntity, views.MyProjects(page))
}

// NextTarget returns the target of p that is due next: the pending one with
// the nearest deadline, or, when none is pending, the latest. A target
// carried into a later list is not pending: the later one is. It reports
// false for a project without targets.
func NextTarget(p Project) (Target, bool) {
	var next Target
	found := false
	open := func(t Target) bool { return t.Outcome == Pending && t.CarriedToID == nil }
	for _, t := range p.Targets {
		pending, nextPending := open(t), open(next)
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

// monthlyDue is month's report that project p owes, nil when reported or
// not due: only a project on a public, open list of the month's year owes
// one.
func (h *Handler) monthlyDue(p Project, month Month, reported bool, reportDay int) *views.MonthlyDue {
	if reported || !slices.Contains(p.ReportableMonths(h.today()), month) {
		return nil
	}
	deadline := month.Deadline(reportDay)
	return &views.MonthlyDue{Year: month.Year, Month: month.Month, Deadline: deadline,
		Late: h.today().After(deadline), URL: MonthlyURLFor(p.ID, month)}
}
