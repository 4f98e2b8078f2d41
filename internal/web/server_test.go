package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/locale"
	"shuangshi/static"
)

// newTestServer returns the server frame with a few routes that misbehave on
// purpose, and the log it writes.
func newTestServer(t *testing.T, ping func(context.Context) error) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	catalog, err := locale.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e := NewServer(Config{
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
		Catalog: catalog,
		Static:  []static.File{{Name: "site.css", HashedName: "site.0123abcd.css", ContentType: "text/css; charset=utf-8", Content: []byte("body{}")}},
		Ping:    ping,
	})
	e.GET("/fails", func(c echo.Context) error {
		return errors.New("disk I/O error at /var/secret/path")
	})
	e.GET("/panics", func(c echo.Context) error { panic("nil map in the handler") })
	e.GET("/api/v1/fails", func(c echo.Context) error { return errors.New("internal detail") })
	e.GET("/secret/:token", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/big", func(c echo.Context) error { return c.String(http.StatusOK, strings.Repeat("双十 ", 2000)) })
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv, &logs
}

func okPing(context.Context) error { return nil }

func fetch(t *testing.T, method, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	// The transport would otherwise ask for gzip and hide the header.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	srv, logs := newTestServer(t, okPing)
	for _, path := range []string{"/fails", "/panics"} {
		resp, body := fetch(t, http.MethodGet, srv.URL+path, nil)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Fatalf("%s: status %d, want 500", path, resp.StatusCode)
		}
		if !strings.Contains(body, "服务器出了问题") || !strings.Contains(body, `class="site-header"`) {
			t.Errorf("%s: the page is not the general error page in the site's layout:\n%s", path, body)
		}
		for _, secret := range []string{"/var/secret/path", "disk I/O", "nil map", "goroutine"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s: the page shows internal text %q", path, secret)
			}
		}
	}
	for _, logged := range []string{"/var/secret/path", "nil map in the handler"} {
		if !strings.Contains(logs.String(), logged) {
			t.Errorf("the log does not record %q:\n%s", logged, logs)
		}
	}
}

func TestSecretAddressesAreLoggedAsTheirRoute(t *testing.T) {
	srv, logs := newTestServer(t, okPing)
	if resp, _ := fetch(t, http.MethodGet, srv.URL+"/secret/KEY-123.ics", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(logs.String(), "KEY-123") || !strings.Contains(logs.String(), "uri=/secret/:token") {
		t.Errorf("the log:\n%s", logs)
	}
}

func TestAPIErrorsAreJSON(t *testing.T) {
	srv, _ := newTestServer(t, okPing)
	resp, body := fetch(t, http.MethodGet, srv.URL+"/api/v1/fails", nil)
	if resp.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `"status":500`) || strings.Contains(body, "internal detail") {
		t.Errorf("body = %s", body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv, _ := newTestServer(t, okPing)
	for _, path := range []string{"/healthz", "/no-such-page", "/static/site.css"} {
		resp, _ := fetch(t, http.MethodGet, srv.URL+path, nil)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy = %q", path, csp)
		}
		for header, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
		} {
			if got := resp.Header.Get(header); got != want {
				t.Errorf("%s: %s = %q, want %q", path, header, got, want)
			}
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no request id", path)
		}
	}
}

func TestHealth(t *testing.T) {
	up, _ := newTestServer(t, okPing)
	if resp, body := fetch(t, http.MethodGet, up.URL+"/healthz", nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, "ok") {
		t.Errorf("healthy: status %d, body %s", resp.StatusCode, body)
	}
	down, logs := newTestServer(t, func(context.Context) error { return errors.New("database is locked") })
	resp, body := fetch(t, http.MethodGet, down.URL+"/healthz", nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("database down: status %d, want 503", resp.StatusCode)
	}
	if strings.Contains(body, "database is locked") || !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the cause must be logged, not shown: body %s", body)
	}
}

func TestHeadIsAnsweredLikeGet(t *testing.T) {
	srv, _ := newTestServer(t, okPing)
	_, getBody := fetch(t, http.MethodGet, srv.URL+"/healthz", nil)
	resp, _ := fetch(t, http.MethodHead, srv.URL+"/healthz", nil)
	if resp.StatusCode != http.StatusOK || resp.ContentLength != int64(len(getBody)) {
		t.Errorf("HEAD /healthz: status %d, length %d; want 200 and the length of the GET (%d)", resp.StatusCode, resp.ContentLength, len(getBody))
	}
	if resp, _ := fetch(t, http.MethodPost, srv.URL+"/healthz", nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: status %d, want 405", resp.StatusCode)
	}
}

func TestResponsesAreCompressed(t *testing.T) {
	srv, _ := newTestServer(t, okPing)
	resp, body := fetch(t, http.MethodGet, srv.URL+"/big", http.Header{"Accept-Encoding": {"gzip"}})
	if resp.Header.Get("Content-Encoding") != "gzip" || len(body) > 2000 {
		t.Errorf("Content-Encoding %q and %d bytes for 8 kB of text; want gzip", resp.Header.Get("Content-Encoding"), len(body))
	}
}

func TestClientAddressIsNotTakenFromHeaders(t *testing.T) {
	srv, logs := newTestServer(t, okPing)
	fetch(t, http.MethodGet, srv.URL+"/healthz", http.Header{"X-Forwarded-For": {"6.6.6.6"}, "X-Real-Ip": {"6.6.6.6"}})
	if strings.Contains(logs.String(), "6.6.6.6") || !strings.Contains(logs.String(), "remote_ip=127.0.0.1") {
		t.Errorf("the log trusts a forwarded address from an untrusted client:\n%s", logs)
	}
}
