package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"shuangshi/internal/web"
	"shuangshi/views"
)

// cookieName is the name of the session cookie.
const cookieName = "shuangshi_session"

// The values a session cookie carries. The cookie is signed and encrypted;
// who is signed in, since when and in which generation is kept in the
// database under the session id.
const (
	keySessionID = "sid"  // random, new at every sign-in
	keyCSRF      = "csrf" // the CSRF token of this session
	keyStash     = "stash:"
)

// SessionConfig is how sessions behave.
type SessionConfig struct {
	// Keys sign and encrypt cookies, newest first; see LoadKeys.
	Keys [][]byte
	// SecureCookies marks every cookie Secure, for a site served only over
	// HTTPS. Without it a cookie is Secure when its request came over HTTPS.
	SecureCookies bool
	// IdleTimeout ends a session that has made no request for this long;
	// Lifetime ends any session this long after its sign-in.
	IdleTimeout time.Duration
	Lifetime    time.Duration
	Now         func() time.Time
	// SessionsVersion reads the version of who may be signed in
	// (database.DB.SessionsVersion): the sessions read are kept until it
	// moves. Nil reads the session for every request.
	SessionsVersion func(context.Context) (int64, error)
	// Header is the links the features put in the staff's header, the
	// reader's own account among them; nil shows no links, and everyone
	// lands on the account page after signing in.
	Header *web.Header
}

// DefaultIdleTimeout and DefaultLifetime are a working day of inactivity
// and a week in all.
const (
	DefaultIdleTimeout = 8 * time.Hour
	DefaultLifetime    = 7 * 24 * time.Hour
)

// Sessions finds who is behind each request and signs people in and out.
type Sessions struct {
	cookies *sessions.CookieStore
	users   *Store
	known   *sessionCache
	decoded *decodedCookies
	cfg     SessionConfig
}

// NewSessions returns the session manager.
func NewSessions(users *Store, cfg SessionConfig) *Sessions {
	cookies := sessions.NewCookieStore(keyPairs(cfg.Keys)...)
	// The codecs refuse a cookie older than the lifetime, whatever it says;
	// the browser forgets it after the idle timeout unless it is renewed.
	cookies.MaxAge(int(cfg.Lifetime.Seconds()))
	cookies.Options.MaxAge = int(cfg.IdleTimeout.Seconds())
	cookies.Options.HttpOnly = true
	cookies.Options.SameSite = http.SameSiteLaxMode
	return &Sessions{cookies: cookies, users: users, known: newSessionCache(cfg.SessionsVersion), decoded: newDecodedCookies(cfg.Now), cfg: cfg}
}

// requestState is the session of one request.
type requestState struct {
	session *sessions.Session
	user    *User
	id      string // the session id of a signed-in session
	changed bool
	saved   bool // the changed cookie is in the answer's header
	ended   bool // a session that was signed in has expired or been ended
}

type stateKey struct{}

func stateOf(c echo.Context) *requestState {
	st, _ := c.Request().Context().Value(stateKey{}).(*requestState)
	return st
}

// CurrentUser returns the signed-in user of the request, or nil.
func CurrentUser(c echo.Context) *User {
	if st := stateOf(c); st != nil {
		return st.user
	}
	return nil
}

// Shared is the audience (web.Audience) of the public's kept pages: a
// request that carries no session gets the page every reader gets, as no
// one is signed in and no message waits to be shown. Only such pages may
// be kept and served to others, and telling them needs no session to be
// read.
func Shared(c echo.Context) (string, bool) {
	_, err := c.Request().Cookie(cookieName)
	return "", err != nil
}

// Personal is the audience (web.Audience) of the staff's kept pages,
// after the sessions have read who is signed in: a page made for one
// session is served again to that session alone, with its CSRF token in
// the forms. A page that shows a message waiting for its reader, or a
// value stashed for the next request, is made each time, as is a page for
// a session without its token yet (making the page makes the token).
// Whatever else of the user a page shows (name, role) changes the record's
// version when it changes.
func Personal(c echo.Context) (string, bool) {
	st := stateOf(c)
	if st == nil || st.user == nil {
		return "", false
	}
	token, _ := st.session.Values[keyCSRF].(string)
	if token == "" {
		return "", false
	}
	for key := range st.session.Values {
		if name, _ := key.(string); name != keySessionID && name != keyCSRF {
			return "", false // flashes or a stash
		}
	}
	return st.id + " " + token, true
}

// Middleware reads the session cookie, checks that its session still exists
// and its user may still be signed in (active, same session generation,
// within the idle timeout and the lifetime), and saves the cookie when the
// request changed it. A page for a signed-in user is never cached, so that
// the back button of a shared phone shows nothing after signing out.
func (s *Sessions) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		// A cookie that does not decode (a rotated-out key, tampering) is
		// simply no session.
		session := s.decoded.session(r, s.cookies, cookieName)
		st := &requestState{session: session}
		if err := s.authenticate(r.Context(), st); err != nil {
			return err
		}
		if st.user != nil {
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		}
		c.Response().Before(func() {
			// Once: a kept page's header is written as it is made and
			// again as it is served.
			if !st.changed || st.saved {
				return
			}
			st.saved = true
			session.Options.Secure = s.cfg.SecureCookies || web.IsHTTPS(c)
			if err := session.Save(c.Request(), c.Response()); err != nil {
				c.Logger().Error(err)
			}
		})
		ctx := context.WithValue(r.Context(), stateKey{}, st)
		ctx = views.WithSession(ctx, views.Session{
			Path:      r.URL.RequestURI(),
			Viewer:    s.viewerOf(ctx, st.user),
			CSRFToken: st.csrfToken,
			Flashes:   st.flashes,
		})
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}
}

func (s *Sessions) authenticate(ctx context.Context, st *requestState) error {
	id, _ := st.session.Values[keySessionID].(string)
	if id == "" {
		return nil
	}
	read := func() (sessionRecord, User, error) { return s.users.sessionUser(ctx, id) }
	rec, user, err := s.known.session(ctx, id, read)
	now := s.cfg.Now()
	if err == nil && !s.valid(rec, user, now) {
		// The session as kept may be behind a request that another server
		// recorded; the database says for sure.
		rec, user, err = read()
	}
	if errors.Is(err, ErrNotFound) {
		st.end()
		return nil
	}
	if err != nil {
		return err
	}
	if !s.valid(rec, user, now) {
		s.known.forget(id)
		if err := s.users.deleteSession(ctx, id); err != nil {
			return err
		}
		st.end()
		return nil
	}
	// Record the request, and renew the cookie's expiry with it, at most
	// once a minute rather than on every request.
	if now.Sub(rec.SeenAt) > time.Minute {
		if err := s.users.touchSession(ctx, id); err != nil {
			return err
		}
		s.known.seen(id, now)
		st.changed = true
	}
	st.user, st.id = &user, id
	return nil
}

// valid reports whether a session of user may still be signed in at now:
// its user active, in the same generation, within the idle timeout and
// the lifetime.
func (s *Sessions) valid(rec sessionRecord, user User, now time.Time) bool {
	return now.Sub(rec.CreatedAt) <= s.cfg.Lifetime && now.Sub(rec.SeenAt) <= s.cfg.IdleTimeout &&
		user.Active && user.SessionGeneration == rec.Generation
}

// end forgets the user of a session that may no longer be signed in, and
// leaves a message that says so.
func (st *requestState) end() {
	clear(st.session.Values)
	st.session.AddFlash("flash.session_ended")
	st.changed, st.ended = true, true
}

// csrfToken returns the session's CSRF token, creating it (and so the
// session cookie) on first use.
func (st *requestState) csrfToken() string {
	if token, _ := st.session.Values[keyCSRF].(string); token != "" {
		return token
	}
	token := rand.Text()
	st.session.Values[keyCSRF] = token
	st.changed = true
	return token
}

// flashes returns and removes the messages left for the next page.
func (st *requestState) flashes() []string {
	var ids []string
	for _, f := range st.session.Flashes() {
		if id, ok := f.(string); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		st.changed = true
	}
	return ids
}

// Flash leaves a message (a message id) for the next page the browser shows.
func Flash(c echo.Context, messageID string) {
	if st := stateOf(c); st != nil {
		st.session.AddFlash(messageID)
		st.changed = true
	}
}

// SignIn starts a new session for user, from the client's address: every
// value of the old session is dropped, including its CSRF token, and the
// session id is new, so that nothing planted before sign-in (session
// fixation) survives it.
func (s *Sessions) SignIn(c echo.Context, user User) error {
	st := stateOf(c)
	ctx := c.Request().Context()
	if st.id != "" {
		s.known.forget(st.id)
		if err := s.users.deleteSession(ctx, st.id); err != nil {
			return err
		}
	}
	id := rand.Text()
	now := s.cfg.Now()
	if err := s.users.createSession(ctx, id, user, c.RealIP(), now.Add(-s.cfg.IdleTimeout), now.Add(-s.cfg.Lifetime)); err != nil {
		return err
	}
	clear(st.session.Values)
	st.session.Values[keySessionID] = id
	st.session.Values[keyCSRF] = rand.Text()
	st.user, st.id, st.changed = &user, id, true
	return nil
}

// SignOut ends the session of the request, for good: the session record is
// deleted, so a copy of the cookie no longer signs anybody in.
func (s *Sessions) SignOut(c echo.Context) error {
	st := stateOf(c)
	if st.id != "" {
		s.known.forget(st.id)
		if err := s.users.deleteSession(c.Request().Context(), st.id); err != nil {
			return err
		}
	}
	clear(st.session.Values)
	st.user, st.id, st.changed = nil, "", true
	return nil
}

// Stash keeps a value in the session for the next request, such as a
// temporary password to show once after a redirect. The cookie is
// encrypted; TakeStash removes the value as it reads it.
func Stash(c echo.Context, key, value string) {
	if st := stateOf(c); st != nil {
		st.session.Values[keyStash+key] = value
		st.changed = true
	}
}

// TakeStash returns and removes a value kept by Stash, or "".
func TakeStash(c echo.Context, key string) string {
	st := stateOf(c)
	if st == nil {
		return ""
	}
	v, _ := st.session.Values[keyStash+key].(string)
	if v != "" {
		delete(st.session.Values, keyStash+key)
		st.changed = true
	}
	return v
}

// RequireCSRF refuses, with 403, every request that could change something
// (any method but GET, HEAD, OPTIONS and TRACE) unless it carries the
// session's CSRF token in the X-CSRF-Token header or the form field _csrf.
//
// A request without a session is refused before its body is read. So is
// a file upload (multipart/form-data) without the token in the header or
// in its address (?_csrf=, see views' uploadAction): its body is read only
// once the token is right, and then by the handler, after the route's
// permission check. A body over the size limit is answered 413, whichever
// reader meets the limit first.
func RequireCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			return next(c)
		}
		st := stateOf(c)
		if c.Path() == "/logout" && CurrentUser(c) == nil {
			// Signing out someone who is not signed in changes nothing; the
			// button of a page whose session has ended just works.
			return next(c)
		}
		if st != nil && st.ended {
			// The session ended (timed out, or ended elsewhere) while a form
			// was open: say so on the sign-in page, not as a forged request.
			return c.Redirect(http.StatusSeeOther, "/login")
		}
		want := ""
		if st != nil {
			want, _ = st.session.Values[keyCSRF].(string)
		}
		if want == "" {
			return &web.Error{Status: http.StatusForbidden, MessageID: "error.csrf"}
		}
		got, err := csrfTokenOf(c.Request())
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return &web.Error{Status: http.StatusForbidden, MessageID: "error.csrf"}
		}
		return next(c)
	}
}

// csrfTokenOf is the token a request carries: in its header, or for an
// upload in its address, or else in its form, which is read for it. It
// returns a 413 error for a body over the size limit, and 400 for a form
// that cannot be read.
func csrfTokenOf(r *http.Request) (string, error) {
	if token := r.Header.Get("X-CSRF-Token"); token != "" {
		return token, nil
	}
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); mediaType == echo.MIMEMultipartForm {
		return r.URL.Query().Get(web.CSRFField), nil
	}
	if err := r.ParseForm(); err != nil {
		if web.BodyTooLarge(err) {
			return "", &web.Error{Status: http.StatusRequestEntityTooLarge, MessageID: "error.413", Err: err}
		}
		return "", &web.Error{Status: http.StatusBadRequest, MessageID: "error.400", Err: err}
	}
	return r.PostForm.Get(web.CSRFField), nil
}

// Require lets a request through only for a signed-in user who holds the
// permission. Someone not signed in is sent to the sign-in page (a GET) or
// refused (anything else); a user without the permission gets 403. A user
// who must choose a new password is sent to do that first.
func Require(p Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			user := CurrentUser(c)
			if user == nil {
				return signInFirst(c)
			}
			if user.MustChangePassword {
				return c.Redirect(http.StatusSeeOther, passwordPath)
			}
			if p != "" && !Can(user, p) {
				return &web.Error{Status: http.StatusForbidden, MessageID: "error.403"}
			}
			return next(c)
		}
	}
}

// RequireUser lets through any signed-in user, including one who must
// change their password: the account pages themselves.
func RequireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if CurrentUser(c) == nil {
			return signInFirst(c)
		}
		return next(c)
	}
}

func signInFirst(c echo.Context) error {
	if c.Request().Method != http.MethodGet {
		return &web.Error{Status: http.StatusForbidden, MessageID: "error.sign_in_first"}
	}
	return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
}

// Shows is a header link's test that its reader may do what p covers.
func Shows(p Permission) func(context.Context) bool {
	return func(ctx context.Context) bool { return Can(userOf(ctx), p) }
}

// signedIn shows a header link to every signed-in reader.
func signedIn(ctx context.Context) bool { return userOf(ctx) != nil }

// userOf is the signed-in user of a request's context, or nil.
func userOf(ctx context.Context) *User {
	if st, _ := ctx.Value(stateKey{}).(*requestState); st != nil {
		return st.user
	}
	return nil
}

// accountPath is the reader's own account; passwordPath is where one who
// must first replace a password goes, and nowhere else.
const (
	accountPath  = "/account"
	passwordPath = "/account/password"
)

// LandingPage is where a user goes after signing in: the page of the
// header link that says so for the user (an engineer's projects, the
// supervisors' overdue list, the administrators' accounts), or the
// account page.
func (s *Sessions) LandingPage(ctx context.Context, u *User) string {
	if s.cfg.Header != nil {
		if landing := s.cfg.Header.Landing(context.WithValue(ctx, stateKey{}, &requestState{user: u})); landing != "" {
			return landing
		}
	}
	return accountPath
}

// viewerOf returns what the pages show of a user, with the staff pages the
// user may open, as the reader of ctx.
func (s *Sessions) viewerOf(ctx context.Context, u *User) *views.Viewer {
	if u == nil {
		return nil
	}
	v := &views.Viewer{Name: u.Name(), Role: string(u.Role)}
	if u.MustChangePassword {
		// Nothing but the account page until a new password is chosen.
		v.Links = []views.Link{{Label: "nav.account", URL: passwordPath}}
		return v
	}
	if s.cfg.Header != nil {
		v.Links = s.cfg.Header.Links(ctx)
	}
	return v
}
