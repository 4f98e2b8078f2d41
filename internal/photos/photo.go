// Package photos is the photos from the site (形象进度, issue 17): an
// engineer adds dated photos to a project from the phone's camera; the
// server checks and re-encodes them (no metadata survives, above all no
// GPS position), keeps them in the database and serves them by content
// hash; the public reads them on the project's page once a supervisor
// approves them (with review before publication on); staff see every
// photo and its state, and may hide or delete one. Administrators set the
// limits: size per file, photos per project per day, total storage.
package photos

import (
	"strings"
	"time"
	"unicode/utf8"
)

// State is where a photo stands in the review before publication.
type State string

// The states of a photo.
const (
	// Pending waits for a supervisor (with review on; without, a pending
	// photo is public at once).
	Pending State = "pending"
	// Approved is public, unless hidden.
	Approved State = "approved"
	// Returned was sent back with the reviewer's comment; never public.
	Returned State = "returned"
)

// Photo is one photo of a project, as listed: its bytes are fetched
// only to be served.
type Photo struct {
	ID            int64
	ProjectID     int64
	Caption       string
	FullHash      string
	FullWidth     int
	FullHeight    int
	ThumbHash     string
	ThumbWidth    int
	ThumbHeight   int
	Size          int64 // both copies' bytes
	TakenAt       *time.Time
	UploadedAt    time.Time
	UploadedBy    *int64
	UploaderName  string
	State         State
	ReviewComment string
	ReviewedAt    *time.Time
	Hidden        bool
}

// Public reports whether the public sees the photo: not hidden, and
// approved, or (without review before publication) not returned.
func (p Photo) Public(review bool) bool {
	if p.Hidden || p.State == Returned {
		return false
	}
	return p.State == Approved || !review
}

// Date is the photo's date on the timeline: when it was taken, if the
// camera said, else when it was uploaded.
func (p Photo) Date() time.Time {
	if p.TakenAt != nil {
		return *p.TakenAt
	}
	return p.UploadedAt
}

// FullURL and ThumbURL are the addresses of the copies: by hash, so that
// they never change and are cached for good.
func (p Photo) FullURL() string  { return FilePath(p.FullHash) }
func (p Photo) ThumbURL() string { return FilePath(p.ThumbHash) }

// FilePath is where the copy of a hash is served.
func FilePath(hash string) string { return "/photos/" + hash + ".jpg" }

// Limits are what an administrator sets.
type Limits struct {
	MaxFileBytes     int64
	PerProjectPerDay int
	StorageCapBytes  int64
	UpdatedAt        *time.Time
	UpdatedBy        string
}

// The bounds of the limits an administrator may set, and what one upload
// may carry.
const (
	// MaxFileMB is the most a file may be set to: the upload's route
	// takes MaxFilesPerUpload of these.
	MaxFileMB = 25
	MinFileMB = 1
	// MaxPerDay bounds photos per project per day.
	MaxPerDay = 500
	// MaxStorageGB bounds the total storage cap.
	MaxStorageGB = 1000
	// MaxFilesPerUpload is how many photos one form may send.
	MaxFilesPerUpload = 10
	// MaxCaption is a caption's length in characters.
	MaxCaption = 200
	// uploadMegabytes is the route's body limit: MaxFilesPerUpload files
	// of MaxFileMB, and the form around them.
	uploadMegabytes = MaxFilesPerUpload*MaxFileMB + 1
)

// CleanCaption is a caption as kept: trimmed, control characters and
// invalid UTF-8 dropped, lines joined.
func CleanCaption(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// CaptionTooLong reports whether a cleaned caption is over MaxCaption.
func CaptionTooLong(s string) bool { return utf8.RuneCountInString(s) > MaxCaption }
