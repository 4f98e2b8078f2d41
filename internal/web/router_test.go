package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"shuangshi/views"
)

// TestRoutesDeclareWhatTheFrameDoesWithThem: an upload route takes the
// body it declared and no other route does; only the kept pages go
// through the page cache's middleware.
func TestRoutesDeclareWhatTheFrameDoesWithThem(t *testing.T) {
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	srv, _ := newTestServerWith(t, Config{Ping: okPing}, func(r *Router) {
		r.Upload("/upload", 2, ok)
		r.POST("/form", ok)
		r.POST("/upload/:id", ok) // a form under the upload's path, not an upload
		r.KeptPage("/kept/:id", ok)
		r.GET("/fresh/:id", ok)
		r.Use(r.keptOnly(func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				c.Response().Header().Set("X-Kept", "yes")
				return next(c)
			}
		}))
	})
	body := strings.Repeat("x", 1536<<10) // 1.5 MB
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/upload", http.StatusOK},
		{"/form", http.StatusRequestEntityTooLarge},
		{"/upload/7", http.StatusRequestEntityTooLarge},
	} {
		resp, err := http.Post(srv.URL+tc.path, "application/octet-stream", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("1.5 MB to %s: status %d, want %d", tc.path, resp.StatusCode, tc.want)
		}
	}
	for path, want := range map[string]string{"/kept/1": "yes", "/fresh/1": ""} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Kept"); got != want {
			t.Errorf("GET %s went through the kept pages' middleware: %q, want %q", path, got, want)
		}
	}
}

type roleKey struct{}

func role(ctx context.Context) string { r, _ := ctx.Value(roleKey{}).(string); return r }

// TestHeaderLinksAndLanding: the header shows a reader the links they may
// follow, part by part whatever order the parts were registered in, and
// lands them on the shown link of the highest rank.
func TestHeaderLinksAndLanding(t *testing.T) {
	is := func(roles ...string) func(context.Context) bool {
		return func(ctx context.Context) bool {
			for _, r := range roles {
				if role(ctx) == r {
					return true
				}
			}
			return false
		}
	}
	var h Header
	h.add(HeaderLink{Label: "lists", URL: "/lists", Place: HeaderRecord, Shown: is("admin")})
	h.add(HeaderLink{Label: "mine", URL: "/mine", Place: HeaderWork, Shown: is("engineer"), Landing: 1})
	h.add(HeaderLink{Label: "overdue", URL: "/overdue", Place: HeaderWork, Shown: is("supervisor", "admin"), Landing: 2})
	h.add(HeaderLink{Label: "account", URL: "/account", Place: HeaderOwnAccount, Shown: is("engineer", "supervisor", "admin")})
	h.add(HeaderLink{Label: "accounts", URL: "/accounts", Place: HeaderAccounts, Shown: is("admin"), Landing: 3})
	for _, tc := range []struct {
		role    string
		links   string
		landing string
	}{
		{"engineer", "mine account", "/mine"},
		{"supervisor", "overdue account", "/overdue"},
		{"admin", "overdue lists accounts account", "/accounts"},
		{"", "", ""},
	} {
		ctx := context.WithValue(context.Background(), roleKey{}, tc.role)
		if got := labels(h.Links(ctx)); got != tc.links {
			t.Errorf("%q sees %q, want %q", tc.role, got, tc.links)
		}
		if got := h.Landing(ctx); got != tc.landing {
			t.Errorf("%q lands on %q, want %q", tc.role, got, tc.landing)
		}
	}
}

func labels(links []views.Link) string {
	var s []string
	for _, l := range links {
		s = append(s, l.Label)
	}
	return strings.Join(s, " ")
}
