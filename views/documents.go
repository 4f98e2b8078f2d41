package views

import "time"

// ProjectDocuments is the documents section of a project's page: the
// documents its reader may read, each a download.
type ProjectDocuments struct {
	Items []DocumentItem
	// ManageURL, set for staff, is the page of the project's documents,
	// where they are uploaded, approved and deleted.
	ManageURL string
}

// DocumentItem is one document as a page lists it.
type DocumentItem struct {
	ID    string
	Title string
	Kind  string // "permit", "acceptance" or "other"
	// TargetYear and TargetList name the target it proves.
	TargetYear int
	TargetList string
	URL        string // the download
	Size       int64  // bytes
	// At is when the public could first read it, or, for staff, when it
	// was uploaded.
	At time.Time
	// Staff see who uploaded it and whether the public reads it:
	// "staff", "pending" (waiting for approval) or "public".
	Visibility string
	UploadedBy string
	// DeleteURL is set for a reader who may delete it; PublishURL for a
	// reviewer, while it waits for approval.
	DeleteURL  string
	PublishURL string
}

// DocumentsPage is the staff's page of a project's documents: the upload
// form and every document.
type DocumentsPage struct {
	Nav           Nav
	ProjectName   string
	ProjectNameEn string
	ProjectURL    string
	Items         []DocumentItem
	// Upload is the form, for a reader who may edit the project.
	Upload *DocumentUpload
}

// DocumentUpload is the form that uploads a document, as typed.
type DocumentUpload struct {
	Action  string
	Title   string
	Target  string
	Kind    string
	Public  bool
	Targets []DocumentTarget
	Kinds   []string
	Errors  FieldErrors
	MaxMB   int
	// Review says that a document marked public waits for approval.
	Review bool
}

// DocumentTarget is a target a document may prove.
type DocumentTarget struct {
	ID   string
	Year int
	List string
}
