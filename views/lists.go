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
	State    string // "draft", "published" or "closed"
	URL      string // the year's list editor
	Start    int
	Complete int
}

// ListEditorPage is a year's list for administrators to set up.
type ListEditorPage struct {
	Nav       Nav
	Year      int
	Standing  Standing
	PublicURL string // "" while the year has no target
	// Step is the next step of the list's life cycle (publish, close,
	// reopen), which StepURL confirms; "" for none.
	Step    string
	StepURL string
	// Closed lists are not edited: no forms.
	Closed  bool
	History []ListEvent
	Lists   []EditorList
	Size    int // how many each list is meant to have
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
	Number      int // 序号
	Category    string
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

// LifecyclePage confirms a step of a list's life cycle: publishing a
// draft, closing a published year, reopening a closed one.
type LifecyclePage struct {
	Nav      Nav
	Year     int
	Step     string // "publish", "close" or "reopen"
	Standing Standing
	Start    int // targets on the start list
	Complete int // and on the completion list
	// Action is where the confirmation goes, with Version, the list's
	// version the page was made from; "" when the step does not apply to
	// the list as it stands now (someone else took a step first).
	Action  string
	Version int64
	// Error says why the step was refused or cannot be taken.
	Error string
	// Blocking are the targets that keep the year from closing.
	Blocking []BlockingTarget
	Reason   string // a reopening's reason, as typed
	Errors   FieldErrors
	BackURL  string // the list editor
}

// BlockingTarget is a target that keeps a year from closing, and why.
type BlockingTarget struct {
	Number  int
	Name    string
	NameEn  string
	Problem string
	EditURL string // where its outcome and progress are recorded
}
