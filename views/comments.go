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
	Due        string // as typed; a week ahead to start with
	Errors     FieldErrors
}

// CommentView is one supervisory comment (督办): a case with its due date,
// its state and its thread of answers, closings and reopenings.
type CommentView struct {
	ID     int64
	Author string
	At     time.Time
	Body   string
	Open   bool
	// State is "open", "answered" or "closed"; Late is an open case past
	// its due date.
	State  string
	Due    civil.Date
	Late   bool
	Thread []CaseEventView
	// AnswerAction is set where the viewer may answer; CloseAction and
	// ReopenAction where a supervisor may close or reopen the case.
	AnswerAction string
	CloseAction  string
	ReopenAction string
	// Form is what was typed into this case's forms when one was refused,
	// with the messages by field.
	Form   CaseForm
	Errors FieldErrors
}

// CaseEventView is one entry of a case's thread: Kind is "answered",
// "closed" or "reopened".
type CaseEventView struct {
	Kind string
	By   string
	At   time.Time
	Body string
}

// CaseForm is what was typed into a case's answer, closing or reopening
// form: the text and, for a reopening, the new due date.
type CaseForm struct {
	Answer string
	Note   string
	Due    string
}
