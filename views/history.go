package views

import (
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// HistoryPage is the history of a project's changes.
type HistoryPage struct {
	Nav           Nav
	ProjectName   string
	ProjectNameEn string
	ProjectURL    string
	// Staff see every change, with who made it and why; the public sees
	// all but the changes to delay reasons and internal notes, without
	// names.
	Staff   bool
	Entries []HistoryEntry
}

// HistoryEntry is one changed field.
type HistoryEntry struct {
	At    time.Time // in the district's time
	Who   string
	Field string // the field's code, as "planned_start"
	// TargetYear and TargetList name the target of a target's field; zero
	// for a field of the project.
	TargetYear int
	TargetList string
	Old        HistoryValue
	New        HistoryValue
	Reason     string
}

// HistoryValue is an old or a new value of a change. At most one of its
// fields is set, and none for an empty value, shown as a dash.
type HistoryValue struct {
	Text     string // shown as it is
	Date     civil.Date
	Percent  *int
	Category string // a category's code
	Archived *bool
	Outcome  string // an outcome's code
	// ByHand marks, with Outcome, an outcome recorded by a person; it is
	// set for staff only.
	ByHand bool
	// Year and List are the list a target was put on or taken off.
	Year int
	List string
	// Amount is an amount of money; with Year alone, that year's plan.
	Amount *money.Amount
	// Month is, with Year and Amount, a monthly report's month.
	Month int
}
