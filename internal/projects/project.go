// Package projects is the district's 双十 record: the projects, their
// milestones, the targets of each year's lists, the rules that tell where each
// stands, the store that keeps them and the public pages and open data that
// show them.
package projects

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"shuangshi/internal/civil"
	"shuangshi/internal/errkind"
	"shuangshi/internal/money"
)

// ErrNotFound is returned by the store when a project, a year's list, a
// target or a comment does not exist: an error of the not-found kind, which
// the site answers with 404.
var ErrNotFound = errkind.New(errkind.NotFound, "not found")

// Category is the kind of works, after the district's 路桥轨隧水电.
type Category string

// The categories, in the order the district names them.
const (
	Road   Category = "road"
	Bridge Category = "bridge"
	Rail   Category = "rail"
	Tunnel Category = "tunnel"
	Water  Category = "water"
	Power  Category = "power"
)

// Categories returns every category in the district's order (路桥轨隧水电),
// the order in which the year tables group their rows.
func Categories() []Category {
	return []Category{Road, Bridge, Rail, Tunnel, Water, Power}
}

// categoryChars are the one-character names the report prints in its 类别 column.
var categoryChars = map[string]Category{
	"路": Road, "桥": Bridge, "轨": Rail, "隧": Tunnel, "水": Water, "电": Power,
}

// ParseCategory accepts a category's code ("road") or the character the
// report prints for it ("路").
func ParseCategory(s string) (Category, error) {
	s = strings.TrimSpace(s)
	if c, ok := categoryChars[s]; ok {
		return c, nil
	}
	for _, c := range Categories() {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown category %q", s)
}

// Rank is the category's place in the district's order, for sorting.
func (c Category) Rank() int {
	for i, x := range Categories() {
		if x == c {
			return i
		}
	}
	return len(Categories())
}

// parenthesised matches a bracketed part of a name, in full- or half-width
// brackets: the extent of the works (爱国路-白洋淀小区) or a section
// (友谊物流段). Words inside it name places, not the kind of works: the 桥 of
// 广州路桥 in 福宁路（齐齐哈尔路-广州路桥）道路新建工程 is an end point of a
// road, not a bridge project.
var parenthesised = regexp.MustCompile(`（[^）]*）|\([^)]*\)`)

// categoryWords are checked in order; the first match decides.
var categoryWords = []struct {
	category Category
	words    []string
}{
	{Rail, []string{"轨道交通", "地铁"}},
	{Water, []string{"防汛墙", "堤防", "排水", "泵站", "调蓄", "河道", "水闸"}},
	{Power, []string{"变电站", "输变电", "电力", "千伏"}},
	// A 下立交 is a road passing under a crossing, and the report files it
	// with the roads.
	{Road, []string{"下立交"}},
	{Tunnel, []string{"隧道", "越江", "下穿"}},
	{Bridge, []string{"桥"}},
}

// CategoryFromName infers a project's category from its name, as a reader of
// the report does for Table 10, which prints no categories: 轨道交通 is rail;
// 防汛墙, 堤防 and 排水 are water; 变电站, 输变电 and 电力 are power; 下立交
// is a road underpass; tunnels and bridges by their words; the rest are roads.
func CategoryFromName(name string) Category {
	bare := parenthesised.ReplaceAllString(name, "")
	for _, rule := range categoryWords {
		for _, w := range rule.words {
			if strings.Contains(bare, w) {
				return rule.category
			}
		}
	}
	return Road
}

// State is where a project's works stand, as its actual dates tell.
type State string

// The states of a project, in the order they follow each other.
const (
	Planned   State = "planned"
	Started   State = "started"
	Completed State = "completed"
)

// Milestones are a project's baseline (planned) and actual dates. Any of them
// may be unknown. Once a set baseline date is changed (a re-baseline), the
// first baseline is kept as the original.
type Milestones struct {
	PlannedStart              civil.Date
	PlannedCompletion         civil.Date
	ActualStart               civil.Date
	ActualCompletion          civil.Date
	OriginalPlannedStart      civil.Date
	OriginalPlannedCompletion civil.Date
}

// State follows from the actual dates: completed once there is an actual
// completion, started once there is an actual start, planned before.
func (m Milestones) State() State {
	switch {
	case !m.ActualCompletion.IsZero():
		return Completed
	case !m.ActualStart.IsZero():
		return Started
	}
	return Planned
}

// Project is one piece of public works. It keeps its identity across years
// even when a year's list names it differently.
type Project struct {
	ID   int64
	Name string
	// NameEn is the optional English name, shown in English mode beside
	// the Chinese one, which stays as entered.
	NameEn   string
	Category Category
	// Extent is the stretch of the works, "爱国路-白洋淀小区", where the name
	// has one.
	Extent      string
	Unit        string // the responsible unit; may be empty
	Description string
	// Location says where the works are, in words ("杨浦区军工路以东").
	Location string
	// ArchivedAt is when an administrator archived the project: it keeps
	// its pages and history but is offered for no new list. Nil while
	// active. Nothing with a history is ever deleted.
	ArchivedAt *time.Time
	Milestones `gorm:"embedded"`
	// TotalInvestment is 总投资, nil while nobody has given it.
	TotalInvestment *money.Amount
	// Plans are the planned investment of the years the project has one
	// for, oldest first, where the store reads them (see investment.go).
	Plans []InvestmentPlan
	// PercentComplete is the engineer's estimate, 0 to 100; nil when none
	// was given.
	PercentComplete *int
	// DelayReason says why the works are late; supervisors see it with
	// every overdue target of the project.
	DelayReason string
	// InternalNote is for signed-in staff only: never on a public page, in
	// an export for the public or in the open data.
	InternalNote string
	// Version is raised by every save, so that a save made from an older
	// version is caught as a conflict instead of overwriting.
	Version int64
	Targets []Target
	// ReportedAt is when a person last changed the project's own fields
	// (milestones, progress, outcome, notes), as the history records it:
	// the "last update" supervisors judge staleness by. List maintenance
	// (ordering, publishing, closing, carrying over) leaves it.
	ReportedAt time.Time
	// ReviewState, ApprovedJSON and ApprovedVersion are the project's
	// review before publication (see review.go): whether a change waits,
	// the public fields as last approved (JSON of Approved; empty while
	// the public reads the project as it is), and the version approved.
	ReviewState     ReviewState
	ApprovedJSON    string `gorm:"column:approved"`
	ApprovedVersion int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// LastReported is when a person last changed the project's own fields
// (ReportedAt); for a project nobody has reported on, when it was made.
func (p Project) LastReported() time.Time {
	if p.ReportedAt.IsZero() {
		return p.CreatedAt
	}
	return p.ReportedAt
}

// LastChanged returns when the project or any of its loaded targets last
// changed: the moment its page is as of.
func (p Project) LastChanged() time.Time {
	last := p.UpdatedAt
	for _, t := range p.Targets {
		if t.UpdatedAt.After(last) {
			last = t.UpdatedAt
		}
	}
	return last
}
