package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/locale"
	"shuangshi/static"
)

// newTestServer returns the server frame with a few routes that misbehave on
// purpose, and the log it writes.
func newTestServer(t *testing.T, ping func(context.Context) error) (*httptest.Server, *syncBuffer) {
	t.Helper()
	return newTestServerWith(t, Config{Ping: ping}, nil)
}

// newTestServerWith is newTestServer with more of the configuration, and
// more routes when routes is not nil.
func newTestServerWith(t *testing.T, cfg Config, routes func(*Router)) (*httptest.Server, *syncBuffer) {
	t.Helper()
	catalog, err := locale.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	cfg.Catalog = catalog
	cfg.Static = []static.File{{Name: "site.css", HashedName: "site.0123abcd.css", ContentType: "text/css; charset=utf-8", Content: []byte("body{}")}}
	e := NewServer(cfg)
	e.GET("/fails", func(c echo.Context) error {
		return errors.New("disk I/O error at /var/secret/path")
	})
	e.GET("/panics", func(c echo.Context) error { panic("nil map in the handler") })
	e.GET("/api/v1/fails", func(c echo.Context) error { return errors.New("internal detail") })
	e.GET("/secret/:token", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/big", func(c echo.Context) error { return c.String(http.StatusOK, strings.Repeat("双十 ", 2000)) })
	if routes != nil {
		routes(e)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv, logs
}

// syncBuffer is the log of a server under test, written by its goroutines
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
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

// TestSheddingLoadIsAWarning: a 503 sent on purpose, as a sign-in is while
// hashing is busy, is logged as a warning, not an error.
func TestSheddingLoadIsAWarning(t *testing.T) {
	srv, logs := newTestServerWith(t, Config{Ping: okPing}, func(e *Router) {
		e.GET("/busy", func(c echo.Context) error { return c.String(http.StatusServiceUnavailable, "busy") })
	})
	if resp, _ := fetch(t, http.MethodGet, srv.URL+"/busy", nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if log := logs.String(); !strings.Contains(log, "level=WARN") || strings.Contains(log, "level=ERROR") {
		t.Errorf("the log:\n%s", log)
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

	// On one kept-alive connection, a HEAD then a GET: were the HEAD's body
	// sent, the client would read it where the GET's status line should be.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "HEAD /big HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	answers := bufio.NewReader(conn)
	head, err := http.ReadResponse(answers, &http.Request{Method: http.MethodHead})
	if err != nil || head.StatusCode != http.StatusOK {
		t.Fatalf("HEAD /big: %v, %v", head, err)
	}
	head.Body.Close()
	line, err := answers.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 200") {
		t.Errorf("after a HEAD the next answer began %q (%v); want the GET's status line, the HEAD sent no body", line, err)
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

// TestHTTPSHeaders: a site reached over HTTPS asks browsers to keep to it;
// a client cannot switch that on by writing X-Forwarded-Proto itself; every
// answer turns off the browser features the site does not use, and the
// deprecated X-XSS-Protection is gone.
func TestHTTPSHeaders(t *testing.T) {
	loopback := []*net.IPNet{{IP: net.IPv4(127, 0, 0, 1), Mask: net.CIDRMask(32, 32)}}
	forwarded := http.Header{"X-Forwarded-Proto": {"https"}}
	plain, _ := newTestServerWith(t, Config{Ping: okPing}, nil)
	proxied, _ := newTestServerWith(t, Config{Ping: okPing, TrustedProxies: loopback}, nil)
	httpsOnly, _ := newTestServerWith(t, Config{Ping: okPing, HTTPSOnly: true}, nil)
	for _, tc := range []struct {
		name     string
		url      string
		header   http.Header
		wantHSTS bool
	}{
		{"plain HTTP", plain.URL, nil, false},
		{"X-Forwarded-Proto from a client that is no proxy", plain.URL, forwarded, false},
		{"HTTPS through a trusted proxy", proxied.URL, forwarded, true},
		{"plain HTTP through a trusted proxy", proxied.URL, nil, false},
		{"a site served only over HTTPS", httpsOnly.URL, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := fetch(t, http.MethodGet, tc.url+"/healthz", tc.header)
			hsts := resp.Header.Get("Strict-Transport-Security")
			if got := hsts != ""; got != tc.wantHSTS {
				t.Errorf("Strict-Transport-Security = %q, want it sent: %v", hsts, tc.wantHSTS)
			}
			if tc.wantHSTS && !strings.HasPrefix(hsts, "max-age=31536000") {
				t.Errorf("Strict-Transport-Security = %q, want a year", hsts)
			}
			if p := resp.Header.Get("Permissions-Policy"); !strings.Contains(p, "camera=()") || !strings.Contains(p, "geolocation=()") {
				t.Errorf("Permissions-Policy = %q", p)
			}
			if x, ok := resp.Header["X-Xss-Protection"]; ok {
				t.Errorf("X-XSS-Protection is sent: %q", x)
			}
		})
	}
}

// TestTheLogKeepsABoundedPartOfAnAddress: a long address costs the log at
// most maxLoggedURI bytes of it, cut on a character, with its length.
func TestTheLogKeepsABoundedPartOfAnAddress(t *testing.T) {
	srv, logs := newTestServer(t, okPing)
	long := "/healthz?q=" + strings.Repeat("%E5%8F%8C", 4000) // 36 kB
	if resp, _ := fetch(t, http.MethodGet, srv.URL+long, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	log := logs.String()
	if len(log) > 2*maxLoggedURI {
		t.Errorf("one request of a %d-byte address wrote %d bytes of log:\n%s", len(long), len(log), log)
	}
	if !strings.Contains(log, "…("+strconv.Itoa(len(long))+" bytes)") {
		t.Errorf("the log does not say how long the address was:\n%s", log)
	}
}

// TestTheCSRFTokenInAnAddressIsNotLogged: an upload form sends its token in
// its address; the log keeps the rest.
func TestTheCSRFTokenInAnAddressIsNotLogged(t *testing.T) {
	srv, logs := newTestServer(t, okPing)
	fetch(t, http.MethodGet, srv.URL+"/healthz?_csrf=SECRET-TOKEN&year=2024", nil)
	if log := logs.String(); strings.Contains(log, "SECRET-TOKEN") || !strings.Contains(log, `uri="/healthz?year=2024"`) {
		t.Errorf("the log:\n%s", log)
	}
}

// TestAnAbandonedRequestIsTheClients: a request whose client went away is
// logged at INFO as 499, not as a server error; a failure of its own, other
// than the cancellation, is still logged, as a warning.
func TestAnAbandonedRequestIsTheClients(t *testing.T) {
	log := abandon(t, func(ctx context.Context) error { return fmt.Errorf("read the record: %w", ctx.Err()) })
	var line string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "uri=/waits") {
			line = l
		}
	}
	if !strings.Contains(line, "level=INFO") || !strings.Contains(line, "status=499") {
		t.Errorf("the abandoned request is logged as %q, want INFO and status 499", line)
	}
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("an abandoned request is logged as an error:\n%s", log)
	}
	if strings.Contains(log, "after its client went away") {
		t.Errorf("the cancellation itself is logged as a failure:\n%s", log)
	}
}

func TestAFailureAfterTheClientWentAwayIsAWarning(t *testing.T) {
	log := abandon(t, func(context.Context) error { return errors.New("disk I/O error") })
	if !strings.Contains(log, "level=WARN") || !strings.Contains(log, "disk I/O error") || strings.Contains(log, "level=ERROR") {
		t.Errorf("the log:\n%s", log)
	}
}

// abandon asks for a slow page and goes away once the page has the
// request; the page then fails with what fail makes of its context. It
// returns the log once the request's line is in it.
func abandon(t *testing.T, fail func(context.Context) error) string {
	t.Helper()
	arrived := make(chan struct{})
	srv, logs := newTestServerWith(t, Config{Ping: okPing}, func(e *Router) {
		e.GET("/waits", func(c echo.Context) error {
			close(arrived)
			<-c.Request().Context().Done()
			return fail(c.Request().Context())
		})
	})
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/waits", nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() { <-arrived; cancel() }()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("the request was answered")
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "uri=/waits") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	return logs.String()
}
