package views

import "shuangshi/internal/civil"

// YearsAdminPage is where administrators choose a year's list to set up.
type YearsAdminPage struct {
	Nav         Nav
	ProjectsURL string // the administrators' list of projects
	Action      string // where the form to set up a year goes
	Years       []YearAdminRow
	Next        int // the year after the newest list, to set up
	Error       string
	Typed       string
}

// YearAdminRow is a year with a list.
type YearAdminRow struct {
	Year     int
	URL      string // the year's list editor
	Start    int
	Complete int
}

// ListEditorPage is a year's list for administrators to set up.
type ListEditorPage struct {
	Nav       Nav
	Year      int
	PublicURL string // "" while the year has no target
	Lists     []EditorList
	Size      int // how many each list is meant to have
	// Offered are the active projects that can still go on a list of the
	// year, for the form that adds one.
	Offered []ProjectChoice
	Add     AddTargetForm
	Errors  FieldErrors
	// CarryOverURL proposes this year's list from the previous year's
	// unfinished work; "" when the previous year has no list.
	CarryOverURL string
	ImportURL    string
	ListsURL     string // every year's lists
	AddAction    string // where the form that adds a project goes
	// NewProjectURL creates a project that is not yet in the record.
	NewProjectURL string
}

// EditorList is one list of the year in the editor.
type EditorList struct {
	List    string
	Targets []EditorTarget
}

// EditorTarget is a target in the editor, with its forms.
type EditorTarget struct {
	ID          int64
	Anchor      string
	Position    int
	Name        string
	NameEn      string
	RecordURL   string
	Deadline    civil.Date
	NodeDate    bool // a deadline other than 31 December
	First       bool
	Last        bool
	MoveURL     string
	DeadlineURL string
	RemoveURL   string
	// DeadlineValue and DeadlineError are the typed deadline of a refused
	// change, and why it was refused.
	DeadlineValue string
	DeadlineError string
}

// ProjectChoice is a project offered in a drop-down.
type ProjectChoice struct {
	ID     string
	Name   string
	NameEn string
}

// AddTargetForm is the typed form that adds a project to a list.
type AddTargetForm struct {
	Project    string
	List       string
	ListedName string
	Deadline   string
}

// RemoveTargetPage asks for the reason before a target leaves its list.
type RemoveTargetPage struct {
	Nav     Nav
	Year    int
	List    string
	Name    string
	NameEn  string
	Action  string
	BackURL string
	Reason  string
	Errors  FieldErrors
}

// CarryOverPage proposes next year's lists from this year's unfinished
// work.
type CarryOverPage struct {
	Nav       Nav
	Year      int // the year the work comes from
	Next      int
	Proposals []CarryOverChoice
	Error     string
	Action    string
	ListURL   string // the next year's list editor
}

// CarryOverChoice is one proposal, checked unless the project is already
// on that list.
type CarryOverChoice struct {
	Value    string // "project-list"
	Name     string
	NameEn   string
	List     string
	Why      string // "started" or "unfinished"
	Outcome  string // the outcome of the target it follows from
	FromList string
	Listed   bool
	Checked  bool
}
