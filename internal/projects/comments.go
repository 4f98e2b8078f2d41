package projects

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"shuangshi/internal/auth"
	"shuangshi/internal/errkind"
	"shuangshi/internal/locale"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// MaxCommentLength limits a supervisory comment and its answer.
const MaxCommentLength = 1000

// Comment is a supervisory comment (督办意见) on a target. The engineers
// assigned to the project see it on their page until one of them answers.
type Comment struct {
	ID         int64
	TargetID   int64
	AuthorID   *int64
	AuthorName string
	Body       string
	CreatedAt  time.Time
	Answer     string
	AnsweredBy string
	AnsweredAt *time.Time
}

// Open reports whether the comment still waits for an answer.
func (c Comment) Open() bool { return c.AnsweredAt == nil }

// Errors of comments.
var (
	ErrAlreadyAnswered = errkind.New(errkind.Conflict, "the comment was already answered")
	ErrCommentEmpty    = errkind.New(errkind.Invalid, "the text is empty")
	ErrCommentTooLong  = errkind.New(errkind.Invalid, "the text is too long")
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

// AddComment records a supervisory comment on a target. It returns
// ErrNotFound when there is no such target.
func (s *Store) AddComment(ctx context.Context, targetID int64, body string, by auth.Actor) (Comment, error) {
	c := Comment{TargetID: targetID, AuthorName: by.Name, Body: body, CreatedAt: s.now()}
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
// answered it first.
func (s *Store) AnswerComment(ctx context.Context, id int64, answer string, by auth.Actor) error {
	now := s.now()
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Comment{}).Where("id = ? AND answered_at IS NULL", id).
			Updates(map[string]any{"answer": answer, "answered_by": by.Name, "answered_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			return nil
		}
		var n int64
		if err := tx.Model(&Comment{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return ErrAlreadyAnswered
	})
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

// OpenCommentCounts returns, for each target with comments waiting for an
// answer, how many there are.
func (s *Store) OpenCommentCounts(ctx context.Context) (map[int64]int, error) {
	var rows []struct {
		TargetID int64
		Waiting  int
	}
	err := s.read.WithContext(ctx).Model(&Comment{}).Select("target_id, COUNT(*) AS waiting").
		Where("answered_at IS NULL").Group("target_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("open comments: %w", err)
	}
	counts := make(map[int64]int, len(rows))
	for _, r := range rows {
		counts[r.TargetID] = r.Waiting
	}
	return counts, nil
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

// commentView is a comment as the pages show it, in the district's time,
// its people by the names their accounts give (names: by username; one
// not there, such as a removed account's, is shown as stored).
func commentView(cm Comment, loc *time.Location, names map[string]string) views.CommentView {
	name := func(username string) string {
		if n, ok := names[username]; ok {
			return n
		}
		return username
	}
	v := views.CommentView{ID: cm.ID, Author: name(cm.AuthorName), At: cm.CreatedAt.In(loc), Body: cm.Body, Open: cm.Open()}
	if !cm.Open() {
		v.Answer, v.AnsweredBy, v.AnsweredAt = cm.Answer, name(cm.AnsweredBy), cm.AnsweredAt.In(loc)
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

// The pages of comments: a supervisor presses for an answer on a target
// (督办), and the engineer who answers for its project answers from My
// projects, which takes the comment off their list.
func (h *Handler) registerComments(r *web.Router) {
	r.GET("/targets/:id/comments", h.showComments, auth.Require(auth.ViewInternal))
	r.POST("/targets/:id/comments", h.addComment, auth.Require(auth.Supervise))
	r.POST("/comments/:id/answer", h.answerComment, auth.Require(""))
}

// CommentsURL is the page of a target's comments.
func CommentsURL(targetID int64) string {
	return "/targets/" + strconv.FormatInt(targetID, 10) + "/comments"
}

// answerURL is where the answer to a comment is posted.
func answerURL(commentID int64) string {
	return "/comments/" + strconv.FormatInt(commentID, 10) + "/answer"
}

func (h *Handler) showComments(c echo.Context) error {
	t, err := TargetParam(c, h.store)
	if err != nil {
		return err
	}
	return h.renderComments(c, http.StatusOK, t, "", nil)
}

func (h *Handler) addComment(c echo.Context) error {
	t, err := TargetParam(c, h.store)
	if err != nil {
		return err
	}
	body := CleanText(c.FormValue("body"))
	if err := checkCommentText(body); err != nil {
		return h.renderComments(c, http.StatusUnprocessableEntity, t, body, commentError(c, "body", err))
	}
	if _, err := h.store.AddComment(c.Request().Context(), t.ID, body, auth.ActorOf(auth.CurrentUser(c), c.RealIP())); err != nil {
		return err
	}
	auth.Flash(c, "flash.comment_added")
	return c.Redirect(http.StatusSeeOther, CommentsURL(t.ID))
}

// commentError puts a comment's problem beside its field.
func commentError(c echo.Context, field string, err error) views.FieldErrors {
	return views.FieldErrors{field: locale.T(c.Request().Context(), commentProblem(err), "Max", MaxCommentLength)}
}

// commentProblem is the message of what checkCommentText found wrong.
func commentProblem(err error) string {
	if errors.Is(err, ErrCommentTooLong) {
		return "comment.too_long"
	}
	return "comment.empty"
}

func (h *Handler) renderComments(c echo.Context, status int, t Target, body string, errs views.FieldErrors) error {
	ctx := c.Request().Context()
	byTarget, err := h.store.Comments(ctx, []int64{t.ID})
	if err != nil {
		return err
	}
	years, err := h.store.Years(ctx, AudienceOf(ctx))
	if err != nil {
		return err
	}
	page := views.CommentsPage{
		Nav: views.Nav{Years: years}, Year: t.Year, List: string(t.List), Name: t.ListedName, NameEn: t.Project.NameEn,
		ProjectURL: ProjectURL(t.ProjectID), Deadline: t.Deadline,
		Status: string(h.rule.Status(t, t.Project.Milestones, h.today())), Progress: t.Progress,
		CanComment: auth.Can(auth.CurrentUser(c), auth.Supervise), Action: CommentsURL(t.ID),
		Body: body, Errors: errs,
	}
	names, err := h.names(ctx)
	if err != nil {
		return err
	}
	for _, cm := range byTarget[t.ID] {
		page.Comments = append(page.Comments, commentView(cm, h.location, names))
	}
	return web.Render(c, status, views.Comments(page))
}

// answerComment records an engineer's answer to a supervisory comment on a
// target of a project they may edit, and takes it off their list.
func (h *Handler) answerComment(c echo.Context) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	comment, projectID, err := h.store.Comment(ctx, id)
	if err != nil {
		return err
	}
	p, err := h.store.Project(ctx, projectID)
	if err != nil {
		return err
	}
	if err := h.mayEdit(c, p); err != nil {
		return err
	}
	answer := CleanText(c.FormValue("answer-" + strconv.FormatInt(comment.ID, 10)))
	if err := checkCommentText(answer); err != nil {
		return &web.Error{Status: http.StatusUnprocessableEntity, MessageID: commentProblem(err), Args: []any{"Max", MaxCommentLength}}
	}
	err = h.store.AnswerComment(ctx, comment.ID, answer, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
	if errors.Is(err, ErrAlreadyAnswered) {
		auth.Flash(c, "flash.comment_already_answered")
		return c.Redirect(http.StatusSeeOther, MyProjectsPath)
	}
	if err != nil {
		return err
	}
	auth.Flash(c, "flash.comment_answered")
	return c.Redirect(http.StatusSeeOther, MyProjectsPath)
}
