package auth

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Tally counts failed and refused sign-ins in memory and writes them to the
// security log as one entry per kind, account, address and reason, with how
// many there were and when the first and the last came. A throttled flood
// of thousands of requests a second used to write a row each; counted, it
// writes a row per key, brought up to date at each flush, and the flood's
// requests write nothing themselves (the database has one writer, which the
// staff's own changes wait for).
//
// An entry is complete, and the next occurrence starts a new one, once a
// flush finds nothing new in it or it has covered Span. Counts not yet
// flushed are lost if the process is killed: at most one flush interval's.
type Tally struct {
	users *Store
	log   *slog.Logger
	// Span is the longest time one entry covers, so that a long attack
	// reads as an entry an hour rather than one for its whole length.
	Span time.Duration
	// MaxKeys bounds the entries counted at once; beyond it, occurrences
	// are counted together in one entry per kind, with the detail
	// "overflow" and no account or address.
	MaxKeys int

	flushing sync.Mutex // one flush at a time
	mu       sync.Mutex
	open     map[tallyKey]*tallied
}

type tallyKey struct {
	action    Action
	actor     string
	subjectID int64
	detail    string
	address   string
}

type tallied struct {
	event   Event // ID is set once written; Count counts every occurrence
	first   time.Time
	written int64 // the count the database holds
}

// overflowDetail marks the entry of the occurrences counted beyond MaxKeys.
const overflowDetail = "overflow"

// NewTally returns a tally that writes to users' security log, with entries
// of up to an hour and up to 1,000 keys at once.
func NewTally(users *Store, log *slog.Logger) *Tally {
	return &Tally{users: users, log: log, Span: time.Hour, MaxKeys: 1000, open: map[tallyKey]*tallied{}}
}

// Add counts one occurrence. It does not touch the database. An IPv6
// address is counted under its /64, which one party controls.
func (t *Tally) Add(by Actor, action Action, subject *User, detail string) {
	now := t.users.now()
	by.Address = addressGroup(by.Address)
	key := tallyKey{action: action, actor: by.Name, detail: detail, address: by.Address}
	if subject != nil {
		key.subjectID = subject.ID
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.open[key]
	if e == nil && len(t.open) >= t.MaxKeys {
		key = tallyKey{action: action, detail: overflowDetail}
		by, subject, detail = Actor{}, nil, overflowDetail
		e = t.open[key]
	}
	if e == nil {
		e = &tallied{event: by.event(action, subject, detail, now), first: now}
		e.event.Count = 0
		t.open[key] = e
	}
	e.event.Count++
	e.event.At = now
}

// Flush writes what was counted since the last flush, in one transaction.
// On an error the counts stay, to be written by the next flush.
func (t *Tally) Flush(ctx context.Context) error {
	t.flushing.Lock()
	defer t.flushing.Unlock()
	now := t.users.now()
	type pending struct {
		key    tallyKey
		entry  *tallied
		closed bool // taken out of the tally: the next occurrence starts anew
	}
	var batch []pending
	var rows []*Event
	t.mu.Lock()
	for key, e := range t.open {
		if e.event.Count == e.written {
			delete(t.open, key) // nothing new since the last flush: complete
			continue
		}
		p := pending{key: key, entry: e, closed: now.Sub(e.first) >= t.Span}
		if p.closed {
			delete(t.open, key)
		}
		row := e.event
		if row.Count > 1 {
			first := e.first
			row.FirstAt = &first
		}
		batch = append(batch, p)
		rows = append(rows, &row)
	}
	t.mu.Unlock()
	if len(rows) == 0 {
		return nil
	}
	err := t.users.writeTallied(ctx, rows)
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, p := range batch {
		switch {
		case err == nil && !p.closed:
			p.entry.event.ID, p.entry.written = rows[i].ID, rows[i].Count
		case err != nil && p.closed:
			t.putBack(p.key, p.entry)
		}
	}
	return err
}

// putBack returns to the tally an entry that was taken out to be written
// for the last time, when writing it failed, so that the next flush writes
// it. Occurrences counted meanwhile under the same key join it. The caller
// holds t.mu.
func (t *Tally) putBack(key tallyKey, e *tallied) {
	if newer := t.open[key]; newer != nil {
		e.event.Count += newer.event.Count
		e.event.At = newer.event.At
	}
	t.open[key] = e
}

// Pending returns how many entries are counted and not yet complete.
func (t *Tally) Pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.open)
}

// pruneBatch is how many old entries one pass of Run removes: enough to
// clear a year's backlog in hours, few enough that the writer is not held
// for long.
const pruneBatch = 2000

// Run flushes the counts every interval and removes the entries of the
// security log older than keep (none when keep is 0), a bounded batch per
// interval, until ctx ends; then it flushes a last time.
func (t *Tally) Run(ctx context.Context, every, keep time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := t.Flush(last); err != nil {
				t.log.Error("security log: write the last counts", "error", err)
			}
			return
		case <-tick.C:
		}
		if err := t.Flush(ctx); err != nil {
			t.log.Error("security log: write the counts", "error", err)
		}
		if keep > 0 {
			if _, err := t.users.PruneEvents(ctx, t.users.now().Add(-keep), pruneBatch); err != nil && ctx.Err() == nil {
				t.log.Error("security log: remove old entries", "error", err)
			}
		}
	}
}
