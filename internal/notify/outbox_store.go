package notify

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"shuangshi/internal/projects"
)

// Channels returns every channel, oldest first.
func (s *Store) Channels(ctx context.Context) ([]Channel, error) {
	var chs []Channel
	err := s.read.WithContext(ctx).Order("id").Find(&chs).Error
	return chs, err
}

// Channel returns one channel, or ErrNotFound.
func (s *Store) Channel(ctx context.Context, id int64) (Channel, error) {
	var ch Channel
	err := s.read.WithContext(ctx).Take(&ch, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ch, ErrNotFound.WithMessage("error.channel_not_found")
	}
	return ch, err
}

// CreateChannel stores a new channel (its secrets already sealed).
func (s *Store) CreateChannel(ctx context.Context, ch Channel) (Channel, error) {
	ch.ID = 0
	ch.CreatedAt, ch.UpdatedAt = s.now(), s.now()
	err := s.write.WithContext(ctx).Create(&ch).Error
	return ch, err
}

// UpdateChannel saves a channel's fields, or returns ErrNotFound.
func (s *Store) UpdateChannel(ctx context.Context, ch Channel) error {
	ch.UpdatedAt = s.now()
	// Every field is named: Updates(struct) would skip the false and
	// empty ones (a notice switched off, a user channel made a site one).
	res := s.write.WithContext(ctx).Model(&Channel{ID: ch.ID}).
		Select("name", "service", "scope", "unit", "user_id", "sealed_key", "key_hint", "sealed_secret", "secret_hint",
			"language", "digest", "notices", "updated_at").Updates(&ch)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound.WithMessage("error.channel_not_found")
	}
	return res.Error
}

// Reseal replaces a channel's sealed secrets, as long as they are still
// the ones read (another server may have resealed them first).
func (s *Store) Reseal(ctx context.Context, id int64, oldKey, oldSecret, newKey, newSecret string) error {
	return s.write.WithContext(ctx).Model(&Channel{}).
		Where("id = ? AND sealed_key = ? AND sealed_secret = ?", id, oldKey, oldSecret).
		Updates(map[string]any{"sealed_key": newKey, "sealed_secret": newSecret}).Error
}

// DeleteChannel removes a channel and what is queued for it; ErrNotFound
// when there is none.
func (s *Store) DeleteChannel(ctx context.Context, id int64) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("destination = ?", channelDestination(id)).Delete(&delivery{}).Error; err != nil {
			return err
		}
		res := tx.Delete(&Channel{}, id)
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound.WithMessage("error.channel_not_found")
		}
		return res.Error
	})
}

// storedNotice is a projects.Notice as queued.
type storedNotice struct {
	ID         int64
	NoticeKey  string
	Kind       string
	ProjectID  int64
	TargetID   int64
	CaseID     int64
	Recipients string // user ids, comma-separated
	CreatedAt  time.Time
	RoutedAt   *time.Time
}

func (storedNotice) TableName() string { return "notices" }

func (n storedNotice) notice() projects.Notice {
	p := projects.Notice{Kind: projects.NoticeKind(n.Kind), ProjectID: n.ProjectID, TargetID: n.TargetID, CaseID: n.CaseID, Key: n.NoticeKey}
	for _, f := range strings.Split(n.Recipients, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			p.To = append(p.To, id)
		}
	}
	return p
}

// QueueNotice keeps a notice to send, and reports whether it was new: a
// notice of the same key is kept once.
func (s *Store) QueueNotice(ctx context.Context, n projects.Notice) (bool, error) {
	ids := make([]string, 0, len(n.To))
	for _, id := range n.To {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	res := s.write.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&storedNotice{
		NoticeKey: n.Key, Kind: string(n.Kind), ProjectID: n.ProjectID, TargetID: n.TargetID, CaseID: n.CaseID,
		Recipients: strings.Join(ids, ","), CreatedAt: s.now(),
	})
	return res.RowsAffected == 1, res.Error
}

// unroutedNotices returns the notices whose deliveries are not yet made,
// oldest first.
func (s *Store) unroutedNotices(ctx context.Context, limit int) ([]storedNotice, error) {
	var ns []storedNotice
	err := s.read.WithContext(ctx).Where("routed_at IS NULL").Order("id").Limit(limit).Find(&ns).Error
	return ns, err
}

// notice returns a queued notice by id.
func (s *Store) notice(ctx context.Context, id int64) (storedNotice, error) {
	var n storedNotice
	err := s.read.WithContext(ctx).Take(&n, id).Error
	return n, err
}

// routeNotice makes a notice's deliveries and marks it routed, at once: a
// second server routing it too makes no second delivery (the pair of
// subject and destination is unique).
func (s *Store) routeNotice(ctx context.Context, id int64, destinations []string) error {
	now := s.now()
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := queueDeliveries(tx, noticeSubject(id), destinations, now); err != nil {
			return err
		}
		return tx.Model(&storedNotice{}).Where("id = ? AND routed_at IS NULL", id).Update("routed_at", now).Error
	})
}

// queueDigests makes the deliveries of a day's digest to channels; one
// already made stays as it is.
func (s *Store) queueDigests(ctx context.Context, day string, destinations []string) error {
	return queueDeliveries(s.write.WithContext(ctx), digestSubject(day), destinations, s.now())
}

func queueDeliveries(tx *gorm.DB, subject string, destinations []string, now time.Time) error {
	if len(destinations) == 0 {
		return nil
	}
	rows := make([]delivery, 0, len(destinations))
	for _, d := range destinations {
		rows = append(rows, delivery{Subject: subject, Destination: d, State: statePending, NextAttemptAt: now, CreatedAt: now})
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
}

// queuedFor returns the destinations that have a delivery of a subject.
func (s *Store) queuedFor(ctx context.Context, subject string) (map[string]bool, error) {
	var dests []string
	err := s.read.WithContext(ctx).Model(&delivery{}).Where("subject = ?", subject).Pluck("destination", &dests).Error
	queued := make(map[string]bool, len(dests))
	for _, d := range dests {
		queued[d] = true
	}
	return queued, err
}

// The states of a delivery.
const (
	statePending = "pending" // to be sent from next_attempt_at
	stateSending = "sending" // claimed by a server until lease_until
	stateSent    = "sent"
	stateFailed  = "failed" // given up
)

// delivery is one message to one destination about one subject.
type delivery struct {
	ID            int64
	Subject       string
	Destination   string
	State         string
	Attempts      int
	NextAttemptAt time.Time
	ClaimedAt     *time.Time
	LeaseUntil    *time.Time
	SentAt        *time.Time
	LastError     string
	CreatedAt     time.Time
}

func (delivery) TableName() string { return "notice_deliveries" }

func noticeSubject(id int64) string    { return "notice:" + strconv.FormatInt(id, 10) }
func digestSubject(day string) string  { return "digest:" + day }
func emailDestination(id int64) string { return "email:" + strconv.FormatInt(id, 10) }
func channelDestination(id int64) string {
	return "channel:" + strconv.FormatInt(id, 10)
}

// splitRef parses "kind:rest".
func splitRef(ref string) (kind, rest string) {
	kind, rest, _ = strings.Cut(ref, ":")
	return kind, rest
}

// dueDeliveries returns the deliveries waiting to be sent at now, the
// longest waiting first.
func (s *Store) dueDeliveries(ctx context.Context, now time.Time, limit int) ([]delivery, error) {
	var ds []delivery
	err := s.read.WithContext(ctx).Where("state = ? AND next_attempt_at <= ?", statePending, now).
		Order("next_attempt_at, id").Limit(limit).Find(&ds).Error
	return ds, err
}

// claimDelivery takes a due delivery for sending until now+lease, counting
// the attempt, and reports whether this caller got it: the condition on
// its state makes one of two servers win, and the other skip it.
func (s *Store) claimDelivery(ctx context.Context, id int64, now time.Time, lease time.Duration) (bool, error) {
	until := now.Add(lease)
	res := s.write.WithContext(ctx).Model(&delivery{}).
		Where("id = ? AND state = ? AND next_attempt_at <= ?", id, statePending, now).
		Updates(map[string]any{"state": stateSending, "claimed_at": now, "lease_until": until, "attempts": gorm.Expr("attempts + 1")})
	return res.RowsAffected == 1, res.Error
}

// sentRecently counts the messages claimed for a destination since a time.
func (s *Store) sentRecently(ctx context.Context, destination string, since time.Time) (int64, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&delivery{}).
		Where("destination = ? AND claimed_at >= ? AND state IN ?", destination, since, []string{stateSending, stateSent}).Count(&n).Error
	return n, err
}

// postpone moves a pending delivery's next attempt without counting one.
func (s *Store) postpone(ctx context.Context, id int64, until time.Time) error {
	return s.write.WithContext(ctx).Model(&delivery{}).Where("id = ? AND state = ?", id, statePending).
		Update("next_attempt_at", until).Error
}

// markSent records a claimed delivery as sent.
func (s *Store) markSent(ctx context.Context, id int64) error {
	return s.write.WithContext(ctx).Model(&delivery{}).Where("id = ? AND state = ?", id, stateSending).
		Updates(map[string]any{"state": stateSent, "sent_at": s.now(), "lease_until": nil, "last_error": ""}).Error
}

// markRetry gives a claimed delivery back, to be tried again at next.
func (s *Store) markRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.write.WithContext(ctx).Model(&delivery{}).Where("id = ? AND state = ?", id, stateSending).
		Updates(map[string]any{"state": statePending, "next_attempt_at": next, "lease_until": nil, "last_error": reason}).Error
}

// markFailed gives a delivery up.
func (s *Store) markFailed(ctx context.Context, id int64, reason string) error {
	return s.write.WithContext(ctx).Model(&delivery{}).Where("id = ? AND state IN ?", id, []string{stateSending, statePending}).
		Updates(map[string]any{"state": stateFailed, "lease_until": nil, "last_error": reason}).Error
}

// abandonExpired gives up the deliveries whose lease ran out while they
// were being sent: the server sending them stopped in the middle (a crash,
// a power cut), and may have sent them. They are not sent again, so that
// none is ever sent twice; they are returned for the log.
func (s *Store) abandonExpired(ctx context.Context, now time.Time) ([]delivery, error) {
	var expired []delivery
	// Looked for on the read side first: nearly always there is none, and
	// a round should not take the writer for nothing.
	var n int64
	if err := s.read.WithContext(ctx).Model(&delivery{}).Where("state = ? AND lease_until < ?", stateSending, now).Count(&n).Error; err != nil || n == 0 {
		return nil, err
	}
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("state = ? AND lease_until < ?", stateSending, now).Find(&expired).Error; err != nil {
			return err
		}
		for _, d := range expired {
			if err := tx.Model(&delivery{}).Where("id = ? AND state = ?", d.ID, stateSending).
				Updates(map[string]any{"state": stateFailed, "lease_until": nil, "last_error": reasonInterrupted}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return expired, err
}

// reasonInterrupted is the last error of a delivery whose server stopped
// while sending it.
const reasonInterrupted = "interrupted while sending; not sent again"

// ChannelState is how a channel's deliveries went lately, for its page.
type ChannelState struct {
	LastSent   *time.Time
	LastFailed *time.Time
	Problem    string // the last failure's reason, without secrets
	Waiting    int64  // pending or being sent
}

// ChannelState returns how a destination's deliveries went lately: a
// few reads by the destination's index, for an administrator's page.
func (s *Store) ChannelState(ctx context.Context, destination string) (ChannelState, error) {
	var st ChannelState
	db := s.read.WithContext(ctx)
	var sent delivery
	err := db.Where("destination = ? AND state = ?", destination, stateSent).Order("sent_at DESC, id DESC").Limit(1).Find(&sent).Error
	if err != nil {
		return st, err
	}
	st.LastSent = sent.SentAt
	var failed delivery
	if err := db.Where("destination = ? AND state = ?", destination, stateFailed).Order("id DESC").Limit(1).Find(&failed).Error; err != nil {
		return st, err
	}
	if failed.ID != 0 {
		at := failed.CreatedAt
		if failed.ClaimedAt != nil {
			at = *failed.ClaimedAt
		}
		st.LastFailed, st.Problem = &at, failed.LastError
	}
	err = db.Model(&delivery{}).Where("destination = ? AND state IN ?", destination, []string{statePending, stateSending}).Count(&st.Waiting).Error
	return st, err
}
