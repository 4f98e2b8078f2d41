package views

import "shuangshi/internal/civil"

// YearPage is the public page of one year's 双十 lists.
type YearPage struct {
	Nav      Nav
	Year     int
	Standing Standing
	// AsOf is the one as-of of the year's pages: the close of a closed
	// year, else the last change to its public data.
	AsOf civil.Date
	// History is the list's public history.
	History []ListEvent
	// Unreported counts the overdue targets whose deadline passed after the
	// data was last changed; the page warns that they may only be late in
	// being reported.
	Unreported int
	Summary    []ListSummary
	Filter     CategoryFilter
	Lists      []YearList
	CSVURL     string
	JSONURL    string
	Pager      Pager
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
	AtRisk   int
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
	List     string
	Total    int // targets on the list before filtering
	Filtered int // targets on the list after filtering, on every page
	Rows     []TargetRow
}

// TargetRow is one row of a year's table.
type TargetRow struct {
	Number     int // 序号
	Category   string
	Name       string // as the year's table lists it
	NameEn     string // the project's English name, if any
	ProjectURL string
	List       string
	Deadline   civil.Date
	// NodeDate is set when the deadline is not the default 31 December, so
	// the row names it.
	NodeDate bool
	Status   string
	Progress string
	// Review is, for staff, where the project's newest public fields
	// stand in review: "pending" or "returned"; "" when the public reads
	// what is shown.
	Review string
	// CarriedTo is the later list the target was carried into, and
	// CarriedFrom the earlier list it came from; nil for none.
	CarriedTo   *ListLink
	CarriedFrom *ListLink
}

// ListLink is a link to a list of a year.
type ListLink struct {
	Year int
	List string
	URL  string
}
