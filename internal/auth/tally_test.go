package auth

import (
	"context"
	"log/slog"
	"shuangshi/internal/clocktest"
	"testing"
	"time"
)

func newTestTally(t *testing.T) (*Tally, *Store, *clocktest.Clock) {
	t.Helper()
	s, clock, _ := newTestStore(t)
	return NewTally(s, slog.New(slog.DiscardHandler)), s, clock
}

func flush(t *testing.T, tally *Tally) {
	t.Helper()
	if err := tally.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func allEvents(t *testing.T, s *Store) []Event {
	t.Helper()
	events, err := s.SearchEvents(t.Context(), EventFilter{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// TestTallyCountsAFloodInOneEntry: a flood of refusals from one address is
// one entry that says how many and from when to when, brought up to date
// at each flush while the flood goes on, and closed once it stops.
func TestTallyCountsAFloodInOneEntry(t *testing.T) {
	tally, s, clock := newTestTally(t)
	li := mustCreate(t, s, "li", Engineer)
	attacker := Actor{Address: "10.0.0.5"}
	start := clock.Now()
	for range 2519 {
		tally.Add(attacker, ActionSignInRefused, &li, "throttled")
		clock.Advance(time.Millisecond)
	}
	flush(t, tally)
	for range 1000 {
		tally.Add(attacker, ActionSignInRefused, &li, "throttled")
	}
	flush(t, tally)
	events := allEvents(t, s)
	if len(events) != 2 { // the account's creation and the flood
		t.Fatalf("%d entries, want 2: %+v", len(events), events)
	}
	e := events[0]
	if e.Action != ActionSignInRefused || e.Count != 3519 || e.Address != "10.0.0.5" || e.Subject != "li" || e.Detail != "throttled" {
		t.Fatalf("the flood's entry: %+v", e)
	}
	if e.FirstAt == nil || !e.FirstAt.Equal(start) || !e.At.Equal(clock.Now()) {
		t.Fatalf("the entry runs from %v to %v, want from %v to %v", e.FirstAt, e.At, start, clock.Now())
	}

	flush(t, tally) // nothing new: the entry is complete
	if n := tally.Pending(); n != 0 {
		t.Fatalf("%d entries still open after a quiet flush", n)
	}
	tally.Add(attacker, ActionSignInRefused, &li, "throttled")
	flush(t, tally)
	if events := allEvents(t, s); len(events) != 3 || events[0].Count != 1 || events[0].FirstAt != nil {
		t.Fatalf("a refusal after the flood stopped: %+v, want a new single entry", events[0])
	}
}

// TestAFailedFlushLosesNoCount: an entry that a flush took out to write for
// the last time is put back when the write fails, with what was counted
// meanwhile under its key, and the next flush writes it all.
func TestAFailedFlushLosesNoCount(t *testing.T) {
	tally, s, clock := newTestTally(t)
	attacker := Actor{Address: "10.0.0.5"}
	for range 5 {
		tally.Add(attacker, ActionSignInFailed, nil, "unknown-account")
	}
	clock.Advance(2 * tally.Span) // complete: the next flush takes it out
	// What a flush took out, an occurrence counted while it wrote, and
	// the write failing.
	key := tallyKey{action: ActionSignInFailed, detail: "unknown-account", address: "10.0.0.5"}
	taken := tally.open[key]
	delete(tally.open, key)
	tally.Add(attacker, ActionSignInFailed, nil, "unknown-account")
	tally.mu.Lock()
	tally.putBack(key, taken)
	tally.mu.Unlock()
	flush(t, tally)
	if events := allEvents(t, s); len(events) != 1 || events[0].Count != 6 {
		t.Fatalf("after the failed flush: %+v, want one entry of 6", events)
	}
}

// TestTallyEntriesCoverAtMostTheSpan: a flood that goes on longer than the
// span is told as one entry per span.
func TestTallyEntriesCoverAtMostTheSpan(t *testing.T) {
	tally, s, clock := newTestTally(t)
	for range 7 {
		for range 10 {
			tally.Add(Actor{Address: "10.0.0.5"}, ActionSignInFailed, nil, "unknown-account")
			clock.Advance(time.Second)
		}
		clock.Advance(20 * time.Minute)
		flush(t, tally)
	}
	events := allEvents(t, s)
	var total int64
	for _, e := range events {
		total += e.Count
		if e.FirstAt != nil && e.At.Sub(*e.FirstAt) > tally.Span {
			t.Errorf("an entry runs from %v to %v", e.FirstAt, e.At)
		}
	}
	if total != 70 || len(events) < 2 || len(events) > 4 {
		t.Fatalf("%d entries counting %d failures over 2½ hours, want 70 in 2 to 4", len(events), total)
	}
}

// TestTallyCountsKeysBeyondItsLimitTogether: many addresses at once cost at
// most MaxKeys entries and one more.
func TestTallyCountsKeysBeyondItsLimitTogether(t *testing.T) {
	tally, s, _ := newTestTally(t)
	tally.MaxKeys = 3
	for i := range 10 {
		tally.Add(Actor{Address: "10.0.0." + string(rune('0'+i))}, ActionSignInRefused, nil, "throttled")
	}
	flush(t, tally)
	events := allEvents(t, s)
	if len(events) != 4 {
		t.Fatalf("%d entries, want 4", len(events))
	}
	var overflow int64
	for _, e := range events {
		if e.Detail == overflowDetail && e.Address == "" {
			overflow += e.Count
		}
	}
	if overflow != 7 {
		t.Fatalf("the overflow entry counts %d, want 7", overflow)
	}
}

// TestPruneEventsRemovesABoundedBatchOfTheOldest keeps what is recent and
// removes the old in passes of at most the limit.
func TestPruneEventsRemovesABoundedBatchOfTheOldest(t *testing.T) {
	s, clock, _ := newTestStore(t)
	ctx := t.Context()
	for range 5 {
		if err := s.Log(ctx, CommandLine, ActionSignOut, nil, ""); err != nil {
			t.Fatal(err)
		}
		clock.Advance(24 * time.Hour)
	}
	cutoff := clock.Now().Add(-48 * time.Hour) // the three oldest are older
	for _, want := range []int64{2, 1, 0} {
		n, err := s.PruneEvents(ctx, cutoff, 2)
		if err != nil || n != want {
			t.Fatalf("a pass removed %d (%v), want %d", n, err, want)
		}
	}
	if left, _ := s.CountEvents(ctx, EventFilter{}); left != 2 {
		t.Fatalf("%d entries left, want the 2 recent ones", left)
	}
}

// TestRunWritesTheCountsAndRemovesOldEntries: Run flushes on its own, removes
// what is older than it keeps, and writes what is left when it stops.
func TestRunWritesTheCountsAndRemovesOldEntries(t *testing.T) {
	tally, s, clock := newTestTally(t)
	if err := s.Log(t.Context(), CommandLine, ActionSignOut, nil, "an old entry"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(48 * time.Hour)
	tally.Add(Actor{Address: "10.0.0.5"}, ActionSignInFailed, nil, "unknown-account")
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); tally.Run(ctx, time.Millisecond, 24*time.Hour) }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		events, err := s.SearchEvents(t.Context(), EventFilter{}, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 1 && events[0].Action == ActionSignInFailed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Run left the log as %+v", events)
		}
	}
	tally.Add(Actor{Address: "10.0.0.6"}, ActionSignInFailed, nil, "unknown-account")
	stop()
	<-done
	if n, _ := s.CountEvents(t.Context(), EventFilter{Action: ActionSignInFailed}); n != 2 {
		t.Fatalf("%d entries of failures after Run stopped, want 2", n)
	}
}
