package auth

import (
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/sessions"
)

// decodedCookies keeps the values of the session cookies decoded lately,
// by the cookie's exact text. Decoding checks the cookie's signature,
// decrypts it and unpacks it (gob), a fifth of the console's time; a
// browser sends the same cookie with every request until it changes. Only
// a cookie that decoded is kept, so the text is one the server signed, and
// it is decoded again after decodedFor (the codecs also check its age).
type decodedCookies struct {
	now func() time.Time

	mu      sync.Mutex
	cookies map[string]decodedCookie
}

type decodedCookie struct {
	values map[any]any
	at     time.Time
}

const (
	// maxDecodedCookies bounds the cookies kept: when full, all go.
	maxDecodedCookies = 10_000
	// decodedFor is how long a cookie's values are kept.
	decodedFor = time.Minute
)

func newDecodedCookies(now func() time.Time) *decodedCookies {
	if now == nil {
		now = time.Now
	}
	return &decodedCookies{now: now, cookies: map[string]decodedCookie{}}
}

// session returns the session of r's cookie in store: its values as last
// decoded, or decoded now; a new session when there is no cookie or it
// does not decode (a rotated-out key, tampering).
func (d *decodedCookies) session(r *http.Request, store *sessions.CookieStore, name string) *sessions.Session {
	cookie, err := r.Cookie(name)
	if err != nil {
		session, _ := store.New(r, name)
		return session
	}
	now := d.now()
	d.mu.Lock()
	known, ok := d.cookies[cookie.Value]
	d.mu.Unlock()
	if ok && now.Sub(known.at) < decodedFor {
		session := sessions.NewSession(store, name)
		opts := *store.Options
		session.Options = &opts
		session.Values = copyValues(known.values)
		return session
	}
	session, err := store.New(r, name)
	if err != nil || session.IsNew {
		return session
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.cookies) >= maxDecodedCookies {
		clear(d.cookies)
	}
	d.cookies[cookie.Value] = decodedCookie{values: copyValues(session.Values), at: now}
	return session
}

// copyValues copies a session's values, and the lists among them (the
// flashes), which a request changes in place.
func copyValues(values map[any]any) map[any]any {
	out := make(map[any]any, len(values))
	for k, v := range values {
		if list, ok := v.([]any); ok {
			v = append([]any(nil), list...)
		}
		out[k] = v
	}
	return out
}
