package views

import "time"

// ReviewPage is the queue of changes waiting for review before the public
// reads them (信息公开审核).
type ReviewPage struct {
	Nav     Nav
	Items   []ReviewItem
	Waiting int // how many wait in all; Items may show fewer
	// Error says why some of a decision was not taken (the project
	// changed since it was shown).
	Error         string
	ApproveAction string // where the approval of the ticked items goes
	// Photos are the photos from the site waiting (nil: none).
	Photos *ReviewPhotos
}

// ReviewItem is a project waiting for review: its public fields before
// and after, who changed them and when, and the forms that decide.
type ReviewItem struct {
	Key     string // the project's id as text, for ids on the page
	Name    string
	NameEn  string
	URL     string // the project's page
	Value   string // the approval checkbox's value: "project:version"
	Version int64
	Editors []string
	Changed time.Time
	Rows    []ChangeRow
	// ReturnAction sends it back with Comment; CommentError says why a
	// return was refused.
	ReturnAction string
	Comment      string
	CommentError string
	// Changed since shown: the reviewer sees this newer version.
	Newer bool
}

// ChangeRow is a field's value before and after a change.
type ChangeRow struct {
	Field FieldName
	Old   HistoryValue
	New   HistoryValue
}
