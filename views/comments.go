package views

import (
	"time"

	"shuangshi/internal/civil"
)

// CommentsPage shows a target's supervisory comments, with the form for a
// new one to supervisors.
type CommentsPage struct {
	Nav        Nav
	Year       int
	List       string
	Name       string
	NameEn     string
	ProjectURL string
	Deadline   civil.Date
	Status     string
	Progress   string
	Comments   []CommentView
	CanComment bool
	Action     string
	Body       string // as typed
	Errors     FieldErrors
}

// CommentView is one supervisory comment and its answer.
type CommentView struct {
	ID         int64
	Author     string
	At         time.Time
	Body       string
	Open       bool
	Answer     string
	AnsweredBy string
	AnsweredAt time.Time
	// AnswerAction is set where the viewer may answer.
	AnswerAction string
}
