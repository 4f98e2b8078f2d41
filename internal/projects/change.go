package projects

import (
	"slices"
	"strconv"
	"strings"

	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// The history keeps a change's old and new values as text, and what the
// text means depends on the field: a date, a percentage, a code, a list
// with its year. This file is the one place that knows those forms: the
// history is written with the …Text functions below, and pages and the
// feed read it back through Change.Old and Change.New.

// byHandSuffix marks an outcome recorded by a person: "partial:by-hand".
const byHandSuffix = ":by-hand"

// outcomeText is how the history writes a target's outcome, marking one
// recorded by hand.
func outcomeText(t Target) string {
	if t.OutcomeByHand {
		return string(t.Outcome) + byHandSuffix
	}
	return string(t.Outcome)
}

// listingText is how the history writes the list a target was put on or
// taken off: "2024 start".
func listingText(t Target) string { return strconv.Itoa(t.Year) + " " + string(t.List) }

// percentText is how the history writes how far along the works are: "40",
// or "" when unknown.
func percentText(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// ChangeValue is an old or a new value of a change, read back from the
// history. At most one of its fields is set, and none for an empty value:
// a date not yet known, a target not yet on a list.
type ChangeValue struct {
	// Text is a value kept as text (a name, a progress text, a delay
	// reason), or one that does not have its field's form, as stored.
	Text string
	// Date is a planned or actual date of the project or a target's
	// deadline, perhaps known only to its year.
	Date    civil.Date
	Percent *int // how far along the works are
	// Category is the project's category, by its code.
	Category Category
	Archived *bool // whether the project was archived
	Outcome  Outcome
	// ByHand is set with Outcome when a person recorded the outcome rather
	// than the rules deriving it from the dates.
	ByHand bool
	// Year and List are the list a target was put on or taken off; Year
	// alone, with Amount, the year of a planned investment.
	Year int
	List List
	// Amount is an amount of money: the total investment, or a year's
	// planned investment with its Year.
	Amount *money.Amount
	// Month is, with Year and Amount, the month of a monthly report.
	Month int
}

// Old returns the change's old value, read.
func (c Change) Old() ChangeValue { return readValue(c.Field, c.OldValue) }

// New returns the change's new value, read.
func (c Change) New() ChangeValue { return readValue(c.Field, c.NewValue) }

// readValue reads a value of field as the history stores it. A value that
// does not have its field's form (written by an older version, or changed
// by hand in the database) is read as Text, so that it is shown as stored
// rather than lost or mistranslated.
func readValue(field, stored string) ChangeValue {
	if stored == "" {
		return ChangeValue{}
	}
	switch field {
	case FieldPlannedStart, FieldPlannedCompletion, FieldActualStart, FieldActualCompletion, FieldDeadline:
		if d, err := civil.Parse(stored); err == nil {
			return ChangeValue{Date: d}
		}
	case FieldPercent:
		if n, err := strconv.Atoi(stored); err == nil {
			return ChangeValue{Percent: &n}
		}
	case FieldCategory:
		if c := Category(stored); slices.Contains(Categories(), c) {
			return ChangeValue{Category: c}
		}
	case FieldArchived:
		switch stored {
		case "true", "false":
			archived := stored == "true"
			return ChangeValue{Archived: &archived}
		}
	case FieldListed, FieldUnlisted:
		year, list, _ := strings.Cut(stored, " ")
		if y, err := strconv.Atoi(year); err == nil && y > 0 && slices.Contains(Lists(), List(list)) {
			return ChangeValue{Year: y, List: List(list)}
		}
	case FieldTotalInvestment:
		if a, err := money.Read(stored); err == nil {
			return ChangeValue{Amount: &a}
		}
	case FieldPlannedInvestment:
		if y, a, ok := readPlanText(stored); ok {
			return ChangeValue{Year: y, Amount: &a}
		}
	case FieldMonthlyReport:
		if m, a, ok := readMonthText(stored); ok {
			return ChangeValue{Year: m.Year, Month: m.Month, Amount: &a}
		}
	case FieldOutcome:
		code, byHand := strings.CutSuffix(stored, byHandSuffix)
		if o := Outcome(code); slices.Contains([]Outcome{Pending, Achieved, Partial, Missed}, o) {
			return ChangeValue{Outcome: o, ByHand: byHand}
		}
	}
	return ChangeValue{Text: stored}
}
