package views

import "shuangshi/internal/civil"

// MyProjectsPage is an engineer's list of the projects they answer for.
type MyProjectsPage struct {
	Nav      Nav
	Projects []MyProject
}

// MyProject is one of an engineer's projects: where it stands, and the
// next target it must meet.
type MyProject struct {
	ID      int64
	Name    string
	NameEn  string
	URL     string
	EditURL string
	// The quick update of the next target's progress, in place.
	ProgressAction string
	Version        string
	NextKey        string // the next target's id, for the field names
	Progress       string // as typed, or as stored
	BaseProgress   string
	// DelayReasonNeeded is set when a target of the project is overdue:
	// the quick update asks for the delay reason in place, DelayReason as
	// typed or, first, the last one given.
	DelayReasonNeeded bool
	DelayReason       string
	BaseDelayReason   string
	// Errors are why the quick update was refused, by the card's field.
	Errors FieldErrors
	Saved  string // the message id of a save just made, or ""
	// Comments are the supervisory comments waiting for an answer.
	Comments  []CommentView
	Category  string
	State     string
	UpdatedOn civil.Date
	// Next is the open target with the nearest deadline, or the latest
	// target when all are met.
	Next ProjectTarget
	// Review is where the project's public fields stand in review
	// ("pending", "returned" or ""); Returned is the reviewer's comment on
	// a returned one, with who returned it and when.
	Review   string
	Returned *CommentView
	// MonthlyDue is the month just ended's report (月报) while it is not
	// filed; nil when filed or not due.
	MonthlyDue *MonthlyDue
	// PhotosURL is where photos of the site (形象进度) are added.
	PhotosURL string
}

// MonthlyDue is a monthly report an engineer owes: its month, its
// deadline, whether that has passed, and the form.
type MonthlyDue struct {
	Year, Month int
	Deadline    civil.Date
	Late        bool
	URL         string
}
