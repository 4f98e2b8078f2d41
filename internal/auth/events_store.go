package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/database"
)

// Log writes an entry of the security log on its own, for events that change
// no account: sign-ins, sign-outs. Repeated failures and refusals go through
// a Tally instead.
func (s *Store) Log(ctx context.Context, by Actor, action Action, subject *User, detail string) error {
	return s.log(s.write.WithContext(ctx), by.event(action, subject, detail, s.now()))
}

func (s *Store) log(tx *gorm.DB, e Event) error {
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("security log: %w", err)
	}
	return nil
}

// Events returns the newest entries of the security log, newest first; only
// those about one user when subjectID is not zero.
func (s *Store) Events(ctx context.Context, subjectID int64, limit int) ([]Event, error) {
	return s.SearchEvents(ctx, EventFilter{UserID: subjectID}, 0, limit)
}

// EventFilter picks entries of the security log; zero fields pick all.
type EventFilter struct {
	// UserID picks the entries by or about one user.
	UserID int64
	Action Action
	// Who picks the entries whose actor, subject or address is this text
	// (a username or an address as the log shows them).
	Who string
}

func (f EventFilter) apply(q *gorm.DB) *gorm.DB {
	if f.UserID != 0 {
		q = q.Where("subject_id = ? OR actor_id = ?", f.UserID, f.UserID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if who := strings.TrimSpace(f.Who); who != "" {
		q = q.Where("actor = ? OR subject = ? OR address = ?", NormalizeUsername(who), NormalizeUsername(who), who)
	}
	return q
}

// SearchEvents returns the entries the filter picks, newest first, skipping
// offset and at most limit.
func (s *Store) SearchEvents(ctx context.Context, f EventFilter, offset, limit int) ([]Event, error) {
	var events []Event
	err := f.apply(s.read.WithContext(ctx)).Order("at DESC, id DESC").Offset(offset).Limit(limit).Find(&events).Error
	return events, err
}

// CountEvents returns how many entries the filter picks.
func (s *Store) CountEvents(ctx context.Context, f EventFilter) (int, error) {
	var n int64
	err := f.apply(s.read.WithContext(ctx).Model(&Event{})).Count(&n).Error
	return int(n), err
}

// CountEventsUpTo returns the newest entry's id and how many entries the
// filter picks up to it, for EachEvent to read.
func (s *Store) CountEventsUpTo(ctx context.Context, f EventFilter) (upTo int64, n int, err error) {
	db := s.read.WithContext(ctx)
	if err := db.Model(&Event{}).Select("COALESCE(MAX(id), 0)").Scan(&upTo).Error; err != nil {
		return 0, 0, err
	}
	var count int64
	err = f.apply(db.Model(&Event{})).Where("id <= ?", upTo).Count(&count).Error
	return upTo, int(count), err
}

// EachEvent calls fn with each entry the filter picks up to the id upTo,
// newest first as the log's page lists them, reading one at a time. It
// stops at fn's first error. An entry counted by a Tally may still grow
// while it is read; new entries, above upTo, are left out, so the rows are
// those CountEventsUpTo counted, unless old ones are pruned meanwhile.
func (s *Store) EachEvent(ctx context.Context, f EventFilter, upTo int64, fn func(Event) error) error {
	q := f.apply(s.read.WithContext(ctx).Model(&Event{})).Where("id <= ?", upTo).Order("at DESC, id DESC")
	return database.Each(q, fn)
}

// PruneEvents removes at most limit entries whose last occurrence is before
// the cutoff, oldest first, and returns how many it removed: a bounded pass,
// so that a long backlog is cleared over several passes without holding
// the database's writer for long.
func (s *Store) PruneEvents(ctx context.Context, before time.Time, limit int) (int64, error) {
	res := s.write.WithContext(ctx).Exec(`DELETE FROM security_events WHERE id IN
		(SELECT id FROM security_events WHERE at < ? ORDER BY at LIMIT ?)`, before.UTC(), limit)
	return res.RowsAffected, res.Error
}

// writeTallied writes counted entries in one transaction: a new row for an
// entry without an id (which it then carries), else the row's count and
// last time.
func (s *Store) writeTallied(ctx context.Context, entries []*Event) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, e := range entries {
			if e.ID == 0 {
				if err := tx.Create(e).Error; err != nil {
					return fmt.Errorf("security log: %w", err)
				}
				continue
			}
			err := tx.Model(&Event{}).Where("id = ?", e.ID).
				Updates(map[string]any{"count": e.Count, "at": e.At, "first_at": e.FirstAt}).Error
			if err != nil {
				return fmt.Errorf("security log: %w", err)
			}
		}
		return nil
	})
}
