package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/locale"
	"shuangshi/static"
)

// openDataSite serves, as the site does: a kept page, open data kept
// (/data.json) and made per request (/report.csv), a staff page, a form,
// and a stand-in for the CSRF check that refuses every POST, DELETE and
// PUT.
func openDataSite(t *testing.T) *httptest.Server {
	t.Helper()
	catalog, err := locale.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cache := NewPageCache(
		func(context.Context) (int64, error) { return 1, nil },
		func(context.Context) (time.Time, error) { return time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC), nil },
		everyone,
		func() string { return "2026-11-26" }, 1<<20)
	csrf := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			switch c.Request().Method {
			case http.MethodPost, http.MethodDelete, http.MethodPut:
				return echo.NewHTTPError(http.StatusForbidden, "no token")
			}
			return next(c)
		}
	}
	r := NewServer(Config{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: catalog, Ping: func(context.Context) error { return nil },
		PageCache: cache, PageMiddleware: []echo.MiddlewareFunc{csrf},
		Static: []static.File{{Name: "site.css", HashedName: "site.0123abcd.css", ContentType: "text/css; charset=utf-8", Content: []byte(strings.Repeat("body{color:red}", 200))}},
	})
	rows := strings.Repeat("二〇二二,路桥,12\n", 200)
	r.KeptPage("/years/:year", func(c echo.Context) error { return c.HTML(http.StatusOK, strings.Repeat("<p>row</p>", 300)) })
	r.OpenData(r.KeptPage("/data.json", func(c echo.Context) error { return c.JSONBlob(http.StatusOK, []byte(`{"rows":"`+rows+`"}`)) }))
	r.OpenData(r.GET("/report.csv", func(c echo.Context) error {
		return Download(c, "report.csv", "text/csv; charset=utf-8", []byte(rows))
	}))
	r.GET("/staff", func(c echo.Context) error { return c.HTML(http.StatusOK, strings.Repeat("<p>staff</p>", 300)) })
	r.POST("/staff", func(c echo.Context) error { return c.NoContent(http.StatusSeeOther) })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func request(t *testing.T, method, url string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestEachEncodingHasItsOwnETag: the gzip and the plain answer of the same
// resource carry distinct strong validators, and each validator matches
// only its own representation.
func TestEachEncodingHasItsOwnETag(t *testing.T) {
	srv := openDataSite(t)
	gzip := map[string]string{"Accept-Encoding": "gzip"}
	for _, path := range []string{"/years/2022", "/data.json", "/report.csv", "/static/site.css", "/static/site.0123abcd.css"} {
		t.Run(path, func(t *testing.T) {
			plain, zipped := fetchRaw(t, srv.URL+path, nil), fetchRaw(t, srv.URL+path, gzip)
			if plain.status != http.StatusOK || zipped.status != http.StatusOK {
				t.Fatalf("status %d and %d, want 200", plain.status, zipped.status)
			}
			if got := zipped.header.Get("Content-Encoding"); got != "gzip" {
				t.Fatalf("Content-Encoding %q, want gzip", got)
			}
			pt, zt := plain.header.Get("ETag"), zipped.header.Get("ETag")
			if pt == "" || pt == zt || strings.HasPrefix(pt, "W/") || strings.HasPrefix(zt, "W/") {
				t.Fatalf("ETags %s (plain) and %s (gzip), want two distinct strong ones", pt, zt)
			}
			if !strings.HasSuffix(zt, `-gzip"`) {
				t.Errorf("gzip ETag %s, want -gzip inside the quotes", zt)
			}
			for _, tc := range []struct {
				name     string
				header   map[string]string
				wantCode int
			}{
				{"plain asks with plain tag", map[string]string{"If-None-Match": pt}, http.StatusNotModified},
				{"gzip asks with gzip tag", map[string]string{"If-None-Match": zt, "Accept-Encoding": "gzip"}, http.StatusNotModified},
				{"gzip asks with plain tag", map[string]string{"If-None-Match": pt, "Accept-Encoding": "gzip"}, http.StatusOK},
				{"plain asks with gzip tag", map[string]string{"If-None-Match": zt}, http.StatusOK},
			} {
				if got := request(t, http.MethodGet, srv.URL+path, tc.header); got.StatusCode != tc.wantCode {
					t.Errorf("%s: got %d, want %d", tc.name, got.StatusCode, tc.wantCode)
				}
			}
		})
	}
}

// TestVaryAcceptEncodingOnce: the compressing middleware and the prepared
// answers both say the answer varies by encoding; it is sent once.
func TestVaryAcceptEncodingOnce(t *testing.T) {
	srv := openDataSite(t)
	for _, path := range []string{"/years/2022", "/data.json", "/report.csv", "/static/site.css", "/staff"} {
		for _, enc := range []string{"", "gzip"} {
			resp := request(t, http.MethodGet, srv.URL+path, map[string]string{"Accept-Encoding": enc})
			n := 0
			for _, v := range resp.Header.Values("Vary") {
				for _, f := range strings.Split(v, ",") {
					if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
						n++
					}
				}
			}
			if n != 1 {
				t.Errorf("%s (Accept-Encoding %q): Vary %q lists Accept-Encoding %d times, want 1", path, enc, resp.Header.Values("Vary"), n)
			}
		}
	}
}

// TestPublicAnswersSayHowToCache: public pages and every kind of open data
// carry Cache-Control and a validator.
func TestPublicAnswersSayHowToCache(t *testing.T) {
	srv := openDataSite(t)
	for _, path := range []string{"/years/2022", "/data.json", "/report.csv"} {
		resp := request(t, http.MethodGet, srv.URL+path, nil)
		if got := resp.Header.Get("Cache-Control"); got != publicCaching {
			t.Errorf("%s: Cache-Control %q, want %q", path, got, publicCaching)
		}
		if resp.Header.Get("ETag") == "" {
			t.Errorf("%s: no ETag", path)
		}
	}
}

// TestOpenDataIsOnlyRead: a POST, DELETE or PUT to a GET-only address is
// 405 with Allow, not the CSRF check's 403; a form's POST still meets it.
func TestOpenDataIsOnlyRead(t *testing.T) {
	srv := openDataSite(t)
	for _, path := range []string{"/data.json", "/report.csv", "/years/2022"} {
		for _, method := range []string{http.MethodPost, http.MethodDelete, http.MethodPut} {
			resp := request(t, method, srv.URL+path, nil)
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: got %d, want 405", method, path, resp.StatusCode)
			}
			allow := resp.Header.Get("Allow")
			if !strings.Contains(allow, "GET") || !strings.Contains(allow, "HEAD") || strings.Contains(allow, method) {
				t.Errorf("%s %s: Allow %q, want GET and HEAD", method, path, allow)
			}
		}
	}
	if got := request(t, http.MethodPost, srv.URL+"/staff", nil).StatusCode; got != http.StatusForbidden {
		t.Errorf("POST /staff without a token: got %d, want the CSRF check's 403", got)
	}
}

// TestCrossOriginReadsOfOpenDataOnly: any origin reads the open data and
// has its preflight answered, never with credentials; other routes
// allow no origin.
func TestCrossOriginReadsOfOpenDataOnly(t *testing.T) {
	srv := openDataSite(t)
	origin := map[string]string{"Origin": "https://dashboard.example.org"}
	preflight := map[string]string{"Origin": "https://dashboard.example.org", "Access-Control-Request-Method": "GET"}
	for _, path := range []string{"/data.json", "/report.csv"} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			resp := request(t, method, srv.URL+path, origin)
			if got := resp.Header.Get("Access-Control-Allow-Origin"); resp.StatusCode != http.StatusOK || got != "*" {
				t.Errorf("%s %s: %d, Access-Control-Allow-Origin %q, want 200 and *", method, path, resp.StatusCode, got)
			}
			if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("%s %s: credentials allowed", method, path)
			}
		}
		resp := request(t, http.MethodOptions, srv.URL+path, preflight)
		h := resp.Header
		if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" ||
			h.Get("Access-Control-Allow-Methods") != "GET, HEAD" || h.Get("Access-Control-Max-Age") == "" {
			t.Errorf("preflight of %s: %d %v, want 204 allowing GET, HEAD from any origin, with Max-Age", path, resp.StatusCode, h)
		}
		if h.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("preflight of %s: credentials allowed", path)
		}
	}
	for _, path := range []string{"/years/2022", "/staff"} {
		for _, method := range []string{http.MethodGet, http.MethodOptions} {
			if got := request(t, method, srv.URL+path, preflight).Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("%s %s: Access-Control-Allow-Origin %q, want none", method, path, got)
			}
		}
	}
}
