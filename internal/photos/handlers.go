package photos

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves the photos: the upload, the staff's page of a project's
// photos, the copies themselves, hiding and deleting.
type Handler struct {
	store     *Store
	projects  *projects.Store
	users     *auth.Store // who is assigned to which project
	processor *Processor
	now       func() time.Time
	location  *time.Location
}

// NewHandler returns the photos' handlers. Dates are the district's (loc).
func NewHandler(store *Store, record *projects.Store, users *auth.Store, processor *Processor, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{store: store, projects: record, users: users, processor: processor, now: now, location: loc}
}

// ProjectPhotosURL is a project's photos page, where they are added too.
func ProjectPhotosURL(projectID int64) string { return projects.ProjectURL(projectID) + "/photos" }

func photoURL(projectID, photoID int64, action string) string {
	return ProjectPhotosURL(projectID) + "/" + strconv.FormatInt(photoID, 10) + "/" + action
}

// Register adds the routes: the copies for everyone; a project's photos
// page for staff; the upload for those who may edit the project; hiding
// and deleting for them and the supervisors; the limits for
// administrators, with their link in the header.
func (h *Handler) Register(r *web.Router) {
	r.GET("/photos/:file", h.serve)
	r.GET("/projects/:id/photos", h.showPhotos, auth.Require(auth.ViewInternal))
	r.Upload("/projects/:id/photos", uploadMegabytes, h.upload, auth.Require(""))
	r.POST("/projects/:id/photos/:photo/hide", h.hide, auth.Require(""))
	r.POST("/projects/:id/photos/:photo/delete", h.delete, auth.Require(""))
	h.registerLimits(r)
}

// mayEdit refuses, with 403, a user who may not add photos to a project:
// the rule of editing it (auth.CanEditProject).
func (h *Handler) mayEdit(c echo.Context, projectID int64) error {
	if !h.canEdit(c, projectID) {
		return &web.Error{Status: http.StatusForbidden, MessageID: "error.not_your_project"}
	}
	return nil
}

func (h *Handler) canEdit(c echo.Context, projectID int64) bool {
	user := auth.CurrentUser(c)
	if user == nil {
		return false
	}
	assigned, err := h.users.IsAssigned(c.Request().Context(), user.ID, projectID)
	return err == nil && auth.CanEditProject(user, assigned)
}

// canModerate: who may edit the project, and supervisors, may hide and
// delete its photos.
func (h *Handler) canModerate(c echo.Context, projectID int64) bool {
	return auth.Can(auth.CurrentUser(c), auth.Supervise) || h.canEdit(c, projectID)
}

// Timeline is a project's photos as its page shows them to the reader of
// c: the public ones, or for staff every one with its state.
func (h *Handler) Timeline(c echo.Context, projectID int64) (views.PhotoTimeline, error) {
	staff := auth.Can(auth.CurrentUser(c), auth.ViewInternal)
	ps, err := h.store.OfProject(c.Request().Context(), projectID, !staff)
	if err != nil {
		return views.PhotoTimeline{}, err
	}
	tl := views.PhotoTimeline{Staff: staff}
	if staff {
		tl.ManageURL = ProjectPhotosURL(projectID)
	}
	for _, p := range ps {
		tl.Photos = append(tl.Photos, h.view(p, staff, false))
	}
	return tl, nil
}

func (h *Handler) view(p Photo, staff, actions bool) views.PhotoView {
	v := views.PhotoView{
		ID: strconv.FormatInt(p.ID, 10), FullURL: p.FullURL(), ThumbURL: p.ThumbURL(),
		ThumbWidth: p.ThumbWidth, ThumbHeight: p.ThumbHeight, Caption: p.Caption,
		Date: p.Date().In(h.location), Taken: p.TakenAt != nil,
	}
	if staff {
		v.UploadedAt, v.Uploader, v.State = p.UploadedAt.In(h.location), p.UploaderName, string(p.State)
		v.ReviewComment, v.Hidden = p.ReviewComment, p.Hidden
		if v.Uploader == "" {
			v.Uploader = "—"
		}
	}
	if actions {
		v.HideAction, v.DeleteAction = photoURL(p.ProjectID, p.ID, "hide"), photoURL(p.ProjectID, p.ID, "delete")
	}
	return v
}

func (h *Handler) showPhotos(c echo.Context) error {
	p, err := projects.ProjectParam(c, h.projects)
	if err != nil {
		return err
	}
	return h.renderPhotos(c, http.StatusOK, p, nil, "")
}

// renderPhotos is a project's photos page; problems are an upload's,
// refused, by field, and caption as typed.
func (h *Handler) renderPhotos(c echo.Context, status int, p projects.Project, problems views.FieldErrors, caption string) error {
	ctx := c.Request().Context()
	years, err := h.projects.Years(ctx, projects.AudienceOf(ctx))
	if err != nil {
		return err
	}
	ps, err := h.store.OfProject(ctx, p.ID, false)
	if err != nil {
		return err
	}
	page := views.PhotosPage{Nav: views.Nav{Years: years}, Name: p.Name, NameEn: p.NameEn, ProjectURL: projects.ProjectURL(p.ID),
		Timeline: views.PhotoTimeline{Staff: true}}
	if h.canEdit(c, p.ID) {
		form, err := h.uploadForm(ctx, p.ID)
		if err != nil {
			return err
		}
		form.Caption, form.Errors = caption, problems
		page.Upload = &form
	}
	moderate := h.canModerate(c, p.ID)
	for _, ph := range ps {
		page.Timeline.Photos = append(page.Timeline.Photos, h.view(ph, true, moderate))
	}
	return web.Render(c, status, views.Photos(page))
}

// UploadForm is the empty form that adds photos to a project, with the
// limits it states.
func (h *Handler) uploadForm(ctx context.Context, projectID int64) (views.PhotoUploadForm, error) {
	l, err := h.store.Limits(ctx)
	if err != nil {
		return views.PhotoUploadForm{}, err
	}
	return views.PhotoUploadForm{Action: ProjectPhotosURL(projectID), Errors: views.FieldErrors{},
		MaxMB: l.MaxFileBytes >> 20, MaxFiles: MaxFilesPerUpload, PerDay: l.PerProjectPerDay, Review: h.store.Review}, nil
}

// maxFieldBytes bounds the text fields of the upload's form.
const maxFieldBytes = 4096

// upload adds the photos of a form to a project. The form is read as it
// arrives, one file at a time: each is checked and made into its copies
// (Processor.Process) before the next is read, so that only one file's
// bytes are held at once, and the copies. One file refused refuses the
// upload, and nothing is stored.
func (h *Handler) upload(c echo.Context) error {
	p, err := projects.ProjectParam(c, h.projects)
	if err != nil {
		return err
	}
	if err := h.mayEdit(c, p.ID); err != nil {
		return err
	}
	ctx := c.Request().Context()
	limits, err := h.store.Limits(ctx)
	if err != nil {
		return err
	}
	problems := views.FieldErrors{}
	var pics []Processed
	var caption, back string
	refuse := func(id string, args ...any) {
		if _, set := problems["photos"]; !set {
			problems["photos"] = locale.T(ctx, id, args...)
		}
	}
	// Whatever is refused, the rest of the body is read (to the route's
	// limit) so that the browser, still sending, reads the answer.
	defer io.Copy(io.Discard, c.Request().Body)
	form, err := c.Request().MultipartReader()
	if err != nil {
		refuse("photos.error.none")
	}
	files := 0
	for form != nil {
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if web.BodyTooLarge(err) {
			return &web.Error{Status: http.StatusRequestEntityTooLarge, MessageID: "error.413", Err: err}
		}
		if err != nil {
			refuse("photos.error.unreadable")
			break
		}
		switch part.FormName() {
		case "caption", "back":
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if web.BodyTooLarge(err) {
				return &web.Error{Status: http.StatusRequestEntityTooLarge, MessageID: "error.413", Err: err}
			}
			if part.FormName() == "caption" {
				caption = string(b)
			} else {
				back = string(b)
			}
		case "photos":
			name := fileName(part.FileName())
			if len(problems) > 0 {
				continue // refused already: the rest is not looked at
			}
			data, err := io.ReadAll(io.LimitReader(part, limits.MaxFileBytes+1))
			switch {
			case web.BodyTooLarge(err):
				return &web.Error{Status: http.StatusRequestEntityTooLarge, MessageID: "error.413", Err: err}
			case err != nil:
				refuse("photos.error.unreadable")
				continue
			case len(data) == 0 && name == "":
				continue // the field left empty
			case int64(len(data)) > limits.MaxFileBytes:
				refuse("photos.error.too_large", "Name", name, "MaxMB", limits.MaxFileBytes>>20)
				continue
			}
			if files++; files > MaxFilesPerUpload {
				refuse("photos.error.too_many", "Max", MaxFilesPerUpload)
				continue
			}
			out, err := h.processor.Process(ctx, data)
			data = nil
			if err != nil {
				if id, ok := refusal(err); ok {
					refuse(id, "Name", name, "MaxMP", MaxPixels/1_000_000)
					continue
				}
				return err
			}
			pics = append(pics, out)
		}
	}
	caption = CleanCaption(caption)
	if CaptionTooLong(caption) {
		problems["caption"] = locale.T(ctx, "edit.too_long", "Max", MaxCaption)
	}
	if len(problems) == 0 && len(pics) == 0 {
		refuse("photos.error.none")
	}
	if len(problems) == 0 {
		day := h.now().In(h.location)
		dayStart := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, h.location)
		_, err := h.store.Add(ctx, p.ID, caption, pics, dayStart, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
		switch {
		case errors.Is(err, ErrDailyLimit):
			refuse("photos.error.daily_limit", "Max", limits.PerProjectPerDay)
		case errors.Is(err, ErrStorageFull):
			refuse("photos.error.storage_full")
		case err != nil:
			return err
		}
	}
	if len(problems) > 0 {
		return h.renderPhotos(c, http.StatusUnprocessableEntity, p, problems, caption)
	}
	if h.store.Review {
		auth.Flash(c, "flash.photos_added_for_review")
	} else {
		auth.Flash(c, "flash.photos_added")
	}
	return c.Redirect(http.StatusSeeOther, localPath(back, ProjectPhotosURL(p.ID)))
}

// refusal is the message of a file refused by Process.
func refusal(err error) (string, bool) {
	switch {
	case errors.Is(err, ErrNotImage):
		return "photos.error.not_image", true
	case errors.Is(err, ErrDamaged):
		return "photos.error.damaged", true
	case errors.Is(err, ErrTooManyPixels):
		return "photos.error.too_many_pixels", true
	case errors.Is(err, ErrPolyglot):
		return "photos.error.polyglot", true
	}
	return "", false
}

// fileName is an uploaded file's name as a message may quote it: its
// base, cleaned, at most 60 characters.
func fileName(s string) string {
	s = CleanCaption(path.Base(strings.ReplaceAll(s, `\`, "/")))
	if s == "." || s == "/" {
		s = ""
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

// localPath is back when it is a path of this site, else fallback: a
// form's return address never leads elsewhere.
func localPath(back, fallback string) string {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n") {
		return fallback
	}
	return back
}

// photoParam is the photo of a route's :photo, which must be of the
// project of its :id; ErrNotFound otherwise.
func (h *Handler) photoParam(c echo.Context) (Photo, error) {
	projectID, err := web.IDParam(c, "id")
	if err != nil {
		return Photo{}, ErrNotFound.WithMessage("photos.error.not_found")
	}
	id, err := web.IDParam(c, "photo")
	if err != nil {
		return Photo{}, ErrNotFound.WithMessage("photos.error.not_found")
	}
	p, err := h.store.Photo(c.Request().Context(), id)
	if errors.Is(err, ErrNotFound) || (err == nil && p.ProjectID != projectID) {
		return Photo{}, ErrNotFound.WithMessage("photos.error.not_found")
	}
	return p, err
}

func (h *Handler) hide(c echo.Context) error {
	p, err := h.photoParam(c)
	if err != nil {
		return err
	}
	if !h.canModerate(c, p.ProjectID) {
		return &web.Error{Status: http.StatusForbidden, MessageID: "error.not_your_project"}
	}
	hidden := c.FormValue("hidden") != "false"
	if _, err := h.store.SetHidden(c.Request().Context(), p.ID, hidden, auth.ActorOf(auth.CurrentUser(c), c.RealIP())); err != nil {
		return err
	}
	if hidden {
		auth.Flash(c, "flash.photo_hidden")
	} else {
		auth.Flash(c, "flash.photo_shown")
	}
	return c.Redirect(http.StatusSeeOther, ProjectPhotosURL(p.ProjectID))
}

func (h *Handler) delete(c echo.Context) error {
	p, err := h.photoParam(c)
	if err != nil {
		return err
	}
	if !h.canModerate(c, p.ProjectID) {
		return &web.Error{Status: http.StatusForbidden, MessageID: "error.not_your_project"}
	}
	if _, err := h.store.Delete(c.Request().Context(), p.ID, auth.ActorOf(auth.CurrentUser(c), c.RealIP())); err != nil {
		return err
	}
	auth.Flash(c, "flash.photo_deleted")
	return c.Redirect(http.StatusSeeOther, ProjectPhotosURL(p.ProjectID))
}

// serve sends a copy by its hash: for good to everyone when the photo is
// public (its address changes with its bytes), privately to staff when
// it is not, and to no one else.
func (h *Handler) serve(c echo.Context) error {
	hash, ok := strings.CutSuffix(c.Param("file"), ".jpg")
	if !ok || !isHash(hash) {
		return web.NotFound("photos.error.not_found")
	}
	f, err := h.store.File(c.Request().Context(), hash)
	if errors.Is(err, ErrNotFound) || (err == nil && !f.Public && !auth.Can(auth.CurrentUser(c), auth.ViewInternal)) {
		return web.NotFound("photos.error.not_found")
	}
	if err != nil {
		return err
	}
	header := c.Response().Header()
	etag := `"` + hash + `"`
	header.Set("ETag", etag)
	header.Set("X-Content-Type-Options", "nosniff")
	if f.Public {
		header.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		header.Set(echo.HeaderCacheControl, "private, max-age=31536000, immutable")
	}
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "image/jpeg", f.Bytes)
}

// isHash reports whether s is a SHA-256 in lower-case hex.
func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
