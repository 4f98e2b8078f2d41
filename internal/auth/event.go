package auth

import (
	"slices"
	"strings"
	"time"
)

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
	// Publishing, closing and reopening a year's list change what the
	// public is told; the detail is the year, and a reopening's reason.
	ActionListPublished Action = "list-published"
	ActionListClosed    Action = "list-closed"
	ActionListReopened  Action = "list-reopened"
)

// Actions returns every kind of entry of the security log.
func Actions() []Action {
	return []Action{
		ActionSignIn, ActionSignInFailed, ActionSignInRefused, ActionSignOut, ActionSignOutEverywhere,
		ActionUserCreated, ActionRoleChanged, ActionUserDisabled, ActionUserEnabled,
		ActionPasswordChanged, ActionPasswordReset, ActionAssigned, ActionUnassigned,
		ActionEmailChanged, ActionCalendarLinkCreated, ActionCalendarLinkRevoked,
		ActionListPublished, ActionListClosed, ActionListReopened,
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

// ActorCode returns the code of an actor that is not an account, by the
// name the log gives it: "command-line" for CommandLine, "setup-link" for
// SetupLink. It returns "" for any other name, a user's.
func ActorCode(name string) string {
	for _, a := range []Actor{CommandLine, SetupLink} {
		if name == a.Name {
			return strings.TrimPrefix(a.Name, "@")
		}
	}
	return ""
}

// ActorOf returns the actor for a user acting from an address.
func ActorOf(u *User, address string) Actor {
	if u == nil {
		return Actor{Address: address}
	}
	return Actor{UserID: u.ID, Name: u.Username, Address: address}
}

// Event returns the security log's entry of the actor's action, for a
// feature that writes it in the transaction of the change it records.
func (a Actor) Event(action Action, detail string, at time.Time) Event {
	return a.event(action, nil, detail, at)
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

// An entry's Detail is text, and what it means depends on the action: the
// roles of a role change ("engineer>supervisor"), the role of a new
// account, a code saying why a sign-in failed or was refused, or text as
// written (the project of an assignment, a new email address). The forms
// are written here and read back by ReadDetail, the one place that knows
// them.

// The codes of a sign-in entry's detail: why it failed or was refused, or
// how it was made. overflowDetail, of the Tally, is one too.
const (
	detailUnknownAccount = "unknown-account"
	detailDisabled       = "disabled"
	detailThrottled      = "throttled"
	detailSetup          = "setup" // signed in by the first-administrator setup link
)

// roleChangeDetail is how the log writes a role change.
func roleChangeDetail(from, to Role) string { return string(from) + ">" + string(to) }

// EventDetail is an entry's detail, read. At most one of its fields is set,
// and none when the entry has no detail.
type EventDetail struct {
	// From and To are the roles of a role change.
	From, To Role
	// Role is the role a new account was given.
	Role Role
	// Reason is a sign-in's code: "unknown-account", "disabled",
	// "throttled", "setup", or "overflow" for the occurrences counted
	// together beyond the Tally's keys.
	Reason string
	// Text is any other detail, as written, and a detail that does not
	// have its action's form.
	Text string
}

// ReadDetail returns the entry's detail, read.
func (e Event) ReadDetail() EventDetail { return readDetail(e.Action, e.Detail) }

// readDetail reads the detail of an entry of action as the log stores it.
// A detail that does not have the action's form (written by an older
// version, or naming a role since retired) is read as Text, so that it is
// shown as stored rather than lost or mistranslated.
func readDetail(action Action, stored string) EventDetail {
	if stored == "" {
		return EventDetail{}
	}
	switch action {
	case ActionRoleChanged:
		from, to, ok := strings.Cut(stored, ">")
		if ok && slices.Contains(Roles(), Role(from)) && slices.Contains(Roles(), Role(to)) {
			return EventDetail{From: Role(from), To: Role(to)}
		}
	case ActionUserCreated:
		if slices.Contains(Roles(), Role(stored)) {
			return EventDetail{Role: Role(stored)}
		}
	case ActionSignIn, ActionSignInFailed, ActionSignInRefused:
		switch stored {
		case detailUnknownAccount, detailDisabled, detailThrottled, detailSetup, overflowDetail:
			return EventDetail{Reason: stored}
		}
	}
	return EventDetail{Text: stored}
}
