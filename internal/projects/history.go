package projects

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/auth"
	"shuangshi/internal/errkind"
)

// ErrConflict is returned by SaveEdit when the project changed since the
// version the edit was made from.
var ErrConflict = errkind.New(errkind.Conflict, "the project was changed by someone else")

// SaveEdit saves a checked edit made from version of the project, with its
// history, in one transaction, and returns the project as saved. It
// returns ErrConflict, and saves nothing, when the project is no longer at
// that version. An edit that changes nothing saves nothing.
func (s *Store) SaveEdit(ctx context.Context, edit Edit, version int64, by auth.Actor) (Project, error) {
	p := edit.Project
	if len(edit.Changes) == 0 {
		return p, nil
	}
	now := s.now()
	changes := edit.Changes
	var review *heldForReview
	if s.ReviewBeforePublication {
		// edit.Before is the project at version, which the update of
		// the project requires it still is.
		var err error
		if changes, review, err = holdForReview(edit.Before, changes); err != nil {
			return Project{}, err
		}
	}
	// The statements are made before the transaction: on SQLite it runs in
	// the writer's turn (see database.groups), which every other writer
	// waits for.
	project := projectUpdate(p, version, now, review)
	targets := targetUpdates(p, edit.Changes, now)
	history := historyInsert(changes, now, by)
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(project.sql, project.values...)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		if err := savePlans(tx, edit.Before, p); err != nil {
			return err
		}
		for _, target := range targets {
			if err := tx.Exec(target.sql, target.values...).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec(history.sql, history.values...).Error; err != nil {
			return fmt.Errorf("history: %w", err)
		}
		return nil
	})
	if err != nil {
		return Project{}, err
	}
	// As a read would find it: one version on, changed now.
	p.Version, p.UpdatedAt, p.ReportedAt = version+1, now, now
	if review != nil {
		p.ReviewState = AwaitingReview
		if review.approved != "" {
			p.ApprovedJSON = review.approved
		}
	}
	p.Targets = slices.Clone(p.Targets)
	for i, t := range p.Targets {
		for _, c := range edit.Changes {
			if c.TargetID != nil && *c.TargetID == t.ID {
				p.Targets[i].UpdatedAt = now
			}
		}
	}
	return p, nil
}

// projectUpdate is the statement that saves the edited fields of p, made
// from version, as changed at now; held for review, it marks p as
// awaiting review too. It changes no row when p is no longer at version.
func projectUpdate(p Project, version int64, now time.Time, review *heldForReview) statement {
	sql := "UPDATE projects SET planned_start = ?, planned_completion = ?, actual_start = ?, actual_completion = ?, " +
		"original_planned_start = ?, original_planned_completion = ?, percent_complete = ?, delay_reason = ?, " +
		"internal_note = ?, total_investment = ?, version = version + 1, updated_at = ?, reported_at = ?"
	values := []any{p.PlannedStart, p.PlannedCompletion, p.ActualStart, p.ActualCompletion,
		p.OriginalPlannedStart, p.OriginalPlannedCompletion, p.PercentComplete, p.DelayReason,
		p.InternalNote, p.TotalInvestment, now, now}
	if review != nil {
		sql += ", review_state = ?"
		values = append(values, AwaitingReview)
		if review.approved != "" {
			sql += ", approved = ?"
			values = append(values, review.approved)
		}
	}
	return statement{sql: sql + " WHERE id = ? AND version = ?", values: append(values, p.ID, version)}
}

// targetUpdates are the statements that save the targets of p that changes
// change, as changed at now. Each sets only the columns that changed: an
// outcome written again would be taken out of and put back into the index
// of open targets, a page more for every save to write and commit.
func targetUpdates(p Project, changes []Change, now time.Time) []statement {
	progress, outcome := map[int64]bool{}, map[int64]bool{}
	for _, c := range changes {
		switch {
		case c.TargetID == nil:
		case c.Field == FieldProgress:
			progress[*c.TargetID] = true
		case c.Field == FieldOutcome: // the history's outcome says whether by hand
			outcome[*c.TargetID] = true
		}
	}
	var updates []statement
	for _, t := range p.Targets {
		if !progress[t.ID] && !outcome[t.ID] {
			continue
		}
		sql, values := "UPDATE targets SET updated_at = ?", []any{now}
		if progress[t.ID] {
			sql += ", progress = ?"
			values = append(values, t.Progress)
		}
		if outcome[t.ID] {
			sql += ", outcome = ?, outcome_by_hand = ?"
			values = append(values, t.Outcome, t.OutcomeByHand)
		}
		updates = append(updates, statement{sql: sql + " WHERE id = ? AND project_id = ?", values: append(values, t.ID, p.ID)})
	}
	return updates
}

// Changes returns a project's history, newest first: every change, or only
// those the public sees.
func (s *Store) Changes(ctx context.Context, projectID int64, publicOnly bool) ([]Change, error) {
	q := s.read.WithContext(ctx).Where("project_id = ?", projectID).Order("at DESC, id DESC")
	if publicOnly {
		q = q.Where("public")
	}
	var changes []Change
	return changes, q.Find(&changes).Error
}

// LastChange returns the newest change of a project, or ErrNotFound when it
// has none.
func (s *Store) LastChange(ctx context.Context, projectID int64) (Change, error) {
	var c Change
	err := s.read.WithContext(ctx).Where("project_id = ?", projectID).Order("at DESC, id DESC").Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, ErrNotFound
	}
	return c, err
}

// StatusChange is a public change of an outcome or a progress text, with
// the project and the target it concerns.
type StatusChange struct {
	Change
	ProjectName   string // as the list names it
	ProjectNameEn string
	Year          int
	List          List
}

// StatusChanges returns the newest public changes of outcomes and progress
// texts, newest first, at most limit of them.
func (s *Store) StatusChanges(ctx context.Context, limit int) ([]StatusChange, error) {
	var rows []StatusChange
	err := s.read.WithContext(ctx).Table("changes").
		Select("changes.*, targets.listed_name AS project_name, projects.name_en AS project_name_en, targets.year, targets.list").
		Joins("JOIN targets ON targets.id = changes.target_id").
		Joins("JOIN projects ON projects.id = targets.project_id").
		// The feed is public: a draft's targets are not.
		Joins("JOIN year_lists ON year_lists.year = targets.year AND year_lists.state IN ?", ThePublic.states()).
		Where("changes.public AND changes.field IN ?", []string{FieldOutcome, FieldProgress}).
		Order("changes.at DESC, changes.id DESC").Limit(limit).Scan(&rows).Error
	return rows, err
}
