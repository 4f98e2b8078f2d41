package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Sign-in refusals. The same ErrBadCredentials answers an unknown username
// and a wrong password, so that the answer does not tell which accounts
// exist.
var (
	ErrBadCredentials  = errors.New("wrong username or password")
	ErrAccountDisabled = errors.New("account disabled")
)

// ThrottledError refuses a sign-in until a time, after too many failures.
type ThrottledError struct{ Until time.Time }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again after %s", e.Until.Format(time.RFC3339))
}

// Authenticator checks usernames and passwords, with the throttle and the
// security log.
type Authenticator struct {
	users   *Store
	hasher  *Hasher
	account ThrottleRule
	address ThrottleRule
}

// NewAuthenticator returns an authenticator that throttles failures per
// account and per client address by the given rules.
func NewAuthenticator(users *Store, hasher *Hasher, account, address ThrottleRule) *Authenticator {
	return &Authenticator{users: users, hasher: hasher, account: account, address: address}
}

func accountKey(username string) string { return "account:" + NormalizeUsername(username) }
func addressKey(address string) string  { return "address:" + address }

// Authenticate returns the user whose username and password these are.
// It returns a *ThrottledError while the account or the address is locked
// out, ErrBadCredentials for an unknown user or a wrong password, and
// ErrAccountDisabled for the right password of a disabled account. Every
// outcome is logged.
func (a *Authenticator) Authenticate(ctx context.Context, username, password string, by Actor) (User, error) {
	username = NormalizeUsername(username)
	keys := []string{accountKey(username), addressKey(by.Address)}
	until, err := a.users.LockedUntil(ctx, keys)
	if err != nil {
		return User{}, err
	}
	user, lookupErr := a.users.UserByUsername(ctx, username)
	if lookupErr != nil && !errors.Is(lookupErr, ErrNotFound) {
		return User{}, lookupErr
	}
	known := lookupErr == nil
	var subject *User
	if known {
		subject = &user
	}
	if !until.IsZero() {
		if err := a.users.Log(ctx, by, ActionSignInRefused, subject, "throttled: "+clip(username)); err != nil {
			return User{}, err
		}
		return User{}, &ThrottledError{Until: until}
	}

	match, err := a.hasher.Verify(ctx, password, user.PasswordHash) // "" for an unknown user
	if err != nil {
		return User{}, err
	}
	if !match {
		until, err := a.users.RecordFailure(ctx, map[string]ThrottleRule{keys[0]: a.account, keys[1]: a.address})
		if err != nil {
			return User{}, err
		}
		if err := a.users.Log(ctx, by, ActionSignInFailed, subject, clip(username)); err != nil {
			return User{}, err
		}
		if !until.IsZero() {
			return User{}, &ThrottledError{Until: until}
		}
		return User{}, ErrBadCredentials
	}
	if !user.Active {
		if err := a.users.Log(ctx, by, ActionSignInRefused, subject, "disabled"); err != nil {
			return User{}, err
		}
		return User{}, ErrAccountDisabled
	}
	if err := a.users.ForgetFailures(ctx, keys[0]); err != nil {
		return User{}, err
	}
	return user, a.users.Log(ctx, ActorOf(&user, by.Address), ActionSignIn, subject, "")
}

// clip shortens what someone typed before it goes into the log.
func clip(s string) string {
	if r := []rune(s); len(r) > 64 {
		return string(r[:64]) + "…"
	}
	return s
}

// Setup is the one-time link that lets the first administrator choose a
// password, on a site that has no active administrator. It lives in memory:
// it works until it is used or the server restarts, and it is never stored.
type Setup struct {
	mu    sync.Mutex
	token string
}

// NewSetup returns a setup with a fresh random token.
func NewSetup() *Setup {
	return &Setup{token: randomToken()}
}

// Path is the address of the setup page, to be logged at start.
func (s *Setup) Path() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "/setup/" + s.token
}

// Valid reports whether token opens the setup, in constant time.
func (s *Setup) Valid(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) == 1
}

// Use spends the token if it is valid, and reports whether it was.
func (s *Setup) Use(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) != 1 {
		return false
	}
	s.token = ""
	return true
}
