package projects

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"shuangshi/internal/auth"
	"shuangshi/internal/errkind"
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

// CheckCommentText checks the text of a comment or an answer, already
// cleaned of control characters.
func CheckCommentText(s string) error {
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

// CommentView is a comment as the pages show it, in the district's time.
func CommentView(cm Comment, loc *time.Location) views.CommentView {
	v := views.CommentView{ID: cm.ID, Author: cm.AuthorName, At: cm.CreatedAt.In(loc), Body: cm.Body, Open: cm.Open()}
	if !cm.Open() {
		v.Answer, v.AnsweredBy, v.AnsweredAt = cm.Answer, cm.AnsweredBy, cm.AnsweredAt.In(loc)
	}
	return v
}
