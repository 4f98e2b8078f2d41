package console

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/database"
	"shuangshi/internal/projects"
	"shuangshi/views"
)

// snapshot is the console as of one version of the record and one day:
// every overdue and at-risk row, the choices of the filter, and each sort
// order, each made once. A city's record has thousands of open targets; a
// request then only filters and pages them.
type snapshot struct {
	versions database.Versions
	today    civil.Date
	// filing is where the reports of the month just ended stand, with the
	// day of this month they are due by.
	filing   projects.Filing
	settings projects.Settings
	// engineers and cases are what the rows were made with: the engineers
	// of each project, and the 督办 of each target.
	engineersOf map[int64][]auth.User
	cases       map[int64]projects.CaseCounts

	// rows are in the default order. A row is never changed once made: a
	// snapshot brought up to date shares the rows it kept with the last.
	rows []*Row
	// The filter's choices: the units and the engineers of the rows, and
	// how many rows each has, which a snapshot brought up to date counts
	// on from the last.
	units          []string
	engineers      []views.Option
	rowsOfUnit     map[string]int
	rowsOfEngineer map[views.Option]int

	mu         sync.Mutex
	contents   map[string]string // the rendered content, by language and query
	sorted     map[string][]*Row // the rows, by column and direction
	unfiltered map[string]groups // by column and direction
}

// groups are the rows of each group in one order, and how many are stale.
type groups struct {
	rows  map[projects.Status][]*Row
	stale int
}

// snapshots keeps the current snapshot.
type snapshots struct {
	versions func(context.Context) (database.Versions, error)
	mu       sync.Mutex // held while one is made, so that it is made once
	current  *snapshot
}

// maxTouched is how many projects changed since the last snapshot are
// brought up to date one by one; past it, the snapshot is made again.
const maxTouched = 2000

// snapshot returns the console as of now. When the record moved on by
// updates of some projects and their targets alone, the last snapshot's
// rows of those projects are made again from the record and the others
// kept (the first console after a save at 100,000 projects took half a
// second when every row was made again); after any other change, or on a
// new day, it is made anew.
func (h *Handler) snapshot(ctx context.Context) (*snapshot, error) {
	versions, err := h.snapshots.versions(ctx)
	if err != nil {
		return nil, err
	}
	today := h.today()
	h.snapshots.mu.Lock()
	defer h.snapshots.mu.Unlock()
	last := h.snapshots.current
	if last != nil && last.versions.Record == versions.Record && last.today == today {
		return last, nil
	}
	// The last snapshot is let go while the next is made: making one at
	// 100,000 projects holds tens of megabytes, and the last beside it
	// raised the server's peak memory by a fifth. A failure leaves none,
	// and the next request makes one.
	h.snapshots.current = nil
	var s *snapshot
	if last != nil && last.today == today && last.versions.Broad == versions.Broad &&
		versions.Record > last.versions.Record && versions.Record-last.versions.Record < projects.TouchesKept {
		s, err = h.bringUpToDate(ctx, last, versions)
	} else {
		s, err = h.makeSnapshot(ctx, versions, today)
	}
	if err != nil {
		return nil, err
	}
	h.snapshots.current = s
	return s, nil
}

func (h *Handler) makeSnapshot(ctx context.Context, versions database.Versions, today civil.Date) (*snapshot, error) {
	engineers, err := h.users.EveryAssignedUser(ctx)
	if err != nil {
		return nil, err
	}
	cases, err := h.projects.UnclosedCases(ctx)
	if err != nil {
		return nil, err
	}
	settings, err := h.projects.Settings(ctx)
	if err != nil {
		return nil, err
	}
	filing, err := h.projects.MonthFiling(ctx, projects.MonthToReport(today))
	if err != nil {
		return nil, err
	}
	// The console shows how many reported; who did not is the filing
	// page's, and at 100,000 projects the list held megabytes.
	filing.Missing = nil
	s := &snapshot{
		versions: versions, today: today, filing: filing, settings: settings,
		engineersOf: engineers, cases: projects.CountCases(cases, today),
	}
	// The open targets are read a part at a time, each made into its rows
	// and let go: read at once, at 100,000 projects, they were the most the
	// server's memory held.
	var rows []Row
	now := h.now()
	for after := int64(0); ; {
		targets, err := h.projects.OpenTargetsAfter(ctx, after, snapshotPart)
		if err != nil {
			return nil, err
		}
		if len(targets) == 0 {
			break
		}
		paces, err := h.projects.Paces(ctx, targets, settings, today)
		if err != nil {
			return nil, err
		}
		rows = append(rows, unsortedRows(targets, s.engineersOf, s.cases, h.rule, today, now, h.staleDays, paces)...)
		after = targets[len(targets)-1].ID
	}
	SortRows(rows, "", false)
	s.rows = Pointers(rows)
	s.rowsOfUnit, s.rowsOfEngineer = map[string]int{}, map[views.Option]int{}
	s.count(s.rows, 1)
	s.complete()
	return s, nil
}

// snapshotPart is how many open targets a snapshot reads at a time.
const snapshotPart = 2000

// bringUpToDate returns last brought to versions, which differ from its
// own by updates of projects and their targets alone: the rows of the
// projects touched are made again, the others kept. Everything else a
// snapshot is made of is as it was.
func (h *Handler) bringUpToDate(ctx context.Context, last *snapshot, versions database.Versions) (*snapshot, error) {
	touched, err := h.projects.TouchedSince(ctx, last.versions.Record)
	if err != nil {
		return nil, err
	}
	if len(touched) > maxTouched {
		return h.makeSnapshot(ctx, versions, last.today)
	}
	targets, err := h.projects.OpenTargetsOf(ctx, touched)
	if err != nil {
		return nil, err
	}
	paces, err := h.projects.Paces(ctx, targets, last.settings, last.today)
	if err != nil {
		return nil, err
	}
	now := h.now()
	fresh := Rows(targets, last.engineersOf, last.cases, h.rule, last.today, now, h.staleDays, paces)
	s := &snapshot{
		versions: versions, today: last.today, filing: last.filing, settings: last.settings,
		engineersOf: last.engineersOf, cases: last.cases,
	}
	var gone []*Row
	s.rows, gone = mergeRows(last.rows, Pointers(fresh), touched)
	s.rowsOfUnit, s.rowsOfEngineer = maps.Clone(last.rowsOfUnit), maps.Clone(last.rowsOfEngineer)
	s.count(gone, -1)
	s.count(Pointers(fresh), 1)
	for i, r := range s.rows {
		if stale := isStale(r.LastUpdate, now, h.staleDays); stale != r.Stale {
			changed := *r
			changed.Stale = stale
			s.rows[i] = &changed
		}
	}
	s.complete()
	return s, nil
}

// mergeRows returns the rows of kept whose projects are not among
// touched, and fresh, in the default order that both are in; and the rows
// of kept it left out.
func mergeRows(kept, fresh []*Row, touched []int64) (rows, gone []*Row) {
	touchedIDs := make(map[int64]bool, len(touched))
	for _, id := range touched {
		touchedIDs[id] = true
	}
	rows = make([]*Row, 0, len(kept)+len(fresh))
	keep := func(run []*Row) {
		for _, r := range run {
			if touchedIDs[r.Target.ProjectID] {
				gone = append(gone, r)
			} else {
				rows = append(rows, r)
			}
		}
	}
	// A save brings a few fresh rows into thousands: each fresh row's
	// place is found by halving, not by comparing it with every kept row
	// before it. A kept row equal to a fresh one goes first.
	i := 0
	for _, f := range fresh {
		before := sort.Search(len(kept)-i, func(k int) bool { return compareRows(kept[i+k], f, "", false) > 0 })
		keep(kept[i : i+before])
		i += before
		rows = append(rows, f)
	}
	keep(kept[i:])
	return rows, gone
}

// count adds by rows to the rows each unit and engineer has.
func (s *snapshot) count(rows []*Row, by int) {
	for _, r := range rows {
		if u := r.Target.Project.Unit; u != "" {
			s.rowsOfUnit[u] += by
		}
		for _, e := range r.Engineers {
			s.rowsOfEngineer[views.Option{Value: strconv.FormatInt(e.ID, 10), Label: e.Name()}] += by
		}
	}
}

// complete makes what a snapshot keeps beside its rows: the filter's
// choices, from the rows counted, and room for the orders and contents
// asked for.
func (s *snapshot) complete() {
	s.sorted, s.unfiltered, s.contents = map[string][]*Row{}, map[string]groups{}, map[string]string{}
	for u, n := range s.rowsOfUnit {
		if n > 0 {
			s.units = append(s.units, u)
		}
	}
	slices.Sort(s.units)
	for e, n := range s.rowsOfEngineer {
		if n > 0 {
			s.engineers = append(s.engineers, e)
		}
	}
	slices.SortFunc(s.engineers, func(a, b views.Option) int {
		return cmp.Or(strings.Compare(a.Label, b.Label), strings.Compare(a.Value, b.Value))
	})
}

// grouped returns the rows that filter keeps, by group, in the order of a
// column, and how many of them are stale. Without a filter, what it
// returns is kept: the console as most people open it walks no rows.
func (s *snapshot) grouped(column string, descending bool, filter Filter) (map[projects.Status][]*Row, int) {
	key := column + " " + strconv.FormatBool(descending)
	if filter == (Filter{}) {
		s.mu.Lock()
		g, ok := s.unfiltered[key]
		s.mu.Unlock()
		if ok {
			return g.rows, g.stale
		}
	}
	// The groups are few: found by looking along them, not in a map,
	// whose lookups were half of the time of grouping 15,000 rows.
	type group struct {
		status projects.Status
		rows   []*Row
	}
	var found []group
	g := groups{rows: map[projects.Status][]*Row{}}
	for _, r := range s.sortedBy(column, descending) {
		if !filter.Keep(r) {
			continue
		}
		i := slices.IndexFunc(found, func(f group) bool { return f.status == r.Status })
		if i < 0 {
			found, i = append(found, group{status: r.Status}), len(found)
		}
		found[i].rows = append(found[i].rows, r)
		if r.Stale {
			g.stale++
		}
	}
	for _, f := range found {
		g.rows[f.status] = f.rows
	}
	if filter == (Filter{}) {
		s.mu.Lock()
		s.unfiltered[key] = g
		s.mu.Unlock()
	}
	return g.rows, g.stale
}

// sortedBy returns the rows in the order of a column, sorting them the
// first time that order is asked for.
func (s *snapshot) sortedBy(column string, descending bool) []*Row {
	if column == "" && !descending {
		return s.rows
	}
	key := column + " " + strconv.FormatBool(descending)
	s.mu.Lock()
	defer s.mu.Unlock()
	if rows, ok := s.sorted[key]; ok {
		return rows
	}
	rows := SortedRows(s.rows, column, descending)
	s.sorted[key] = rows
	return rows
}

// maxContents bounds the rendered contents a snapshot keeps: the queries
// supervisors ask are few; a long tail of odd ones is made each time.
const maxContents = 200

// content returns the content rendered for key, if it was.
func (s *snapshot) content(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.contents[key]
	return c, ok
}

// keep keeps the content rendered for key, while there is room.
func (s *snapshot) keep(key, content string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.contents) < maxContents {
		s.contents[key] = content
	}
}
