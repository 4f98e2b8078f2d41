package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/auth"
	"shuangshi/internal/database"
	"shuangshi/internal/projects"
)

// The history's fields of a document: added, approved for the public,
// deleted; the value is the document's title.
const (
	FieldAdded     = "document_added"
	FieldPublished = "document_published"
	FieldDeleted   = "document_deleted"
)

// listed are the columns of a document without its file.
var listed = []string{"id", "project_id", "target_id", "kind", "title", "size", "sha256", "visibility",
	"uploaded_by", "uploaded_by_name", "created_at", "published_at"}

// Store keeps the documents.
type Store struct {
	read  *gorm.DB
	write *gorm.DB
	now   func() time.Time
	// ReviewBeforePublication makes a document marked public wait for a
	// supervisor's or an administrator's approval before the public reads
	// it, as the project's public fields do.
	ReviewBeforePublication bool
}

// NewStore returns a store on db stamped with now.
func NewStore(db *database.DB, now func() time.Time) *Store {
	return &Store{read: db.Read, write: db.Write, now: func() time.Time { return now().UTC() }}
}

// Add keeps document d with its file, which CheckPDF has passed, and its
// addition in the project's history, in one transaction. A document
// marked public waits for approval under review before publication. It
// returns the document as kept, without its file.
func (s *Store) Add(ctx context.Context, d Document, content []byte, by auth.Actor) (Document, error) {
	sum := sha256.Sum256(content)
	now := s.now()
	d.ID, d.Content, d.Size, d.SHA256, d.CreatedAt, d.PublishedAt = 0, content, int64(len(content)), hex.EncodeToString(sum[:]), now, nil
	d.UploadedByName = by.Name
	if by.UserID != 0 {
		id := by.UserID
		d.UploadedBy = &id
	}
	switch {
	case d.Visibility == Public && s.ReviewBeforePublication:
		d.Visibility = Waiting
	case d.Visibility == Public:
		d.PublishedAt = &now
	default:
		d.Visibility = StaffOnly
	}
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&d).Error; err != nil {
			return err
		}
		return projects.Record(tx, []projects.Change{{
			ProjectID: d.ProjectID, TargetID: &d.TargetID, Field: FieldAdded, NewValue: d.Title, Public: d.Visibility == Public,
		}}, now, by)
	})
	d.Content = nil
	return d, err
}

// Document returns a document without its file, or ErrNotFound.
func (s *Store) Document(ctx context.Context, id int64) (Document, error) {
	var d Document
	err := s.read.WithContext(ctx).Select(listed).Take(&d, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, ErrNotFound
	}
	return d, err
}

// Content returns a document's file, or ErrNotFound.
func (s *Store) Content(ctx context.Context, id int64) ([]byte, error) {
	var d Document
	err := s.read.WithContext(ctx).Select("content").Take(&d, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return d.Content, err
}

// OfProjects returns the documents of the projects, without their files,
// the oldest first: all of them, or those the public reads.
func (s *Store) OfProjects(ctx context.Context, projectIDs []int64, publicOnly bool) ([]Document, error) {
	if len(projectIDs) == 0 {
		return nil, nil
	}
	q := s.read.WithContext(ctx).Select(listed).Where("project_id IN ?", projectIDs)
	if publicOnly {
		q = q.Where("visibility = ?", Public)
	}
	var ds []Document
	return ds, q.Order("created_at, id").Find(&ds).Error
}

// Waiting returns the documents that wait for approval, the longest
// waiting first.
func (s *Store) Waiting(ctx context.Context) ([]Document, error) {
	var ds []Document
	return ds, s.read.WithContext(ctx).Select(listed).Where("visibility = ?", Waiting).Order("created_at, id").Find(&ds).Error
}

// Publish approves a waiting document for the public, recorded in the
// history. It returns ErrNotFound for no such document and ErrNotWaiting
// for one that does not wait (approved or deleted since it was shown).
func (s *Store) Publish(ctx context.Context, id int64, by auth.Actor) (Document, error) {
	var d Document
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select(listed).Take(&d, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		now := s.now()
		res := tx.Model(&Document{}).Where("id = ? AND visibility = ?", id, Waiting).
			Updates(map[string]any{"visibility": Public, "published_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotWaiting
		}
		d.Visibility, d.PublishedAt = Public, &now
		return projects.Record(tx, []projects.Change{{
			ProjectID: d.ProjectID, TargetID: &d.TargetID, Field: FieldPublished, NewValue: d.Title, Public: true,
		}}, now, by)
	})
	return d, err
}

// Delete removes a document and its file for good, and records the
// deletion in the project's history (public when the public read it). It
// returns ErrNotFound for no such document.
func (s *Store) Delete(ctx context.Context, id int64, by auth.Actor) (Document, error) {
	var d Document
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select(listed).Take(&d, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		res := tx.Delete(&Document{}, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return projects.Record(tx, []projects.Change{{
			ProjectID: d.ProjectID, TargetID: &d.TargetID, Field: FieldDeleted, OldValue: d.Title, Public: d.Visibility == Public,
		}}, s.now(), by)
	})
	return d, err
}

// PublicOf returns the public documents of the projects ps, as their
// reader reads them: those on a target among each project's targets
// (none of a draft the reader does not see, nor of a target taken off
// its list), the oldest first.
func (s *Store) PublicOf(ctx context.Context, ps []projects.Project) ([]Document, error) {
	ids := make([]int64, 0, len(ps))
	targets := map[int64]bool{}
	for _, p := range ps {
		ids = append(ids, p.ID)
		for _, t := range p.Targets {
			targets[t.ID] = true
		}
	}
	docs, err := s.OfProjects(ctx, ids, true)
	if err != nil {
		return nil, err
	}
	shown := docs[:0]
	for _, d := range docs {
		if targets[d.TargetID] {
			shown = append(shown, d)
		}
	}
	return shown, nil
}
