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

	"shuangshi/internal/web"
)

// ErrBadCredentials refuses a sign-in. The same error answers an unknown
// username, a wrong password and the right password of a disabled account,
// so that the answer does not tell which accounts exist, or which disabled
// account's password is right.
var ErrBadCredentials = errors.New("wrong username or password")

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
// locked out by its colleagues' typing). An attempt from a browser that
// signed in to the account before (a Device) goes under Device alone, so
// that guesses from elsewhere cannot lock the account's owner out.
type Throttle struct {
	AccountFromAddress ThrottleRule
	Account            ThrottleRule
	Address            ThrottleRule
	Device             ThrottleRule
}

// DefaultThrottle is five tries, then 1, 2, 4 … minutes up to an hour, for
// an account from an address and for a known browser; fifty for an account
// from anywhere; twenty for an address.
func DefaultThrottle() Throttle {
	day := 24 * time.Hour
	tight := ThrottleRule{FreeFailures: 5, FirstDelay: time.Minute, MaxDelay: time.Hour, Forget: day}
	return Throttle{
		AccountFromAddress: tight,
		Account:            ThrottleRule{FreeFailures: 50, FirstDelay: time.Minute, MaxDelay: time.Hour, Forget: day},
		Address:            ThrottleRule{FreeFailures: 20, FirstDelay: time.Minute, MaxDelay: time.Hour, Forget: day},
		Device:             tight,
	}
}

// Authenticator checks usernames and passwords, with the throttle and the
// security log.
type Authenticator struct {
	users    *Store
	hasher   *Hasher
	throttle Throttle
	tally    *Tally
}

// NewAuthenticator returns an authenticator that slows failures down by the
// throttle's rules and counts them in tally.
func NewAuthenticator(users *Store, hasher *Hasher, throttle Throttle, tally *Tally) *Authenticator {
	return &Authenticator{users: users, hasher: hasher, throttle: throttle, tally: tally}
}

// throttleKeys names the counts an attempt on username from address goes
// under: the device's alone when the browser proved it signed in to the
// account before. A name that is no account is hashed: people type their
// password into the username box, and it must not be stored.
func (a *Authenticator) throttleKeys(username string, known bool, address string, device *Device) map[string]ThrottleRule {
	if device != nil {
		return map[string]ThrottleRule{"device:" + device.Nonce: a.throttle.Device}
	}
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

// addressGroup is the part of a client address that one party controls
// (web.ClientNetwork), written as the address itself when it is one.
func addressGroup(address string) string {
	ip, err := netip.ParseAddr(address)
	if err != nil {
		return address
	}
	if network := web.ClientNetwork(ip); !network.IsSingleIP() {
		return network.String()
	}
	return address
}

// Authenticate returns the user whose username and password these are.
// devices are what the browser's device cookie proves (see Device); one for
// this account lets the attempt past the account's lock and ahead of
// strangers in the queue for a hash.
//
// It returns a *ThrottledError while the attempts are locked out,
// ErrBadCredentials for an unknown user, a wrong password or a disabled
// account, ErrBusy when no hashing slot came free in time (nothing is
// counted then), and the context's error when the client left. Failures
// and refusals are counted in the tally, without the text typed for an
// unknown user; a success is logged at once.
func (a *Authenticator) Authenticate(ctx context.Context, username, password string, by Actor, devices []Device) (User, error) {
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
	detail := detailUnknownAccount
	var device *Device
	if known {
		subject, detail = &user, ""
		device = deviceOf(devices, user)
	}
	priority := Ordinary
	if device != nil {
		priority = Preferred
	}
	keys := a.throttleKeys(username, known, by.Address, device)
	match, lockedAfter, err := a.attempt(ctx, keys, priority, password, user.PasswordHash) // "" for an unknown user
	var throttled *ThrottledError
	switch {
	case errors.As(err, &throttled):
		a.tally.Add(by, ActionSignInRefused, subject, detailThrottled)
		return User{}, err
	case err != nil:
		return User{}, err
	}
	if match && !user.Active {
		// Answered as a wrong password is, and counted as one; only the
		// log tells them apart.
		match, detail = false, detailDisabled
	}
	if !match {
		action := ActionSignInFailed
		if detail == detailDisabled {
			action = ActionSignInRefused
		}
		a.tally.Add(by, action, subject, detail)
		if !lockedAfter.IsZero() {
			return User{}, &ThrottledError{Until: lockedAfter}
		}
		return User{}, ErrBadCredentials
	}
	if err := a.users.ForgetFailures(ctx, keyNames(keys)...); err != nil {
		return User{}, err
	}
	return user, a.users.Log(ctx, ActorOf(&user, by.Address), ActionSignIn, subject, "")
}

// attempt checks password against hash as one attempt under keys. It
// returns a *ThrottledError, without hashing, when a key is locked;
// otherwise whether the password matched, and until when the keys stay
// locked if it did not. The hashing slot is taken before the attempt is
// counted, so that an attempt refused with ErrBusy counts against nobody;
// locks are looked up first without writing, so that a throttled flood
// does not queue for the database's writer.
func (a *Authenticator) attempt(ctx context.Context, keys map[string]ThrottleRule, p Priority, password, hash string) (match bool, lockedAfter time.Time, err error) {
	until, err := a.users.LockedUntil(ctx, keyNames(keys))
	if err != nil {
		return false, time.Time{}, err
	}
	if !until.IsZero() {
		return false, time.Time{}, &ThrottledError{Until: until}
	}
	if err := a.hasher.acquire(ctx, p); err != nil {
		return false, time.Time{}, err
	}
	defer a.hasher.release()
	refusedUntil, lockedAfter, err := a.users.BeginAttempt(ctx, keys)
	if err != nil {
		return false, time.Time{}, err
	}
	if !refusedUntil.IsZero() {
		return false, time.Time{}, &ThrottledError{Until: refusedUntil}
	}
	match, err = a.hasher.verify(password, hash)
	return match, lockedAfter, err
}

// CheckPassword reports whether password is the signed-in user's own, as a
// page that asks for it again does. Wrong guesses count towards the same
// throttle as sign-in, so a stolen session cannot try passwords freely; it
// returns a *ThrottledError while they are locked out, and ErrBusy when no
// hashing slot came free in time.
func (a *Authenticator) CheckPassword(ctx context.Context, user User, password string, by Actor) (bool, error) {
	keys := a.throttleKeys(user.Username, true, by.Address, nil)
	match, lockedAfter, err := a.attempt(ctx, keys, Preferred, password, user.PasswordHash)
	if err != nil {
		return false, err
	}
	if !match {
		if !lockedAfter.IsZero() {
			return false, &ThrottledError{Until: lockedAfter}
		}
		return false, nil
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
