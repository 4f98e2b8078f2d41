package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
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

// Throttle is the set of rules the authenticator applies to failed
// attempts: per account from one address (the tight one, which a person
// typing meets), per account from anywhere (looser, against guessing from
// many addresses), and per address (against one address trying many
// accounts; forgotten on a success, so an office behind one address is not
// locked out by its colleagues' typing).
type Throttle struct {
	AccountFromAddress ThrottleRule
	Account            ThrottleRule
	Address            ThrottleRule
}

// DefaultThrottle is five tries, then 1, 2, 4 … minutes up to an hour, for
// an account from an address; fifty for an account from anywhere; twenty for
// an address.
func DefaultThrottle() Throttle {
	day := 24 * time.Hour
	return Throttle{
		AccountFromAddress: ThrottleRule{FreeFailures: 5, FirstDelay: time.Minute, MaxDelay: time.Hour, Forget: day},
		Account:            ThrottleRule{FreeFailures: 50, FirstDelay: time.Minute, MaxDelay: time.Hour, Forget: day},
		Address:            ThrottleRule{FreeFailures: 20, FirstDelay: time.Minute, MaxDelay: time.Hour, Forget: day},
	}
}

// Authenticator checks usernames and passwords, with the throttle and the
// security log.
type Authenticator struct {
	users    *Store
	hasher   *Hasher
	throttle Throttle
}

// NewAuthenticator returns an authenticator that slows failures down by the
// throttle's rules.
func NewAuthenticator(users *Store, hasher *Hasher, throttle Throttle) *Authenticator {
	return &Authenticator{users: users, hasher: hasher, throttle: throttle}
}

// throttleKeys names the counts an attempt on username from address goes
// under. A name that is no account is hashed: people type their password
// into the username box, and it must not be stored.
func (a *Authenticator) throttleKeys(username string, known bool, address string) map[string]ThrottleRule {
	account := username
	if !known {
		sum := sha256.Sum256([]byte(username))
		account = "?" + hex.EncodeToString(sum[:12])
	}
	addr := addressGroup(address)
	return map[string]ThrottleRule{
		"account:" + account + "@" + addr: a.throttle.AccountFromAddress,
		"account:" + account:              a.throttle.Account,
		"address:" + addr:                 a.throttle.Address,
	}
}

// addressGroup is the part of a client address that one party controls: the
// whole IPv4 address, or the /64 network of an IPv6 address, since anyone
// with one IPv6 address has the 2^64 around it.
func addressGroup(address string) string {
	ip, err := netip.ParseAddr(address)
	if err != nil || ip.Is4() || ip.Is4In6() {
		return address
	}
	prefix, err := ip.Prefix(64)
	if err != nil {
		return address
	}
	return prefix.String()
}

// Authenticate returns the user whose username and password these are.
// It returns a *ThrottledError while the attempts are locked out,
// ErrBadCredentials for an unknown user or a wrong password, and
// ErrAccountDisabled for the right password of a disabled account. Every
// outcome is logged, without the text typed for an unknown user.
func (a *Authenticator) Authenticate(ctx context.Context, username, password string, by Actor) (User, error) {
	username = NormalizeUsername(username)
	var user User
	known := false
	if CheckUsername(username) == nil {
		var err error
		user, err = a.users.UserByUsername(ctx, username)
		switch {
		case err == nil:
			known = true
		case !errors.Is(err, ErrNotFound):
			return User{}, err
		}
	}
	var subject *User
	detail := "unknown-account"
	if known {
		subject, detail = &user, ""
	}
	keys := a.throttleKeys(username, known, by.Address)
	refusedUntil, lockedAfter, err := a.users.BeginAttempt(ctx, keys)
	if err != nil {
		return User{}, err
	}
	if !refusedUntil.IsZero() {
		if err := a.users.Log(ctx, by, ActionSignInRefused, subject, "throttled"); err != nil {
			return User{}, err
		}
		return User{}, &ThrottledError{Until: refusedUntil}
	}

	match, err := a.hasher.Verify(ctx, password, user.PasswordHash) // "" for an unknown user
	if err != nil {
		return User{}, err
	}
	if !match {
		if err := a.users.Log(ctx, by, ActionSignInFailed, subject, detail); err != nil {
			return User{}, err
		}
		if !lockedAfter.IsZero() {
			return User{}, &ThrottledError{Until: lockedAfter}
		}
		return User{}, ErrBadCredentials
	}
	if err := a.users.ForgetFailures(ctx, keyNames(keys)...); err != nil {
		return User{}, err
	}
	if !user.Active {
		if err := a.users.Log(ctx, by, ActionSignInRefused, subject, "disabled"); err != nil {
			return User{}, err
		}
		return User{}, ErrAccountDisabled
	}
	return user, a.users.Log(ctx, ActorOf(&user, by.Address), ActionSignIn, subject, "")
}

// CheckPassword reports whether password is the signed-in user's own, as a
// page that asks for it again does. Wrong guesses count towards the same
// throttle as sign-in, so a stolen session cannot try passwords freely; it
// returns a *ThrottledError while they are locked out.
func (a *Authenticator) CheckPassword(ctx context.Context, user User, password string, by Actor) (bool, error) {
	keys := a.throttleKeys(user.Username, true, by.Address)
	refusedUntil, lockedAfter, err := a.users.BeginAttempt(ctx, keys)
	if err != nil {
		return false, err
	}
	if !refusedUntil.IsZero() {
		return false, &ThrottledError{Until: refusedUntil}
	}
	match, err := a.hasher.Verify(ctx, password, user.PasswordHash)
	if err != nil || !match {
		if err == nil && !lockedAfter.IsZero() {
			err = &ThrottledError{Until: lockedAfter}
		}
		return false, err
	}
	return true, a.users.ForgetFailures(ctx, keyNames(keys)...)
}

func keyNames(keys map[string]ThrottleRule) []string {
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	return names
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
