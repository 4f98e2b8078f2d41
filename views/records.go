package views

import "time"

// ProjectsAdminPage is the administrators' list of projects.
type ProjectsAdminPage struct {
	Nav      Nav
	Archived bool // the archived projects, rather than the active ones
	Others   int  // how many projects the other view has
	Projects []ProjectAdminRow
	ListsURL string // the yearly lists' page
	// NewURL creates a project; ActiveURL and ArchivedURL are the two
	// views of the list.
	NewURL, ActiveURL, ArchivedURL string
}

// ProjectAdminRow is one project in the administrators' list.
type ProjectAdminRow struct {
	Name     string
	NameEn   string
	Category string
	Unit     string
	Targets  []ListMark
	URL      string // the administrators' page
}

// ListMark is a list a project is on: a year and "start" or "complete",
// and the address of that year's list editor.
type ListMark struct {
	Year int
	List string
	URL  string
}

// ProjectFormPage is the form of a project's identity, new or existing.
type ProjectFormPage struct {
	Nav         Nav
	ProjectsURL string // the list of projects
	New         bool
	Action      string
	Version     string
	Name        string
	NameEn      string
	Category    string
	Extent      string
	Unit        string
	Location    string
	Description string
	Errors      FieldErrors
	Conflict    *Conflict
	// Of an existing project:
	Heading    string // its name as stored
	PublicURL  string
	HistoryURL string
	ArchiveURL string // posts the archiving, or the restoring
	ArchivedAt time.Time
	Targets    []ListMark
}

// Archived reports whether the project is archived.
func (p ProjectFormPage) Archived() bool { return !p.ArchivedAt.IsZero() }
