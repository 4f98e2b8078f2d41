package imports

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/database"
	"shuangshi/internal/errkind"
)

// ErrNotFound is returned for an upload that does not exist: an error of
// the not-found kind.
var ErrNotFound = errkind.New(errkind.NotFound, "not found")

// Upload is a spreadsheet kept between its preview and the confirmation,
// as read when it was uploaded: every view of the preview, and the
// confirmation, work from the same rows without reading the file again.
type Upload struct {
	ID       int64
	Year     int
	FileName string
	// Sheet is what Parse read from the file. It is nil for an upload
	// kept before sheets were (migration 00012), which kept the file in
	// Content instead, until its preview reads it once (see KeepSheet).
	Sheet     *Sheet `gorm:"serializer:json"`
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

// Save keeps an upload and returns it with its id. It keeps the sheet,
// not the file's content.
func (s *Store) Save(ctx context.Context, u Upload) (Upload, error) {
	u.ID, u.Content, u.CreatedAt, u.AppliedAt, u.AppliedBy = 0, nil, s.now(), nil, nil
	err := s.write.WithContext(ctx).Create(&u).Error
	return u, err
}

// KeepSheet keeps the sheet read from an older upload's file in place of
// the file.
func (s *Store) KeepSheet(ctx context.Context, id int64, sheet Sheet) error {
	return s.write.WithContext(ctx).Model(&Upload{ID: id}).Select("sheet", "content").
		Updates(&Upload{Sheet: &sheet}).Error
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
