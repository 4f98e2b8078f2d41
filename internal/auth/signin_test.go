package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"shuangshi/internal/clocktest"
	"sync"
	"testing"
	"time"
)

func newTestAuthenticator(t *testing.T) (*Authenticator, *Store, *clocktest.Clock) {
	t.Helper()
	s, clock, _ := newTestStore(t)
	// These tests are about the throttle: a queue that never turns a guess
	// away as busy, however loaded the machine running them.
	hasher := NewHasherWith(HasherLimits{Slots: 2, MaxQueue: 64, MaxWait: time.Minute})
	hash, err := hasher.Hash(context.Background(), "the-right-password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(context.Background(), User{Username: "li", Role: Engineer, Active: true, PasswordHash: hash}, CommandLine); err != nil {
		t.Fatal(err)
	}
	return NewAuthenticator(s, hasher, DefaultThrottle(), NewTally(s, slog.New(slog.DiscardHandler))), s, clock
}

// loggedCount flushes the tally and returns how many occurrences of action
// the security log counts.
func loggedCount(t *testing.T, a *Authenticator, action Action, detail string) int64 {
	t.Helper()
	if err := a.tally.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	events, err := a.users.SearchEvents(t.Context(), EventFilter{Action: action}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, e := range events {
		if e.Detail == detail {
			n += e.Count
		}
	}
	return n
}

// TestAttemptsAtOnceAreCountedBeforeTheyAreChecked sends many guesses at the
// same moment: only as many as the throttle allows may reach the password
// check, so the right password among them is refused once the allowance is
// spent.
func TestAttemptsAtOnceAreCountedBeforeTheyAreChecked(t *testing.T) {
	a, _, _ := newTestAuthenticator(t)
	ctx := context.Background()
	by := Actor{Address: "192.0.2.10"}
	const guesses = 30
	var wg sync.WaitGroup
	var mu sync.Mutex
	checked := 0
	for range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := a.Authenticate(ctx, "li", "a-wrong-guess", by, nil)
			var throttled *ThrottledError
			if errors.Is(err, ErrBadCredentials) || (errors.As(err, &throttled) && err != nil) {
				mu.Lock()
				checked++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	failed := loggedCount(t, a, ActionSignInFailed, "")
	if free := int64(DefaultThrottle().AccountFromAddress.FreeFailures); failed != free {
		t.Fatalf("%d of %d simultaneous guesses were checked, want exactly %d", failed, guesses, free)
	}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", by, nil); err == nil {
		t.Fatal("the right password got through while the account was locked")
	}
}

func TestUnknownUsernamesAreNotStored(t *testing.T) {
	a, s, _ := newTestAuthenticator(t)
	ctx := context.Background()
	typed := "my-secret-password-typed-into-the-username-box"
	if _, err := a.Authenticate(ctx, typed, "x", Actor{Address: "192.0.2.10"}, nil); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown user: %v, want ErrBadCredentials", err)
	}
	if err := a.tally.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var failures, events int64
	if err := s.read.Raw("SELECT COUNT(*) FROM sign_in_failures WHERE key LIKE ?", "%"+typed+"%").Scan(&failures).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.read.Raw("SELECT COUNT(*) FROM security_events WHERE subject || detail LIKE ?", "%"+typed+"%").Scan(&events).Error; err != nil {
		t.Fatal(err)
	}
	if failures != 0 || events != 0 {
		t.Fatalf("the text typed as a username was stored: %d throttle rows, %d log entries", failures, events)
	}
}

func TestAddressThrottleAndIPv6Networks(t *testing.T) {
	a, s, clock := newTestAuthenticator(t)
	ctx := context.Background()
	for i := range 20 {
		// A different username each time: only the address count grows.
		name := "nobody" + string(rune('a'+i))
		// Twenty different addresses of one /64 are one address.
		address := "2001:db8:1:2::" + string(rune('a'+i%6))
		_, err := a.Authenticate(ctx, name, "x", Actor{Address: address}, nil)
		var throttled *ThrottledError
		if i < 19 && !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		if i == 19 && !errors.As(err, &throttled) {
			t.Fatalf("the 20th failure from one /64: %v, want throttled", err)
		}
	}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", Actor{Address: "2001:db8:1:2::99"}, nil); err == nil {
		t.Fatal("the locked /64 could still sign in")
	}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", Actor{Address: "2001:db8:1:3::1"}, nil); err != nil {
		t.Fatalf("another /64 was refused: %v", err)
	}
	clock.Advance(time.Minute + time.Second)
	if _, err := a.Authenticate(ctx, "li", "the-right-password", Actor{Address: "2001:db8:1:2::99"}, nil); err != nil {
		t.Fatalf("after the delay: %v", err)
	}
	// A success from the address forgets its count: a colleague's typos do
	// not lock out the office for the day.
	var rows int64
	if err := s.read.Raw("SELECT COUNT(*) FROM sign_in_failures WHERE key = 'address:2001:db8:1:2::/64'").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Fatal("a success did not forget the address's count")
	}
}

func TestCheckPasswordIsThrottled(t *testing.T) {
	a, s, _ := newTestAuthenticator(t)
	ctx := context.Background()
	li, _ := s.UserByUsername(ctx, "li")
	by := Actor{UserID: li.ID, Name: "li", Address: "192.0.2.10"}
	for i := range 5 {
		ok, err := a.CheckPassword(ctx, li, "wrong", by)
		var throttled *ThrottledError
		if ok || (i < 4 && err != nil) || (i == 4 && !errors.As(err, &throttled)) {
			t.Fatalf("guess %d: %v %v", i+1, ok, err)
		}
	}
	if ok, err := a.CheckPassword(ctx, li, "the-right-password", by); ok || err == nil {
		t.Fatal("the right password was checked while locked")
	}
}

// TestADeviceGetsPastTheLockOnTheAccount locks an account with guesses from
// many addresses: a browser that signed in to it before still signs in,
// from anywhere, and one without that proof is still refused. A device
// that keeps failing is locked in its turn, and the lock is its own.
func TestADeviceGetsPastTheLockOnTheAccount(t *testing.T) {
	a, s, _ := newTestAuthenticator(t)
	ctx := t.Context()
	li, err := s.UserByUsername(ctx, "li")
	if err != nil {
		t.Fatal(err)
	}
	rule := DefaultThrottle()
	for i := 0; i*rule.AccountFromAddress.FreeFailures < rule.Account.FreeFailures; i++ {
		for range rule.AccountFromAddress.FreeFailures {
			a.Authenticate(ctx, "li", "a-wrong-guess", Actor{Address: fmt.Sprintf("198.51.100.%d", i+1)}, nil)
		}
	}
	fresh := Actor{Address: "203.0.113.7"}
	var throttled *ThrottledError
	if _, err := a.Authenticate(ctx, "li", "the-right-password", fresh, nil); !errors.As(err, &throttled) {
		t.Fatalf("the right password from a fresh address without a device: %v, want throttled", err)
	}
	owner := []Device{{UserID: li.ID + 1, Nonce: "someone-else"}, {UserID: li.ID, Nonce: "owners-laptop"}}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", fresh, owner); err != nil {
		t.Fatalf("the owner's device: %v, want signed in", err)
	}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", Actor{Address: "203.0.113.8"}, nil); !errors.As(err, &throttled) {
		t.Fatalf("the owner's success lifted the lock for everyone: %v", err)
	}

	stolen := []Device{{UserID: li.ID, Nonce: "stolen"}}
	for i := range rule.Device.FreeFailures {
		_, err := a.Authenticate(ctx, "li", "a-wrong-guess", fresh, stolen)
		if i < rule.Device.FreeFailures-1 && !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("guess %d with a device: %v", i+1, err)
		}
	}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", fresh, stolen); !errors.As(err, &throttled) {
		t.Fatalf("a device that kept failing: %v, want throttled", err)
	}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", fresh, owner); err != nil {
		t.Fatalf("another device after one was locked: %v", err)
	}
}

// TestADisabledAccountAnswersAsAWrongPasswordDoes: the right password of a
// disabled account is refused with the same error as a wrong one, and
// counted as a failure; only the security log tells them apart.
func TestADisabledAccountAnswersAsAWrongPasswordDoes(t *testing.T) {
	a, s, _ := newTestAuthenticator(t)
	ctx := t.Context()
	li, _ := s.UserByUsername(ctx, "li")
	if _, err := s.SetActive(ctx, li.ID, false, CommandLine); err != nil {
		t.Fatal(err)
	}
	by := Actor{Address: "192.0.2.10"}
	_, right := a.Authenticate(ctx, "li", "the-right-password", by, nil)
	_, wrong := a.Authenticate(ctx, "li", "a-wrong-guess", by, nil)
	if right != wrong || !errors.Is(right, ErrBadCredentials) {
		t.Fatalf("right password %v, wrong password %v: want ErrBadCredentials for both", right, wrong)
	}
	if n := loggedCount(t, a, ActionSignInRefused, "disabled"); n != 1 {
		t.Errorf("the log counts %d refusals of the disabled account, want 1", n)
	}
	var failures int
	if err := s.read.Raw("SELECT failures FROM sign_in_failures WHERE key = 'account:li'").Scan(&failures).Error; err != nil {
		t.Fatal(err)
	}
	if failures != 2 {
		t.Errorf("the throttle counts %d failures, want 2: the right password must not clear the count", failures)
	}
}

// TestARefusedAttemptWritesNothing: once an address is locked, its
// attempts are answered from a read, counted in memory, and cost no write.
func TestARefusedAttemptWritesNothing(t *testing.T) {
	a, s, _ := newTestAuthenticator(t)
	ctx := t.Context()
	by := Actor{Address: "192.0.2.10"}
	for range DefaultThrottle().AccountFromAddress.FreeFailures {
		a.Authenticate(ctx, "li", "a-wrong-guess", by, nil)
	}
	if err := a.tally.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	before := tableSizes(t, s)
	var throttled *ThrottledError
	for range 500 {
		if _, err := a.Authenticate(ctx, "li", "a-wrong-guess", by, nil); !errors.As(err, &throttled) {
			t.Fatalf("%v, want throttled", err)
		}
	}
	if after := tableSizes(t, s); after != before {
		t.Fatalf("500 refused attempts changed the tables: %v before, %v after", before, after)
	}
	if n := loggedCount(t, a, ActionSignInRefused, "throttled"); n != 500 {
		t.Fatalf("the log counts %d refused attempts, want 500", n)
	}
}

// tableSizes returns the rows of the security log and the throttle, with
// the newest time each holds.
func tableSizes(t *testing.T, s *Store) [2]string {
	t.Helper()
	var sizes [2]string
	for i, q := range []string{
		"SELECT COUNT(*) || '/' || COALESCE(MAX(id), 0) FROM security_events",
		"SELECT COUNT(*) || '/' || COALESCE(SUM(failures), 0) FROM sign_in_failures",
	} {
		if err := s.read.Raw(q).Scan(&sizes[i]).Error; err != nil {
			t.Fatal(err)
		}
	}
	return sizes
}
