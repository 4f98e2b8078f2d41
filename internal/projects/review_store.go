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

	"shuangshi/internal/auth"
	"shuangshi/internal/errkind"
)

// ErrReviewStale is returned when a review decision is made on a version
// of a project that is no longer the newest, or no longer waits: the
// reviewer must see what is there now.
var ErrReviewStale = errkind.New(errkind.Conflict, "the project changed since it was shown for review")

// reviewed makes targets, each with its project, what the public reads:
// under review, as last approved. It changes them in place: a year's
// targets are thousands, and a copy doubled what reading them held.
func (s *Store) reviewed(targets []Target) error {
	if !s.ReviewBeforePublication {
		return nil
	}
	for i, t := range targets {
		var err error
		if targets[i], err = publicTarget(t); err != nil {
			return err
		}
	}
	return nil
}

// heldForReview is what a save held for review writes beside the
// project's fields: its review state, and, on the first change held, the
// public fields as last approved.
type heldForReview struct {
	approved string // JSON of Approved; empty when the column already holds it
}

// holdForReview makes a save of changes, from the project as stored
// (before), wait for review: its changes to public fields go into the
// history for staff only, to be published by the approval, and the public
// keeps reading the version last approved. It returns the changes to
// record, and what to write with the save (nil when no public field
// changed: nothing to review).
func holdForReview(before Project, changes []Change) ([]Change, *heldForReview, error) {
	held := slices.Clone(changes)
	public := false
	for i := range held {
		if held[i].Public {
			public, held[i].Public = true, false
		}
	}
	if !public {
		return changes, nil, nil // internal fields only: nothing to review
	}
	review := &heldForReview{}
	if before.ApprovedJSON == "" {
		// The first change under review: what the public has read until
		// now is the version it keeps reading.
		approved, err := json.Marshal(ApprovedOf(before, before.LastChanged()))
		if err != nil {
			return nil, nil, err
		}
		review.approved = string(approved)
	}
	return held, review, nil
}

// ReviewItem is a project waiting for review: its public fields as the
// public reads them and as they would be published, who changed them and
// when.
type ReviewItem struct {
	Project Project // as stored now, with its targets
	// Changes are what approving publishes: each public field's value as
	// the public reads it (Old) and as it would become (New).
	Changes []Change
	Editors []string  // who changed the public fields since the last decision
	Changed time.Time // when they last did
}

// ReviewQueue returns the projects waiting for review, the longest waiting
// first, at most limit of them, and how many wait in all.
func (s *Store) ReviewQueue(ctx context.Context, limit int) ([]ReviewItem, int, error) {
	db := s.read.WithContext(ctx)
	var waiting int64
	if err := db.Model(&Project{}).Where("review_state = ?", AwaitingReview).Count(&waiting).Error; err != nil {
		return nil, 0, err
	}
	var pending []Project
	err := db.Preload("Targets", func(db *gorm.DB) *gorm.DB { return db.Order("year, position") }).
		Where("review_state = ?", AwaitingReview).Order("reported_at, id").Limit(limit).Find(&pending).Error
	if err != nil {
		return nil, 0, err
	}
	// Who changed each one's public fields since its last decision, in
	// one read for the whole page.
	ids := make([]int64, len(pending))
	for i, p := range pending {
		ids[i] = p.ID
	}
	var edits []Change
	err = db.Where(`project_id IN ? AND NOT public AND field IN ? AND id > COALESCE(
			(SELECT MAX(decision.id) FROM changes decision WHERE decision.project_id = changes.project_id AND decision.field IN ?), 0)`,
		ids, reviewedFields(), []string{FieldApproved, FieldReturned}).Order("at, id").Find(&edits).Error
	if err != nil {
		return nil, 0, err
	}
	byProject := map[int64][]Change{}
	for _, e := range edits {
		byProject[e.ProjectID] = append(byProject[e.ProjectID], e)
	}
	items := make([]ReviewItem, 0, len(pending))
	for _, p := range pending {
		item := ReviewItem{Project: p}
		if item.Changes, err = PublicChanges(p); err != nil {
			return nil, 0, err
		}
		reports, err := unapprovedReports(db, p.ID)
		if err != nil {
			return nil, 0, err
		}
		item.Changes = append(item.Changes, reports...)
		for _, e := range byProject[p.ID] {
			if !slices.Contains(item.Editors, e.UserName) {
				item.Editors = append(item.Editors, e.UserName)
			}
			item.Changed = e.At
		}
		items = append(items, item)
	}
	return items, int(waiting), nil
}

// ReviewCount is how many projects wait for review.
func (s *Store) ReviewCount(ctx context.Context) (int, error) { return s.waiting.Get(ctx) }

func (s *Store) countReviews(ctx context.Context) (int, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&Project{}).Where("review_state = ?", AwaitingReview).Count(&n).Error
	return int(n), err
}

// Approve publishes version of a project: the public reads its public
// fields as they are in that version from now on, and the history keeps
// who approved it, when, and each public change it published. It returns
// ErrReviewStale when the project is no longer at that version or no
// longer waits for review, and publishes nothing then.
func (s *Store) Approve(ctx context.Context, projectID, version int64, by auth.Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := waiting(tx, projectID, version)
		if err != nil {
			return err
		}
		published, err := PublicChanges(p)
		if err != nil {
			return err
		}
		reports, err := unapprovedReports(tx, p.ID)
		if err != nil {
			return err
		}
		published = append(published, reports...)
		approved, err := json.Marshal(ApprovedOf(p, s.now()))
		if err != nil {
			return err
		}
		res := tx.Model(&Project{}).Where("id = ? AND version = ?", p.ID, version).
			UpdateColumns(map[string]any{"approved": string(approved), "approved_version": version, "review_state": Reviewed})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrReviewStale
		}
		if err := tx.Model(&MonthlyReport{}).Where("project_id = ? AND NOT approved", p.ID).Update("approved", true).Error; err != nil {
			return err
		}
		decision := Change{ProjectID: p.ID, Field: FieldApproved, NewValue: strconv.FormatInt(version, 10)}
		return record(tx, append(published, decision), s.now(), by)
	})
}

// Return sends version of a project back to its engineers with the
// reviewer's comment: it leaves the queue until they change it again, and
// the public keeps reading the version last approved. It returns
// ErrReviewStale as Approve does.
func (s *Store) Return(ctx context.Context, projectID, version int64, comment string, by auth.Actor) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := waiting(tx, projectID, version)
		if err != nil {
			return err
		}
		res := tx.Model(&Project{}).Where("id = ? AND version = ?", p.ID, version).UpdateColumn("review_state", Returned)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrReviewStale
		}
		return record(tx, []Change{{ProjectID: p.ID, Field: FieldReturned, NewValue: comment}}, s.now(), by)
	})
}

// waiting reads a project waiting for review at version, with its targets.
func waiting(tx *gorm.DB, projectID, version int64) (Project, error) {
	var p Project
	err := tx.Preload("Targets", func(db *gorm.DB) *gorm.DB { return db.Order("year, position") }).First(&p, projectID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Project{}, ErrNotFound.WithMessage("error.project_not_found", "ID", projectID)
	}
	if err != nil {
		return Project{}, err
	}
	if p.Version != version || p.ReviewState != AwaitingReview {
		return Project{}, ErrReviewStale
	}
	return p, nil
}

// Returns returns the reviewer's comment on each of the projects that
// was returned and not changed since, by project id.
func (s *Store) Returns(ctx context.Context, projectIDs []int64) (map[int64]Change, error) {
	out := map[int64]Change{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	var returns []Change
	err := s.read.WithContext(ctx).Where(`field = ? AND project_id IN (SELECT id FROM projects WHERE review_state = ? AND id IN ?)`,
		FieldReturned, Returned, projectIDs).Order("at, id").Find(&returns).Error
	if err != nil {
		return nil, fmt.Errorf("returned projects: %w", err)
	}
	for _, r := range returns {
		out[r.ProjectID] = r // the newest last
	}
	return out, nil
}

// reviewedFields are the fields of the edit form the public reads, which
// a review publishes.
func reviewedFields() []string {
	return []string{FieldPlannedStart, FieldPlannedCompletion, FieldActualStart, FieldActualCompletion,
		FieldPercent, FieldProgress, FieldOutcome, FieldTotalInvestment, FieldPlannedInvestment, FieldMonthlyReport}
}
