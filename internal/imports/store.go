package imports

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/database"
)

// ErrNotFound is returned for an upload that does not exist.
var ErrNotFound = errors.New("not found")

// Upload is a spreadsheet kept between its preview and the confirmation:
// the confirmation reads the same bytes the preview showed.
type Upload struct {
	ID        int64
	Year      int
	FileName  string
	Content   []byte
	CreatedBy *int64
	CreatedAt time.Time
	AppliedAt *time.Time
	AppliedBy *int64
}

// TableName is the uploads' table.
func (Upload) TableName() string { return "imports" }

// Store keeps the uploads.
type Store struct {
	read  *gorm.DB
	write *gorm.DB
	now   func() time.Time
}

// NewStore returns a store on db stamped with now.
func NewStore(db *database.DB, now func() time.Time) *Store {
	return &Store{read: db.Read, write: db.Write, now: func() time.Time { return now().UTC() }}
}

// Save keeps an upload and returns it with its id.
func (s *Store) Save(ctx context.Context, u Upload) (Upload, error) {
	u.ID, u.CreatedAt, u.AppliedAt, u.AppliedBy = 0, s.now(), nil, nil
	err := s.write.WithContext(ctx).Create(&u).Error
	return u, err
}

// Upload returns an upload, or ErrNotFound.
func (s *Store) Upload(ctx context.Context, id int64) (Upload, error) {
	var u Upload
	err := s.read.WithContext(ctx).Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrNotFound
	}
	return u, err
}

// MarkApplied records that an upload was imported, and by whom.
func (s *Store) MarkApplied(ctx context.Context, id int64, by *int64) error {
	return s.write.WithContext(ctx).Model(&Upload{}).Where("id = ? AND applied_at IS NULL", id).
		Updates(map[string]any{"applied_at": s.now(), "applied_by": by}).Error
}
