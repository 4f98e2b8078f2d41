// Package console is the supervisors' console: what is late and what is
// about to be, filtered and sorted; supervisory comments on targets; and
// each year at a glance, with its charts and its timeline.
package console

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
)

// DefaultStaleDays is how long without an update makes a project stale.
const DefaultStaleDays = 30

// StatusBehind is the console's third group: open targets neither overdue
// nor at risk whose project's investment lags the year (a yellow or red
// 序时进度 light).
const StatusBehind projects.Status = "behind"

// Row is one target on the overdue and at-risk lists.
type Row struct {
	Target RowTarget
	// Status is the row's group: overdue (past the deadline and still open,
	// partly achieved ones included) or at risk.
	Status projects.Status
	// Days is how many days the deadline has passed (overdue) or is away
	// (at risk).
	Days       int
	Engineers  []auth.User
	LastUpdate time.Time
	Stale      bool
	// Cases are the target's 督办 not closed: waiting (late ones too) and
	// answered, waiting for a supervisor.
	Cases projects.CaseCounts
	// Pace is the project's 序时进度 in the target's year; nil without a
	// plan for it.
	Pace *projects.Paced
}

// RowTarget is what a row shows, filters and sorts by of its target and
// its project. The console keeps a row for most of a city's open targets
// (15,600 at 100,000 projects): with the whole target and project in each,
// at 750 bytes, they were most of the server's memory.
type RowTarget struct {
	ID, ProjectID int64
	Year          int
	List          projects.List
	Position      int
	ListedName    string // the name as the year's list gave it
	Deadline      civil.Date
	Project       RowProject
}

// RowProject is what a row shows of its project.
type RowProject struct {
	NameEn, Unit, DelayReason string
	Category                  projects.Category
}

func rowTarget(t *projects.Target) RowTarget {
	p := &t.Project
	return RowTarget{
		ID: t.ID, ProjectID: t.ProjectID, Year: t.Year, List: t.List, Position: t.Position,
		ListedName: t.ListedName, Deadline: t.Deadline,
		Project: RowProject{NameEn: p.NameEn, Unit: p.Unit, DelayReason: p.DelayReason, Category: p.Category},
	}
}

// Rows returns the open targets that are overdue or at risk as of today,
// overdue first, then those behind the year's pace of investment (paces,
// by target id; nil for none), each with the engineers who answer for its
// project. A project not updated for staleDays is flagged stale.
func Rows(targets []projects.Target, engineers map[int64][]auth.User, cases map[int64]projects.CaseCounts,
	rule projects.StatusRule, today civil.Date, now time.Time, staleDays int, paces map[int64]projects.Paced) []Row {
	rows := unsortedRows(targets, engineers, cases, rule, today, now, staleDays, paces)
	SortRows(rows, "", false)
	return rows
}

// unsortedRows is Rows in the order of targets, for rows made a part at a
// time and sorted once at the end.
func unsortedRows(targets []projects.Target, engineers map[int64][]auth.User, cases map[int64]projects.CaseCounts,
	rule projects.StatusRule, today civil.Date, now time.Time, staleDays int, paces map[int64]projects.Paced) []Row {
	// Most open targets are overdue or at risk: grown by appending, the
	// copying was a sixth of the console's making.
	rows := make([]Row, 0, len(targets))
	for i := range targets {
		t := &targets[i]
		status := rule.Status(*t, t.Project.Milestones, today)
		if t.Overdue(today) {
			status = projects.StatusOverdue
		}
		var pace *projects.Paced
		if p, ok := paces[t.ID]; ok {
			pace = &p
		}
		if status != projects.StatusOverdue && status != projects.StatusAtRisk {
			if pace == nil || pace.Light == projects.LightGreen {
				continue
			}
			status = StatusBehind
		}
		days := today.DaysUntil(t.Deadline)
		if status == projects.StatusOverdue {
			days = -days
		}
		last := t.Project.LastReported()
		rows = append(rows, Row{
			Target: rowTarget(t), Status: status, Days: days,
			Engineers: engineers[t.ProjectID], LastUpdate: last,
			Stale: isStale(last, now, staleDays),
			Cases: cases[t.ID], Pace: pace,
		})
	}
	return rows
}

// isStale reports whether a project last updated at last is stale at now.
func isStale(last, now time.Time, staleDays int) bool {
	return now.Sub(last) > time.Duration(staleDays)*24*time.Hour
}

// Filter keeps the rows of one year, list, category, responsible unit or
// engineer; a zero field keeps everything.
type Filter struct {
	Year       int
	List       projects.List
	Category   projects.Category
	Unit       string
	EngineerID int64
	// Light keeps the rows whose project's 序时进度 has this light.
	Light projects.Light
}

// Keep reports whether a row passes the filter.
func (f Filter) Keep(r *Row) bool {
	switch {
	case f.Year != 0 && r.Target.Year != f.Year,
		f.List != "" && r.Target.List != f.List,
		f.Category != "" && r.Target.Project.Category != f.Category,
		f.Unit != "" && r.Target.Project.Unit != f.Unit:
		return false
	}
	if f.Light != "" && (r.Pace == nil || r.Pace.Light != f.Light) {
		return false
	}
	if f.EngineerID != 0 {
		return slices.ContainsFunc(r.Engineers, func(u auth.User) bool { return u.ID == f.EngineerID })
	}
	return true
}

// SortColumns are the columns the lists can be sorted by.
func SortColumns() []string {
	return []string{"project", "list", "deadline", "days", "unit", "engineers", "updated", "reason", "pace"}
}

// SortRows sorts rows by a column, in ascending or descending order, within
// their group: overdue rows always come before rows at risk. Ties keep the
// deadline order. The default ("") is the most pressing first: the longest
// overdue, then the nearest deadline.
func SortRows(rows []Row, column string, descending bool) {
	slices.SortStableFunc(rows, func(a, b Row) int { return compareRows(&a, &b, column, descending) })
}

// SortedRows returns the rows in the order SortRows would put them in,
// leaving the slice given as it is: an order kept beside the rows costs a
// pointer a row, not a copy of each.
func SortedRows(rows []*Row, column string, descending bool) []*Row {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b *Row) int { return compareRows(a, b, column, descending) })
	return sorted
}

// Pointers returns pointers to each of rows, in their order.
func Pointers(rows []Row) []*Row {
	out := make([]*Row, len(rows))
	for i := range rows {
		out[i] = &rows[i]
	}
	return out
}

func compareRows(a, b *Row, column string, descending bool) int {
	if g := cmp.Compare(group(*a), group(*b)); g != 0 {
		return g
	}
	var c int
	switch column {
	case "project":
		c = strings.Compare(a.Target.ListedName, b.Target.ListedName)
	case "list":
		c = cmp.Or(cmp.Compare(a.Target.Year, b.Target.Year), strings.Compare(string(a.Target.List), string(b.Target.List)))
	case "deadline":
		c = a.Target.Deadline.Compare(b.Target.Deadline)
	case "days":
		c = cmp.Compare(a.Days, b.Days)
	case "unit":
		c = strings.Compare(a.Target.Project.Unit, b.Target.Project.Unit)
	case "engineers":
		c = strings.Compare(names(a.Engineers), names(b.Engineers))
	case "updated":
		c = a.LastUpdate.Compare(b.LastUpdate)
	case "reason":
		c = strings.Compare(a.Target.Project.DelayReason, b.Target.Project.DelayReason)
	case "pace":
		c = cmp.Compare(lag(*a), lag(*b))
	default:
		switch a.Status {
		case projects.StatusOverdue:
			c = cmp.Compare(b.Days, a.Days) // longest overdue first
		case StatusBehind:
			c = cmp.Compare(lag(*b), lag(*a)) // furthest behind first
		default:
			c = cmp.Compare(a.Days, b.Days) // nearest deadline first
		}
		return cmp.Or(c, tieBreak(a, b))
	}
	if descending {
		c = -c
	}
	return cmp.Or(c, tieBreak(a, b))
}

// tieBreak orders rows that a column does not: by deadline, then as the
// lists number them, then by id, so that every order is one order however
// the rows came (the console brings some up to date rather than making
// them all again).
func tieBreak(a, b *Row) int {
	return cmp.Or(a.Target.Deadline.Compare(b.Target.Deadline), cmp.Compare(a.Target.Year, b.Target.Year),
		cmp.Compare(a.Target.Position, b.Target.Position), strings.Compare(string(a.Target.List), string(b.Target.List)),
		cmp.Compare(a.Target.ID, b.Target.ID))
}

func group(r Row) int {
	switch r.Status {
	case projects.StatusOverdue:
		return 0
	case projects.StatusAtRisk:
		return 1
	}
	return 2
}

// lag is how far a row's project is behind the year's pace, in tenths of
// a point; a project without a plan sorts as on pace.
func lag(r Row) int64 {
	if r.Pace == nil {
		return 0
	}
	return r.Pace.Lag
}

func names(users []auth.User) string {
	var b strings.Builder
	for _, u := range users {
		b.WriteString(u.Name())
		b.WriteByte(',')
	}
	return b.String()
}
