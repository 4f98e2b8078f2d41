package oc4ids

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/projects"
	"shuangshi/internal/web"
)

// Handler serves the OC4IDS packages.
type Handler struct {
	store     *projects.Store
	publicURL string
	now       func() time.Time
	location  *time.Location
	// Publication's publisher, prefix and licence are those of every
	// package; its site address is taken from each request (see
	// web.SiteURL). Set them before Register.
	Publication Publication
}

// NewHandler returns the handlers on store, with links under publicURL (or
// the address each request came in on, when empty) and dates in loc. The
// publisher and the identifier prefix are the defaults until set in
// Publication.
func NewHandler(store *projects.Store, publicURL string, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{
		store: store, publicURL: publicURL, now: now, location: loc,
		Publication: DefaultPublication("", loc),
	}
}

// Register adds the public routes of the open data.
func (h *Handler) Register(r *web.Router) {
	r.KeptPage("/api/v1/oc4ids/years/:year", h.showYearPackage)
	r.KeptPage("/api/v1/oc4ids/projects/:id", h.showProjectPackage)
}

// showYearPackage answers a package of the projects on the year's lists,
// each once and in the order of the year's table, with all their targets.
func (h *Handler) showYearPackage(c echo.Context) error {
	_, targets, err := projects.YearFromParam(c, h.store)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(targets))
	seen := map[int64]bool{}
	for _, t := range targets {
		if !seen[t.ProjectID] {
			seen[t.ProjectID] = true
			ids = append(ids, t.ProjectID)
		}
	}
	found, err := h.store.ProjectsWithTargets(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	return h.writePackage(c, found)
}

// showProjectPackage answers a package of one project: 400 for an id that
// is not a project number, 404 for one that names no project.
func (h *Handler) showProjectPackage(c echo.Context) error {
	raw := c.Param("id")
	if strings.Contains(raw, "/") {
		return web.NotFound("error.404") // a longer path than any route
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return web.BadRequest("error.project_malformed", "ID", quoteInput(raw))
	}
	if strconv.FormatInt(id, 10) != raw {
		// "+1" and "01" name project 1 but are not its address.
		return web.NotFound("error.project_not_found", "ID", quoteInput(raw))
	}
	p, err := h.store.Project(c.Request().Context(), id)
	if errors.Is(err, projects.ErrNotFound) {
		return web.NotFound("error.project_not_found", "ID", id)
	}
	if err != nil {
		return err
	}
	return h.writePackage(c, []projects.Project{p})
}

// writePackage answers the package of ps at the request's address.
func (h *Handler) writePackage(c echo.Context, ps []projects.Project) error {
	pub := h.Publication
	pub.SiteURL = web.SiteURL(c, h.publicURL)
	pub.Location = h.location
	body, err := json.Marshal(PackageOf(pub.SiteURL+c.Request().URL.Path, ps, pub, h.now()))
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", body)
}

// quoteInput shortens what a reader typed before an error message repeats
// it, and replaces bytes that are not text, as the record's own API does.
func quoteInput(s string) string {
	s = strings.ToValidUTF8(s, "�")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}
