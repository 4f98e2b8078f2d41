package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"
)

// sessionRecord is a signed-in session as the database keeps it.
type sessionRecord struct {
	ID         string // SHA-256 of the cookie's session id, hex
	UserID     int64
	Generation int64
	CreatedAt  time.Time
	SeenAt     time.Time
	Address    string
}

func (sessionRecord) TableName() string { return "sessions" }

// hashSessionID is what the database stores of a session id.
func hashSessionID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// createSession records a new session of user, and removes the sessions
// that expired: not seen since idleCutoff or created before lifeCutoff.
func (s *Store) createSession(ctx context.Context, id string, user User, address string, idleCutoff, lifeCutoff time.Time) error {
	now := s.now()
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("seen_at < ? OR created_at < ?", idleCutoff.UTC(), lifeCutoff.UTC()).Delete(&sessionRecord{}).Error; err != nil {
			return err
		}
		return tx.Create(&sessionRecord{
			ID: hashSessionID(id), UserID: user.ID, Generation: user.SessionGeneration,
			CreatedAt: now, SeenAt: now, Address: address,
		}).Error
	})
}

// sessionUser returns a session and its user, or ErrNotFound when the
// session has ended.
func (s *Store) sessionUser(ctx context.Context, id string) (sessionRecord, User, error) {
	var row sessionWithUser
	err := s.read.WithContext(ctx).Joins("User").Where("sessions.id = ?", hashSessionID(id)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sessionRecord{}, User{}, ErrNotFound
	}
	rec := sessionRecord{ID: row.ID, UserID: row.UserID, Generation: row.Generation, CreatedAt: row.CreatedAt, SeenAt: row.SeenAt, Address: row.Address}
	return rec, row.User, err
}

// sessionWithUser is a session with its user, read in one statement: every
// signed-in request reads both. Its user is GORM's relation, which the
// sessionRecord that is written does not carry.
type sessionWithUser struct {
	ID         string
	UserID     int64
	Generation int64
	CreatedAt  time.Time
	SeenAt     time.Time
	Address    string
	User       User `gorm:"foreignKey:UserID"`
}

func (sessionWithUser) TableName() string { return "sessions" }

// touchSession records that the session made a request now.
func (s *Store) touchSession(ctx context.Context, id string) error {
	return s.write.WithContext(ctx).Model(&sessionRecord{}).Where("id = ?", hashSessionID(id)).
		Update("seen_at", s.now()).Error
}

// deleteSession ends one session.
func (s *Store) deleteSession(ctx context.Context, id string) error {
	return s.write.WithContext(ctx).Where("id = ?", hashSessionID(id)).Delete(&sessionRecord{}).Error
}
