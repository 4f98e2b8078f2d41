package auth

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/labstack/echo/v4"
)

// FuzzSessionCookie: whatever a request carries as its session cookie, it
// is answered without a server error and signs nobody in; only a cookie
// the server made itself does.
func FuzzSessionCookie(f *testing.F) {
	store, clock, _ := newTestStore(f)
	user := mustCreate(f, store, "li", Engineer)
	keys, err := LoadKeys(filepath.Join(f.TempDir(), "keys"), "")
	if err != nil {
		f.Fatal(err)
	}
	sessions := NewSessions(store, SessionConfig{Keys: keys, Now: clock.Now, IdleTimeout: DefaultIdleTimeout, Lifetime: DefaultLifetime})
	e := echo.New()
	e.Use(sessions.Middleware)
	e.GET("/who", func(c echo.Context) error {
		if u := CurrentUser(c); u != nil {
			return c.String(http.StatusOK, u.Username)
		}
		return c.String(http.StatusOK, "")
	})
	e.POST("/in", func(c echo.Context) error {
		if err := sessions.SignIn(c, user); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	})

	// A real cookie, as the seed the fuzzer starts from.
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/in", nil))
	var real string
	for _, c := range rec.Result().Cookies() {
		if c.Name == cookieName {
			real = c.Value
		}
	}
	if real == "" {
		f.Fatal("signing in made no cookie")
	}
	who := func(cookie string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/who", nil)
		req.Header.Set("Cookie", cookieName+"="+cookie)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	if got := who(real).Body.String(); got != "li" {
		f.Fatalf("the real cookie signs in %q, want li", got)
	}
	f.Add(real)
	f.Add(real[:len(real)/2])
	f.Add(real + "A")
	f.Add("")
	f.Add("MTcwMDAwMDAwMHxEdi1CQkFFQ180SUFBUkFCRUFBQUJmLUNBQUE9fGNhZmViYWJl")
	f.Add("%00%ff\"; Path=/")

	f.Fuzz(func(t *testing.T, cookie string) {
		rec := who(cookie)
		if rec.Code >= 500 {
			t.Fatalf("cookie %q: status %d", cookie, rec.Code)
		}
		if got := rec.Body.String(); got != "" && cookie != real {
			t.Fatalf("cookie %q signed in %q", cookie, got)
		}
	})
}
