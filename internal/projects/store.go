package projects

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/database"
)

// Store keeps projects and targets. Reads go to the read pool, writes to the
// writer, which makes them one at a time (see database.DB).
type Store struct {
	read  *gorm.DB
	write *gorm.DB
	now   func() time.Time
	// ReviewBeforePublication makes every change to a project's public
	// fields wait for a reviewer's approval before the public reads it
	// (see review.go); off, the public reads every save at once.
	ReviewBeforePublication bool
	// years are the years each audience may read (see Years), kept per
	// version of the record: every page's header asks for them.
	years [2]*database.Memo[[]int]
	// waiting is how many projects wait for review (see ReviewCount), kept
	// per version: every reviewer's page header shows it.
	waiting *database.Memo[int]
}

// NewStore returns a store on db that stamps changes with now.
func NewStore(db *database.DB, now func() time.Time) *Store {
	s := &Store{read: db.Read, write: db.Write, now: func() time.Time { return now().UTC() }}
	for _, a := range []Audience{ThePublic, Staff} {
		s.years[a] = database.NewMemo(db, func(ctx context.Context) ([]int, error) { return s.readYears(ctx, a) })
	}
	s.waiting = database.NewMemo(db, s.countReviews)
	return s
}

// OpenTargets returns every target still open (pending, or partly
// achieved) and not carried into a later list, each with its project,
// earliest deadline first.
func (s *Store) OpenTargets(ctx context.Context) ([]Target, error) {
	return readListed(s.read.WithContext(ctx), openTarget, "targets.deadline, targets.year, targets.position", 0)
}

// OpenTargetsAfter returns OpenTargets with an id greater than after, at
// most limit of them, by id: the open targets a part at a time, for what
// keeps only a little of each.
func (s *Store) OpenTargetsAfter(ctx context.Context, after int64, limit int) ([]Target, error) {
	return readListed(s.read.WithContext(ctx), openTarget+" AND targets.id > ?", "targets.id", limit, after)
}

// OpenTargetsOf returns OpenTargets of the projects with the given ids
// alone, in no particular order.
func (s *Store) OpenTargetsOf(ctx context.Context, projectIDs []int64) ([]Target, error) {
	var targets []Target
	for chunk := range slices.Chunk(projectIDs, maxBoundIDs) {
		some, err := readListed(s.read.WithContext(ctx), openTarget+" AND targets.project_id IN ?", "", 0, chunk)
		if err != nil {
			return nil, err
		}
		targets = append(targets, some...)
	}
	return targets, nil
}

// openTarget is the condition of an open target, read with its project in
// one query: a city's open targets are more than SQLite takes as the
// parameters of a preload's IN list. The outcomes are written out, not
// bound: SQLite uses the partial index targets_open only for a condition
// it can see implies its own.
const openTarget = "targets.outcome IN ('pending', 'partial') AND targets.carried_to_id IS NULL"

// maxBoundIDs is how many ids a statement binds at most, well within
// what SQLite and PostgreSQL take.
const maxBoundIDs = 1000

// TouchedSince returns the projects that an update of their own or of
// their targets touched at or after version of the record (migration
// 00026), as far back as console_touches keeps: TouchesKept versions.
func (s *Store) TouchedSince(ctx context.Context, version int64) ([]int64, error) {
	var ids []int64
	err := s.read.WithContext(ctx).Table("console_touches").Distinct("project_id").
		Where("version >= ?", version).Pluck("project_id", &ids).Error
	return ids, err
}

// TouchesKept is how many versions of the record console_touches keeps
// (see migration 00026).
const TouchesKept = 10_000

// AllTargets returns every target of every year, each with its project,
// earliest deadline first.
func (s *Store) AllTargets(ctx context.Context) ([]Target, error) {
	var targets []Target
	err := s.read.WithContext(ctx).Preload("Project").Order("deadline, year, position").Find(&targets).Error
	return targets, err
}

// Project returns a project with every target it has had, oldest year first.
// It returns ErrNotFound, saying there is no project with that id, when there
// is none.
func (s *Store) Project(ctx context.Context, id int64) (Project, error) {
	var p Project
	// One read transaction: one snapshot, and under writes one start
	// from a cold page cache rather than one per statement.
	err := s.read.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if p, err = readProject(tx, id); err != nil {
			return err
		}
		if p.Targets, err = readTargets(tx, id); err != nil {
			return err
		}
		if p.Plans, err = readPlans(tx, "project_id = ?", id); err != nil {
			return err
		}
		states, err := listStates(tx)
		if err != nil {
			return err
		}
		markListStates([]Project{p}, states)
		return nil
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Project{}, ErrNotFound.WithMessage("error.project_not_found", "ID", id)
	}
	if err != nil {
		return Project{}, fmt.Errorf("project %d: %w", id, err)
	}
	return p, nil
}

// markListStates marks each target of the projects whose list is closed
// (Closed) or read by the public (Public), by the lists' states.
func markListStates(projects []Project, states map[int]ListState) {
	for _, p := range projects {
		for i, t := range p.Targets {
			p.Targets[i].Closed = states[t.Year] == Closed
			p.Targets[i].Public = slices.Contains(ThePublic.states(), states[t.Year])
		}
	}
}

// All returns every project, without targets, in the order they were added.
func (s *Store) All(ctx context.Context) ([]Project, error) {
	var projects []Project
	err := s.read.WithContext(ctx).Order("id").Find(&projects).Error
	return projects, err
}

// ProjectsWithTargets returns the projects with the given ids, each with its
// targets (oldest year first), in the order of ids. Missing ids are skipped.
func (s *Store) ProjectsWithTargets(ctx context.Context, ids []int64) ([]Project, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var found []Project
	err := s.read.WithContext(ctx).
		Preload("Targets", func(db *gorm.DB) *gorm.DB { return db.Order("year, position") }).
		Preload("Plans", func(db *gorm.DB) *gorm.DB { return db.Order("year") }).
		Where("id IN ?", ids).Find(&found).Error
	if err != nil {
		return nil, err
	}
	states, err := listStates(s.read.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	markListStates(found, states)
	byID := make(map[int64]Project, len(found))
	for _, p := range found {
		byID[p.ID] = p
	}
	projects := make([]Project, 0, len(found))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			projects = append(projects, p)
		}
	}
	return projects, nil
}
