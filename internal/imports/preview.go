package imports

import (
	"fmt"

	"shuangshi/internal/errkind"
	"shuangshi/internal/projects"
)

// ListSize is how many projects each list of a year's 双十 has.
const ListSize = 10

// Action is what importing a line will do.
type Action string

// The actions.
const (
	// ActionNew creates a project from the line and puts it on the list.
	ActionNew Action = "new"
	// ActionExisting puts an existing project, whose name matched exactly,
	// on the list.
	ActionExisting Action = "existing"
	// ActionPropose needs the admin's answer: is the row the project in
	// Match (which only looks like it)? Confirm turns it into ActionExisting
	// or ActionNew.
	ActionPropose Action = "propose"
	// ActionListed changes nothing: the project is already on the list.
	ActionListed Action = "listed"
	// ActionError imports nothing: the line has problems.
	ActionError Action = "error"
)

// Listed is a target already on the year's list.
type Listed struct {
	ProjectID int64
	List      projects.List
}

// Preview works out what importing rows into year's lists would do, line by
// line, in the rows' order. candidates are the existing projects; listed
// are the targets already on the year's lists.
//
// A line with problems (see Validate) is ActionError. Otherwise its name is
// matched with FindMatch: an exact match already on the line's list is
// ActionListed, so that importing a file twice changes nothing (provided the
// store keeps each imported row's name as the target's ListedName); an exact
// match otherwise is ActionExisting, unless an earlier line already puts the
// same project on the same list, which is a DuplicateRow; a proposed match
// is ActionPropose; no match is ActionNew.
func Preview(year int, rows []Row, candidates []Candidate, listed []Listed) []Line {
	lines := Validate(year, rows)
	matcher := NewMatcher(candidates)
	for i := range lines {
		l := &lines[i]
		if len(l.Problems) > 0 {
			continue
		}
		m, ok := matcher.Find(l.Name)
		switch {
		case !ok:
			l.Action = ActionNew
		case m.Exact:
			l.Action, l.Match = ActionExisting, &m
		default:
			l.Action, l.Match = ActionPropose, &m
		}
	}
	markListedAndDuplicates(lines, listed)
	return lines
}

// markListedAndDuplicates turns lines resolving to a project already on
// their list into ActionListed, and a second line resolving to the same
// project and list as an earlier one into a DuplicateRow.
func markListedAndDuplicates(lines []Line, listed []Listed) {
	onList := map[Listed]bool{}
	for _, t := range listed {
		onList[t] = true
	}
	first := map[Listed]int{}
	for i := range lines {
		l := &lines[i]
		if l.Match == nil || (l.Action != ActionExisting && l.Action != ActionListed) {
			continue
		}
		key := Listed{ProjectID: l.Match.Candidate.ProjectID, List: l.List}
		if earlier, seen := first[key]; seen {
			l.Problems = append(l.Problems, Problem{Row: l.Row.Number, Code: DuplicateRow,
				Column: NameColumn, Value: l.Name, Earlier: earlier})
			l.Action = ActionError
			continue
		}
		first[key] = l.Row.Number
		if onList[key] {
			l.Action = ActionListed
		}
	}
}

// ErrUnanswered is returned by Confirm when a proposed match has no answer.
var ErrUnanswered = errkind.New(errkind.Invalid, "a proposed match has no answer")

// Confirm applies the admin's answers to the proposed matches, keyed by row
// number: yes makes the line ActionExisting (ActionListed if the project is
// already on the list), no makes it ActionNew. It then checks again that no
// two lines put the same project on the same list; a later one becomes a
// DuplicateRow. Lines are returned changed in a copy; answers for other
// lines are ignored.
//
// Confirm returns an error wrapping ErrUnanswered, naming the rows, when a
// proposed line has no answer.
func Confirm(lines []Line, listed []Listed, answers map[int]bool) ([]Line, error) {
	out := make([]Line, len(lines))
	var unanswered []int
	for i, l := range lines {
		l.Problems = append([]Problem(nil), l.Problems...)
		if l.Action == ActionPropose {
			switch yes, ok := answers[l.Row.Number]; {
			case !ok:
				unanswered = append(unanswered, l.Row.Number)
			case yes:
				l.Action = ActionExisting
			default:
				l.Action, l.Match = ActionNew, nil
			}
		}
		out[i] = l
	}
	if len(unanswered) > 0 {
		return nil, fmt.Errorf("%w: rows %v", ErrUnanswered, unanswered)
	}
	markListedAndDuplicates(out, listed)
	return out, nil
}

// Summary counts what an import will do, list by list.
type Summary struct {
	Lists []ListSummary // start list first
	// Errors counts the lines with problems, on any list or none.
	Errors int
	// Proposals counts the lines awaiting the admin's answer.
	Proposals int
	Warnings  []Warning
}

// ListSummary counts the lines of one list by action.
type ListSummary struct {
	List                                  projects.List
	New, Existing, Proposed, Listed, Errs int
	// Total is how many projects the list will have after the import: those
	// already on it and those the lines add (a proposed line adds one
	// whatever the answer).
	Total int
}

// WarningCode says what a warning is about.
type WarningCode string

// The warnings. They do not stop an import.
const (
	// WrongListSize is a list that will not have ListSize projects.
	WrongListSize WarningCode = "wrong_list_size"
)

// Warning is something the admin should look at before confirming.
type Warning struct {
	Code WarningCode
	List projects.List
	// Count is the list's Total; Want is ListSize.
	Count, Want int
}

// Summarize counts lines (from Preview or Confirm) per list and warns of a
// list that will not have ListSize projects, counting listed, the targets
// already on the year's lists.
func Summarize(lines []Line, listed []Listed) Summary {
	var s Summary
	byList := map[projects.List]*ListSummary{}
	for _, list := range projects.Lists() {
		s.Lists = append(s.Lists, ListSummary{List: list})
	}
	for i := range s.Lists {
		byList[s.Lists[i].List] = &s.Lists[i]
	}
	seen := map[Listed]bool{}
	for _, t := range listed {
		if ls := byList[t.List]; ls != nil && !seen[t] {
			seen[t] = true
			ls.Total++
		}
	}
	for _, l := range lines {
		ls := byList[l.List] // nil for a line without a valid list
		switch l.Action {
		case ActionError:
			s.Errors++
			if ls != nil {
				ls.Errs++
			}
			continue
		case ActionPropose:
			s.Proposals++
		}
		if ls == nil {
			continue
		}
		switch l.Action {
		case ActionNew:
			ls.New++
		case ActionExisting:
			ls.Existing++
		case ActionPropose:
			ls.Proposed++
		case ActionListed:
			ls.Listed++
			continue // already counted in Total
		}
		ls.Total++
	}
	for _, ls := range s.Lists {
		if ls.Total != ListSize {
			s.Warnings = append(s.Warnings, Warning{Code: WrongListSize, List: ls.List, Count: ls.Total, Want: ListSize})
		}
	}
	return s
}
