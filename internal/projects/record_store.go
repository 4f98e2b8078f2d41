package projects

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/errkind"
)

// ErrNameTaken is returned when another project already has the name.
var ErrNameTaken = errkind.New(errkind.Conflict, "another project has this name")

// ErrAlreadyListed is returned when a project is already on a list of a
// year.
var ErrAlreadyListed = errkind.New(errkind.Conflict, "the project is already on this list")

// ErrArchived is returned when an archived project is put on a list.
var ErrArchived = errkind.New(errkind.Conflict, "the project is archived")

// record appends changes to the history, stamped with who made them and
// when.
func record(tx *gorm.DB, changes []Change, at time.Time, by auth.Actor) error {
	if len(changes) == 0 {
		return nil
	}
	history := historyInsert(changes, at, by)
	if err := tx.Exec(history.sql, history.values...).Error; err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// A statement is SQL with its values, made before the transaction that
// runs it: see SaveEdit.
type statement struct {
	sql    string
	values []any
}

// historyColumns are the columns of a change, as historyInsert writes them.
const historyColumns = "project_id, target_id, at, user_id, user_name, field, old_value, new_value, reason, public"

// historyInsert is the statement that appends changes to the history,
// stamped with who made them and when: one INSERT of every row.
func historyInsert(changes []Change, at time.Time, by auth.Actor) statement {
	var userID *int64
	if by.UserID != 0 {
		id := by.UserID
		userID = &id
	}
	var sql strings.Builder
	sql.WriteString("INSERT INTO changes (" + historyColumns + ") VALUES ")
	values := make([]any, 0, 10*len(changes))
	for i, c := range changes {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		values = append(values, c.ProjectID, c.TargetID, at, userID, by.Name, c.Field, c.OldValue, c.NewValue, c.Reason, c.Public)
	}
	return statement{sql: sql.String(), values: values}
}

// Record writes changes to a project's history in tx, for a feature
// whose own rows change in the same transaction (a project's photos or
// documents), so that the write and its history are kept together.
func Record(tx *gorm.DB, changes []Change, at time.Time, by auth.Actor) error {
	return record(tx, changes, at, by)
}

// nameTaken reports whether a project other than id has the name.
func nameTaken(tx *gorm.DB, name string, id int64) (bool, error) {
	var n int64
	err := tx.Model(&Project{}).Where("name = ? AND id <> ?", name, id).Count(&n).Error
	return n > 0, err
}

// CreateProject adds a project, with its creation in the history. It
// returns ErrNameTaken when another project has the name.
func (s *Store) CreateProject(ctx context.Context, p Project, by auth.Actor) (Project, error) {
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if taken, err := nameTaken(tx, p.Name, 0); err != nil {
			return err
		} else if taken {
			return ErrNameTaken
		}
		now := s.now()
		p.ID, p.Version, p.CreatedAt, p.UpdatedAt, p.ReportedAt = 0, 1, now, now, now
		p.Targets = nil
		if err := tx.Omit("Targets").Create(&p).Error; err != nil {
			return err
		}
		return record(tx, []Change{{ProjectID: p.ID, Field: FieldCreated, NewValue: p.Name, Public: true}}, now, by)
	})
	return p, err
}

// UpdateProject saves a project's identity (name, category, extent, unit,
// description, location) checked from version, with the changes in the
// history. It returns ErrConflict when the project is no longer at that
// version, and ErrNameTaken when another project has the new name.
func (s *Store) UpdateProject(ctx context.Context, p Project, version int64, changes []Change, by auth.Actor) error {
	if len(changes) == 0 {
		return nil
	}
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if taken, err := nameTaken(tx, p.Name, p.ID); err != nil {
			return err
		} else if taken {
			return ErrNameTaken
		}
		now := s.now()
		res := tx.Model(&Project{}).Where("id = ? AND version = ?", p.ID, version).Updates(map[string]any{
			"name": p.Name, "name_en": p.NameEn, "category": p.Category, "extent": p.Extent, "unit": p.Unit,
			"description": p.Description, "location": p.Location,
			"version": gorm.Expr("version + 1"), "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		return record(tx, changes, now, by)
	})
}

// SetArchived archives a project, or restores an archived one, with the
// change in the history. Archiving keeps everything: the project's pages,
// its targets and its history stay; it is only offered for no new list.
func (s *Store) SetArchived(ctx context.Context, id int64, archived bool, by auth.Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var p Project
		if err := tx.First(&p, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if (p.ArchivedAt != nil) == archived {
			return nil
		}
		now := s.now()
		var at *time.Time
		if archived {
			at = &now
		}
		if err := tx.Model(&Project{}).Where("id = ?", id).Updates(map[string]any{
			"archived_at": at, "version": gorm.Expr("version + 1"), "updated_at": now,
		}).Error; err != nil {
			return err
		}
		return record(tx, []Change{{ProjectID: id, Field: FieldArchived, OldValue: strconv.FormatBool(!archived), NewValue: strconv.FormatBool(archived), Public: true}}, now, by)
	})
}

// NewTarget is a project to put on a year's list.
type NewTarget struct {
	Year       int
	List       List
	ProjectID  int64
	ListedName string     // "" for the project's name
	Deadline   civil.Date // zero for 31 December of the year
	// CarriedFrom is the unfinished target of an earlier year that this
	// one carries over, or 0: it records where it went, and stops counting.
	CarriedFrom int64
}

// AddTargets puts projects on a year's lists, at the end of each list, in
// one transaction, with each addition in the history: all of them or, on
// any error, none. It returns ErrAlreadyListed when a project is already
// on that list of the year, and ErrArchived for an archived project.
func (s *Store) AddTargets(ctx context.Context, targets []NewTarget, by auth.Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.addTargets(tx, targets, by)
	})
}

func (s *Store) addTargets(tx *gorm.DB, targets []NewTarget, by auth.Actor) error {
	now := s.now()
	years := map[int]YearList{}
	for _, nt := range targets {
		y, ok := years[nt.Year]
		if !ok {
			var err error
			if y, err = ensureYearList(tx, nt.Year); err != nil {
				return err
			}
			if y.State == Closed {
				return ErrYearClosed.WithMessage("lifecycle.year_closed", "Year", nt.Year)
			}
			years[nt.Year] = y
		}
		var p Project
		if err := tx.First(&p, nt.ProjectID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if p.ArchivedAt != nil {
			return ErrArchived
		}
		var listed int64
		if err := tx.Model(&Target{}).Where("year = ? AND list = ? AND project_id = ?", nt.Year, nt.List, nt.ProjectID).Count(&listed).Error; err != nil {
			return err
		}
		if listed > 0 {
			return ErrAlreadyListed
		}
		var last int
		if err := tx.Model(&Target{}).Where("year = ?", nt.Year).Select("COALESCE(MAX(position), 0)").Scan(&last).Error; err != nil {
			return err
		}
		t := Target{
			Year: nt.Year, List: nt.List, ProjectID: nt.ProjectID, Position: last + 1,
			ListedName: nt.ListedName, Deadline: nt.Deadline, Outcome: Pending, CreatedAt: now, UpdatedAt: now,
		}
		if t.ListedName == "" {
			t.ListedName = p.Name
		}
		if t.Deadline.IsZero() {
			t.Deadline = civil.LastDayOfYear(nt.Year)
		}
		if err := tx.Omit("Project").Create(&t).Error; err != nil {
			return err
		}
		id := t.ID
		if err := record(tx, []Change{{ProjectID: p.ID, TargetID: &id, Field: FieldListed, NewValue: listingText(t), Public: true}}, now, by); err != nil {
			return err
		}
		if nt.CarriedFrom != 0 {
			if err := carryFrom(tx, nt.CarriedFrom, t, now, by); err != nil {
				return err
			}
		}
		if y.State == Published {
			// Numbered after the last, and said in the list's history.
			number := t.Position
			if err := addYearEvent(tx, YearEvent{Year: t.Year, Kind: EventTargetAdded, TargetID: &id, Name: t.ListedName, Number: &number}, now, by); err != nil {
				return err
			}
		}
	}
	for year, y := range years {
		if y.State != Draft {
			continue
		}
		if err := renumber(tx, year, nil); err != nil {
			return err
		}
	}
	return nil
}

// carryFrom records that target from went on as target to. Its own
// outcome stays, as the year answered it; the list maintenance leaves its
// updated_at. A public year says so in its history.
func carryFrom(tx *gorm.DB, from int64, to Target, at time.Time, by auth.Actor) error {
	var old Target
	if err := tx.First(&old, from).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	if old.ProjectID != to.ProjectID || old.Year >= to.Year {
		return fmt.Errorf("target %d cannot carry over to %d %s", from, to.Year, to.List)
	}
	if err := tx.Model(&Target{}).Where("id = ?", from).UpdateColumn("carried_to_id", to.ID).Error; err != nil {
		return err
	}
	y, err := yearList(tx, old.Year)
	if err != nil || !y.Public() {
		return err
	}
	number, id := old.Position, old.ID
	return addYearEvent(tx, YearEvent{Year: old.Year, Kind: EventCarriedOver, TargetID: &id, Name: old.ListedName, Number: &number}, at, by)
}

// openYear returns the list of a target's year, or ErrYearClosed when the
// year is closed: its targets stay as the year was answered.
func openYear(tx *gorm.DB, year int) (YearList, error) {
	y, err := yearList(tx, year)
	if err != nil {
		return YearList{}, err
	}
	if y.State == Closed {
		return YearList{}, ErrYearClosed.WithMessage("lifecycle.year_closed", "Year", year)
	}
	return y, nil
}

// RemoveTarget takes a target off its list, with a reason, and renumbers
// the year. The target is kept, marked removed, for its history.
func (s *Store) RemoveTarget(ctx context.Context, id int64, reason string, by auth.Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t Target
		if err := tx.First(&t, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		y, err := openYear(tx, t.Year)
		if err != nil {
			return err
		}
		now := s.now()
		// Marked by hand rather than with GORM's Delete, so that the time
		// is the store's clock like every other stamp.
		if err := tx.Model(&t).Updates(map[string]any{"removed_reason": reason, "removed_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		// A target carried into this one counts again: this one is gone.
		if err := tx.Model(&Target{}).Where("carried_to_id = ?", t.ID).UpdateColumn("carried_to_id", nil).Error; err != nil {
			return err
		}
		tid := t.ID
		if err := record(tx, []Change{{ProjectID: t.ProjectID, TargetID: &tid, Field: FieldUnlisted, OldValue: listingText(t), Reason: reason, Public: true}}, now, by); err != nil {
			return err
		}
		if y.State == Published {
			// The number stays unused: the public may have cited the others.
			number := t.Position
			return addYearEvent(tx, YearEvent{Year: t.Year, Kind: EventTargetRemoved, TargetID: &tid, Name: t.ListedName, Number: &number, Detail: reason}, now, by)
		}
		return renumber(tx, t.Year, nil)
	})
}

// MoveTarget moves a target one place up (-1) or down (+1) among the
// targets of its list and category, in the order of their 序号 (the
// numbers group a year's rows by category, as the year-end table does):
// the two exchange their numbers. In a published list, whose numbers the
// public may have cited, the list's history says so.
func (s *Store) MoveTarget(ctx context.Context, id int64, places int, by auth.Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t Target
		if err := tx.Joins("Project").First(&t, "targets.id = ?", id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		y, err := openYear(tx, t.Year)
		if err != nil {
			return err
		}
		var group []Target
		if err := tx.Where("year = ? AND list = ? AND project_id IN (SELECT id FROM projects WHERE category = ?)", t.Year, t.List, t.Project.Category).
			Order("position").Find(&group).Error; err != nil {
			return err
		}
		order := make([]int64, len(group))
		for i, g := range group {
			order[i] = g.ID
		}
		moved := Moved(order, id, places)
		var neighbour Target
		for i, g := range group {
			if moved[i] == id && g.ID != id {
				neighbour = g
			}
		}
		if neighbour.ID == 0 {
			return nil // first or last already
		}
		// Positions are unique within a year: the target steps out of the
		// way, past the last, while its neighbour takes its place. A
		// position is list maintenance: UpdateColumn leaves updated_at.
		var last int
		if err := tx.Model(&Target{}).Unscoped().Where("year = ?", t.Year).Select("COALESCE(MAX(position), 0)").Scan(&last).Error; err != nil {
			return err
		}
		for _, swap := range []struct {
			id       int64
			position int
		}{{t.ID, last + 1}, {neighbour.ID, t.Position}, {t.ID, neighbour.Position}} {
			if err := tx.Model(&Target{}).Where("id = ?", swap.id).UpdateColumn("position", swap.position).Error; err != nil {
				return err
			}
		}
		if y.State != Published {
			return nil
		}
		tid, from, to := t.ID, t.Position, neighbour.Position
		return addYearEvent(tx, YearEvent{Year: t.Year, Kind: EventTargetMoved, TargetID: &tid, Name: t.ListedName, Number: &to, OldNumber: &from}, s.now(), by)
	})
}

// SetDeadline changes a target's deadline, with the change in the history.
func (s *Store) SetDeadline(ctx context.Context, id int64, deadline civil.Date, by auth.Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t Target
		if err := tx.First(&t, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if t.Deadline == deadline {
			return nil
		}
		if _, err := openYear(tx, t.Year); err != nil {
			return err
		}
		now := s.now()
		if err := tx.Model(&t).Updates(map[string]any{"deadline": deadline, "updated_at": now}).Error; err != nil {
			return err
		}
		tid := t.ID
		return record(tx, []Change{{ProjectID: t.ProjectID, TargetID: &tid, Field: FieldDeadline,
			OldValue: t.Deadline.String(), NewValue: deadline.String(), Public: true}}, now, by)
	})
}

// renumber gives a draft's targets the positions 1, 2, … in the order of
// its lists: the start list, then the completion list, each in the given
// order of target ids, or else in their present order. A published list
// keeps its positions, which are its frozen 序号 (see Number).
func renumber(tx *gorm.DB, year int, orders map[List][]int64) error {
	var targets []Target
	if err := tx.Where("year = ?", year).Order("position").Find(&targets).Error; err != nil {
		return err
	}
	var ids []int64
	for _, list := range []List{StartList, CompleteList} {
		if order, ok := orders[list]; ok {
			ids = append(ids, order...)
			continue
		}
		for _, t := range targets {
			if t.List == list {
				ids = append(ids, t.ID)
			}
		}
	}
	return placeInOrder(tx, targets, ids)
}

// placeInOrder gives targets the positions 1, 2, … in the order of ids;
// an id not among targets is skipped.
func placeInOrder(tx *gorm.DB, targets []Target, ids []int64) error {
	byID := map[int64]bool{}
	for _, t := range targets {
		byID[t.ID] = true
	}
	// Positions are unique within a year: move every target out of the
	// way first, then to its place. A position is list maintenance, not a
	// change of the target: UpdateColumn leaves updated_at as it was
	// (Update would set it, and every project of the year would look
	// freshly updated).
	offset := len(targets) + 1000
	for _, t := range targets {
		if err := tx.Model(&Target{}).Where("id = ?", t.ID).UpdateColumn("position", t.Position+offset).Error; err != nil {
			return err
		}
	}
	position := 0
	for _, id := range ids {
		if !byID[id] {
			continue
		}
		position++
		if err := tx.Model(&Target{}).Where("id = ?", id).UpdateColumn("position", position).Error; err != nil {
			return err
		}
	}
	return nil
}

// Moved returns order with id moved by places (-1 up, +1 down), within
// the bounds of the list; an id not in order leaves it as it is.
func Moved(order []int64, id int64, by int) []int64 {
	out := append([]int64(nil), order...)
	for i, v := range out {
		if v != id {
			continue
		}
		j := i + by
		if j < 0 || j >= len(out) {
			return out
		}
		out[i], out[j] = out[j], out[i]
		return out
	}
	return out
}

// ImportItem is one row of an imported list: a target for an existing
// project (Existing is its id) or for a new project (New).
type ImportItem struct {
	Existing int64
	New      Project
	Target   NewTarget // Year, List, ListedName and Deadline; ProjectID is filled in
}

// ImportList adds the rows of an imported list in one transaction: the new
// projects, then every target in the order of the file, after the targets
// the year already has. On any error nothing is saved. It returns
// ErrNameTaken when a new project's name is taken (someone created it
// after the preview), and ErrAlreadyListed when a target is already on
// its list.
func (s *Store) ImportList(ctx context.Context, items []ImportItem, by auth.Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		targets := make([]NewTarget, 0, len(items))
		// A new project on both lists of the year is two rows of the file
		// and one project.
		created := map[string]int64{}
		for _, item := range items {
			nt := item.Target
			nt.ProjectID = item.Existing
			if id, ok := created[item.New.Name]; ok && item.Existing == 0 {
				nt.ProjectID = id
			} else if item.Existing == 0 {
				p := item.New
				if taken, err := nameTaken(tx, p.Name, 0); err != nil {
					return err
				} else if taken {
					return fmt.Errorf("%w: %s", ErrNameTaken, p.Name)
				}
				p.ID, p.Version, p.CreatedAt, p.UpdatedAt, p.ReportedAt, p.Targets = 0, 1, now, now, now, nil
				if err := tx.Omit("Targets").Create(&p).Error; err != nil {
					return err
				}
				if err := record(tx, []Change{{ProjectID: p.ID, Field: FieldCreated, NewValue: p.Name, Public: true}}, now, by); err != nil {
					return err
				}
				nt.ProjectID = p.ID
				created[p.Name] = p.ID
			}
			targets = append(targets, nt)
		}
		return s.addTargets(tx, targets, by)
	})
}
