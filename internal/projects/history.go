package projects

import (
	"context"
	"errors"
	"maps"
	"slices"

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
	var review map[string]any
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.ReviewBeforePublication {
			// edit.Before is the project at version, which the update
			// below requires it still is.
			var err error
			if changes, review, err = holdForReview(edit.Before, changes); err != nil {
				return err
			}
		}
		columns := map[string]any{
			"planned_start":               p.PlannedStart,
			"planned_completion":          p.PlannedCompletion,
			"actual_start":                p.ActualStart,
			"actual_completion":           p.ActualCompletion,
			"original_planned_start":      p.OriginalPlannedStart,
			"original_planned_completion": p.OriginalPlannedCompletion,
			"percent_complete":            p.PercentComplete,
			"delay_reason":                p.DelayReason,
			"internal_note":               p.InternalNote,
			"total_investment":            p.TotalInvestment,
			"version":                     gorm.Expr("version + 1"),
			"updated_at":                  now,
			"reported_at":                 now,
		}
		maps.Copy(columns, review)
		res := tx.Model(&Project{}).Where("id = ? AND version = ?", p.ID, version).Updates(columns)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		if err := savePlans(tx, edit.Before, p); err != nil {
			return err
		}
		changedTargets := map[int64]bool{}
		for _, c := range edit.Changes {
			if c.TargetID != nil {
				changedTargets[*c.TargetID] = true
			}
		}
		for _, t := range p.Targets {
			if !changedTargets[t.ID] {
				continue
			}
			err := tx.Model(&Target{}).Where("id = ? AND project_id = ?", t.ID, p.ID).Updates(map[string]any{
				"progress": t.Progress, "outcome": t.Outcome, "outcome_by_hand": t.OutcomeByHand, "updated_at": now,
			}).Error
			if err != nil {
				return err
			}
		}
		return record(tx, slices.Clone(changes), now, by)
	})
	if err != nil {
		return Project{}, err
	}
	// As a read would find it: one version on, changed now.
	p.Version, p.UpdatedAt, p.ReportedAt = version+1, now, now
	if review != nil {
		p.ReviewState = AwaitingReview
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
