package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func newTestAuthenticator(t *testing.T) (*Authenticator, *Store, *testClock) {
	t.Helper()
	s, clock, _ := newTestStore(t)
	hasher, err := NewHasher()
	if err != nil {
		t.Fatal(err)
	}
	hash, err := hasher.Hash(context.Background(), "the-right-password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(context.Background(), User{Username: "li", Role: Engineer, Active: true, PasswordHash: hash}, CommandLine); err != nil {
		t.Fatal(err)
	}
	return NewAuthenticator(s, hasher, DefaultThrottle()), s, clock
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
			_, err := a.Authenticate(ctx, "li", "a-wrong-guess", by)
			var throttled *ThrottledError
			if errors.Is(err, ErrBadCredentials) || (errors.As(err, &throttled) && err != nil) {
				mu.Lock()
				checked++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	events, err := a.users.Events(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, e := range events {
		if e.Action == ActionSignInFailed {
			failed++
		}
	}
	if free := DefaultThrottle().AccountFromAddress.FreeFailures; failed != free {
		t.Fatalf("%d of %d simultaneous guesses were checked, want exactly %d", failed, guesses, free)
	}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", by); err == nil {
		t.Fatal("the right password got through while the account was locked")
	}
}

func TestUnknownUsernamesAreNotStored(t *testing.T) {
	a, s, _ := newTestAuthenticator(t)
	ctx := context.Background()
	typed := "my-secret-password-typed-into-the-username-box"
	if _, err := a.Authenticate(ctx, typed, "x", Actor{Address: "192.0.2.10"}); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown user: %v, want ErrBadCredentials", err)
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
		_, err := a.Authenticate(ctx, name, "x", Actor{Address: address})
		var throttled *ThrottledError
		if i < 19 && !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		if i == 19 && !errors.As(err, &throttled) {
			t.Fatalf("the 20th failure from one /64: %v, want throttled", err)
		}
	}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", Actor{Address: "2001:db8:1:2::99"}); err == nil {
		t.Fatal("the locked /64 could still sign in")
	}
	if _, err := a.Authenticate(ctx, "li", "the-right-password", Actor{Address: "2001:db8:1:3::1"}); err != nil {
		t.Fatalf("another /64 was refused: %v", err)
	}
	clock.Advance(time.Minute + time.Second)
	if _, err := a.Authenticate(ctx, "li", "the-right-password", Actor{Address: "2001:db8:1:2::99"}); err != nil {
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
