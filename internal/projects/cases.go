package projects

import (
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/errkind"
)

// A supervisory comment is a case (督办): a supervisor presses for an
// answer by a due date (督办期限); the engineers assigned to the project
// answer; a supervisor closes it (办结) with a note, or reopens it with a
// note and a new due date when the answer does not settle it. A case still
// open past its due date is late, and is escalated once.

// CaseState is where a case stands.
type CaseState string

// The states of a case.
const (
	CaseOpen     CaseState = "open"     // waits for the engineers' answer
	CaseAnswered CaseState = "answered" // answered; waits for a supervisor to close or reopen it
	CaseClosed   CaseState = "closed"   // closed by a supervisor (办结)
)

// CaseStep is what someone does to a case; each step is also the kind of
// the entry it leaves in the case's thread.
type CaseStep string

// The steps of a case.
const (
	StepAnswer CaseStep = "answered"
	StepClose  CaseStep = "closed"
	StepReopen CaseStep = "reopened"
)

// DefaultCaseDays is how long an answer is given by default: a week, the
// due date the form offers, which the supervisor may change.
const DefaultCaseDays = 7

// MaxCaseDays bounds a due date: a case pressed for more than a year ahead
// is not pressing.
const MaxCaseDays = 366

// Errors of case steps.
var (
	ErrAlreadyAnswered = errkind.New(errkind.Conflict, "the comment was already answered")
	ErrCaseClosed      = errkind.New(errkind.Conflict, "the case is closed")
	ErrCaseOpen        = errkind.New(errkind.Conflict, "the case is open")
)

// NextCaseState returns the state a step leads to from a state, or the
// error saying why the step cannot be taken: only an open case is
// answered; a supervisor closes an open or answered case (one settled
// otherwise needs no answer) and reopens an answered or closed one.
func NextCaseState(from CaseState, step CaseStep) (CaseState, error) {
	switch step {
	case StepAnswer:
		switch from {
		case CaseOpen:
			return CaseAnswered, nil
		case CaseAnswered:
			return from, ErrAlreadyAnswered
		}
		return from, ErrCaseClosed
	case StepClose:
		if from == CaseClosed {
			return from, ErrCaseClosed
		}
		return CaseClosed, nil
	case StepReopen:
		if from == CaseOpen {
			return from, ErrCaseOpen
		}
		return CaseOpen, nil
	}
	return from, errkind.New(errkind.Invalid, "no such step")
}

// CaseLate reports whether a case waits for its answer past its due date
// on a day: it was due by the end of the due day.
func CaseLate(state CaseState, due, today civil.Date) bool {
	return state == CaseOpen && !due.IsZero() && today.After(due)
}

// CheckDueDate checks a due date on a day: it must be a date (the form
// fills one left out), not before the day, and within MaxCaseDays of it.
// It returns the message of the problem, or "".
func CheckDueDate(due, today civil.Date) string {
	switch {
	case due.IsZero():
		return "case.due_required"
	case due.Before(today):
		return "case.due_past"
	case due.After(today.AddDays(MaxCaseDays)):
		return "case.due_too_far"
	}
	return ""
}

// CaseEvent is one entry in a case's thread after it was opened: an
// answer, its closing or its reopening, with what was written.
type CaseEvent struct {
	ID        int64
	CommentID int64
	Kind      CaseStep
	Body      string
	ByName    string
	At        time.Time
}

// TableName is where the thread is kept.
func (CaseEvent) TableName() string { return "comment_events" }

// CaseCounts are the cases on one target not closed: waiting for an answer
// (of them, how many are late) and answered, waiting for a supervisor.
type CaseCounts struct {
	Open     int
	Late     int
	Answered int
}

// Any reports whether some case on the target is not closed.
func (c CaseCounts) Any() bool { return c.Open+c.Answered > 0 }
