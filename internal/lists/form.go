package lists

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
)

// MaxReasonLength is the longest reason for taking a target off a list.
const MaxReasonLength = 500

// AddForm is the form that puts a project on a year's list, as typed.
type AddForm struct {
	Project    string // the project's id
	List       string
	ListedName string
	Deadline   string
}

// Check validates the form for a year and returns the target to add, or
// the problems by field. The project must be one of those offered (active
// projects); a listed name, when given, is one line of at most 200
// characters; a deadline, when given, must pass CheckDeadline.
func (f AddForm) Check(year int, offered map[int64]projects.Project) (projects.NewTarget, projects.Problems) {
	problems := projects.Problems{}
	nt := projects.NewTarget{Year: year, ListedName: f.ListedName}
	id, err := strconv.ParseInt(f.Project, 10, 64)
	if _, ok := offered[id]; err != nil || !ok {
		problems["project"] = projects.Problem{ID: "lists.project_missing"}
	}
	nt.ProjectID = id
	switch projects.List(f.List) {
	case projects.StartList, projects.CompleteList:
		nt.List = projects.List(f.List)
	default:
		problems["list"] = projects.Problem{ID: "lists.list_missing"}
	}
	if utf8.RuneCountInString(f.ListedName) > projects.MaxNameLength {
		problems["listed_name"] = projects.Problem{ID: "record.too_long", Args: []any{"Max", projects.MaxNameLength}}
	}
	if f.Deadline != "" {
		d, problem := CheckDeadline(f.Deadline, year)
		if problem != nil {
			problems["deadline"] = *problem
		}
		nt.Deadline = d
	}
	return nt, problems
}

// CheckDeadline reads a target's deadline (节点): a day, YYYY-MM-DD, in the
// list's year. A list's targets are due within its year; 31 December is
// the deadline when no node date applies.
func CheckDeadline(raw string, year int) (civil.Date, *projects.Problem) {
	d, err := civil.Parse(strings.TrimSpace(raw))
	if err != nil || !d.HasDay() {
		return civil.Date{}, &projects.Problem{ID: "lists.deadline_malformed"}
	}
	if d.Year != year {
		return civil.Date{}, &projects.Problem{ID: "lists.deadline_year", Args: []any{"Year", year}}
	}
	return d, nil
}

// CheckReason checks the reason for taking a target off a list: needed,
// and at most 500 characters.
func CheckReason(reason string) *projects.Problem {
	switch {
	case reason == "":
		return &projects.Problem{ID: "lists.reason_missing"}
	case utf8.RuneCountInString(reason) > MaxReasonLength:
		return &projects.Problem{ID: "record.too_long", Args: []any{"Max", MaxReasonLength}}
	}
	return nil
}

// ListSize is how many projects each list of a year is meant to have: the
// ten of 双十.
const ListSize = 10
