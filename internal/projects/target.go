package projects

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/civil"
)

// List is one of the two lists of a year's 双十: the projects to start and
// the projects to complete.
type List string

// The two lists.
const (
	StartList    List = "start"    // 开工
	CompleteList List = "complete" // 竣工
)

// Lists returns both lists in the order the year tables show them.
func Lists() []List { return []List{StartList, CompleteList} }

// ParseList accepts a list's code ("start") or the report's word for it ("开工").
func ParseList(s string) (List, error) {
	switch strings.TrimSpace(s) {
	case "start", "开工":
		return StartList, nil
	case "complete", "竣工":
		return CompleteList, nil
	}
	return "", fmt.Errorf("unknown list %q", s)
}

// Outcome is what became of a target, as recorded.
type Outcome string

// The outcomes of a target.
const (
	Pending  Outcome = "pending"
	Achieved Outcome = "achieved"
	// Partial records a target that was mostly but not wholly met, with the
	// explanation in the progress text, such as the report's 眉州路 row: all
	// works done except on the land borrowed by another project.
	Partial Outcome = "partial"
	Missed  Outcome = "missed"
)

// ParseOutcome accepts an outcome's code.
func ParseOutcome(s string) (Outcome, error) {
	switch o := Outcome(strings.TrimSpace(s)); o {
	case Pending, Achieved, Partial, Missed:
		return o, nil
	}
	return "", fmt.Errorf("unknown outcome %q", s)
}

// Target is one row of a year's 双十 list.
type Target struct {
	ID   int64
	Year int
	List List
	// Position orders the year's list; from publication on it is the
	// target's 序号 (see Number).
	Position int
	// Number is the target's 序号, the row of the year-end table, as
	// Number gives it; it is not stored.
	Number    int `gorm:"-"`
	ProjectID int64
	Project   Project
	// ListedName is the project's name as that year's table printed it; the
	// year-end table must reproduce the year's own wording.
	ListedName string
	Deadline   civil.Date
	Outcome    Outcome
	// OutcomeByHand marks an outcome recorded by a person rather than
	// derived from the milestones: a partial outcome such as the report's
	// 眉州路, or a target declared missed. Supervisors see the mark.
	OutcomeByHand bool
	Progress      string // 推进情况, as reported
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// RemovedAt is set when an administrator took the target off its list,
	// with RemovedReason. A removed target stays for the history that
	// points to it; GORM leaves it out of every query.
	RemovedAt     gorm.DeletedAt `gorm:"column:removed_at"`
	RemovedReason string
	// CarriedToID is the target of next year's list this one was carried
	// into: from then on that one counts, and this one leaves the overdue
	// list, the at-risk counts and the digests.
	CarriedToID *int64
	// CarriedTo and CarriedFrom are the targets of the next and of the
	// year before that this one was carried into and out of, where the
	// store reads them (Store.Year); not stored.
	CarriedTo   *Listing `gorm:"-"`
	CarriedFrom *Listing `gorm:"-"`
	// Closed marks a target of a closed year, where Store.Project reads
	// it: it stays as the year was answered, and no edit changes it.
	Closed bool `gorm:"-"`
	// Public marks a target of a list the public reads (published or
	// closed), where Store.Project reads it.
	Public bool `gorm:"-"`
}

// Listing names a year's list.
type Listing struct {
	Year int
	List List
}

// Tally counts the targets of one list of a year by where they stand.
type Tally struct {
	List     List
	Total    int
	Achieved int
	Partial  int
	Missed   int
	Overdue  int
	AtRisk   int
}

// Tallies counts each list of a year's targets (each with its project) as of
// the given day, start list first. It is the "按节点开工 10/10" of the
// report, computed.
func (r StatusRule) Tallies(targets []Target, asOf civil.Date) []Tally {
	tallies := []Tally{{List: StartList}, {List: CompleteList}}
	for _, t := range targets {
		tally := &tallies[0]
		if t.List == CompleteList {
			tally = &tallies[1]
		}
		tally.Total++
		switch r.Status(t, t.Project.Milestones, asOf) {
		case StatusAchieved:
			tally.Achieved++
		case StatusPartial:
			tally.Partial++
		case StatusMissed:
			tally.Missed++
		case StatusOverdue:
			tally.Overdue++
		case StatusAtRisk:
			tally.AtRisk++
		}
	}
	return tallies
}

// Unreported counts the targets that are overdue as of today although their
// deadline came after the data was last changed: nobody has reported on them
// since their deadline passed, so "overdue" may mean only "not reported".
func Unreported(targets []Target, dataAsOf, today civil.Date) int {
	n := 0
	for _, t := range targets {
		if t.Outcome == Pending && t.Overdue(today) && !t.Deadline.Before(dataAsOf) {
			n++
		}
	}
	return n
}
