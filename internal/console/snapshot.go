package console

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
	"shuangshi/views"
)

// snapshot is the console as of one version of the record and one day:
// every overdue and at-risk row, the choices of the filter, and each sort
// order, each made once. A city's record has thousands of open targets; a
// request then only filters and pages them.
type snapshot struct {
	version int64
	today   civil.Date
	// filing is where the reports of the month just ended stand, with the
	// day of this month they are due by.
	filing    projects.Filing
	reportDay int

	rows      []Row // the default order
	units     []string
	engineers []views.Option

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
	version func(context.Context) (int64, error)
	mu      sync.Mutex // held while one is made, so that it is made once
	current *snapshot
}

// snapshot returns the console as of now, making it when the record or the
// day moved on since the last one.
func (h *Handler) snapshot(ctx context.Context) (*snapshot, error) {
	version, err := h.snapshots.version(ctx)
	if err != nil {
		return nil, err
	}
	today := h.today()
	h.snapshots.mu.Lock()
	defer h.snapshots.mu.Unlock()
	if s := h.snapshots.current; s != nil && s.version == version && s.today == today {
		return s, nil
	}
	s, err := h.makeSnapshot(ctx, version, today)
	if err != nil {
		return nil, err
	}
	h.snapshots.current = s
	return s, nil
}

func (h *Handler) makeSnapshot(ctx context.Context, version int64, today civil.Date) (*snapshot, error) {
	targets, err := h.projects.OpenTargets(ctx)
	if err != nil {
		return nil, err
	}
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
	paces, err := h.projects.Paces(ctx, targets, settings, today)
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
		version: version, today: today, filing: filing, reportDay: settings.ReportDay,
		rows:   Rows(targets, engineers, projects.CountCases(cases, today), h.rule, today, h.now(), h.staleDays, paces),
		sorted: map[string][]*Row{}, unfiltered: map[string]groups{}, contents: map[string]string{},
	}
	seenUnit, seenEngineer := map[string]bool{}, map[int64]bool{}
	for _, r := range s.rows {
		if u := r.Target.Project.Unit; u != "" && !seenUnit[u] {
			seenUnit[u] = true
			s.units = append(s.units, u)
		}
		for _, e := range r.Engineers {
			if !seenEngineer[e.ID] {
				seenEngineer[e.ID] = true
				s.engineers = append(s.engineers, views.Option{Value: strconv.FormatInt(e.ID, 10), Label: e.Name()})
			}
		}
	}
	slices.Sort(s.units)
	return s, nil
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
	g := groups{rows: map[projects.Status][]*Row{}}
	for _, r := range s.sortedBy(column, descending) {
		if !filter.Keep(*r) {
			continue
		}
		g.rows[r.Status] = append(g.rows[r.Status], r)
		if r.Stale {
			g.stale++
		}
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
