package feed

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
)

// entries is how many status changes the feed carries.
const entries = 50

// Path is the feed's address.
const Path = "/feed.atom"

// Handler serves the feed.
type Handler struct {
	projects *projects.Store
	catalog  *locale.Catalog
	// siteURL is the site's address as readers reach it; "" takes it from
	// each request.
	siteURL  string
	identity web.Identity
	now      func() time.Time
}

// NewHandler returns the feed's handler on store, its words from catalog,
// its ids from identity.
func NewHandler(store *projects.Store, catalog *locale.Catalog, siteURL string, identity web.Identity, now func() time.Time) *Handler {
	return &Handler{projects: store, catalog: catalog, siteURL: siteURL, identity: identity, now: now}
}

// Register adds the feed, kept for every reader.
func (h *Handler) Register(r *web.Router) {
	r.OpenData(r.KeptPage(Path, h.show))
}

// show answers with the feed in the language asked for with ?lang= (feed
// readers keep the address, not a cookie), or else the reader's.
func (h *Handler) show(c echo.Context) error {
	l := locale.FromContext(c.Request().Context())
	site := web.SiteURL(c, h.siteURL)
	// The self link is the address asked at: without ?lang the feed is in
	// the reader's language, at that one address.
	self := site + Path
	if lang := c.QueryParam("lang"); lang != "" {
		l = h.catalog.For(lang, l.Lang())
		self += "?lang=" + url.QueryEscape(l.Lang())
	}
	changes, err := h.projects.StatusChanges(c.Request().Context(), entries)
	if err != nil {
		return err
	}
	body, err := Atom(changes, l, site, self, h.identity, h.now())
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", body)
}
