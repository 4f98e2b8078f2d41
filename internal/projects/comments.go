package projects

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/errkind"
	"shuangshi/internal/locale"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// MaxCommentLength limits a supervisory comment and its answer.
const MaxCommentLength = 1000

// Comment is a supervisory comment (督办意见) on a target: a case that the
// engineers assigned to the project answer and a supervisor closes (see
// cases.go). Answer, AnsweredBy and AnsweredAt are its latest answer; the
// whole thread is in its CaseEvents.
type Comment struct {
	ID         int64
	TargetID   int64
	AuthorID   *int64
	AuthorName string
	Body       string
	CreatedAt  time.Time
	DueOn      civil.Date
	State      CaseState
	Answer     string
	AnsweredBy string
	AnsweredAt *time.Time
	// EscalatedAt is when the case was found late and its escalation sent.
	EscalatedAt *time.Time
	// Step is the entry of its thread the last step saved made: what a
	// notice of that step is about.
	Step int64 `gorm:"-"`
}

// Open reports whether the comment still waits for an answer.
func (c Comment) Open() bool { return c.State == CaseOpen }

// Late reports whether the comment waits for its answer past its due date.
func (c Comment) Late(today civil.Date) bool { return CaseLate(c.State, c.DueOn, today) }

// Errors of comments.
var (
	ErrCommentEmpty   = errkind.New(errkind.Invalid, "the text is empty")
	ErrCommentTooLong = errkind.New(errkind.Invalid, "the text is too long")
)

// checkCommentText checks the text of a comment or an answer, already
// cleaned of control characters.
func checkCommentText(s string) error {
	switch {
	case s == "":
		return ErrCommentEmpty
	case utf8.RuneCountInString(s) > MaxCommentLength:
		return ErrCommentTooLong
	}
	return nil
}

// CleanText is the tidying every text typed into the record gets: valid
// UTF-8, Unix line ends, no control characters but line breaks and tabs,
// no space around it.
func CleanText(s string) string { return cleanText(s) }

// AddComment opens a case on a target, to be answered by the due date. It
// returns ErrNotFound when there is no such target.
func (s *Store) AddComment(ctx context.Context, targetID int64, body string, due civil.Date, by auth.Actor) (Comment, error) {
	c := Comment{TargetID: targetID, AuthorName: by.Name, Body: body, CreatedAt: s.now(), DueOn: due, State: CaseOpen}
	if by.UserID != 0 {
		id := by.UserID
		c.AuthorID = &id
	}
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Target{}).Where("id = ?", targetID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return tx.Create(&c).Error
	})
	return c, err
}

// AnswerComment records the answer to an open comment. It returns
// ErrNotFound for no such comment and ErrAlreadyAnswered when someone
// answered it first (ErrCaseClosed when a supervisor closed it).
func (s *Store) AnswerComment(ctx context.Context, id int64, answer string, by auth.Actor) (Comment, error) {
	return s.StepCase(ctx, id, StepAnswer, answer, civil.Date{}, by)
}

// StepCase takes a step on a case, with what was written (the answer, or
// the supervisor's note), and for a reopening the new due date; the step
// joins the case's thread. It returns the case as it now is, ErrNotFound,
// or the error of NextCaseState when the case is no longer where the step
// can be taken: someone else took a step first.
func (s *Store) StepCase(ctx context.Context, id int64, step CaseStep, text string, due civil.Date, by auth.Actor) (Comment, error) {
	var c Comment
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&c, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		next, err := NextCaseState(c.State, step)
		if err != nil {
			return err
		}
		now := s.now()
		updates := map[string]any{"state": next}
		switch step {
		case StepAnswer:
			updates["answer"], updates["answered_by"], updates["answered_at"] = text, by.Name, now
			c.Answer, c.AnsweredBy, c.AnsweredAt = text, by.Name, &now
		case StepReopen:
			updates["due_on"], updates["escalated_at"] = due, nil
			c.DueOn, c.EscalatedAt = due, nil
		}
		// The state read above is the condition: on a database where two
		// steps can race, the second finds nothing to change.
		res := tx.Model(&Comment{}).Where("id = ? AND state = ?", id, c.State).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			_, err := NextCaseState(next, step)
			return err
		}
		c.State = next
		event := CaseEvent{CommentID: id, Kind: step, Body: text, ByName: by.Name, At: now}
		if err := tx.Create(&event).Error; err != nil {
			return err
		}
		c.Step = event.ID
		return nil
	})
	return c, err
}

// Comment returns a comment and the project of its target, or ErrNotFound.
func (s *Store) Comment(ctx context.Context, id int64) (Comment, int64, error) {
	var c Comment
	if err := s.read.WithContext(ctx).First(&c, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return c, 0, ErrNotFound
		}
		return c, 0, err
	}
	// A comment on a target taken off its list can still be answered.
	var projectID int64
	err := s.read.WithContext(ctx).Unscoped().Model(&Target{}).Where("id = ?", c.TargetID).Pluck("project_id", &projectID).Error
	if err == nil && projectID == 0 {
		err = ErrNotFound
	}
	return c, projectID, err
}

// Comments returns the comments on the given targets, oldest first, by
// target.
func (s *Store) Comments(ctx context.Context, targetIDs []int64) (map[int64][]Comment, error) {
	byTarget := map[int64][]Comment{}
	if len(targetIDs) == 0 {
		return byTarget, nil
	}
	var comments []Comment
	err := s.read.WithContext(ctx).Where("target_id IN ?", targetIDs).Order("created_at, id").Find(&comments).Error
	if err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	for _, c := range comments {
		byTarget[c.TargetID] = append(byTarget[c.TargetID], c)
	}
	return byTarget, nil
}

// CaseThreads returns the thread of each of the given cases after its
// opening, oldest first.
func (s *Store) CaseThreads(ctx context.Context, commentIDs []int64) (map[int64][]CaseEvent, error) {
	threads := map[int64][]CaseEvent{}
	if len(commentIDs) == 0 {
		return threads, nil
	}
	var events []CaseEvent
	err := s.read.WithContext(ctx).Where("comment_id IN ?", commentIDs).Order("at, id").Find(&events).Error
	if err != nil {
		return nil, fmt.Errorf("case threads: %w", err)
	}
	for _, e := range events {
		threads[e.CommentID] = append(threads[e.CommentID], e)
	}
	return threads, nil
}

// UnclosedCases returns every case not closed, oldest first: the few the
// console counts and the digests list, read by their index.
func (s *Store) UnclosedCases(ctx context.Context) ([]Comment, error) {
	var cases []Comment
	err := s.read.WithContext(ctx).Where("state <> ?", CaseClosed).Order("created_at, id").Find(&cases).Error
	if err != nil {
		return nil, fmt.Errorf("unclosed cases: %w", err)
	}
	return cases, nil
}

// CaseTargets returns the targets of cases, by ID, each with its project:
// those taken off their list too, whose cases can still be open.
func (s *Store) CaseTargets(ctx context.Context, targetIDs []int64) (map[int64]Target, error) {
	var targets []Target
	err := s.read.WithContext(ctx).Unscoped().Preload("Project").Where("id IN ?", targetIDs).Find(&targets).Error
	if err != nil {
		return nil, fmt.Errorf("case targets: %w", err)
	}
	byID := make(map[int64]Target, len(targets))
	for _, t := range targets {
		byID[t.ID] = t
	}
	return byID, nil
}

// CountCases returns, for each target with cases not closed, how many wait
// for an answer (and of them how many are late on the day) and how many
// were answered.
func CountCases(cases []Comment, today civil.Date) map[int64]CaseCounts {
	counts := map[int64]CaseCounts{}
	for _, c := range cases {
		n := counts[c.TargetID]
		switch c.State {
		case CaseOpen:
			n.Open++
			if c.Late(today) {
				n.Late++
			}
		case CaseAnswered:
			n.Answered++
		}
		counts[c.TargetID] = n
	}
	return counts
}

// MarkEscalated records that a late case's escalation goes out, and
// reports whether it had not already: only the first of two servers wins.
func (s *Store) MarkEscalated(ctx context.Context, id int64) (bool, error) {
	res := s.write.WithContext(ctx).Model(&Comment{}).
		Where("id = ? AND state = ? AND escalated_at IS NULL", id, CaseOpen).Update("escalated_at", s.now())
	return res.RowsAffected == 1, res.Error
}

// Target returns one target with its project, or ErrNotFound.
func (s *Store) Target(ctx context.Context, id int64) (Target, error) {
	var t Target
	err := s.read.WithContext(ctx).Preload("Project").First(&t, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, ErrNotFound
	}
	return t, err
}

// RemovedTarget returns a target that was taken off its list, or
// ErrNotFound when there is no such removed target.
func (s *Store) RemovedTarget(ctx context.Context, id int64) (Target, error) {
	var t Target
	err := s.read.WithContext(ctx).Unscoped().Where("removed_at IS NOT NULL").First(&t, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, ErrNotFound
	}
	return t, err
}

// commentView is a case as the pages show it, in the district's time,
// its people by the names their accounts give (names: by username; one
// not there, such as a removed account's, is shown as stored).
func commentView(cm Comment, thread []CaseEvent, today civil.Date, loc *time.Location, names map[string]string) views.CommentView {
	name := func(username string) string {
		if n, ok := names[username]; ok {
			return n
		}
		return username
	}
	v := views.CommentView{ID: cm.ID, Author: name(cm.AuthorName), At: cm.CreatedAt.In(loc), Body: cm.Body,
		Open: cm.Open(), State: string(cm.State), Due: cm.DueOn, Late: cm.Late(today)}
	for _, e := range thread {
		v.Thread = append(v.Thread, views.CaseEventView{Kind: string(e.Kind), By: name(e.ByName), At: e.At.In(loc), Body: e.Body})
	}
	return v
}

// names returns how each account is shown (its display name), by
// username: threads keep the username of who wrote, and show the name.
func (h *Handler) names(ctx context.Context) (map[string]string, error) {
	users, err := h.users.Users(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.Username] = u.Name()
	}
	return names, nil
}

// The pages of cases (督办): a supervisor presses for an answer on a target
// by a due date; the engineers who answer for its project answer from My
// projects or the target's page of cases; a supervisor closes the case or
// reopens it.
func (h *Handler) registerComments(r *web.Router) {
	r.GET("/targets/:id/comments", h.showComments, auth.Require(auth.ViewInternal))
	r.POST("/targets/:id/comments", h.addComment, auth.Require(auth.Supervise))
	r.POST("/comments/:id/answer", h.answerComment, auth.Require(""))
	r.POST("/comments/:id/close", h.closeCase, auth.Require(auth.Supervise))
	r.POST("/comments/:id/reopen", h.reopenCase, auth.Require(auth.Supervise))
}

// CommentsURL is the page of a target's comments.
func CommentsURL(targetID int64) string {
	return "/targets/" + strconv.FormatInt(targetID, 10) + "/comments"
}

// caseURL is where a step on a case is posted: answer, close or reopen.
func caseURL(commentID int64, step string) string {
	return "/comments/" + strconv.FormatInt(commentID, 10) + "/" + step
}

// caseField names a field of one case's forms, as views.caseID does.
func caseField(commentID int64, field string) string {
	return field + "-" + strconv.FormatInt(commentID, 10)
}

// refusedCase is a case's form that was refused: what was typed and why.
type refusedCase struct {
	id     int64
	form   views.CaseForm
	errors views.FieldErrors
}

func (h *Handler) showComments(c echo.Context) error {
	t, err := TargetParam(c, h.store)
	if err != nil {
		return err
	}
	return h.renderComments(c, http.StatusOK, t, views.CommentsPage{Due: h.today().AddDays(DefaultCaseDays).String()}, nil)
}

func (h *Handler) addComment(c echo.Context) error {
	t, err := TargetParam(c, h.store)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	typed := views.CommentsPage{Body: CleanText(c.FormValue("body")), Due: strings.TrimSpace(c.FormValue("due"))}
	errs := views.FieldErrors{}
	if err := checkCommentText(typed.Body); err != nil {
		errs["body"] = locale.T(ctx, commentProblem(err), "Max", MaxCommentLength)
	}
	due, problem := h.dueDate(typed.Due)
	if problem != "" {
		errs["due"] = locale.T(ctx, problem, "Max", MaxCaseDays)
	}
	if len(errs) > 0 {
		typed.Errors = errs
		return h.renderComments(c, http.StatusUnprocessableEntity, t, typed, nil)
	}
	cm, err := h.store.AddComment(ctx, t.ID, typed.Body, due, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
	if err != nil {
		return err
	}
	h.announce(c, NoticeCaseOpened, cm, t.ProjectID, nil)
	auth.Flash(c, "flash.comment_added")
	return c.Redirect(http.StatusSeeOther, CommentsURL(t.ID))
}

// dueDate reads a due date as typed, with the message of its problem; a
// date left out is the usual week ahead.
func (h *Handler) dueDate(typed string) (civil.Date, string) {
	if typed == "" {
		return h.today().AddDays(DefaultCaseDays), ""
	}
	due, err := civil.Parse(typed)
	if err != nil || !due.HasDay() || due.Day == 0 {
		return due, "case.due_invalid"
	}
	return due, CheckDueDate(due, h.today())
}

// commentProblem is the message of what checkCommentText found wrong.
func commentProblem(err error) string {
	if errors.Is(err, ErrCommentTooLong) {
		return "comment.too_long"
	}
	return "comment.empty"
}

// renderComments shows a target's cases; refused, when given, is a case's
// form that was refused, shown with what was typed.
func (h *Handler) renderComments(c echo.Context, status int, t Target, page views.CommentsPage, refused *refusedCase) error {
	ctx := c.Request().Context()
	byTarget, err := h.store.Comments(ctx, []int64{t.ID})
	if err != nil {
		return err
	}
	years, err := h.store.Years(ctx, AudienceOf(ctx))
	if err != nil {
		return err
	}
	user := auth.CurrentUser(c)
	page.Nav = views.Nav{Years: years}
	page.Year, page.List, page.Name, page.NameEn = t.Year, string(t.List), t.ListedName, t.Project.NameEn
	page.ProjectURL, page.Deadline = ProjectURL(t.ProjectID), t.Deadline
	page.Status, page.Progress = string(h.rule.Status(t, t.Project.Milestones, h.today())), t.Progress
	page.CanComment, page.Action = auth.Can(user, auth.Supervise), CommentsURL(t.ID)
	canAnswer := h.mayEdit(c, t.Project) == nil
	names, err := h.names(ctx)
	if err != nil {
		return err
	}
	cases, err := h.caseViews(ctx, byTarget[t.ID], names, canAnswer, page.CanComment, refused)
	if err != nil {
		return err
	}
	page.Comments = cases
	return web.Render(c, status, views.Comments(page))
}

// caseViews makes the views of cases with their threads and the forms the
// viewer may use: answering an open case (canAnswer), closing or reopening
// one (canDecide); names are the accounts' display names (see names).
func (h *Handler) caseViews(ctx context.Context, cases []Comment, names map[string]string, canAnswer, canDecide bool, refused *refusedCase) ([]views.CommentView, error) {
	ids := make([]int64, len(cases))
	for i, cm := range cases {
		ids[i] = cm.ID
	}
	threads, err := h.store.CaseThreads(ctx, ids)
	if err != nil {
		return nil, err
	}
	today := h.today()
	out := make([]views.CommentView, 0, len(cases))
	for _, cm := range cases {
		v := commentView(cm, threads[cm.ID], today, h.location, names)
		if canAnswer && cm.State == CaseOpen {
			v.AnswerAction = caseURL(cm.ID, "answer")
		}
		if canDecide && cm.State != CaseClosed {
			v.CloseAction = caseURL(cm.ID, "close")
		}
		if canDecide && cm.State != CaseOpen {
			v.ReopenAction = caseURL(cm.ID, "reopen")
			v.Form.Due = today.AddDays(DefaultCaseDays).String()
		}
		if refused != nil && refused.id == cm.ID {
			v.Form, v.Errors = refused.form, refused.errors
		}
		out = append(out, v)
	}
	return out, nil
}

// answerComment records an engineer's answer to a case on a target of a
// project they may edit, which then waits for a supervisor.
func (h *Handler) answerComment(c echo.Context) error {
	cm, t, err := h.caseParam(c)
	if err != nil {
		return err
	}
	if err := h.mayEdit(c, t.Project); err != nil {
		return err
	}
	ctx := c.Request().Context()
	answer := CleanText(c.FormValue(caseField(cm.ID, "answer")))
	if err := checkCommentText(answer); err != nil {
		field := caseField(cm.ID, "answer")
		return h.renderComments(c, http.StatusUnprocessableEntity, t, h.newCaseForm(), &refusedCase{id: cm.ID,
			form: views.CaseForm{Answer: answer}, errors: views.FieldErrors{field: locale.T(ctx, commentProblem(err), "Max", MaxCommentLength)}})
	}
	cm, err = h.store.AnswerComment(ctx, cm.ID, answer, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
	switch {
	case errors.Is(err, ErrAlreadyAnswered):
		auth.Flash(c, "flash.comment_already_answered")
		return c.Redirect(http.StatusSeeOther, MyProjectsPath)
	case errors.Is(err, ErrCaseClosed):
		auth.Flash(c, "flash.case_already_closed")
		return c.Redirect(http.StatusSeeOther, MyProjectsPath)
	case err != nil:
		return err
	}
	// To the supervisor who opened it; one opened from the command line
	// has nobody to tell (an empty list, not nil, which is the engineers).
	to := []int64{}
	if cm.AuthorID != nil {
		to = []int64{*cm.AuthorID}
	}
	h.announce(c, NoticeCaseAnswered, cm, t.ProjectID, to)
	auth.Flash(c, "flash.comment_answered")
	return c.Redirect(http.StatusSeeOther, MyProjectsPath)
}

// closeCase closes a case (办结) with the supervisor's note.
func (h *Handler) closeCase(c echo.Context) error { return h.decideCase(c, StepClose) }

// reopenCase reopens an answered or closed case with the supervisor's note
// and a new due date; the engineers are told as of a new case.
func (h *Handler) reopenCase(c echo.Context) error { return h.decideCase(c, StepReopen) }

func (h *Handler) decideCase(c echo.Context, step CaseStep) error {
	cm, t, err := h.caseParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	form := views.CaseForm{Note: CleanText(c.FormValue(caseField(cm.ID, "note"))), Due: strings.TrimSpace(c.FormValue(caseField(cm.ID, "due")))}
	errs := views.FieldErrors{}
	if err := checkCommentText(form.Note); err != nil {
		problem := "case.note_required"
		if errors.Is(err, ErrCommentTooLong) {
			problem = "comment.too_long"
		}
		errs[caseField(cm.ID, "note")] = locale.T(ctx, problem, "Max", MaxCommentLength)
	}
	var due civil.Date
	if step == StepReopen {
		var problem string
		if due, problem = h.dueDate(form.Due); problem != "" {
			errs[caseField(cm.ID, "due")] = locale.T(ctx, problem, "Max", MaxCaseDays)
		}
	}
	if len(errs) > 0 {
		return h.renderComments(c, http.StatusUnprocessableEntity, t, h.newCaseForm(), &refusedCase{id: cm.ID, form: form, errors: errs})
	}
	cm, err = h.store.StepCase(ctx, cm.ID, step, form.Note, due, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
	if errors.Is(err, ErrCaseClosed) || errors.Is(err, ErrCaseOpen) {
		auth.Flash(c, "flash.case_moved")
		return c.Redirect(http.StatusSeeOther, CommentsURL(t.ID))
	}
	if err != nil {
		return err
	}
	if step == StepReopen {
		h.announce(c, NoticeCaseOpened, cm, t.ProjectID, nil)
		auth.Flash(c, "flash.case_reopened")
	} else {
		auth.Flash(c, "flash.case_closed")
	}
	return c.Redirect(http.StatusSeeOther, CommentsURL(t.ID))
}

// newCaseForm is the form of a new case as a page first shows it.
func (h *Handler) newCaseForm() views.CommentsPage {
	return views.CommentsPage{Due: h.today().AddDays(DefaultCaseDays).String()}
}

// caseParam reads the case of the address with its target and project,
// or ErrNotFound; a case on a target taken off its list still has one.
func (h *Handler) caseParam(c echo.Context) (Comment, Target, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return Comment{}, Target{}, err
	}
	ctx := c.Request().Context()
	cm, _, err := h.store.Comment(ctx, id)
	if err != nil {
		return cm, Target{}, err
	}
	t, err := h.store.Target(ctx, cm.TargetID)
	if errors.Is(err, ErrNotFound) {
		t, err = h.store.RemovedTarget(ctx, cm.TargetID)
		if err == nil {
			t.Project, err = h.store.Project(ctx, t.ProjectID)
		}
	}
	return cm, t, err
}

// announce queues the notice of a step on a case: to the given members of
// staff, or (to nil) to the engineers assigned to the project. The step is
// saved whatever becomes of its notice, which is only logged when it could
// not be queued: the case's page and the digests still show it.
func (h *Handler) announce(c echo.Context, kind NoticeKind, cm Comment, projectID int64, to []int64) {
	if h.Announcer == nil {
		return
	}
	ctx := context.WithoutCancel(c.Request().Context())
	// One notice a step: the case's opening, or the entry of its thread.
	n := Notice{Kind: kind, ProjectID: projectID, TargetID: cm.TargetID, CaseID: cm.ID, To: to,
		Key: string(kind) + ":" + strconv.FormatInt(cm.ID, 10) + ":" + strconv.FormatInt(cm.Step, 10)}
	var err error
	switch {
	case to == nil:
		err = AnnounceToEngineers(ctx, h.Announcer, h.users, n)
	case len(to) > 0:
		err = h.Announcer.Announce(ctx, n)
	}
	if err != nil {
		h.logNotice(kind, err)
	}
}

func (h *Handler) logNotice(kind NoticeKind, err error) {
	if h.Log != nil {
		h.Log.Warn("notice not queued", "kind", string(kind), "error", err)
	}
}
