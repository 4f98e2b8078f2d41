package projects

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
)

// Years returns the years with a list that the audience may read, oldest
// first.
func (s *Store) Years(ctx context.Context, audience Audience) ([]int, error) {
	years, err := s.years[audience].Get(ctx)
	return slices.Clone(years), err // the kept slice is every caller's
}

func (s *Store) readYears(ctx context.Context, audience Audience) ([]int, error) {
	var years []int
	err := s.read.WithContext(ctx).Model(&YearList{}).
		Where("state IN ? AND EXISTS (SELECT 1 FROM targets WHERE targets.year = year_lists.year AND targets.removed_at IS NULL)", audience.states()).
		Order("year").Pluck("year", &years).Error
	if err != nil {
		return nil, fmt.Errorf("list years: %w", err)
	}
	return years, nil
}

// NewestYear returns the newest year the audience may read, or
// ErrNotFound when there is none.
func (s *Store) NewestYear(ctx context.Context, audience Audience) (int, error) {
	years, err := s.Years(ctx, audience)
	if err != nil {
		return 0, err
	}
	if len(years) == 0 {
		return 0, ErrNotFound.WithMessage("error.404")
	}
	return years[len(years)-1], nil
}

// YearList returns where a year's list stands; a year never set up is a
// draft.
func (s *Store) YearList(ctx context.Context, year int) (YearList, error) {
	return yearList(s.read.WithContext(ctx), year)
}

func yearList(tx *gorm.DB, year int) (YearList, error) {
	var y YearList
	err := tx.Where("year = ?", year).Limit(1).Find(&y).Error
	if err != nil {
		return YearList{}, fmt.Errorf("list of %d: %w", year, err)
	}
	if y.Year == 0 {
		return YearList{Year: year, State: Draft}, nil
	}
	return y, nil
}

// Year returns a year's list as the audience may read it: its targets in
// the order of their 序号, each with its project. It returns ErrNotFound,
// saying there is no list for the year, when the year has no targets or
// the audience may not read it (a draft, to the public).
func (s *Store) Year(ctx context.Context, year int, audience Audience) (Year, error) {
	db := s.read.WithContext(ctx)
	y, err := yearList(db, year)
	if err != nil {
		return Year{}, err
	}
	missing := ErrNotFound.WithMessage("error.year_not_found", "Year", year)
	if !audience.Shows(y) {
		return Year{}, missing
	}
	targets, err := listed(db, year)
	if err != nil {
		return Year{}, fmt.Errorf("targets of %d: %w", year, err)
	}
	if len(targets) == 0 {
		return Year{}, missing
	}
	if err := linkCarried(db, year, targets, audience); err != nil {
		return Year{}, err
	}
	if audience == ThePublic {
		if err := s.reviewed(targets); err != nil {
			return Year{}, err
		}
	}
	number(targets, y.State)
	out := Year{YearList: y, Targets: targets}
	if out.AsOf, err = yearAsOf(db, y); err != nil {
		return Year{}, err
	}
	return out, nil
}

// linkCarried tells each of a year's targets where it was carried to,
// and where from, as far as the audience may read those years.
func linkCarried(db *gorm.DB, year int, targets []Target, audience Audience) error {
	var links []struct {
		From, To int64
		Year     int
		List     List
		Forward  bool
	}
	err := db.Raw(`SELECT old.id AS "from", new.id AS "to", new.year AS year, new.list AS list, TRUE AS forward
			FROM targets old JOIN targets new ON new.id = old.carried_to_id
			WHERE old.year = ? AND old.removed_at IS NULL AND new.removed_at IS NULL
		UNION ALL
		SELECT old.id, new.id, old.year, old.list, FALSE
			FROM targets new JOIN targets old ON old.carried_to_id = new.id
			WHERE new.year = ? AND new.removed_at IS NULL AND old.removed_at IS NULL`, year, year).Scan(&links).Error
	if err != nil || len(links) == 0 {
		return err
	}
	readable, err := yearsIn(db, audience.states()...)
	if err != nil {
		return err
	}
	byID := map[int64]int{}
	for i, t := range targets {
		byID[t.ID] = i
	}
	for _, l := range links {
		if !slices.Contains(readable, l.Year) {
			continue
		}
		listing := &Listing{Year: l.Year, List: l.List}
		if i, ok := byID[l.From]; ok && l.Forward {
			targets[i].CarriedTo = listing
		} else if i, ok := byID[l.To]; ok && !l.Forward {
			targets[i].CarriedFrom = listing
		}
	}
	return nil
}

// yearAsOf is the moment a year's public data is as of: the close of a
// closed year; for another, the last entry of its history or of the public
// history of its targets and their projects, and not before publication.
func yearAsOf(db *gorm.DB, y YearList) (time.Time, error) {
	if y.State == Closed && y.ClosedAt != nil {
		return *y.ClosedAt, nil
	}
	// The newest row rather than MAX(at): SQLite hands an aggregate of
	// times back as text.
	var changed, listed []time.Time
	err := db.Model(&Change{}).Joins(`JOIN targets ON targets.project_id = changes.project_id
			AND targets.year = ? AND targets.removed_at IS NULL`, y.Year).
		Where("changes.public AND (changes.target_id IS NULL OR changes.target_id = targets.id)").
		Order("changes.at DESC").Limit(1).Pluck("changes.at", &changed).Error
	if err == nil {
		err = db.Model(&YearEvent{}).Where("year = ?", y.Year).Order("at DESC").Limit(1).Pluck("at", &listed).Error
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("as of %d: %w", y.Year, err)
	}
	last := y.PublishedAt
	for _, t := range append(changed, listed...) {
		if last == nil || t.After(*last) {
			last = &t
		}
	}
	if last == nil {
		return time.Time{}, nil
	}
	return *last, nil
}

// YearEvents returns a list's history, oldest first.
func (s *Store) YearEvents(ctx context.Context, year int) ([]YearEvent, error) {
	var events []YearEvent
	err := s.read.WithContext(ctx).Where("year = ?", year).Order("at, id").Find(&events).Error
	return events, err
}

// Publish makes a draft list public, as of now, if it is still at version:
// its 序号 are frozen as they stand, and the publication is recorded in the
// list's history and the security log. It returns the problems that
// refuse it (an empty list), or ErrListChanged when the list is no longer
// the draft at that version.
func (s *Store) Publish(ctx context.Context, year int, version int64, by auth.Actor) (Problems, error) {
	var problems Problems
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		y, err := yearList(tx, year)
		if err != nil {
			return err
		}
		if y.State != Draft || y.Version != version {
			return ErrListChanged
		}
		targets, err := listed(tx, year)
		if err != nil {
			return err
		}
		if problems = CheckPublish(targets); len(problems) > 0 {
			return nil
		}
		if err := placeInOrder(tx, targets, ids(Number(targets, Draft))); err != nil {
			return err
		}
		now := s.now()
		y.State, y.PublishedAt = Published, &now
		if err := saveState(tx, y, version); err != nil {
			return err
		}
		return s.logListEvent(tx, YearEvent{Year: year, Kind: EventPublished}, auth.ActionListPublished, now, by)
	})
	return problems, err
}

// Close answers a published year, as of now, if it is still at version:
// every target must have a final outcome and a progress text, and the
// year-end table is kept as it stands, to be served from then on. It
// returns the problems that refuse it, by target, or ErrListChanged.
func (s *Store) Close(ctx context.Context, year int, version int64, by auth.Actor) (map[int64]Problem, error) {
	var problems map[int64]Problem
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		y, err := yearList(tx, year)
		if err != nil {
			return err
		}
		if y.State != Published || y.Version != version {
			return ErrListChanged
		}
		targets, err := listed(tx, year)
		if err != nil {
			return err
		}
		if problems = CheckClose(targets, s.ReviewBeforePublication); len(problems) > 0 {
			return nil
		}
		snapshot, err := json.Marshal(YearEnd(Number(targets, Published)))
		if err != nil {
			return err
		}
		now := s.now()
		y.State, y.ClosedAt, y.Snapshot = Closed, &now, string(snapshot)
		if err := saveState(tx, y, version); err != nil {
			return err
		}
		return s.logListEvent(tx, YearEvent{Year: year, Kind: EventClosed}, auth.ActionListClosed, now, by)
	})
	return problems, err
}

// Reopen takes a closed year back to published, if it is still at
// version, for a reason that the list's history and the security log
// keep. The year's table is made again at its next close.
func (s *Store) Reopen(ctx context.Context, year int, version int64, reason string, by auth.Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		y, err := yearList(tx, year)
		if err != nil {
			return err
		}
		if y.State != Closed || y.Version != version {
			return ErrListChanged
		}
		y.State, y.ClosedAt, y.Snapshot = Published, nil, ""
		if err := saveState(tx, y, version); err != nil {
			return err
		}
		return s.logListEvent(tx, YearEvent{Year: year, Kind: EventReopened, Detail: reason}, auth.ActionListReopened, s.now(), by)
	})
}

// saveState writes a list's new state if the list is still at version.
func saveState(tx *gorm.DB, y YearList, version int64) error {
	var snapshot any
	if y.Snapshot != "" {
		snapshot = y.Snapshot
	}
	res := tx.Model(&YearList{}).Where("year = ? AND version = ?", y.Year, version).Updates(map[string]any{
		"state": y.State, "published_at": y.PublishedAt, "closed_at": y.ClosedAt, "snapshot": snapshot,
		"version": gorm.Expr("version + 1"),
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrListChanged
	}
	return nil
}

// logListEvent writes an event of a list's life cycle into its history
// and, as action, into the security log.
func (s *Store) logListEvent(tx *gorm.DB, e YearEvent, action auth.Action, at time.Time, by auth.Actor) error {
	if err := addYearEvent(tx, e, at, by); err != nil {
		return err
	}
	detail := strconv.Itoa(e.Year)
	if e.Detail != "" {
		detail += ": " + e.Detail
	}
	event := by.Event(action, detail, at)
	return tx.Create(&event).Error
}

func addYearEvent(tx *gorm.DB, e YearEvent, at time.Time, by auth.Actor) error {
	e.At, e.UserName = at, by.Name
	if by.UserID != 0 {
		id := by.UserID
		e.UserID = &id
	}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("list history: %w", err)
	}
	return nil
}

// ensureYearList makes the row of a year's list, a draft, unless it has one.
func ensureYearList(tx *gorm.DB, year int) (YearList, error) {
	y := YearList{Year: year, State: Draft, Version: 1}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("Snapshot").Create(&y).Error; err != nil {
		return YearList{}, err
	}
	return yearList(tx, year)
}

// HiddenTargets returns the targets of a project, listed or since removed,
// whose history the audience may not read: to the public, those of
// drafts.
func (s *Store) HiddenTargets(ctx context.Context, projectID int64, audience Audience) (map[int64]bool, error) {
	hidden := map[int64]bool{}
	if audience == Staff {
		return hidden, nil
	}
	var ids []int64
	err := s.read.WithContext(ctx).Unscoped().Model(&Target{}).
		Where("project_id = ? AND year NOT IN (SELECT year FROM year_lists WHERE state IN ?)", projectID, ThePublic.states()).
		Pluck("id", &ids).Error
	for _, id := range ids {
		hidden[id] = true
	}
	return hidden, err
}

// YearSummary is where a year's list stands and how many targets each of
// its lists has.
type YearSummary struct {
	State  ListState
	Listed map[List]int
}

// YearSummaries returns every year's summary, by year, in two reads: the
// administrators' page of every year's list needs no more.
func (s *Store) YearSummaries(ctx context.Context) (map[int]YearSummary, error) {
	db := s.read.WithContext(ctx)
	var lists []YearList
	if err := db.Select("year", "state").Find(&lists).Error; err != nil {
		return nil, err
	}
	var counts []struct {
		Year int
		List List
		N    int
	}
	if err := db.Model(&Target{}).Select("year, list, COUNT(*) AS n").Group("year, list").Scan(&counts).Error; err != nil {
		return nil, err
	}
	out := map[int]YearSummary{}
	summary := func(year int) YearSummary {
		s, ok := out[year]
		if !ok {
			s = YearSummary{State: Draft, Listed: map[List]int{}}
		}
		return s
	}
	for _, y := range lists {
		s := summary(y.Year)
		s.State = y.State
		out[y.Year] = s
	}
	for _, c := range counts {
		s := summary(c.Year)
		s.Listed[c.List] = c.N
		out[c.Year] = s
	}
	return out, nil
}

// yearsIn returns the years whose lists are in one of the states.
func yearsIn(db *gorm.DB, states ...ListState) ([]int, error) {
	var years []int
	err := db.Model(&YearList{}).Where("state IN ?", states).Pluck("year", &years).Error
	return years, err
}

// ids returns the targets' ids, in their order.
func ids(targets []Target) []int64 {
	out := make([]int64, len(targets))
	for i, t := range targets {
		out[i] = t.ID
	}
	return out
}

// listed returns the targets of a year still listed, in position order.
func listed(tx *gorm.DB, year int) ([]Target, error) {
	return readListed(tx, "targets.year = ?", "targets.position", 0, year)
}

// AdoptYears gives every year that has targets and no life cycle yet its
// state by the rules of Adoption, with today the district's date: the
// years of a database made before lists had a life cycle, and of a
// dataset just loaded.
func (s *Store) AdoptYears(ctx context.Context, today civil.Date) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return adoptYears(tx, today) })
}

func adoptYears(tx *gorm.DB, today civil.Date) error {
	var years []int
	err := tx.Model(&Target{}).Distinct("year").
		Where("NOT EXISTS (SELECT 1 FROM year_lists WHERE year_lists.year = targets.year)").
		Order("year").Pluck("year", &years).Error
	if err != nil {
		return err
	}
	for _, year := range years {
		targets, err := listed(tx, year)
		if err != nil {
			return err
		}
		state, publishedAt, closedAt := Adoption(year, targets, today)
		y := YearList{Year: year, State: state, Version: 1}
		if state != Draft {
			// Published as Publish does: the numbers frozen as they stand.
			if err := placeInOrder(tx, targets, ids(Number(targets, Draft))); err != nil {
				return err
			}
			if targets, err = listed(tx, year); err != nil {
				return err
			}
			y.PublishedAt = &publishedAt
		}
		if state == Closed {
			y.ClosedAt = &closedAt
			snapshot, err := json.Marshal(YearEnd(Number(targets, Published)))
			if err != nil {
				return err
			}
			y.Snapshot = string(snapshot)
		}
		if err := tx.Create(&y).Error; err != nil {
			return fmt.Errorf("adopt %d: %w", year, err)
		}
	}
	return nil
}

// ClosedTable returns the year-end table a closed year kept at its close.
func ClosedTable(y YearList) ([]YearEndEntry, error) {
	if y.State != Closed {
		return nil, errors.New("the year is not closed")
	}
	var entries []YearEndEntry
	if err := json.Unmarshal([]byte(y.Snapshot), &entries); err != nil {
		return nil, fmt.Errorf("table of %d as closed: %w", y.Year, err)
	}
	return entries, nil
}

// ProjectAs returns a project with the targets the audience may read,
// oldest year first (see Readable); a project the public may not read is
// not found.
func (s *Store) ProjectAs(ctx context.Context, id int64, audience Audience) (Project, error) {
	p, err := s.Project(ctx, id)
	if err != nil {
		return Project{}, err
	}
	// Project marked the targets the public reads.
	shown, err := s.readable([]Project{p}, audience, func(t Target) bool { return t.Public })
	if err != nil {
		return Project{}, err
	}
	if len(shown) == 0 {
		return Project{}, ErrNotFound.WithMessage("error.project_not_found", "ID", id)
	}
	return shown[0], nil
}

// Readable returns the projects, each with its targets, as the audience
// may read them. The public reads the targets of published and closed
// lists, each with its 序号, and no project that is on none of them.
// Staff read every project and target; a draft's target has no number
// yet (0), as the draft's numbers still move.
func (s *Store) Readable(ctx context.Context, projects []Project, audience Audience) ([]Project, error) {
	public, err := yearsIn(s.read.WithContext(ctx), ThePublic.states()...)
	if err != nil {
		return nil, err
	}
	return s.readable(projects, audience, func(t Target) bool { return slices.Contains(public, t.Year) })
}

// readable is Readable with the targets the public reads told by public.
func (s *Store) readable(projects []Project, audience Audience, public func(Target) bool) ([]Project, error) {
	out := projects[:0:0]
	for _, p := range projects {
		shown := p.Targets[:0:0]
		for _, t := range p.Targets {
			if public(t) {
				t.Number = t.Position
			} else if audience != Staff {
				continue
			}
			shown = append(shown, t)
		}
		if len(shown) == 0 && audience != Staff {
			continue
		}
		p.Targets = shown
		if audience == ThePublic && s.ReviewBeforePublication {
			var err error
			if p, err = p.Public(); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
	}
	return out, nil
}
