package views

import "time"

// HistoryPage is the history of a project's changes.
type HistoryPage struct {
	Nav           Nav
	ProjectName   string
	ProjectNameEn string
	ProjectURL    string
	// Staff see every change, with who made it and why; the public sees the
	// changes to dates, progress and outcomes only, without names.
	Staff   bool
	Entries []HistoryEntry
}

// HistoryEntry is one changed field.
type HistoryEntry struct {
	At    time.Time // in the district's time
	Who   string
	Field string
	// TargetYear and TargetList name the target of a target's field; zero
	// for a field of the project.
	TargetYear int
	TargetList string
	Old        string
	New        string
	Reason     string
}
