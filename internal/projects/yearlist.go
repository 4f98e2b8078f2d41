package projects

import (
	"cmp"
	"slices"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/errkind"
)

// ListState is where a year's list stands in its life cycle.
type ListState string

// The states of a year's list, in the order they follow each other.
const (
	// Draft: staff prepare the list; the public does not see it.
	Draft ListState = "draft"
	// Published: the district's commitment, public; its 序号 are frozen.
	Published ListState = "published"
	// Closed: the year's answer. Every target has a final outcome, and
	// the year-end table is served as it was at the close.
	Closed ListState = "closed"
)

// YearList is a year's list as a whole: where it stands in its life cycle
// and when it got there.
type YearList struct {
	Year        int `gorm:"primaryKey;autoIncrement:false"`
	State       ListState
	PublishedAt *time.Time // 公布于; nil while a draft
	ClosedAt    *time.Time // nil unless closed
	// Snapshot is the year-end table as it was at the close (JSON of
	// []YearEndEntry); empty unless closed.
	Snapshot string
	// Version is raised by every change of state, so that two
	// administrators acting on the same list cannot both succeed.
	Version int64
}

// Public reports whether the public may read the list.
func (y YearList) Public() bool { return y.State == Published || y.State == Closed }

// Audience is whom a read of the record is for.
type Audience int

// The audiences of the record.
const (
	// ThePublic reads published and closed lists only.
	ThePublic Audience = iota
	// Staff read drafts too.
	Staff
)

// states are the states of the lists the audience may read.
func (a Audience) states() []ListState {
	if a == Staff {
		return []ListState{Draft, Published, Closed}
	}
	return []ListState{Published, Closed}
}

// Shows reports whether the audience may read list y.
func (a Audience) Shows(y YearList) bool { return a == Staff || y.Public() }

// Year is a year's list as a reader gets it: its state, its targets in
// the order of their 序号, each with its number and its project, and the
// moment its data is as of.
type Year struct {
	YearList
	Targets []Target
	// AsOf is when the year's public data last changed: the close for a
	// closed year; for an open one the last change to its targets or to
	// the public fields of their projects, and not before its publication.
	AsOf time.Time
}

// Errors of the life cycle of a list.
var (
	// ErrListChanged: the list changed state since the page the request
	// came from was made (another administrator published or closed it).
	ErrListChanged = errkind.New(errkind.Conflict, "the list changed since the page was made")
	// ErrYearClosed: a target of a closed year cannot be changed.
	ErrYearClosed = errkind.New(errkind.Conflict, "the year is closed")
)

// Number gives each target of a year its 序号 and returns them in that
// order. The number is the row of the year-end table (the report's Table
// 5), and every page, export and API shows it:
//   - in a draft, the table groups the rows by category in the district's
//     order (路桥轨隧水电), and within a category follows the list's order
//     (Position), so the numbers move as the draft is rearranged;
//   - from publication on, the number is the position the list was
//     published with (Publish writes the numbers into the positions), and
//     no longer moves: a target added later is numbered after the last, a
//     target removed leaves its number unused, and only an administrator's
//     recorded move exchanges two numbers.
func Number(targets []Target, state ListState) []Target {
	numbered := slices.Clone(targets)
	number(numbered, state)
	return numbered
}

// number is Number in place, for a year's targets just read: thousands in
// a large city, where a copy doubled what reading them held.
func number(targets []Target, state ListState) {
	if state == Draft {
		slices.SortStableFunc(targets, func(a, b Target) int {
			return cmp.Or(a.Project.Category.Rank()-b.Project.Category.Rank(), a.Position-b.Position)
		})
		for i := range targets {
			targets[i].Number = i + 1
		}
		return
	}
	slices.SortStableFunc(targets, func(a, b Target) int { return a.Position - b.Position })
	for i := range targets {
		targets[i].Number = targets[i].Position
	}
}

// CheckPublish returns why a list cannot be published: a list without
// targets has nothing to commit to.
func CheckPublish(targets []Target) Problems {
	if len(targets) == 0 {
		return Problems{"list": {ID: "lifecycle.publish_empty"}}
	}
	return nil
}

// CheckClose returns, by target id, why the year cannot be closed yet: a
// target still pending, or without a progress text (推进情况), which the
// year-end table prints for every row; and, under review, one whose
// project has a change the public has not been allowed to read, which the
// closed table would publish unreviewed.
func CheckClose(targets []Target, underReview bool) map[int64]Problem {
	problems := map[int64]Problem{}
	for _, t := range targets {
		switch {
		case underReview && t.Project.ReviewState != Reviewed:
			problems[t.ID] = Problem{ID: "lifecycle.close_unreviewed"}
		case t.Outcome == Pending:
			problems[t.ID] = Problem{ID: "lifecycle.close_pending"}
		case t.Progress == "":
			problems[t.ID] = Problem{ID: "lifecycle.close_no_progress"}
		}
	}
	return problems
}

// YearEndEntry is one row of the year-end table as a closed year keeps it.
type YearEndEntry struct {
	Number    int
	Category  Category
	List      List
	ProjectID int64
	Name      string // the name as the year's list printed it
	Outcome   Outcome
	Progress  string
}

// YearEnd returns the rows of the year-end table of numbered targets.
func YearEnd(targets []Target) []YearEndEntry {
	entries := make([]YearEndEntry, len(targets))
	for i, t := range targets {
		entries[i] = YearEndEntry{Number: t.Number, Category: t.Project.Category, List: t.List, ProjectID: t.ProjectID,
			Name: t.ListedName, Outcome: t.Outcome, Progress: t.Progress}
	}
	return entries
}

// YearEventKind is what happened to a list.
type YearEventKind string

// The events of a list's public history.
const (
	EventPublished     YearEventKind = "published"
	EventClosed        YearEventKind = "closed"
	EventReopened      YearEventKind = "reopened"       // with the reason
	EventTargetAdded   YearEventKind = "target-added"   // to a published list
	EventTargetRemoved YearEventKind = "target-removed" // from a published list, with the reason
	EventTargetMoved   YearEventKind = "target-moved"   // from OldNumber to Number
	EventCarriedOver   YearEventKind = "carried-over"   // to next year's list
)

// YearEvent is an entry of a list's history: its publication, its close,
// and every change made to it while it was public.
type YearEvent struct {
	ID        int64
	Year      int
	At        time.Time
	Kind      YearEventKind
	TargetID  *int64
	Name      string // the target's listed name
	Number    *int   // the target's 序号 (after a move)
	OldNumber *int   // before a move
	Detail    string // the reason given, where one is
	UserID    *int64
	UserName  string
}

// Adoption decides the state of a year whose list existed before lists
// had a life cycle, or comes from a dataset: a year whose every target has
// a final outcome was answered, and is closed as of its last target's
// data; a year of the past or the present was public, and is published as
// of its first target; a list for a year still to come is a draft.
func Adoption(year int, targets []Target, today civil.Date) (state ListState, publishedAt, closedAt time.Time) {
	var first, last time.Time
	pending := false
	for i, t := range targets {
		if i == 0 || t.CreatedAt.Before(first) {
			first = t.CreatedAt
		}
		if t.CreatedAt.After(last) {
			last = t.CreatedAt
		}
		pending = pending || t.Outcome == Pending
	}
	switch {
	case len(targets) > 0 && !pending:
		return Closed, first, last
	case year <= today.Year:
		return Published, first, time.Time{}
	}
	return Draft, time.Time{}, time.Time{}
}
