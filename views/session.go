package views

import "context"

// Viewer is the signed-in member of staff looking at a page.
type Viewer struct {
	Name string
	Role string // "engineer", "supervisor" or "admin"
	// Links are the staff pages this viewer may open, for the header.
	Links []Link
}

// Link is a labelled address; Label is a message id.
type Link struct {
	Label string
	URL   string
	Count int // shown beside the label when more than 0
}

// Session is what a page may know of the request beyond its view model:
// who is looking, the CSRF token for its forms, and messages left by the
// previous request. The token and the messages are functions so that a page
// without a form sets no cookie, and a message is used up only when a page
// shows it.
type Session struct {
	Viewer *Viewer // nil for the public
	// Path is the address of the page, for the language switch to come
	// back to.
	Path      string
	CSRFToken func() string
	Flashes   func() []string // message ids
}

type sessionKey struct{}

// WithSession returns a context carrying the session, for the pages rendered
// with it.
func WithSession(ctx context.Context, s Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

func sessionOf(ctx context.Context) Session {
	s, _ := ctx.Value(sessionKey{}).(Session)
	return s
}

// viewer returns who is looking, or nil for the public.
func viewer(ctx context.Context) *Viewer { return sessionOf(ctx).Viewer }

// csrfToken returns the token that every form that changes something must
// carry.
func csrfToken(ctx context.Context) string {
	if s := sessionOf(ctx); s.CSRFToken != nil {
		return s.CSRFToken()
	}
	return ""
}

// flashes returns and uses up the messages left for this page.
func flashes(ctx context.Context) []string {
	if s := sessionOf(ctx); s.Flashes != nil {
		return s.Flashes()
	}
	return nil
}

// currentPath returns the address of the page being shown, or "/".
func currentPath(ctx context.Context) string {
	if p := sessionOf(ctx).Path; p != "" {
		return p
	}
	return "/"
}
