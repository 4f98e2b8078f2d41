// Package views holds the site's templ components. Each page takes a typed
// view model from this file; handlers build it from the domain, so no page
// sees a database model or a field it should not show.
//
// Codes (a category "road", a status "overdue") arrive untranslated and are
// put into the reader's words here, through the locale of the request.
package views

import "shuangshi/internal/civil"

// Nav is what the site header needs: the years that have a list, and the one
// on show, if any.
type Nav struct {
	Years       []int
	CurrentYear int
}

// YearPage is the public page of one year's 双十 lists.
type YearPage struct {
	Nav  Nav
	Year int
	AsOf civil.Date
	// Unreported counts the overdue targets whose deadline passed after the
	// data was last changed; the page warns that they may only be late in
	// being reported.
	Unreported int
	Summary    []ListSummary
	Filter     CategoryFilter
	Lists      []YearList
	CSVURL     string
	JSONURL    string
}

// ListSummary counts one list of the year: how many targets it has and
// where they stand.
type ListSummary struct {
	List     string // "start" or "complete"
	Total    int
	Achieved int
	Partial  int
	Missed   int
	Overdue  int
}

// CategoryFilter offers the categories present in the year.
type CategoryFilter struct {
	Selected string // a category code, or "" for all
	Total    int
	Options  []CategoryOption
}

// CategoryOption is one category of the filter with its number of targets.
type CategoryOption struct {
	Category string
	Count    int
	URL      string
}

// YearList is one of the year's two lists, as shown (perhaps filtered).
type YearList struct {
	List  string
	Total int // targets on the list before filtering
	Rows  []TargetRow
}

// TargetRow is one row of a year's table.
type TargetRow struct {
	Position   int
	Category   string
	Name       string // as the year's table lists it
	ProjectURL string
	List       string
	Deadline   civil.Date
	// NodeDate is set when the deadline is not the default 31 December, so
	// the row names it.
	NodeDate bool
	Status   string
	Progress string
}

// ProjectPage is the public page of one project.
type ProjectPage struct {
	Nav         Nav
	AsOf        civil.Date
	Name        string
	Category    string
	Extent      string
	Unit        string
	Description string
	State       string
	Milestones  Milestones
	Targets     []ProjectTarget
	JSONURL     string
	// Internal is set for signed-in staff, who also see who answers for
	// the project.
	Internal  bool
	Engineers []string
}

// Milestones are a project's planned and actual dates.
type Milestones struct {
	PlannedStart      civil.Date
	PlannedCompletion civil.Date
	ActualStart       civil.Date
	ActualCompletion  civil.Date
}

// ProjectTarget is one target a project has had.
type ProjectTarget struct {
	Year       int
	YearURL    string
	Position   int
	ListedName string
	List       string
	Deadline   civil.Date
	Status     string
	Progress   string
}

// ErrorPage explains a failed request.
type ErrorPage struct {
	Nav     Nav
	Status  int
	Message string // already in the reader's words
}

// MyProjectsPage is an engineer's list of the projects they answer for.
type MyProjectsPage struct {
	Nav      Nav
	Projects []MyProject
}

// MyProject is one of an engineer's projects with its targets.
type MyProject struct {
	Name      string
	URL       string
	Category  string
	State     string
	Overdue   bool
	UpdatedOn civil.Date
	Targets   []ProjectTarget
}

// OverduePage lists the targets past their deadline and not achieved.
type OverduePage struct {
	Nav  Nav
	AsOf civil.Date
	Rows []OverdueRow
}

// OverdueRow is one overdue target.
type OverdueRow struct {
	Year       int
	List       string
	Position   int
	Name       string
	ProjectURL string
	Deadline   civil.Date
	Status     string
	Progress   string
	Engineers  []string
}
