package oc4ids

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/documents"
	"shuangshi/internal/photos"
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
	// Documents, when set, are the public documents of the projects of a
	// package (see documents.Store.PublicOf), which the documents own.
	Documents func(ctx context.Context, ps []projects.Project) ([]documents.Document, error)
	// Photos, when set, are a project's photos from the site the public
	// sees (approved, not hidden), which the photos own: its documents of
	// type illustration, visual evidence of physical progress.
	Photos func(ctx context.Context, projectIDs []int64) (map[int64][]photos.Photo, error)
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
	r.OpenData(r.KeptPage("/api/v1/oc4ids/years/:year", h.showYearPackage, r.ReadsAWholeYear))
	r.OpenData(r.KeptPage("/api/v1/oc4ids/projects/:id", h.showProjectPackage))
}

// showYearPackage answers a package of the projects on the year's lists,
// each once and in the order of the year's table, with all their targets.
func (h *Handler) showYearPackage(c echo.Context) error {
	y, err := projects.YearFromParam(c, h.store)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(y.Targets))
	seen := map[int64]bool{}
	for _, t := range y.Targets {
		if !seen[t.ProjectID] {
			seen[t.ProjectID] = true
			ids = append(ids, t.ProjectID)
		}
	}
	ctx := c.Request().Context()
	found, err := h.store.ProjectsWithTargets(ctx, ids)
	if err != nil {
		return err
	}
	if found, err = h.store.Readable(ctx, found, projects.AudienceOf(ctx)); err != nil {
		return err
	}
	return h.writePackage(c, found)
}

// showProjectPackage answers the package of one project: 404 for an
// address that names no project (see projects.ProjectParam).
func (h *Handler) showProjectPackage(c echo.Context) error {
	p, err := projects.ProjectParam(c, h.store)
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
	pkg := PackageOf(pub.SiteURL+c.Request().URL.Path, ps, pub, h.now())
	if h.Documents != nil {
		docs, err := h.Documents(c.Request().Context(), ps)
		if err != nil {
			return err
		}
		pub.attach(pkg.Projects, docs)
	}
	// The monthly reports and photos the public reads, whoever asks: open
	// data is the public's. One read each for the whole package.
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	reports, err := h.store.PublicReportsOf(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	pub.attachReports(pkg.Projects, reports)
	if h.Photos != nil {
		pics, err := h.Photos(c.Request().Context(), ids)
		if err != nil {
			return err
		}
		for id, ps := range pics {
			pub.attachPhotos(pkg.Projects, id, ps)
		}
	}
	body, err := json.Marshal(pkg)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", body)
}
