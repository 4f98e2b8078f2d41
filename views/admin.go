package views

import "time"

// UsersPage lists every account.
type UsersPage struct {
	Nav   Nav
	Users []UserRow
}

// UserRow is one account in a list.
type UserRow struct {
	ID          int64
	URL         string
	Username    string
	DisplayName string
	Role        string
	Active      bool
	MustChange  bool
}

// NewUserPage is the form for a new account.
type NewUserPage struct {
	Nav         Nav
	Username    string
	DisplayName string
	Role        string
	Roles       []string
	Errors      FieldErrors
}

// TemporaryPasswordPage shows, once, the password an administrator gives a
// new user or a user whose password was reset.
type TemporaryPasswordPage struct {
	Nav      Nav
	Username string
	Password string
	Created  bool // a new account, rather than a reset
	UserURL  string
}

// UserPage is one account for an administrator: its role, whether it may
// sign in, its password, its projects and its log.
type UserPage struct {
	Nav         Nav
	User        UserRow
	Self        bool // the administrator's own account
	Roles       []string
	Problem     string
	HasProjects bool // the role answers for projects
	Assigned    []ProjectOption
	Assignable  []ProjectOption
	Events      []EventRow
}

// ProjectOption is a project that can be chosen or is listed by name.
type ProjectOption struct {
	ID       int64
	Name     string
	Category string
	URL      string
}

// AssignmentsPage shows who answers for what.
type AssignmentsPage struct {
	Nav  Nav
	Rows []AssignmentRow
}

// AssignmentRow is a project with its engineers.
type AssignmentRow struct {
	Project   ProjectOption
	Engineers []UserLink
}

// UserLink names a user and links to their account page.
type UserLink struct {
	Name string
	URL  string
}

// EventsPage is the security log, a page of it at a time, filtered.
type EventsPage struct {
	Nav     Nav
	Events  []EventRow
	Pager   Pager
	Actions []string // the kinds of entry, to filter by
	Action  string   // the kind chosen, "" for all
	Who     string   // a username or an address typed to filter by
	// CSVURL is the address of every entry the filter picks, as CSV, and
	// Total how many there are.
	CSVURL string
	Total  int
}

// EventRow is one entry of the security log. At is in the district's time.
// An entry that counts several occurrences (repeated failed or refused
// sign-ins) has Count above one and FirstAt set; At is the last.
type EventRow struct {
	At      time.Time
	FirstAt time.Time
	Count   int64
	Action  string
	Actor   string // a username
	// ActorCode names, instead of Actor, an actor that is not an account
	// ("command-line").
	ActorCode string
	Subject   string
	Detail    EventDetail
	Address   string
}

// EventDetail is the detail of a log entry. At most one of its fields is
// set, and none for an entry without one.
type EventDetail struct {
	FromRole, ToRole string // a role change, by the roles' codes
	Role             string // the role of a new account
	// Reason is a sign-in's code: why it failed or was refused, or how it
	// was made ("throttled", "setup").
	Reason string
	Text   string // anything else, shown as it is
}

// ConfirmPage asks an administrator to confirm a change that cannot be
// undone quietly, such as disabling an account or resetting a password.
type ConfirmPage struct {
	Nav     Nav
	Title   string // in the reader's words
	Message string // in the reader's words
	Action  string
	Field   string // an optional hidden field sent with the form
	Value   string
	Button  string // message id
	Danger  bool
	BackURL string
}
