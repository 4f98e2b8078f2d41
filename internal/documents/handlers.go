package documents

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// uploadMegabytes is the body an upload may send: more than MaxFileSize
// with the form's other fields, so that a file too large is refused by
// the documents' own page, which says what the limit is, not by the
// frame.
const uploadMegabytes = MaxFileSize>>20 + 1

// Handler serves the documents' pages and downloads.
type Handler struct {
	store    *Store
	projects *projects.Store
	users    *auth.Store // who answers for which project
}

// NewHandler returns the handlers on store, with the projects read from
// record and the assignments from users.
func NewHandler(store *Store, record *projects.Store, users *auth.Store) *Handler {
	return &Handler{store: store, projects: record, users: users}
}

// URL is the download of document id.
func URL(id int64) string { return "/documents/" + strconv.FormatInt(id, 10) }

// ProjectDocumentsURL is the staff's page of a project's documents.
func ProjectDocumentsURL(projectID int64) string {
	return projects.ProjectURL(projectID) + "/documents"
}

// Register adds the routes: the staff's page of a project's documents
// and its upload, for the project's editors; the download, for whoever
// may read the document; deleting, for the project's editors; and, under
// review before publication, the approval, for supervisors and
// administrators.
func (h *Handler) Register(r *web.Router) {
	r.GET("/projects/:id/documents", h.showDocuments, auth.Require(auth.ViewInternal))
	r.Upload("/projects/:id/documents", uploadMegabytes, h.upload, auth.Require(""))
	r.GET("/documents/:id", h.download)
	r.POST("/documents/:id/delete", h.delete, auth.Require(""))
	if h.store.ReviewBeforePublication {
		r.POST("/documents/:id/publish", h.publish, auth.Require(auth.Supervise))
	}
}

func (h *Handler) showDocuments(c echo.Context) error {
	p, err := projects.ProjectParam(c, h.projects)
	if err != nil {
		return err
	}
	var upload *views.DocumentUpload
	if projects.MayEdit(c, h.users, p) == nil {
		upload = h.form(p, Form{Kind: string(KindFor(lastList(p)))}, nil)
	}
	return h.render(c, http.StatusOK, p, upload)
}

// lastList is the list of a project's newest target: the kind the form
// proposes is the one that proves it.
func lastList(p projects.Project) projects.List {
	if len(p.Targets) == 0 {
		return projects.StartList
	}
	return p.Targets[len(p.Targets)-1].List
}

// form is the upload form as typed, with its problems in the reader's
// words.
func (h *Handler) form(p projects.Project, f Form, errs views.FieldErrors) *views.DocumentUpload {
	u := &views.DocumentUpload{
		Action: ProjectDocumentsURL(p.ID), Title: f.Title, Target: f.Target, Kind: f.Kind, Public: f.Public,
		Errors: errs, MaxMB: MaxFileSize >> 20, Review: h.store.ReviewBeforePublication,
	}
	if u.Errors == nil {
		u.Errors = views.FieldErrors{}
	}
	// The newest target first: the one a document is most often for.
	for _, t := range slices.Backward(p.Targets) {
		u.Targets = append(u.Targets, views.DocumentTarget{ID: strconv.FormatInt(t.ID, 10), Year: t.Year, List: string(t.List)})
	}
	for _, k := range Kinds() {
		u.Kinds = append(u.Kinds, string(k))
	}
	return u
}

func (h *Handler) render(c echo.Context, status int, p projects.Project, upload *views.DocumentUpload) error {
	ctx := c.Request().Context()
	years, err := h.projects.Years(ctx, projects.Staff)
	if err != nil {
		return err
	}
	docs, err := h.store.OfProjects(ctx, []int64{p.ID}, false)
	if err != nil {
		return err
	}
	page := views.DocumentsPage{
		Nav: views.Nav{Years: years}, ProjectName: p.Name, ProjectNameEn: p.NameEn, ProjectURL: projects.ProjectURL(p.ID),
		Upload: upload,
	}
	page.Items = h.items(c, p, docs, true)
	return web.Render(c, status, views.Documents(page))
}

// items are documents of project p as a page lists them for its reader;
// staff see who uploaded each and what they may do to it.
func (h *Handler) items(c echo.Context, p projects.Project, docs []Document, staff bool) []views.DocumentItem {
	targets := map[int64]projects.Target{}
	for _, t := range p.Targets {
		targets[t.ID] = t
	}
	user := auth.CurrentUser(c)
	mayEdit := staff && projects.MayEdit(c, h.users, p) == nil
	items := make([]views.DocumentItem, 0, len(docs))
	for _, d := range docs {
		t, ok := targets[d.TargetID]
		if !ok {
			continue // a target taken off its list, or one the reader does not see
		}
		item := views.DocumentItem{
			ID: strconv.FormatInt(d.ID, 10), Title: d.Title, Kind: string(d.Kind),
			TargetYear: t.Year, TargetList: string(t.List), URL: URL(d.ID), Size: d.Size, At: d.CreatedAt,
		}
		if !staff && d.PublishedAt != nil {
			item.At = *d.PublishedAt
		}
		if staff {
			item.Visibility, item.UploadedBy = string(d.Visibility), d.UploadedByName
			if mayEdit {
				item.DeleteURL = URL(d.ID) + "/delete"
			}
			if d.Visibility == Waiting && h.store.ReviewBeforePublication && auth.Can(user, auth.Supervise) {
				item.PublishURL = URL(d.ID) + "/publish"
			}
		}
		items = append(items, item)
	}
	return items
}

// Section is the documents section of project p's page, as its reader
// reads p: staff see every document and the link to manage them; the
// public sees the public documents of the targets it reads, and no
// section when there are none.
func (h *Handler) Section(c echo.Context, p projects.Project) (*views.ProjectDocuments, error) {
	ctx := c.Request().Context()
	staff := projects.AudienceOf(ctx) == projects.Staff
	docs, err := h.store.OfProjects(ctx, []int64{p.ID}, !staff)
	if err != nil {
		return nil, err
	}
	section := &views.ProjectDocuments{Items: h.items(c, p, docs, staff)}
	if staff {
		section.ManageURL = ProjectDocumentsURL(p.ID)
	}
	return section, nil
}

// fileProblem is the message, by the file field, of a file CheckPDF
// refused.
func fileProblem(err error) Problem {
	switch {
	case errors.Is(err, ErrEmpty):
		return Problem{ID: "documents.error.empty"}
	case errors.Is(err, ErrTooLarge):
		return Problem{ID: "documents.error.too_large", Args: []any{"MaxMB", MaxFileSize >> 20}}
	case errors.Is(err, ErrPolyglot):
		return Problem{ID: "documents.error.polyglot"}
	case errors.Is(err, ErrTruncated):
		return Problem{ID: "documents.error.truncated"}
	}
	return Problem{ID: "documents.error.not_pdf"}
}

func (h *Handler) upload(c echo.Context) error {
	p, err := projects.ProjectParam(c, h.projects)
	if err != nil {
		return err
	}
	if err := projects.MayEdit(c, h.users, p); err != nil {
		return err
	}
	ctx := c.Request().Context()
	status := http.StatusUnprocessableEntity
	var content []byte
	// The file first: reading it parses the whole form, and tells a body
	// that went past the limit as it came.
	fileProblems := Problems{}
	switch file, err := c.FormFile("file"); {
	case web.BodyTooLarge(err):
		status = http.StatusRequestEntityTooLarge
		fileProblems["file"] = Problem{ID: "documents.error.too_large", Args: []any{"MaxMB", MaxFileSize >> 20}}
	case err != nil:
		fileProblems["file"] = Problem{ID: "documents.error.no_file"}
	case file.Size > MaxFileSize:
		fileProblems["file"] = fileProblem(ErrTooLarge)
	default:
		f, err := file.Open()
		if err != nil {
			return err
		}
		content, err = io.ReadAll(io.LimitReader(f, MaxFileSize+1))
		f.Close()
		if err != nil {
			return err
		}
		if err := CheckPDF(content); err != nil {
			fileProblems["file"] = fileProblem(err)
		}
	}
	form := Form{Title: c.FormValue("title"), Target: c.FormValue("target"), Kind: c.FormValue("kind"), Public: c.FormValue("public") != ""}
	d, problems := form.Check(p)
	for k, v := range fileProblems {
		problems[k] = v
	}
	if len(problems) > 0 {
		errs := views.FieldErrors{}
		for field, pr := range problems {
			errs[field] = locale.T(ctx, pr.ID, pr.Args...)
		}
		return h.render(c, status, p, h.form(p, form, errs))
	}
	d, err = h.store.Add(ctx, d, content, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
	if err != nil {
		return err
	}
	if d.Visibility == Waiting {
		auth.Flash(c, "flash.document_waiting")
	} else {
		auth.Flash(c, "flash.document_added")
	}
	return c.Redirect(http.StatusSeeOther, ProjectDocumentsURL(p.ID))
}

// readable returns document id if the reader of c may read it: staff
// every document; the public a public document of a target it reads.
// Anything else is ErrNotFound, never forbidden: a staff-only document's
// existence is not told.
func (h *Handler) readable(c echo.Context) (Document, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return Document{}, ErrNotFound.WithMessage("error.404")
	}
	ctx := c.Request().Context()
	d, err := h.store.Document(ctx, id)
	if err != nil {
		return Document{}, err
	}
	if projects.AudienceOf(ctx) == projects.Staff {
		return d, nil
	}
	if d.Visibility != Public || !h.publicTarget(ctx, d) {
		return Document{}, ErrNotFound.WithMessage("error.404")
	}
	return d, nil
}

// publicTarget reports whether the public reads the target document d
// proves: not one of a draft list, nor one taken off its list.
func (h *Handler) publicTarget(ctx context.Context, d Document) bool {
	p, err := h.projects.ProjectAs(ctx, d.ProjectID, projects.ThePublic)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(p.Targets, func(t projects.Target) bool { return t.ID == d.TargetID })
}

// download answers a document's file as an attachment, never shown in
// the site's pages: its type is application/pdf whatever the browser
// would sniff (nosniff is on every answer), and its strong ETag is its
// content's SHA-256. The public revalidates each time, so that a deleted
// document is gone at once; staff's answers are not kept (no-store, as
// every signed-in answer).
func (h *Handler) download(c echo.Context) error {
	d, err := h.readable(c)
	if err != nil {
		return err
	}
	content, err := h.store.Content(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	file := &web.Prepared{
		ContentType: "application/pdf", Body: content, ETag: `"` + d.SHA256 + `"`,
		ContentDisposition: d.ContentDisposition(),
	}
	if auth.CurrentUser(c) == nil {
		file.CacheControl = "no-cache"
	}
	return file.Serve(c)
}

func (h *Handler) delete(c echo.Context) error {
	d, err := h.readable(c)
	if err != nil {
		return err
	}
	p, err := h.projects.Project(c.Request().Context(), d.ProjectID)
	if err != nil {
		return err
	}
	if err := projects.MayEdit(c, h.users, p); err != nil {
		return err
	}
	if _, err := h.store.Delete(c.Request().Context(), d.ID, auth.ActorOf(auth.CurrentUser(c), c.RealIP())); err != nil {
		return err
	}
	auth.Flash(c, "flash.document_deleted")
	return c.Redirect(http.StatusSeeOther, ProjectDocumentsURL(d.ProjectID))
}

func (h *Handler) publish(c echo.Context) error {
	d, err := h.readable(c)
	if err != nil {
		return err
	}
	if _, err := h.store.Publish(c.Request().Context(), d.ID, auth.ActorOf(auth.CurrentUser(c), c.RealIP())); err != nil {
		return err
	}
	auth.Flash(c, "flash.document_published")
	return c.Redirect(http.StatusSeeOther, ProjectDocumentsURL(d.ProjectID))
}
