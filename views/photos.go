package views

import "time"

// PhotoTimeline is a project's photos from the site (形象进度), newest
// first: for the public the approved ones; for staff every one, with its
// state, the date the camera gave, who uploaded it, and what they may do.
type PhotoTimeline struct {
	Photos []PhotoView
	Staff  bool
	// ManageURL, for staff, is the project's photos page (and upload).
	ManageURL string
}

// PhotoView is one photo on a timeline.
type PhotoView struct {
	ID          string
	FullURL     string
	ThumbURL    string
	ThumbWidth  int
	ThumbHeight int
	Caption     string
	// Date is the photo's date on the timeline (taken, else uploaded),
	// in the district's time zone; Taken says whether the camera gave it.
	Date  time.Time
	Taken bool
	// For staff: when and by whom it was uploaded, its review state
	// ("pending", "approved", "returned"), the reviewer's comment, and
	// whether it is hidden from the public.
	UploadedAt    time.Time
	Uploader      string
	State         string
	ReviewComment string
	Hidden        bool
	// HideAction and DeleteAction are set for staff who may hide (or
	// show again) and delete it.
	HideAction   string
	DeleteAction string
}

// PhotoUploadForm is the form that adds photos to a project.
type PhotoUploadForm struct {
	Action   string
	Caption  string
	Errors   FieldErrors
	MaxMB    int64
	MaxFiles int
	PerDay   int
	// Review says that new photos wait for a supervisor.
	Review bool
	// Back is where a successful upload returns to ("" for the photos page).
	Back string
}

// PhotosPage is a project's photos for staff: the upload, and every photo
// with its state.
type PhotosPage struct {
	Nav        Nav
	Name       string
	NameEn     string
	ProjectURL string
	Upload     *PhotoUploadForm // nil for staff who may not add photos
	Timeline   PhotoTimeline
}

// PhotoLimitsPage is the administrators' page of the photos' limits.
type PhotoLimitsPage struct {
	Nav Nav
	// The fields, as typed or as saved.
	MaxFileMB    string
	PerDay       string
	StorageCapGB string
	Errors       FieldErrors
	// What the photos take, and the cap, in bytes; Count is how many.
	Used, Cap int64
	Count     int64
	UpdatedAt *time.Time
	UpdatedBy string
	Bounds    PhotoLimitBounds
}

// PhotoLimitBounds are the least and most each limit may be set to.
type PhotoLimitBounds struct {
	MinFileMB, MaxFileMB, MaxPerDay, MaxStorageGB int
}

// ReviewPhotos is the photos waiting in the review queue.
type ReviewPhotos struct {
	Photos  []ReviewPhoto
	Waiting int64
}

// ReviewPhoto is a photo waiting for review: its project, the photo, and
// the form that returns it.
type ReviewPhoto struct {
	PhotoView
	ProjectName   string
	ProjectNameEn string
	ProjectURL    string
	ReturnAction  string
	Comment       string
	CommentError  string
}
