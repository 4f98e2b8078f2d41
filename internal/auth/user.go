// Package auth is who may do what: staff accounts and their roles, passwords,
// sessions, the CSRF token, sign-in with its throttle, the security log,
// which engineers answer for which projects, and the one policy that decides
// what each role may do.
package auth

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"shuangshi/internal/errkind"
)

// Role is what a member of staff does in the district. The public has no
// account and no role.
type Role string

// The roles.
const (
	Engineer   Role = "engineer"   // keeps the projects assigned to them current
	Supervisor Role = "supervisor" // watches everything, comments, hands in the year-end table
	Admin      Role = "admin"      // manages accounts, assignments, projects and lists
)

// Roles returns every role, from the narrowest to the widest.
func Roles() []Role { return []Role{Engineer, Supervisor, Admin} }

// ParseRole accepts a role's code.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if string(r) == strings.TrimSpace(s) {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q", s)
}

// User is a member of staff with an account.
type User struct {
	ID          int64
	Username    string
	DisplayName string
	Role        Role
	Active      bool
	// Email is where the daily digest goes; empty for none.
	Email string
	// Language is the language the user last signed in with (a BCP 47
	// tag), for the e-mails the site sends them.
	Language string
	// PasswordHash is an argon2id hash in the PHC string format.
	PasswordHash string
	// MustChangePassword is set when an administrator resets the password:
	// the temporary one only lets the user choose a new one.
	MustChangePassword bool
	// SessionGeneration is written into every session of the user and checked
	// on each request; raising it ends all of the user's sessions at once.
	SessionGeneration int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Name is how the user is shown: the display name, or the username when
// there is none.
func (u User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// The limits of what a person may type into an account.
const (
	MinPasswordLength    = 10
	MaxPasswordLength    = 128
	MinUsernameLength    = 2
	MaxUsernameLength    = 32
	MaxDisplayNameLength = 64
)

// The reasons an account's field is refused. Forms show each beside its field;
// each is of a kind (invalid, conflict, not found) for a handler that does not.
var (
	ErrUsernameLength       = errkind.New(errkind.Invalid, "username length")
	ErrUsernameCharacters   = errkind.New(errkind.Invalid, "username characters")
	ErrDisplayNameLength    = errkind.New(errkind.Invalid, "display name length")
	ErrDisplayNameText      = errkind.New(errkind.Invalid, "display name characters")
	ErrPasswordTooShort     = errkind.New(errkind.Invalid, "password too short")
	ErrPasswordTooLong      = errkind.New(errkind.Invalid, "password too long")
	ErrPasswordIsUsername   = errkind.New(errkind.Invalid, "password is the username")
	ErrPasswordNotText      = errkind.New(errkind.Invalid, "password characters")
	ErrPasswordsDiffer      = errkind.New(errkind.Invalid, "passwords differ")
	ErrUsernameTaken        = errkind.New(errkind.Conflict, "username taken")
	ErrLastAdmin            = errkind.New(errkind.Conflict, "last active administrator")
	ErrNotFound             = errkind.New(errkind.NotFound, "not found")
	ErrWrongCurrentPassword = errkind.New(errkind.Invalid, "wrong current password")
)

// MaxEmailLength limits an e-mail address (RFC 5321).
const MaxEmailLength = 254

// ErrEmailInvalid refuses what is not an e-mail address.
var ErrEmailInvalid = errkind.New(errkind.Invalid, "e-mail address")

// CheckEmail checks an e-mail address: empty (none), or one address without
// a display name.
func CheckEmail(s string) error {
	if s == "" {
		return nil
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" || len(s) > MaxEmailLength {
		return ErrEmailInvalid
	}
	return nil
}

// CheckDisplayName checks the name shown for a user: up to 64 characters of
// printable text.
func CheckDisplayName(s string) error {
	if utf8.RuneCountInString(s) > MaxDisplayNameLength {
		return ErrDisplayNameLength
	}
	if !printable(s) {
		return ErrDisplayNameText
	}
	return nil
}

// CheckPassword checks a new password: 10 to 128 characters, any
// characters a person can type, and not the username itself.
func CheckPassword(password, username string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password) || strings.ContainsFunc(password, unicode.IsControl):
		return ErrPasswordNotText
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case n > MaxPasswordLength:
		return ErrPasswordTooLong
	case username != "" && strings.EqualFold(password, username):
		return ErrPasswordIsUsername
	}
	return nil
}

func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}
