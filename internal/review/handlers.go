// Package review is the review before publication (信息公开审核, 先审查、
// 后公开): the queue where supervisors and administrators approve what the
// public reads of each project, or return it with a comment. The rules and
// the store are the record's (projects.Approve, projects.Return); this is
// the queue's pages.
package review

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/errkind"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Path is the queue.
const Path = "/review"

// shown is how many waiting projects the queue shows at once, the longest
// waiting first.
const shown = 100

// maxComment bounds a return's comment.
const maxComment = 500

// Handler serves the queue.
type Handler struct {
	store    *projects.Store
	location *time.Location
	// Announcer tells the engineers of a project returned to them, at
	// once (nil: they find it on My projects); Users says who they are,
	// and Log when the notice could not be queued.
	Announcer projects.Announcer
	Users     *auth.Store
	Log       *slog.Logger
	// Photos, when set, are the photos from the site that wait too,
	// which the photos own.
	Photos PhotoQueue
}

// PhotoQueue is the photos waiting for review.
type PhotoQueue interface {
	// Waiting returns at most limit photos, the longest waiting first,
	// and how many wait; nil when none.
	Waiting(ctx context.Context, limit int) (*views.ReviewPhotos, error)
	WaitingCount(ctx context.Context) (int64, error)
	// Approve publishes those of ids that still wait, and says how many.
	Approve(ctx context.Context, ids []int64, by auth.Actor) (int, error)
	// Return sends one back with the reviewer's comment; an error of the
	// not-found kind when it no longer waits.
	Return(ctx context.Context, id int64, comment string, by auth.Actor) error
}

// NewHandler returns the queue's handlers on store; times are shown in loc.
func NewHandler(store *projects.Store, loc *time.Location) *Handler {
	return &Handler{store: store, location: loc}
}

// Register adds the routes, for supervisors and administrators, and the
// header's link with the number waiting.
func (h *Handler) Register(r *web.Router) {
	reviewers := auth.Require(auth.Supervise)
	r.KeptForStaff(Path, h.showQueue, reviewers)
	r.POST(Path+"/approve", h.approve, reviewers)
	r.POST(Path+"/:id/return", h.returnItem, reviewers)
	if h.Photos != nil {
		r.POST(Path+"/photos/:id/return", h.returnPhoto, reviewers)
	}
	r.InHeader(web.HeaderLink{Label: "nav.review", URL: Path, Place: web.HeaderWork, Shown: auth.Shows(auth.Supervise), Count: h.count})
}

// count is the number the header shows. A failure to read it shows none:
// the queue itself, when opened, says what went wrong.
func (h *Handler) count(ctx context.Context) int {
	n, err := h.store.ReviewCount(ctx)
	if err != nil {
		return 0
	}
	if h.Photos != nil {
		photos, err := h.Photos.WaitingCount(ctx)
		if err != nil {
			return n
		}
		n += int(photos)
	}
	return n
}

func (h *Handler) showQueue(c echo.Context) error {
	return h.render(c, http.StatusOK, "", nil, nil)
}

// refused is a return refused for its comment.
type refused struct {
	project int64
	photo   int64 // or a photo's
	comment string
	problem string
}

// render shows the queue; newer marks the projects changed since the
// reviewer's decision was made on them.
func (h *Handler) render(c echo.Context, status int, message string, newer map[int64]bool, ret *refused) error {
	ctx := c.Request().Context()
	items, waiting, err := h.store.ReviewQueue(ctx, shown)
	if err != nil {
		return err
	}
	years, err := h.store.Years(ctx, projects.Staff)
	if err != nil {
		return err
	}
	page := views.ReviewPage{Nav: views.Nav{Years: years}, Waiting: waiting, ApproveAction: Path + "/approve"}
	if message != "" {
		page.Error = locale.T(ctx, message)
	}
	for _, it := range items {
		p := it.Project
		key := strconv.FormatInt(p.ID, 10)
		item := views.ReviewItem{
			Key: key, Name: p.Name, NameEn: p.NameEn, URL: projects.ProjectURL(p.ID),
			Value: key + ":" + strconv.FormatInt(p.Version, 10), Version: p.Version,
			Editors: it.Editors, Changed: it.Changed.In(h.location), Rows: projects.ChangeRows(p, it.Changes),
			ReturnAction: Path + "/" + key + "/return", Newer: newer[p.ID],
		}
		if ret != nil && ret.project == p.ID {
			item.Comment, item.CommentError = ret.comment, locale.T(ctx, ret.problem, "Max", maxComment)
		}
		page.Items = append(page.Items, item)
	}
	if h.Photos != nil {
		if page.Photos, err = h.Photos.Waiting(ctx, shown); err != nil {
			return err
		}
		for i := range photosOf(page.Photos) {
			ph := &page.Photos.Photos[i]
			ph.ReturnAction = Path + "/photos/" + ph.ID + "/return"
			if ret != nil && ret.photo != 0 && strconv.FormatInt(ret.photo, 10) == ph.ID {
				ph.Comment, ph.CommentError = ret.comment, locale.T(ctx, ret.problem, "Max", maxComment)
			}
		}
	}
	return web.Render(c, status, views.Review(page))
}

// approve publishes each ticked project at the version the reviewer saw.
// One changed since is not published: the queue shows its newer version.
func (h *Handler) approve(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return web.BadRequest("error.400")
	}
	ctx := c.Request().Context()
	by := auth.ActorOf(auth.CurrentUser(c), c.RealIP())
	newer := map[int64]bool{}
	approved := 0
	for _, v := range values["approve"] {
		id, version, ok := parseItem(v)
		if !ok {
			return web.BadRequest("error.400")
		}
		switch err := h.store.Approve(ctx, id, version, by); {
		case errors.Is(err, projects.ErrReviewStale), errors.Is(err, projects.ErrNotFound):
			newer[id] = true
		case err != nil:
			return err
		default:
			approved++
		}
	}
	if h.Photos != nil && len(values["approve_photo"]) > 0 {
		var ids []int64
		for _, v := range values["approve_photo"] {
			id, err := web.ParseID(v)
			if err != nil {
				return web.BadRequest("error.400")
			}
			ids = append(ids, id)
		}
		n, err := h.Photos.Approve(ctx, ids, by)
		if err != nil {
			return err
		}
		approved += n
	}
	if len(newer) > 0 {
		return h.render(c, http.StatusConflict, "review.stale", newer, nil)
	}
	if approved == 0 {
		return h.render(c, http.StatusUnprocessableEntity, "review.none_ticked", nil, nil)
	}
	auth.Flash(c, "flash.review_approved")
	return c.Redirect(http.StatusSeeOther, Path)
}

// returnItem sends a project back with the reviewer's comment.
func (h *Handler) returnItem(c echo.Context) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil {
		return web.BadRequest("error.400")
	}
	comment := projects.CleanText(c.FormValue("comment-" + strconv.FormatInt(id, 10)))
	switch {
	case comment == "":
		return h.render(c, http.StatusUnprocessableEntity, "", nil, &refused{project: id, comment: comment, problem: "review.comment_required"})
	case utf8.RuneCountInString(comment) > maxComment:
		return h.render(c, http.StatusUnprocessableEntity, "", nil, &refused{project: id, comment: comment, problem: "edit.too_long"})
	}
	err = h.store.Return(c.Request().Context(), id, version, comment, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
	if errors.Is(err, projects.ErrReviewStale) {
		return h.render(c, http.StatusConflict, "review.stale", map[int64]bool{id: true}, nil)
	} else if err != nil {
		return err
	}
	if h.Announcer != nil {
		n := projects.Notice{Kind: projects.NoticeReviewReturned, ProjectID: id,
			Key: string(projects.NoticeReviewReturned) + ":" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(version, 10)}
		if err := projects.AnnounceToEngineers(context.WithoutCancel(c.Request().Context()), h.Announcer, h.Users, n); err != nil {
			h.Log.Warn("notice not queued", "kind", string(n.Kind), "error", err)
		}
	}
	auth.Flash(c, "flash.review_returned")
	return c.Redirect(http.StatusSeeOther, Path)
}

// returnPhoto sends a photo back with the reviewer's comment.
func (h *Handler) returnPhoto(c echo.Context) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	comment := projects.CleanText(c.FormValue("comment-photo-" + strconv.FormatInt(id, 10)))
	switch {
	case comment == "":
		return h.render(c, http.StatusUnprocessableEntity, "", nil, &refused{photo: id, comment: comment, problem: "review.comment_required"})
	case utf8.RuneCountInString(comment) > maxComment:
		return h.render(c, http.StatusUnprocessableEntity, "", nil, &refused{photo: id, comment: comment, problem: "edit.too_long"})
	}
	err = h.Photos.Return(c.Request().Context(), id, comment, auth.ActorOf(auth.CurrentUser(c), c.RealIP()))
	if errkind.Of(err) == errkind.NotFound {
		return h.render(c, http.StatusConflict, "review.stale", nil, nil)
	} else if err != nil {
		return err
	}
	auth.Flash(c, "flash.review_returned")
	return c.Redirect(http.StatusSeeOther, Path)
}

func photosOf(rp *views.ReviewPhotos) []views.ReviewPhoto {
	if rp == nil {
		return nil
	}
	return rp.Photos
}

// parseItem reads an approval checkbox's value, "project:version".
func parseItem(v string) (id, version int64, ok bool) {
	rawID, rawVersion, found := strings.Cut(v, ":")
	id, errID := web.ParseID(rawID)
	version, errVersion := strconv.ParseInt(rawVersion, 10, 64)
	return id, version, found && errID == nil && errVersion == nil
}
