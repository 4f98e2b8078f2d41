package views

// ImportUploadPage is the form that uploads a spreadsheet of a year's list.
type ImportUploadPage struct {
	Nav      Nav
	ListsURL string // every year's lists
	Year     string
	Errors   FieldErrors
	// Headings are the headings each column of the file may have, by
	// column, for the page's explanation.
	Headings []ImportHeading
	MaxMB    int
	MaxRows  int
}

// ImportHeading is a column the import reads, with the headings it takes.
type ImportHeading struct {
	Column   string
	Headings []string
	Required bool
}

// ImportPreviewPage shows what importing an uploaded file would do, row by
// row, before anything changes.
type ImportPreviewPage struct {
	Nav       Nav
	Year      int
	FileName  string
	Action    string
	ListURL   string
	Applied   bool // this upload was imported already
	Lines     []ImportLine
	Lists     []ImportListSummary
	Errors    int
	Proposals int
	Problem   string // why confirming was refused
	Size      int    // how many projects each list is meant to have
}

// ImportLine is one row of the file in the preview.
type ImportLine struct {
	Row              int
	List             string
	Name             string
	Category         string
	CategoryInferred bool
	Action           string // new, existing, propose, listed, error
	MatchName        string
	MatchURL         string
	MatchScore       int    // percent, for a proposal
	Answer           string // "yes", "no" or "" for a proposal
	Problems         []string
}

// ImportListSummary counts one list of the preview.
type ImportListSummary struct {
	List     string
	New      int
	Existing int
	Proposed int
	Listed   int
	Total    int
	Warn     bool
}
