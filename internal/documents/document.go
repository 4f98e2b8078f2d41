// Package documents keeps the documents that prove a milestone (issue 17):
// PDF files on a target of a year's list, such as the construction permit
// (施工许可证) of a start or the acceptance certificate (竣工验收) of a
// completion. Staff read every document; the public reads those marked
// public (under review before publication, once approved), on the
// project's page, as downloads and in the open data.
package documents

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shuangshi/internal/errkind"
	"shuangshi/internal/projects"
)

// Kind is what a document is.
type Kind string

// The kinds of document.
const (
	// Permit is a construction permit (施工许可证): the proof of a start.
	Permit Kind = "permit"
	// Acceptance is a completion acceptance certificate (竣工验收): the
	// proof of a completion.
	Acceptance Kind = "acceptance"
	// Other is any other paper on a milestone.
	Other Kind = "other"
)

// Kinds are the kinds in the order the form offers them.
func Kinds() []Kind { return []Kind{Permit, Acceptance, Other} }

// KindFor is the kind that proves a target of list l: what the form
// proposes.
func KindFor(l projects.List) Kind {
	if l == projects.CompleteList {
		return Acceptance
	}
	return Permit
}

// Fits reports whether a document of kind k can prove a target of list l:
// a permit proves a start and an acceptance certificate a completion;
// another paper goes with either.
func (k Kind) Fits(l projects.List) bool {
	switch k {
	case Permit:
		return l == projects.StartList
	case Acceptance:
		return l == projects.CompleteList
	}
	return k == Other
}

// Visibility is who reads a document.
type Visibility string

// The visibilities of a document.
const (
	StaffOnly Visibility = "staff"
	// Waiting was marked public under review before publication: staff
	// only until a supervisor or an administrator approves it.
	Waiting Visibility = "pending"
	Public  Visibility = "public"
)

// Document is a PDF file on a target of a project.
type Document struct {
	ID        int64
	ProjectID int64
	TargetID  int64
	Kind      Kind
	Title     string
	// Content is the file; the store reads it only for a download.
	Content        []byte
	Size           int64
	SHA256         string `gorm:"column:sha256"` // hex, the download's ETag
	Visibility     Visibility
	UploadedBy     *int64
	UploadedByName string
	CreatedAt      time.Time
	PublishedAt    *time.Time
}

// FileName is the name a download is saved under: the title, made safe
// for a file system, with ".pdf".
func (d Document) FileName() string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		}
		return r
	}, d.Title)
	if !strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name += ".pdf"
	}
	return name
}

// ContentDisposition is the download's Content-Disposition (RFC 6266): an
// attachment, its name in UTF-8 as RFC 5987 writes it so that a Chinese
// title survives, and an ASCII name beside it for old clients.
func (d Document) ContentDisposition() string {
	name := d.FileName()
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return -1
		}
		return r
	}, name)
	if ascii != name {
		// What is left of a Chinese title would name nothing.
		ascii = "document-" + strconv.FormatInt(d.ID, 10) + ".pdf"
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + extValue(name)
}

// extValue writes s as RFC 5987's value-chars: each byte outside attr-char
// as %XX.
func extValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// MaxTitle bounds a title, in characters.
const MaxTitle = 200

// Form is the upload form as typed.
type Form struct {
	Title  string
	Target string // the target's id
	Kind   string
	Public bool
}

// Problems are a refused form's messages by field: message ids with their
// arguments, as locale.T takes them.
type Problems map[string]Problem

// Problem is one field's message.
type Problem struct {
	ID   string
	Args []any
}

// Check checks the form against the project's targets (as staff read
// them) and returns the document it describes, without its file, or the
// problems by field.
func (f Form) Check(p projects.Project) (Document, Problems) {
	problems := Problems{}
	// A title is one line: the breaks a paste brings become spaces.
	title := strings.Join(strings.Fields(projects.CleanText(f.Title)), " ")
	d := Document{ProjectID: p.ID, Title: title, Kind: Kind(f.Kind), Visibility: StaffOnly}
	switch n := utf8.RuneCountInString(d.Title); {
	case n == 0:
		problems["title"] = Problem{ID: "documents.error.title_required"}
	case n > MaxTitle:
		problems["title"] = Problem{ID: "documents.error.title_too_long", Args: []any{"Max", MaxTitle}}
	}
	var target *projects.Target
	for i, t := range p.Targets {
		if strconv.FormatInt(t.ID, 10) == f.Target {
			target = &p.Targets[i]
		}
	}
	if target == nil {
		problems["target"] = Problem{ID: "documents.error.target_required"}
	} else {
		d.TargetID = target.ID
	}
	switch {
	case d.Kind != Permit && d.Kind != Acceptance && d.Kind != Other:
		problems["kind"] = Problem{ID: "documents.error.kind_required"}
	case target != nil && !d.Kind.Fits(target.List):
		problems["kind"] = Problem{ID: "documents.error.kind_" + string(d.Kind)}
	}
	if f.Public {
		d.Visibility = Public
	}
	return d, problems
}

// ErrNotFound is returned for a document that does not exist, or that
// the reader may not know of: a staff-only document is not found by the
// public, not forbidden, so that its existence is not told.
var ErrNotFound = errkind.New(errkind.NotFound, "no such document")

// ErrNotWaiting is returned for an approval of a document that no longer
// waits for one.
var ErrNotWaiting = errkind.New(errkind.Conflict, "the document does not wait for approval")
