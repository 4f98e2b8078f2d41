package views

import (
	"shuangshi/internal/civil"
)

// ConsolePage is the supervisors' list of overdue and at-risk targets.
type ConsolePage struct {
	Nav       Nav
	AsOf      civil.Date
	StaleDays int
	Overdue   int
	AtRisk    int
	Behind    int
	Stale     int
	// Filing is where the month just ended's reports (月报) stand; nil
	// when no project was due to report.
	Filing *FilingSummary
	Filter ConsoleFilter
	// Sort and Descending say how the rows are sorted; SortURLs give the
	// address that sorts by each column (or reverses it).
	Sort       string
	Descending bool
	SortURLs   map[string]string
	Groups     []ConsoleGroup
	// CSVURL and XLSXURL are every row of the filter, in the order
	// shown, as files to take to a meeting.
	CSVURL  string
	XLSXURL string
	// FilterWords say which filter made the list, for its printout.
	FilterWords string
}

// ConsoleFilter is the filter form of the console, with its choices.
type ConsoleFilter struct {
	Year, List, Category, Unit, Engineer string // as chosen, "" for all
	Light                                string // a 序时进度 light
	Years                                []int
	Categories                           []string
	Units                                []string
	Engineers                            []Option // Label is a name here, not a message id
	Active                               bool
}

// ConsoleGroup is the overdue or the at-risk part of the console.
type ConsoleGroup struct {
	Status string
	Rows   []ConsoleRow // the page shown
	Pager  Pager
}

// ConsoleRow is one target on the console.
type ConsoleRow struct {
	Year        int
	List        string
	Name        string
	NameEn      string
	ProjectURL  string
	Deadline    civil.Date
	Days        int
	Status      string
	Unit        string
	Engineers   []string
	LastUpdate  civil.Date
	Stale       bool
	DelayReason string
	CommentsURL string
	// OpenComments are the 督办 waiting for an answer, LateCases those of
	// them past their due date, AnsweredCases those answered and waiting
	// for a supervisor to close or reopen them.
	OpenComments  int
	LateCases     int
	AnsweredCases int
	// Pace is the project's 序时进度 light in the target's year; nil
	// without a plan.
	Pace *PaceView
}

// FilingSummary is a month's 填报率: how many of the projects due to
// report did, how many late, and where the rest are listed.
type FilingSummary struct {
	Year, Month int
	Deadline    civil.Date
	Due, Filed  int
	Late        int
	Rate        int64 // tenths of a point
	URL         string
}
