package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"shuangshi/views"
)

// Router is what a feature registers its routes with: echo's routes, and
// what the frame must know of them. A page kept for the public, a form
// that uploads a file, a link in the site's header are each declared by
// the feature that owns them, with the route, and nowhere else.
type Router struct {
	*echo.Echo
	// kept are the public routes, as echo names them ("/years/:year"),
	// whose pages are kept for readers without a session, with the cache
	// each is kept in.
	kept map[string]*PageCache
	// pages, queries and staff are the caches of the pages kept
	// (KeptPage), of the answers to queries (KeptQuery) and of the staff's
	// pages (KeptForStaff); nil keeps none.
	pages, queries, staff *PageCache
	// openData are the GET routes whose answers are the open data (JSON,
	// OC4IDS, CSV, XLSX, the feed): any origin may read them.
	openData map[string]bool
	// uploads are the routes that take a file, with the body each may send.
	uploads map[string]echo.MiddlewareFunc
	header  *Header
	// wholeYears are the turns of the answers made from a whole year (see
	// ReadsAWholeYear).
	wholeYears chan struct{}
}

// wholeYearAnswers is how many answers made from a whole year are made at
// once. Each holds the year's targets, projects and monthly reports while
// it is made: at 100,000 projects 13 MB for the year page, 40 for the
// dashboard, and a workbook's cells besides. The public's pages are kept
// once made, but the downloads are not, and staff get theirs made every
// time: 32 requests at once for the workbook held 1.1 GB, 32 signed-in
// requests for the dashboard 440 MB. The work is the processor's, so more
// at once would not end sooner.
const wholeYearAnswers = 2

// ReadsAWholeYear is the middleware of a route whose answer is made from a
// whole year (its list, its table, its figures, its downloads): it makes
// the answer in one of wholeYearAnswers turns, the others waiting for
// theirs, or until their client goes. A kept page served from its cache
// takes no turn.
func (r *Router) ReadsAWholeYear(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		select {
		case r.wholeYears <- struct{}{}:
			defer func() { <-r.wholeYears }()
			return next(c)
		case <-c.Request().Context().Done():
			return c.Request().Context().Err()
		}
	}
}

// KeptPage registers a public page that is made once per change of the
// record and kept for every reader without a session.
func (r *Router) KeptPage(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	if r.pages != nil {
		r.kept[path] = r.pages
	}
	return r.GET(path, h, m...)
}

// KeptQuery registers a public page whose answers, one per query, are kept
// as KeptPage's are, but apart from them: a reader can ask any number of
// queries (a search), and those must not push the year pages out.
func (r *Router) KeptQuery(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	if r.queries != nil {
		r.kept[path] = r.queries
	}
	return r.GET(path, h, m...)
}

// KeptForStaff registers a page for signed-in staff that is made once per
// change of the record for each session and kept, such as the supervisors'
// console: asked again, it is served as it was made, after m (the
// permission check) has let the request through.
func (r *Router) KeptForStaff(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	if r.staff != nil {
		m = append(m, r.staff.Middleware)
	}
	return r.GET(path, h, m...)
}

// OpenData declares the GET route as open data, which a page of any
// origin may read (CORS without credentials), and returns it:
// r.OpenData(r.KeptPage(path, h)) or r.OpenData(r.GET(path, h)). It panics
// for a route of another method: only reading is open.
func (r *Router) OpenData(route *echo.Route) *echo.Route {
	if route.Method != http.MethodGet {
		panic("web: open data is read with GET, not " + route.Method + " " + route.Path)
	}
	r.openData[route.Path] = true
	return route
}

// IsOpenData reports whether the route, as echo names it, was declared
// open data.
func (r *Router) IsOpenData(path string) bool { return r.openData[path] }

// Upload registers a form that uploads a file of up to megabytes; every
// other request's body is refused beyond defaultBodyLimit.
func (r *Router) Upload(path string, megabytes int, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	r.uploads[path] = middleware.BodyLimit(fmt.Sprintf("%dM", megabytes))
	return r.POST(path, h, m...)
}

// InHeader puts a link into the header of the staff's pages.
func (r *Router) InHeader(link HeaderLink) { r.header.add(link) }

// defaultBodyLimit bounds every body but an upload's: no form of the site
// comes near it, and a larger body is refused before anything reads it.
const defaultBodyLimit = "1M"

// limitBodies refuses a body larger than its route takes.
func (r *Router) limitBodies() echo.MiddlewareFunc {
	limit := middleware.BodyLimit(defaultBodyLimit)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if upload, ok := r.uploads[c.Path()]; ok {
				return upload(next)(c)
			}
			return limit(next)(c)
		}
	}
}

// keptPublicly answers the kept public pages from their caches.
func (r *Router) keptPublicly(next echo.HandlerFunc) echo.HandlerFunc {
	cached := map[*PageCache]echo.HandlerFunc{}
	for _, pc := range []*PageCache{r.pages, r.queries} {
		if pc != nil {
			cached[pc] = pc.Middleware(next)
		}
	}
	return func(c echo.Context) error {
		if pc := r.kept[c.Path()]; pc != nil && c.Request().Method == http.MethodGet {
			return cached[pc](c)
		}
		return next(c)
	}
}

// openDataMaxAge is how long a browser may keep the answer to a preflight
// of the open data: a day.
const openDataMaxAge = "86400"

// crossOrigin lets a page of any origin read the open data: every GET
// and HEAD of an open-data route carries Access-Control-Allow-Origin: *
// (the same for every origin, so no Vary: Origin), and their preflight is
// answered with 204. Credentials are never allowed: the open data is the
// same for everyone, and a staff member's session must not be read
// across origins. It runs before the sessions and the CSRF check, which a
// preflight carries nothing for.
func (r *Router) crossOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !r.openData[c.Path()] {
			return next(c)
		}
		h := c.Response().Header()
		switch c.Request().Method {
		case http.MethodGet: // HEAD too: it is routed as GET
			// Set as the header holds them, with values made once: this
			// is every request for the open data.
			h[echo.HeaderAccessControlAllowOrigin] = anyOrigin
			h[echo.HeaderAccessControlExposeHeaders] = openDataExposed
		case http.MethodOptions:
			h.Set(echo.HeaderAllow, openDataAllow)
			if c.Request().Header.Get(echo.HeaderAccessControlRequestMethod) != "" {
				h.Set(echo.HeaderAccessControlAllowOrigin, "*")
				h.Set(echo.HeaderAccessControlAllowMethods, "GET, HEAD")
				h.Set(echo.HeaderAccessControlAllowHeaders, "If-None-Match, If-Modified-Since, Cache-Control")
				h.Set(echo.HeaderAccessControlMaxAge, openDataMaxAge)
			}
			return c.NoContent(http.StatusNoContent)
		}
		return next(c)
	}
}

// The values of the cross-origin headers of every open-data answer.
var (
	anyOrigin       = []string{"*"}
	openDataExposed = []string{"ETag, Content-Disposition"}
)

// openDataAllow is what an open-data address may be asked with.
const openDataAllow = "GET, HEAD, OPTIONS"

// onlyRoutedMethods answers 405 with Allow to a request for a known
// address with a method it has no route for, before the sessions and the
// CSRF check: without a route for the method there is nothing for the
// check to protect, and its 403 would hide that the address is only read.
func (r *Router) onlyRoutedMethods(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		allow, routed := c.Get(echo.ContextKeyHeaderAllow).(string)
		if !routed || c.Request().Method == http.MethodOptions {
			return next(c)
		}
		if r.openData[c.Path()] {
			allow = openDataAllow
		} else if strings.Contains(allow, http.MethodGet) {
			allow += ", " + http.MethodHead // routed as GET, see routeHeadAsGet
		}
		c.Response().Header().Set(echo.HeaderAllow, allow)
		return echo.ErrMethodNotAllowed
	}
}

// publicCaching is what caches are told of every page, the open data
// included, unless its handler says otherwise: keep it, but ask every time
// (no-cache), with its validator where it has one, which answers 304
// cheaply. A kept page lasts only until the record changes (see
// PageCache), and a reader who saved a change must not see the page from
// before it: a max-age would show it. A page for a signed-in reader is
// no-store instead (the sessions set it after this); static files and
// photos, named by their content, are immutable.
const publicCaching = "no-cache"

// cachedPublicly tells caches how to keep every answer to a GET, unless
// its handler says otherwise.
func (r *Router) cachedPublicly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodGet {
			c.Response().Header().Set(echo.HeaderCacheControl, publicCaching)
		}
		return next(c)
	}
}

// HeaderPlace is the part of the header a link goes in; within a part,
// links stand in the order their features registered them.
type HeaderPlace int

// The parts of the header, from left to right.
const (
	// HeaderWork is the day's work: my projects, the overdue list, the digest.
	HeaderWork HeaderPlace = iota
	// HeaderRecord is keeping the record: the yearly lists, the projects.
	HeaderRecord
	// HeaderAccounts is keeping the accounts: accounts, assignments, the
	// security log.
	HeaderAccounts
	// HeaderOwnAccount is the reader's own account, last.
	HeaderOwnAccount
	headerPlaces
)

// HeaderLink is a link in the staff's header.
type HeaderLink struct {
	// Label is the link's message id.
	Label string
	URL   string
	Place HeaderPlace
	// Shown reports whether the reader of ctx sees the link.
	Shown func(ctx context.Context) bool
	// Landing ranks the link as the page a person lands on after signing
	// in: the shown link of the highest rank; 0 is never.
	Landing int
	// Count, when set, is a number the link shows beside its label, such
	// as the items waiting in a queue; 0 shows none.
	Count func(ctx context.Context) int
}

// Header is the links of the staff's header, as the features registered
// them.
type Header struct {
	links [headerPlaces][]HeaderLink
}

func (h *Header) add(link HeaderLink) {
	h.links[link.Place] = append(h.links[link.Place], link)
}

// Links are the links the reader of ctx sees, in the header's order.
func (h *Header) Links(ctx context.Context) []views.Link {
	var shown []views.Link
	for _, place := range h.links {
		for _, link := range place {
			if link.Shown(ctx) {
				l := views.Link{Label: link.Label, URL: link.URL}
				if link.Count != nil {
					l.Count = link.Count(ctx)
				}
				shown = append(shown, l)
			}
		}
	}
	return shown
}

// Landing is where the reader of ctx lands after signing in: the shown
// link of the highest landing rank, or "" for none.
func (h *Header) Landing(ctx context.Context) string {
	landing, rank := "", 0
	for _, place := range h.links {
		for _, link := range place {
			if link.Landing > rank && link.Shown(ctx) {
				landing, rank = link.URL, link.Landing
			}
		}
	}
	return landing
}
