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
	var rec sessionRecord
	err := s.read.WithContext(ctx).Where("id = ?", hashSessionID(id)).Take(&rec).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return rec, User{}, ErrNotFound
	}
	if err != nil {
		return rec, User{}, err
	}
	user, err := s.UserByID(ctx, rec.UserID)
	return rec, user, err
}

// touchSession records that the session made a request now.
func (s *Store) touchSession(ctx context.Context, id string) error {
	return s.write.WithContext(ctx).Model(&sessionRecord{}).Where("id = ?", hashSessionID(id)).
		Update("seen_at", s.now()).Error
}

// deleteSession ends one session.
func (s *Store) deleteSession(ctx context.Context, id string) error {
	return s.write.WithContext(ctx).Where("id = ?", hashSessionID(id)).Delete(&sessionRecord{}).Error
}
