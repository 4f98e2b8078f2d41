package photos

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/auth"
	"shuangshi/internal/database"
	"shuangshi/internal/errkind"
	"shuangshi/internal/projects"
)

// The store's errors.
var (
	ErrNotFound      = errkind.New(errkind.NotFound, "no such photo")
	ErrDailyLimit    = errkind.New(errkind.Invalid, "the project's photos for today are used up")
	ErrStorageFull   = errkind.New(errkind.Invalid, "the photos' storage is full")
	errNoLimitsSaved = errors.New("photo_limits has no row")
)

// The history's fields of a photo's changes (projects.Change.Field); the
// new value is the photo's caption, or the reviewer's comment.
const (
	FieldAdded    = "photo_added"
	FieldHidden   = "photo_hidden"
	FieldShown    = "photo_shown"
	FieldDeleted  = "photo_deleted"
	FieldApproved = "photo_approved"
	FieldReturned = "photo_returned"
)

// listed are the columns of a photo without its bytes.
var listed = []string{"id", "project_id", "caption", "full_hash", "full_width", "full_height", "thumb_hash",
	"thumb_width", "thumb_height", "size", "taken_at", "uploaded_at", "uploaded_by", "uploader_name",
	"state", "review_comment", "reviewed_at", "hidden"}

// row is a photo as stored, with its bytes.
type row struct {
	Photo
	FullBytes  []byte
	ThumbBytes []byte
}

func (row) TableName() string   { return "photos" }
func (Photo) TableName() string { return "photos" }

type limitsRow struct {
	ID int64
	Limits
}

func (limitsRow) TableName() string { return "photo_limits" }

// Store keeps the photos and their limits.
type Store struct {
	read, write *gorm.DB
	now         func() time.Time
	// Review holds new photos for a supervisor's approval.
	Review bool
	// waiting is how many photos wait for review, kept per version of
	// the record: every reviewer's page header shows it.
	waiting *database.Memo[int64]
}

// NewStore returns the photos' store on db.
func NewStore(db *database.DB, now func() time.Time, review bool) *Store {
	s := &Store{read: db.Read, write: db.Write, now: now, Review: review}
	s.waiting = database.NewMemo(db, s.countWaiting)
	return s
}

// Limits returns the limits an administrator set.
func (s *Store) Limits(ctx context.Context) (Limits, error) {
	var l limitsRow
	err := s.read.WithContext(ctx).Where("id = 1").Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Limits{}, errNoLimitsSaved
	}
	return l.Limits, err
}

// SetLimits saves the limits.
func (s *Store) SetLimits(ctx context.Context, l Limits, by auth.Actor) error {
	return s.write.WithContext(ctx).Model(&limitsRow{}).Where("id = 1").Updates(map[string]any{
		"max_file_bytes": l.MaxFileBytes, "per_project_per_day": l.PerProjectPerDay,
		"storage_cap_bytes": l.StorageCapBytes, "updated_at": s.now(), "updated_by": by.Name,
	}).Error
}

// StorageUsed is the bytes all photos' copies take.
func (s *Store) StorageUsed(ctx context.Context) (used int64, count int64, err error) {
	var r struct{ Used, Count int64 }
	err = s.read.WithContext(ctx).Raw("SELECT COALESCE(SUM(size), 0) AS used, COUNT(*) AS count FROM photos").Scan(&r).Error
	return r.Used, r.Count, err
}

// Add stores the processed photos of one upload to a project, all or
// none, with their entries in the project's history. It returns
// ErrDailyLimit when they would take the project past the photos a day
// allows since dayStart, and ErrStorageFull past the storage cap.
func (s *Store) Add(ctx context.Context, projectID int64, caption string, pics []Processed, dayStart time.Time, by auth.Actor) ([]Photo, error) {
	now := s.now()
	state := Pending
	if !s.Review {
		state = Approved
	}
	var added []Photo
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var l limitsRow
		if err := tx.Where("id = 1").Take(&l).Error; err != nil {
			return err
		}
		var today, used int64
		if err := tx.Model(&Photo{}).Where("project_id = ? AND uploaded_at >= ?", projectID, dayStart).Count(&today).Error; err != nil {
			return err
		}
		if today+int64(len(pics)) > int64(l.PerProjectPerDay) {
			return ErrDailyLimit
		}
		if err := tx.Raw("SELECT COALESCE(SUM(size), 0) FROM photos").Scan(&used).Error; err != nil {
			return err
		}
		var size int64
		for _, p := range pics {
			size += int64(len(p.Full) + len(p.Thumb))
		}
		if used+size > l.StorageCapBytes {
			return ErrStorageFull
		}
		var changes []projects.Change
		for _, p := range pics {
			r := row{Photo: Photo{
				ProjectID: projectID, Caption: caption, FullHash: p.FullHash, FullWidth: p.FullWidth, FullHeight: p.FullHeight,
				ThumbHash: p.ThumbHash, ThumbWidth: p.ThumbWidth, ThumbHeight: p.ThumbHeight,
				Size: int64(len(p.Full) + len(p.Thumb)), TakenAt: p.Taken, UploadedAt: now,
				UploaderName: by.Name, State: state,
			}, FullBytes: p.Full, ThumbBytes: p.Thumb}
			if by.UserID != 0 {
				id := by.UserID
				r.UploadedBy = &id
			}
			if err := tx.Create(&r).Error; err != nil {
				return err
			}
			added = append(added, r.Photo)
			changes = append(changes, projects.Change{ProjectID: projectID, Field: FieldAdded, NewValue: captionOrHash(r.Photo)})
		}
		return projects.Record(tx, changes, now, by)
	})
	return added, err
}

func captionOrHash(p Photo) string {
	if p.Caption != "" {
		return p.Caption
	}
	return p.FullHash[:12]
}

// Photo returns a photo, without its bytes, or ErrNotFound.
func (s *Store) Photo(ctx context.Context, id int64) (Photo, error) {
	var p Photo
	err := s.read.WithContext(ctx).Select(listed).Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, ErrNotFound
	}
	return p, err
}

// OfProject returns a project's photos, the newest first by the date on
// the timeline: every one for staff, the public ones for the public.
func (s *Store) OfProject(ctx context.Context, projectID int64, publicOnly bool) ([]Photo, error) {
	q := s.read.WithContext(ctx).Select(listed).Where("project_id = ?", projectID)
	if publicOnly {
		q = s.public(q)
	}
	var ps []Photo
	err := q.Order("COALESCE(taken_at, uploaded_at) DESC, id DESC").Find(&ps).Error
	return ps, err
}

// PublicOf returns the public photos of the projects, by project, each
// project's newest first: one read for a whole package of open data.
func (s *Store) PublicOf(ctx context.Context, projectIDs []int64) (map[int64][]Photo, error) {
	out := map[int64][]Photo{}
	for len(projectIDs) > 0 {
		// In slices, within what SQLite takes as the parameters of one
		// statement.
		batch := projectIDs[:min(len(projectIDs), 500)]
		projectIDs = projectIDs[len(batch):]
		var ps []Photo
		err := s.public(s.read.WithContext(ctx).Select(listed).Where("project_id IN ?", batch)).
			Order("COALESCE(taken_at, uploaded_at) DESC, id DESC").Find(&ps).Error
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ProjectID] = append(out[p.ProjectID], p)
		}
	}
	return out, nil
}

// public narrows q to the photos the public sees (Photo.Public).
func (s *Store) public(q *gorm.DB) *gorm.DB {
	q = q.Where("NOT hidden")
	if s.Review {
		return q.Where("state = ?", Approved)
	}
	return q.Where("state <> ?", Returned)
}

// File is a served copy's bytes, and whether the public may read it.
type File struct {
	Bytes  []byte
	Public bool
}

// File returns the copy whose SHA-256 is hash, or ErrNotFound.
func (s *Store) File(ctx context.Context, hash string) (File, error) {
	var matches []Photo
	err := s.read.WithContext(ctx).Select(listed).Where("full_hash = ? OR thumb_hash = ?", hash, hash).Limit(20).Find(&matches).Error
	if err != nil {
		return File{}, err
	}
	if len(matches) == 0 {
		return File{}, ErrNotFound
	}
	best := matches[0]
	for _, m := range matches {
		if m.Public(s.Review) {
			best = m
			break
		}
	}
	column := "full_bytes"
	if best.ThumbHash == hash {
		column = "thumb_bytes"
	}
	var b []byte
	if err := s.read.WithContext(ctx).Model(&Photo{}).Select(column).Where("id = ?", best.ID).Row().Scan(&b); err != nil {
		return File{}, err
	}
	return File{Bytes: b, Public: best.Public(s.Review)}, nil
}

// SetHidden hides a photo from the public, or shows it again, with the
// change in the project's history.
func (s *Store) SetHidden(ctx context.Context, id int64, hidden bool, by auth.Actor) (Photo, error) {
	var p Photo
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select(listed).Where("id = ?", id).Take(&p).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if p.Hidden == hidden {
			return nil
		}
		if err := tx.Model(&Photo{}).Where("id = ?", id).Update("hidden", hidden).Error; err != nil {
			return err
		}
		field := FieldShown
		if hidden {
			field = FieldHidden
		}
		p.Hidden = hidden
		return projects.Record(tx, []projects.Change{{ProjectID: p.ProjectID, Field: field, NewValue: captionOrHash(p)}}, s.now(), by)
	})
	return p, err
}

// Delete removes a photo and its bytes, with the deletion in the
// project's history.
func (s *Store) Delete(ctx context.Context, id int64, by auth.Actor) (Photo, error) {
	var p Photo
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select(listed).Where("id = ?", id).Take(&p).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if err := tx.Where("id = ?", id).Delete(&Photo{}).Error; err != nil {
			return err
		}
		return projects.Record(tx, []projects.Change{{ProjectID: p.ProjectID, Field: FieldDeleted, NewValue: captionOrHash(p)}}, s.now(), by)
	})
	return p, err
}

// Waiting returns the photos waiting for review, the longest waiting
// first, at most limit, and how many wait in all.
func (s *Store) Waiting(ctx context.Context, limit int) ([]Photo, int64, error) {
	var n int64
	q := s.read.WithContext(ctx).Model(&Photo{}).Where("state = ?", Pending)
	if err := q.Count(&n).Error; err != nil || n == 0 {
		return nil, n, err
	}
	var ps []Photo
	err := s.read.WithContext(ctx).Select(listed).Where("state = ?", Pending).Order("uploaded_at, id").Limit(limit).Find(&ps).Error
	return ps, n, err
}

// WaitingCount is how many photos wait for review.
func (s *Store) WaitingCount(ctx context.Context) (int64, error) { return s.waiting.Get(ctx) }

func (s *Store) countWaiting(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&Photo{}).Where("state = ?", Pending).Count(&n).Error
	return n, err
}

// Approve publishes the photos given that still wait, and returns how
// many it approved; each approval is in its project's history.
func (s *Store) Approve(ctx context.Context, ids []int64, by auth.Actor) (int, error) {
	return s.decide(ctx, ids, Approved, "", by)
}

// Return sends a waiting photo back with the reviewer's comment. It
// returns ErrNotFound when the photo no longer waits.
func (s *Store) Return(ctx context.Context, id int64, comment string, by auth.Actor) error {
	n, err := s.decide(ctx, []int64{id}, Returned, comment, by)
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return err
}

func (s *Store) decide(ctx context.Context, ids []int64, state State, comment string, by auth.Actor) (int, error) {
	decided := 0
	now := s.now()
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, id := range ids {
			var p Photo
			if err := tx.Select(listed).Where("id = ? AND state = ?", id, Pending).Take(&p).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				continue // decided meanwhile, or deleted
			} else if err != nil {
				return err
			}
			err := tx.Model(&Photo{}).Where("id = ?", id).Updates(map[string]any{
				"state": state, "review_comment": comment, "reviewed_at": now,
			}).Error
			if err != nil {
				return err
			}
			field, value := FieldApproved, captionOrHash(p)
			if state == Returned {
				field, value = FieldReturned, comment
			}
			if err := projects.Record(tx, []projects.Change{{ProjectID: p.ProjectID, Field: field, NewValue: value}}, now, by); err != nil {
				return err
			}
			decided++
		}
		return nil
	})
	return decided, err
}
