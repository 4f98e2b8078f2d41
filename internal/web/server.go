// Package web is the HTTP frame that every feature's handlers run in: the
// middleware, the single error handler, the render helper, the kept public
// pages and the static files (compressed once, with ETag and 304), the
// language switch, the health check and the limits on connections.
// Features register their own routes on the server it returns.
package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"shuangshi/internal/locale"
	"shuangshi/static"
)

// contentSecurityPolicy allows the site's own styles, scripts and images and
// nothing inline: a script an attacker slips into a page does not run.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// CeilingPath is where Config.Ceiling is served.
const CeilingPath = "/static/bench-ceiling.html"

// Config is what the server needs from the wiring.
type Config struct {
	Logger  *slog.Logger
	Catalog *locale.Catalog
	// Static are the files served under /static/: by their content-hashed
	// names, to be kept by browsers for a year, and by their plain names.
	Static []static.File
	// Ping reports whether the database answers; /healthz relies on it.
	Ping func(context.Context) error
	// PageMiddleware runs for pages and the API, after the site's own
	// middleware, but not for static files or /healthz: the sessions and
	// the CSRF check.
	PageMiddleware []echo.MiddlewareFunc
	// PageCache, when set, keeps the pages the features register as kept
	// (Router.KeptPage) for the readers who share them, and QueryCache the
	// answers to queries (Router.KeptQuery). They run before the
	// PageMiddleware.
	PageCache, QueryCache *PageCache
	// StaffCache, when set, keeps the staff's pages (Router.KeptForStaff)
	// for each session: it runs after the PageMiddleware and the route's
	// own, which tell who is signed in and may see the page.
	StaffCache *PageCache
	// Header receives the links the features put in the staff's header
	// (Router.InHeader), for the sessions to show; nil keeps none.
	Header *Header
	// Ceiling, when set, is served at CeilingPath exactly as the files of
	// Static are: the benchmark's measure of what serving those bytes
	// costs this binary, for the dynamic pages to be compared with.
	Ceiling []byte
	// Explain, when set, gives the answer to an error that is not the
	// site's own Error, such as a full disk; nil leaves it a 500.
	Explain func(error) *Error
	// Observe, when set, sees every request once it has been answered:
	// the metrics.
	Observe echo.MiddlewareFunc
	// HTTPSOnly says the site is served only over HTTPS (the
	// -secure-cookies flag): every answer asks browsers to keep to HTTPS,
	// not only those that came over it.
	HTTPSOnly bool
	// TrustedProxies are the networks of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Proto headers are believed. From any
	// other peer those headers are ignored: anyone can write them.
	TrustedProxies []*net.IPNet
}

// NewServer returns the router of a server with the site's middleware,
// error handler, static files, language switch and health check, for the
// features to register their routes with.
func NewServer(cfg Config) *Router {
	e := echo.New()
	if cfg.Header == nil {
		cfg.Header = &Header{}
	}
	router := &Router{Echo: e, kept: map[string]*PageCache{}, pages: cfg.PageCache, queries: cfg.QueryCache, staff: cfg.StaffCache, openData: map[string]bool{}, uploads: map[string]echo.MiddlewareFunc{}, header: cfg.Header, wholeYears: make(chan struct{}, wholeYearAnswers)}
	e.HideBanner = true
	e.HidePort = true
	// Take the client address from the connection; headers such as
	// X-Forwarded-For are anyone's to write unless a trusted proxy sets them.
	e.IPExtractor = echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range cfg.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	}
	e.HTTPErrorHandler = ErrorHandler(cfg.Logger, cfg.Catalog, cfg.Explain)

	e.Pre(routeHeadAsGet, schemeFromRequest(cfg.TrustedProxies), languageFromRequest(cfg.Catalog))
	e.Use(answerHeadWithoutBody)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		// The id goes into the request's context too, so that every log
		// line of the request carries it (see RequestIDs).
		RequestIDHandler: func(c echo.Context, id string) {
			c.SetRequest(c.Request().WithContext(withRequestID(c.Request().Context(), id)))
		},
	}))
	e.Use(requestLog(cfg.Logger))
	if cfg.Observe != nil {
		e.Use(cfg.Observe)
	}
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			cfg.Logger.ErrorContext(c.Request().Context(), "panic", "error", err, "stack", string(stack),
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			return err
		},
	}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		// No X-XSS-Protection: the filter it steered is gone from
		// browsers, and the header is deprecated; the CSP protects
		// instead. No HSTS from echo either: it would believe anyone's
		// X-Forwarded-Proto (see policyHeaders).
		XSSProtection:         "",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "strict-origin-when-cross-origin",
		ContentSecurityPolicy: contentSecurityPolicy,
	}))
	e.Use(policyHeaders(cfg.HTTPSOnly))
	// Pages made for one reader are compressed as they are sent, at the
	// fastest level: the kept pages and static files were compressed once,
	// at the smallest.
	// A compressed answer's ETag is marked, as a Prepared one's is: two
	// representations, two strong validators.
	compress, err := gzhttp.NewWrapper(gzhttp.MinSize(minCompressed), gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.SuffixETag("-gzip"))
	if err != nil {
		panic(err) // the options are constants
	}
	e.Use(compressed(compress))
	e.Use(router.limitBodies())
	e.Use(router.onlyRoutedMethods, router.crossOrigin, router.cachedPublicly)
	// Kept pages are served before the sessions are read: a reader who
	// carries no session needs none.
	e.Use(router.keptPublicly)
	for _, m := range cfg.PageMiddleware {
		e.Use(skipFor(m, "/static/", "/healthz"))
	}

	e.GET("/static/:name", staticFiles(cfg.Static, cfg.Ceiling))
	e.GET("/healthz", health(cfg.Ping))
	e.GET("/language", switchLanguage(cfg.Catalog))
	return router
}

// staticFiles serves the static files, each compressed once, from memory.
// A content-hashed name never changes its content, so browsers keep it
// for a year without asking again; a plain name for an hour.
func staticFiles(files []static.File, ceiling []byte) echo.HandlerFunc {
	const (
		immutable = "public, max-age=31536000, immutable"
		hourly    = "public, max-age=3600"
	)
	prepared := map[string]*Prepared{}
	for _, f := range files {
		prepared[f.HashedName] = Prepare(f.ContentType, f.Content, time.Time{}, immutable)
		prepared[f.Name] = Prepare(f.ContentType, f.Content, time.Time{}, hourly)
	}
	if ceiling != nil {
		prepared[strings.TrimPrefix(CeilingPath, "/static/")] = Prepare("text/html; charset=utf-8", ceiling, time.Time{}, hourly)
	}
	return func(c echo.Context) error {
		p, ok := prepared[c.Param("name")]
		if !ok {
			return NotFound("error.404")
		}
		return p.Serve(c)
	}
}

// compressed compresses answers with gzip for the clients that take it.
// gzhttp leaves alone an answer that already has an encoding: a Prepared
// one, compressed once when it was made. Errors are turned into pages
// inside it, so that error pages are compressed too.
func compressed(wrap func(http.Handler) http.HandlerFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			var panicked any
			wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				res := c.Response()
				plain := res.Writer
				defer func() {
					res.Writer = plain
					panicked = recover() // for the recover middleware, outside
				}()
				res.Writer = w
				c.SetRequest(r)
				if err := next(c); err != nil {
					c.Error(err)
				}
			})).ServeHTTP(c.Response().Writer, c.Request())
			if panicked != nil {
				panic(panicked)
			}
			return nil
		}
	}
}

// routeHeadAsGet and answerHeadWithoutBody answer a HEAD request as the GET
// of the same address would be answered. Echo routes HEAD on its own
// otherwise, and a HEAD of a page would be 405.
//
// Echo finds the route from the request net/http holds, so routeHeadAsGet,
// which runs before the route is found, turns that request into a GET.
// answerHeadWithoutBody, which runs after, turns it back into the HEAD it
// was and gives the handlers a copy that says GET: net/http, seeing HEAD,
// leaves out the body. Were it left GET, the body would follow the headers
// onto a connection whose client expects none.
func routeHeadAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			r.Method = http.MethodGet
			c.Set(headRequestKey, r)
		}
		return next(c)
	}
}

func answerHeadWithoutBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if held, ok := c.Get(headRequestKey).(*http.Request); ok {
			// The request the handlers see may already be a copy
			// (with a language in its context); copy it before held
			// turns back, in case it is not.
			seen := c.Request()
			get := seen.WithContext(seen.Context())
			held.Method = http.MethodHead
			c.SetRequest(get)
		}
		return next(c)
	}
}

// headRequestKey holds, in a context that routeHeadAsGet turned from HEAD
// to GET, the request net/http holds.
const headRequestKey = "web.headRequest"

// skipFor runs m for every path except those that begin with one of the
// prefixes.
func skipFor(m echo.MiddlewareFunc, prefixes ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		withM := m(next)
		return func(c echo.Context) error {
			for _, p := range prefixes {
				if strings.HasPrefix(c.Request().URL.Path, p) {
					return next(c)
				}
			}
			return withM(c)
		}
	}
}

// permissionsPolicy turns off the powerful browser features the site never
// uses, so that a script slipped into a page could not ask for them.
const permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

// hstsMaxAge keeps browsers to HTTPS for a year after a visit. Subdomains
// are left out: the district's other sites are not this site's to decide.
const hstsMaxAge = "max-age=31536000"

// policyHeaders sends the Permissions-Policy, and Strict-Transport-Security
// on an answer that went out over HTTPS (see IsHTTPS), or on every answer
// of a site served only over HTTPS. Over plain HTTP browsers ignore HSTS.
func policyHeaders(httpsOnly bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Permissions-Policy", permissionsPolicy)
			if httpsOnly || IsHTTPS(c) {
				h.Set(echo.HeaderStrictTransportSecurity, hstsMaxAge)
			}
			return next(c)
		}
	}
}

type httpsKey struct{}

// schemeFromRequest records whether the request reached the site over HTTPS:
// on a TLS connection, or through a trusted proxy that says so.
func schemeFromRequest(trusted []*net.IPNet) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			https := r.TLS != nil
			if !https && r.Header.Get(echo.HeaderXForwardedProto) == "https" {
				host, _, _ := net.SplitHostPort(r.RemoteAddr)
				if peer := net.ParseIP(host); peer != nil {
					for _, n := range trusted {
						https = https || n.Contains(peer)
					}
				}
			}
			c.SetRequest(r.WithContext(context.WithValue(r.Context(), httpsKey{}, https)))
			return next(c)
		}
	}
}

// IsHTTPS reports whether the request reached the site over HTTPS.
func IsHTTPS(c echo.Context) bool {
	https, _ := c.Request().Context().Value(httpsKey{}).(bool)
	return https
}

// languageCookie remembers the language a reader chose with the switch on
// every page; without it the browser's Accept-Language decides.
const languageCookie = "lang"

// languageFromRequest puts the reader's locale into the request context,
// where pages and the error handler find it.
func languageFromRequest(catalog *locale.Catalog) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			setLocale(c, catalog)
			// The same address answers in either language.
			c.Response().Header().Add(echo.HeaderVary, "Accept-Language")
			c.Response().Header().Add(echo.HeaderVary, "Cookie")
			return next(c)
		}
	}
}

func setLocale(c echo.Context, catalog *locale.Catalog) {
	r := c.Request()
	chosen := ""
	if cookie, err := r.Cookie(languageCookie); err == nil {
		chosen = cookie.Value
	}
	// ?lang= in the address wins: a link to a download or a feed keeps
	// its language wherever it is followed, with no cookie.
	l := catalog.For(r.URL.Query().Get("lang"), chosen, r.Header.Get("Accept-Language"))
	c.SetRequest(r.WithContext(locale.WithLocale(r.Context(), l)))
}

// switchLanguage remembers the language asked for (?to=en) for a year and
// goes back to the page the switch was on (?next=/years/2022). It is a
// plain link, so it works without JavaScript and changes nothing but the
// reader's own preference.
func switchLanguage(catalog *locale.Catalog) echo.HandlerFunc {
	return func(c echo.Context) error {
		to := c.QueryParam("to")
		known := false
		for _, tag := range catalog.Languages() {
			known = known || tag.String() == to
		}
		if !known {
			return BadRequest("error.language_unknown")
		}
		c.SetCookie(&http.Cookie{
			Name: languageCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: IsHTTPS(c),
		})
		next := LocalPath(c.QueryParam("next"))
		if next == "" {
			next = "/"
		}
		return c.Redirect(http.StatusSeeOther, next)
	}
}

// requestLog writes one structured line per request. The cause of a failed
// request is logged once, by the error handler, with the same request id.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError:  true, // so that the status logged is the one the error handler sent
		LogLatency:   true,
		LogMethod:    true,
		LogURI:       true,
		LogStatus:    true,
		LogRemoteIP:  true,
		LogRequestID: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			switch {
			case v.Status == http.StatusServiceUnavailable:
				// Shedding load (a sign-in while hashing is busy) is
				// the server working as meant; a cause behind a 503
				// (a full disk) has its own line, from the error handler.
				level = slog.LevelWarn
			case v.Status >= 500:
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method),
				slog.String("uri", loggedURI(c)),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.String("remote_ip", v.RemoteIP),
				slog.String("request_id", v.RequestID),
			}
			log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// maxLoggedURI is as much of an address as the log keeps: enough for any
// address of the site's own, while a client that sends megabyte-long
// addresses cannot make the log grow by megabytes.
const maxLoggedURI = 512

// loggedURI is the request's address as the log shows it: at most
// maxLoggedURI bytes of it, with its length when cut; an address that is a
// secret (a calendar's, the setup link) as its route, and without the CSRF
// token an upload form sends in its address (see auth.RequireCSRF), so that
// reading the log gives no key.
func loggedURI(c echo.Context) string {
	if strings.Contains(c.Path(), ":token") {
		return c.Path()
	}
	uri := c.Request().RequestURI
	// The query is parsed only when the token may be in it: this runs for
	// every request.
	if u := c.Request().URL; strings.Contains(u.RawQuery, CSRFField) {
		if q := u.Query(); q.Has(CSRFField) {
			q.Del(CSRFField)
			uri = u.EscapedPath()
			if len(q) > 0 {
				uri += "?" + q.Encode()
			}
		}
	}
	if len(uri) <= maxLoggedURI {
		return uri
	}
	cut := maxLoggedURI
	for cut > 0 && !utf8.RuneStart(uri[cut]) {
		cut--
	}
	return uri[:cut] + "…(" + strconv.Itoa(len(uri)) + " bytes)"
}

// CSRFField is the name of the form field, or the address's parameter,
// that carries a form's CSRF token.
const CSRFField = "_csrf"

// health answers 200 when the database answers within two seconds, 503 when
// it does not.
func health(ping func(context.Context) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		if err := ping(ctx); err != nil {
			return &Error{Status: http.StatusServiceUnavailable, MessageID: "error.503", Err: err}
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	}
}
