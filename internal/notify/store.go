// Package notify keeps people informed without their having to look: a
// personal calendar feed of the deadlines that concern them, a daily digest
// of what is overdue, at risk or stale (on a page, and by e-mail when the
// site has a mail server), and a public Atom feed of status changes.
package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"shuangshi/internal/database"
	"shuangshi/internal/errkind"
)

// ErrNotFound is returned when a calendar token opens nothing: an error of
// the not-found kind.
var ErrNotFound = errkind.New(errkind.NotFound, "not found")

// Store keeps the calendar tokens and which digests were sent.
type Store struct {
	read  *gorm.DB
	write *gorm.DB
	now   func() time.Time
}

// NewStore returns a store on db stamped with now.
func NewStore(db *database.DB, now func() time.Time) *Store {
	return &Store{read: db.Read, write: db.Write, now: func() time.Time { return now().UTC() }}
}

type calendarToken struct {
	UserID    int64 `gorm:"primaryKey"`
	TokenHash string
	CreatedAt time.Time
	// SessionGeneration is the user's when the token was made; the token
	// works only while it is still the user's.
	SessionGeneration int64
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewCalendarToken gives a user a new calendar token, replacing any old
// one, and returns it: it is shown once and stored only as its hash. It
// works while the user's session generation stays the one given.
func (s *Store) NewCalendarToken(ctx context.Context, userID, generation int64) (string, error) {
	token := rand.Text()
	err := s.write.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"token_hash", "created_at", "session_generation"}),
	}).Create(&calendarToken{UserID: userID, TokenHash: hashToken(token), CreatedAt: s.now(), SessionGeneration: generation}).Error
	return token, err
}

// RevokeCalendarToken ends a user's calendar feed.
func (s *Store) RevokeCalendarToken(ctx context.Context, userID int64) error {
	return s.write.WithContext(ctx).Where("user_id = ?", userID).Delete(&calendarToken{}).Error
}

// CalendarSince returns when the user's working calendar token was made,
// or the zero time when they have none: never made, revoked, or ended with
// an older session generation.
func (s *Store) CalendarSince(ctx context.Context, userID, generation int64) (time.Time, error) {
	var tok calendarToken
	err := s.read.WithContext(ctx).Where("user_id = ? AND session_generation = ?", userID, generation).Take(&tok).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return time.Time{}, nil
	}
	return tok.CreatedAt, err
}

// CalendarUser returns the user a calendar token belongs to and the
// session generation it was made in, or ErrNotFound (with the message that
// there is no calendar at this address).
func (s *Store) CalendarUser(ctx context.Context, token string) (userID, generation int64, err error) {
	var tok calendarToken
	err = s.read.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Take(&tok).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, 0, ErrNotFound.WithMessage("error.calendar_not_found")
	}
	return tok.UserID, tok.SessionGeneration, err
}

type digestSent struct {
	UserID int64  `gorm:"primaryKey"`
	Day    string `gorm:"primaryKey"`
	SentAt time.Time
}

func (digestSent) TableName() string { return "digests_sent" }

// ClaimDigest records that a user's digest of a day is being sent, and
// reports whether it was not already: only the first claim of a day wins,
// across restarts and instances.
func (s *Store) ClaimDigest(ctx context.Context, userID int64, day string) (bool, error) {
	res := s.write.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&digestSent{UserID: userID, Day: day, SentAt: s.now()})
	return res.RowsAffected == 1, res.Error
}

// ReleaseDigest withdraws a claim whose sending failed, so that a later
// round tries again.
func (s *Store) ReleaseDigest(ctx context.Context, userID int64, day string) error {
	return s.write.WithContext(ctx).Where("user_id = ? AND day = ?", userID, day).Delete(&digestSent{}).Error
}
