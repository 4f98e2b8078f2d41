package auth

import "time"

// Action names an entry of the security log.
type Action string

// The actions the security log records.
const (
	ActionSignIn            Action = "sign-in"
	ActionSignInFailed      Action = "sign-in-failed"
	ActionSignInRefused     Action = "sign-in-refused" // throttled or disabled
	ActionSignOut           Action = "sign-out"
	ActionSignOutEverywhere Action = "sign-out-everywhere"
	ActionUserCreated       Action = "user-created"
	ActionRoleChanged       Action = "role-changed"
	ActionUserDisabled      Action = "user-disabled"
	ActionUserEnabled       Action = "user-enabled"
	ActionPasswordChanged   Action = "password-changed"
	ActionPasswordReset     Action = "password-reset"
	ActionAssigned          Action = "assigned"
	ActionUnassigned        Action = "unassigned"
	ActionEmailChanged      Action = "email-changed"
	// A personal calendar address works like a password for the deadlines
	// it shows, so making and ending one is logged.
	ActionCalendarLinkCreated Action = "calendar-link-created"
	ActionCalendarLinkRevoked Action = "calendar-link-revoked"
)

// Actions returns every kind of entry of the security log.
func Actions() []Action {
	return []Action{
		ActionSignIn, ActionSignInFailed, ActionSignInRefused, ActionSignOut, ActionSignOutEverywhere,
		ActionUserCreated, ActionRoleChanged, ActionUserDisabled, ActionUserEnabled,
		ActionPasswordChanged, ActionPasswordReset, ActionAssigned, ActionUnassigned,
		ActionEmailChanged, ActionCalendarLinkCreated, ActionCalendarLinkRevoked,
	}
}

// Event is one entry of the security log. Names are copied into it so that
// it reads the same after the accounts change. An entry counted by a Tally
// stands for Count occurrences from FirstAt to At.
type Event struct {
	ID        int64
	At        time.Time // the last occurrence
	Action    Action
	ActorID   *int64
	Actor     string
	SubjectID *int64
	Subject   string
	Detail    string
	Address   string
	Count     int64
	FirstAt   *time.Time // nil for a single occurrence
}

// TableName keeps the log's table name apart from other kinds of events.
func (Event) TableName() string { return "security_events" }

// Actor is who causes a change, and from where: a signed-in user with the
// client's address, or the command line.
type Actor struct {
	UserID  int64
	Name    string
	Address string
}

// CommandLine is the actor of the server's own user commands. Names that
// begin with "@" are not accounts; pages show them in the reader's words.
var CommandLine = Actor{Name: "@command-line"}

// SetupLink is the actor of the one-time first-administrator setup.
var SetupLink = Actor{Name: "@setup-link"}

// ActorOf returns the actor for a user acting from an address.
func ActorOf(u *User, address string) Actor {
	if u == nil {
		return Actor{Address: address}
	}
	return Actor{UserID: u.ID, Name: u.Username, Address: address}
}

func (a Actor) event(action Action, subject *User, detail string, at time.Time) Event {
	e := Event{At: at, Action: action, Actor: a.Name, Detail: detail, Address: a.Address, Count: 1}
	if a.UserID != 0 {
		id := a.UserID
		e.ActorID = &id
	}
	if subject != nil {
		id := subject.ID
		e.SubjectID, e.Subject = &id, subject.Username
	}
	return e
}
