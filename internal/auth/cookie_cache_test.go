package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/sessions"
)

// TestADecodedCookieIsKeptApartFromItsRequests: a cookie decoded once is
// not decoded again, but each request gets values of its own, as the
// cookie says them, whatever an earlier request did with its own (took
// the flashes); after decodedFor it is decoded again; a cookie that does
// not decode is no session, and is not kept.
func TestADecodedCookieIsKeptApartFromItsRequests(t *testing.T) {
	store := sessions.NewCookieStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	made := sessions.NewSession(store, cookieName)
	made.Values[keyCSRF] = "token"
	made.AddFlash("flash.project_saved")
	saved := httptest.NewRecorder()
	if err := store.Save(httptest.NewRequest(http.MethodGet, "/", nil), saved, made); err != nil {
		t.Fatal(err)
	}
	request := func(cookie string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/overdue", nil)
		r.Header.Set("Cookie", cookie)
		return r
	}
	cookie := saved.Header().Get("Set-Cookie")

	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	decoded := newDecodedCookies(func() time.Time { return now })
	first := decoded.session(request(cookie), store, cookieName)
	if first.IsNew || first.Values[keyCSRF] != "token" {
		t.Fatalf("first request: new %v, values %v", first.IsNew, first.Values)
	}
	if flashes := first.Flashes(); len(flashes) != 1 {
		t.Fatalf("first request's flashes: %v", flashes)
	}
	first.Values[keyCSRF] = "changed by the first request"
	if len(decoded.cookies) != 1 {
		t.Fatalf("%d cookies kept, want 1", len(decoded.cookies))
	}

	second := decoded.session(request(cookie), store, cookieName)
	if second.IsNew || second.Values[keyCSRF] != "token" || len(second.Flashes()) != 1 {
		t.Errorf("second request, from memory: new %v, values %v: not what the cookie says", second.IsNew, second.Values)
	}

	now = now.Add(decodedFor)
	decoded.cookies[cookieValue(cookie)] = decodedCookie{values: map[any]any{keyCSRF: "stale"}, at: now.Add(-decodedFor)}
	if later := decoded.session(request(cookie), store, cookieName); later.Values[keyCSRF] != "token" {
		t.Errorf("after %s the cookie was not decoded again: %v", decodedFor, later.Values)
	}

	tampered := cookie[:len(cookieName)+5] + "x" + cookie[len(cookieName)+6:]
	if s := decoded.session(request(tampered), store, cookieName); !s.IsNew || len(s.Values) != 0 {
		t.Errorf("a tampered cookie gave a session: %v", s.Values)
	}
	if _, kept := decoded.cookies[cookieValue(tampered)]; kept {
		t.Error("a tampered cookie was kept")
	}
}

// cookieValue is the value of a Set-Cookie or Cookie header's first cookie.
func cookieValue(header string) string {
	r := &http.Request{Header: http.Header{"Cookie": {header}}}
	c, err := r.Cookie(cookieName)
	if err != nil {
		return ""
	}
	return c.Value
}
