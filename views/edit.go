package views

import (
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// EditPage is the form on which an engineer keeps a project current. It is
// also the conflict page: Conflict is set when someone else saved first.
type EditPage struct {
	Nav           Nav
	ProjectName   string
	ProjectNameEn string
	ProjectURL    string
	Action        string
	Version       string
	// The fields as typed (or as stored, on a fresh form).
	PlannedStart      string
	PlannedCompletion string
	ActualStart       string
	ActualCompletion  string
	RebaselineReason  string
	Percent           string
	DelayReason       string
	InternalNote      string
	// Pending are the targets still to be met, first on the page; Finished
	// are those with their answer, folded away (open when one of them has
	// a message), read-only unless FinishedCorrectable.
	Pending             []EditTarget
	Finished            []EditTarget
	FinishedOpen        bool
	FinishedCorrectable bool
	// The baseline as stored, shown while its fields are folded away;
	// BaselineOpen unfolds them when they hold a change or a message.
	StoredPlannedStart      civil.Date
	StoredPlannedCompletion civil.Date
	BaselineOpen            bool
	// The first baseline, when the planned dates were changed, and how many
	// days each planned date has moved since (positive: later).
	Rebaselined        bool
	OriginalStart      civil.Date
	OriginalCompletion civil.Date
	SlipStart          *int
	SlipCompletion     *int
	Today              string // the latest day an actual date may be
	// DelayReasonRequired is set when a target is already overdue, so that
	// the form says so before it is sent.
	DelayReasonRequired bool
	// Base is every field's value when the page was loaded, sent back with
	// the form so that an edit crossing someone else's can be merged.
	Base map[string]string
	// TotalInvestment and Plans are the investment fields, in 万元 as typed.
	TotalInvestment string
	Plans           []EditPlan
	Errors          FieldErrors
	Fields          []string // the fields in page order, for the error summary
	Conflict        *Conflict
}

// EditTarget is one target of the project on the edit page.
type EditTarget struct {
	ID   int64
	Key  string // the ID as text, for field names
	Year int
	List string
	// ListedName is the name the year's table printed; "" when it is the
	// project's own, already at the top of the page.
	ListedName string
	Deadline   civil.Date
	Status     string
	Progress   string
	Outcome    string // "auto", "partial" or "missed"
	// ReadOnly marks a target shown, not edited: one of a closed year
	// (Closed), or a finished one the user may not correct.
	ReadOnly bool
	Closed   bool
}

// EditPlan is a year's planned investment on the edit page.
type EditPlan struct {
	Year  int
	Field string // the field's name
	Value string // as typed, in 万元
	// Original is the first plan, kept since a re-baseline; nil when the
	// plan was never changed after its list was public.
	Original *money.Amount
	// Public marks a year whose list the public reads: changing its plan
	// is a re-baseline, which needs a reason. Closed: not to be changed.
	Public bool
	Closed bool
}

// Conflict shows, beside the form, what someone else saved while the user
// was editing: the fields both changed, and those taken over from the other
// save because the user had left them alone.
type Conflict struct {
	By    string
	At    time.Time
	Rows  []ConflictRow
	Taken []FieldName
}

// FieldName names a field of the edit page: a message id, and the year and
// list of its target for a target's field.
type FieldName struct {
	Label      string
	TargetYear int
	TargetList string
}

// ConflictRow is a field both people changed: the user's value and the
// stored one.
type ConflictRow struct {
	Field   FieldName
	Outcome bool // the values are outcome choices ("auto", "partial" …)
	Yours   string
	Current string
}
