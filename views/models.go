// Package views holds the site's templ components. Each page takes a typed
// view model from this file; handlers build it from the domain, so no page
// sees a database model or a field it should not show.
//
// Codes (a category "road", a status "overdue") arrive untranslated and are
// put into the reader's words here, through the locale of the request.
package views

import (
	"time"

	"shuangshi/internal/civil"
)

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

// Pager is where a page of a long list is: rows First to Last (from 1) of
// Total, and the addresses of the pages before and after, "" at either end.
type Pager struct {
	First, Last, Total int
	PrevURL, NextURL   string
}

// Paged reports whether there is more than one page.
func (p Pager) Paged() bool { return p.PrevURL != "" || p.NextURL != "" }

// NewPager places page number (from 1; a number past the last is the last)
// of total rows, size a page, and returns its pager and the rows it shows,
// from (included) to (excluded). url gives the address of a page.
func NewPager(total, number, size int, url func(page int) string) (p Pager, from, to int) {
	last := max(1, (total+size-1)/size)
	number = min(max(number, 1), last)
	from, to = (number-1)*size, min(number*size, total)
	p.Total = total
	if total > 0 {
		p.First, p.Last = from+1, to
	}
	if number > 1 {
		p.PrevURL = url(number - 1)
	}
	if number < last {
		p.NextURL = url(number + 1)
	}
	return p, from, to
}

// TargetRow is one row of a year's table.
type TargetRow struct {
	Position   int
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
}

// ProjectPage is the public page of one project.
type ProjectPage struct {
	Nav         Nav
	AsOf        civil.Date
	Name        string
	NameEn      string
	Category    string
	Extent      string
	Unit        string
	Description string
	State       string
	Milestones  Milestones
	Percent     *int
	// Rebaselined is set once the planned dates were changed: the original
	// baseline and the slip in days (positive: later) are shown beside them.
	Rebaselined        bool
	OriginalStart      civil.Date
	OriginalCompletion civil.Date
	SlipStart          *int
	SlipCompletion     *int
	Targets            []ProjectTarget
	JSONURL            string
	HistoryURL         string
	// Internal is set for signed-in staff, who also see who answers for
	// the project, why it is late and the internal note.
	Internal     bool
	Engineers    []string
	DelayReason  string
	InternalNote string
	// EditURL is set for a user who may edit the project.
	EditURL string
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
	ByHand     bool // the outcome was recorded by a person
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
	Problem        string // why the quick update was refused
	Saved          bool
	// Comments are the supervisory comments waiting for an answer.
	Comments  []CommentView
	Category  string
	State     string
	UpdatedOn civil.Date
	// Next is the open target with the nearest deadline, or the latest
	// target when all are met.
	Next ProjectTarget
}

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
	Targets           []EditTarget
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
	Base     map[string]string
	Errors   FieldErrors
	Fields   []string // the fields in page order, for the error summary
	Conflict *Conflict
}

// EditTarget is one target of the project on the edit page.
type EditTarget struct {
	ID         int64
	Key        string // the ID as text, for field names
	Year       int
	List       string
	ListedName string
	Deadline   civil.Date
	Status     string
	Progress   string
	Outcome    string // "auto", "partial" or "missed"
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

// HistoryPage is the history of a project's changes.
type HistoryPage struct {
	Nav           Nav
	ProjectName   string
	ProjectNameEn string
	ProjectURL    string
	// Staff see every change, with who made it and why; the public sees the
	// changes to dates, progress and outcomes only, without names.
	Staff   bool
	Entries []HistoryEntry
}

// HistoryEntry is one changed field.
type HistoryEntry struct {
	At    time.Time // in the district's time
	Who   string
	Field string
	// TargetYear and TargetList name the target of a target's field; zero
	// for a field of the project.
	TargetYear int
	TargetList string
	Old        string
	New        string
	Reason     string
}

// ConsolePage is the supervisors' list of overdue and at-risk targets.
type ConsolePage struct {
	Nav       Nav
	AsOf      civil.Date
	StaleDays int
	Overdue   int
	AtRisk    int
	Stale     int
	Filter    ConsoleFilter
	// Sort and Descending say how the rows are sorted; SortURLs give the
	// address that sorts by each column (or reverses it).
	Sort       string
	Descending bool
	SortURLs   map[string]string
	Groups     []ConsoleGroup
}

// ConsoleFilter is the filter form of the console, with its choices.
type ConsoleFilter struct {
	Year, List, Category, Unit, Engineer string // as chosen, "" for all
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
	Year         int
	List         string
	Name         string
	NameEn       string
	ProjectURL   string
	Deadline     civil.Date
	Days         int
	Status       string
	Unit         string
	Engineers    []string
	LastUpdate   civil.Date
	Stale        bool
	DelayReason  string
	CommentsURL  string
	OpenComments int
}

// CommentsPage shows a target's supervisory comments, with the form for a
// new one to supervisors.
type CommentsPage struct {
	Nav        Nav
	Year       int
	List       string
	Name       string
	NameEn     string
	ProjectURL string
	Deadline   civil.Date
	Status     string
	Progress   string
	Comments   []CommentView
	CanComment bool
	Action     string
	Body       string // as typed
	Errors     FieldErrors
}

// CommentView is one supervisory comment and its answer.
type CommentView struct {
	ID         int64
	Author     string
	At         time.Time
	Body       string
	Open       bool
	Answer     string
	AnsweredBy string
	AnsweredAt time.Time
	// AnswerAction is set where the viewer may answer.
	AnswerAction string
}
