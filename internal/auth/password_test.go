package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
)

// TestTheUnknownAccountHashCostsWhatAPasswordDoes: a sign-in naming no
// account is checked against unknownAccount, which must cost what a
// stored password's check costs (the same parameters), and never match.
func TestTheUnknownAccountHashCostsWhatAPasswordDoes(t *testing.T) {
	params, salt, key, err := argon2id.DecodeHash(unknownAccount)
	if err != nil {
		t.Fatal(err)
	}
	want := passwordParams
	if *params != want || len(salt) != int(want.SaltLength) || len(key) != int(want.KeyLength) {
		t.Errorf("the unknown account's hash has %+v (salt %d, key %d bytes), passwords %+v", *params, len(salt), len(key), want)
	}
	h := NewHasherWith(DefaultHasherLimits())
	for _, password := range []string{"", "a-good-password-1", "password"} {
		if ok, err := h.Verify(t.Context(), password, "", Ordinary); ok || err != nil {
			t.Errorf("an unknown account with %q: signed in %v, %v", password, ok, err)
		}
	}
}

// holdSlot takes a hashing slot until the test releases it, as a hash in
// progress does.
func holdSlot(t *testing.T, h *Hasher) {
	t.Helper()
	if err := h.acquire(t.Context(), Preferred); err != nil {
		t.Fatal(err)
	}
}

// waitQueued waits until n requests of priority p wait for a slot.
func waitQueued(t *testing.T, h *Hasher, p Priority, n int) {
	t.Helper()
	for range 1000 {
		h.mu.Lock()
		queued := len(h.waiting[p])
		h.mu.Unlock()
		if queued == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%d requests never queued", n)
}

func TestHasherRefusesBeyondItsQueueAtOnce(t *testing.T) {
	h := NewHasherWith(HasherLimits{Slots: 1, MaxQueue: 1, MaxWait: time.Hour})
	holdSlot(t, h)
	waited := make(chan error, 1)
	go func() {
		_, err := h.Verify(t.Context(), "a-password", "", Ordinary)
		waited <- err
	}()
	waitQueued(t, h, Ordinary, 1)
	// The queue is full: the next one is refused while the slot is still
	// held. Had it queued, it would wait the hour and meet the deadline.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := h.Verify(ctx, "a-password", "", Ordinary); !errors.Is(err, ErrBusy) {
		t.Fatalf("beyond the queue: %v, want ErrBusy", err)
	}
	// A signed-in user's new password has a queue of its own.
	hashed := make(chan error, 1)
	go func() {
		_, err := h.Hash(t.Context(), "a-new-password")
		hashed <- err
	}()
	waitQueued(t, h, Preferred, 1)
	h.release()
	for _, c := range []chan error{waited, hashed} {
		if err := <-c; err != nil {
			t.Fatalf("a queued request: %v", err)
		}
	}
}

func TestHasherWaitIsBounded(t *testing.T) {
	h := NewHasherWith(HasherLimits{Slots: 1, MaxQueue: 8, MaxWait: 20 * time.Millisecond})
	holdSlot(t, h)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := h.Verify(ctx, "a-password", "", Preferred); !errors.Is(err, ErrBusy) {
		t.Fatalf("with the slot held: %v, want ErrBusy after the longest wait", err)
	}
	waitQueued(t, h, Preferred, 0) // the refused request left the queue

	gone, leave := context.WithCancel(t.Context())
	left := make(chan error, 1)
	go func() {
		_, err := h.Verify(gone, "a-password", "", Ordinary)
		left <- err
	}()
	waitQueued(t, h, Ordinary, 1)
	leave()
	if err := <-left; !errors.Is(err, context.Canceled) {
		t.Fatalf("a request whose client left: %v, want context.Canceled", err)
	}
	waitQueued(t, h, Ordinary, 0)
	h.release()
	if _, err := h.Verify(t.Context(), "a-password", "", Ordinary); err != nil {
		t.Fatalf("after the slot came free: %v", err)
	}
}

func TestHasherServesPreferredRequestsFirst(t *testing.T) {
	h := NewHasherWith(HasherLimits{Slots: 1, MaxQueue: 4, MaxWait: time.Hour})
	holdSlot(t, h)
	var mu sync.Mutex
	var order []Priority
	var wg sync.WaitGroup
	take := func(p Priority) {
		defer wg.Done()
		if err := h.acquire(t.Context(), p); err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		order = append(order, p)
		mu.Unlock()
		h.release()
	}
	wg.Add(3)
	go take(Ordinary)
	waitQueued(t, h, Ordinary, 1)
	go take(Ordinary)
	waitQueued(t, h, Ordinary, 2)
	go take(Preferred)
	waitQueued(t, h, Preferred, 1)
	h.release()
	wg.Wait()
	if want := []Priority{Preferred, Ordinary, Ordinary}; len(order) != 3 || order[0] != want[0] {
		t.Fatalf("served in the order %v, want %v", order, want)
	}
	if h.free != 1 {
		t.Fatalf("%d slots free after every request, want 1", h.free)
	}
}
