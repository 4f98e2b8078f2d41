package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/locale"
	"shuangshi/static"
)

type rawAnswer struct {
	status int
	header http.Header
	body   string // decompressed
	sent   int    // bytes on the wire
}

func fetchRaw(t *testing.T, url string, header map[string]string) rawAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	// The transport would ask for gzip and hide it; the test asks itself.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body := raw
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return rawAnswer{status: resp.StatusCode, header: resp.Header, body: string(body), sent: len(raw)}
}

func TestStaticFilesByHashedAndPlainName(t *testing.T) {
	css := strings.Repeat("main { margin: 0 auto; } ", 200) // worth compressing
	catalog, err := locale.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	e := NewServer(Config{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: catalog,
		Static:  []static.File{{Name: "site.css", HashedName: "site.0123abcd.css", ContentType: "text/css; charset=utf-8", Content: []byte(css)}},
		Ceiling: []byte("<p>ceiling</p>"),
		Ping:    func(context.Context) error { return nil },
	})
	srv := httptest.NewServer(e)
	defer srv.Close()

	hashed := fetchRaw(t, srv.URL+"/static/site.0123abcd.css", map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if hashed.status != http.StatusOK || hashed.body != css {
		t.Fatalf("hashed name: status %d, %d bytes", hashed.status, len(hashed.body))
	}
	if got := hashed.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("hashed name: Cache-Control %q", got)
	}
	if hashed.header.Get("Content-Encoding") != "gzip" || hashed.sent >= len(css)/4 {
		t.Errorf("hashed name: encoding %q, %d bytes sent for %d", hashed.header.Get("Content-Encoding"), hashed.sent, len(css))
	}
	if v := hashed.header.Values("Content-Encoding"); len(v) != 1 {
		t.Errorf("Content-Encoding %v: compressed twice?", v)
	}

	plain := fetchRaw(t, srv.URL+"/static/site.css", nil)
	if plain.status != http.StatusOK || plain.body != css || plain.header.Get("Content-Encoding") != "" {
		t.Errorf("plain name without gzip: status %d, encoding %q", plain.status, plain.header.Get("Content-Encoding"))
	}
	if got := plain.header.Get("Cache-Control"); got != "public, max-age=3600" {
		t.Errorf("plain name: Cache-Control %q", got)
	}
	refused := fetchRaw(t, srv.URL+"/static/site.css", map[string]string{"Accept-Encoding": "gzip;q=0, identity"})
	if refused.header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still got %q", refused.header.Get("Content-Encoding"))
	}

	again := fetchRaw(t, srv.URL+"/static/site.css", map[string]string{"If-None-Match": plain.header.Get("ETag")})
	if again.status != http.StatusNotModified || again.body != "" {
		t.Errorf("If-None-Match with the ETag: status %d, %d bytes", again.status, len(again.body))
	}
	other := fetchRaw(t, srv.URL+"/static/site.css", map[string]string{"If-None-Match": `"something-else"`})
	if other.status != http.StatusOK {
		t.Errorf("If-None-Match with another tag: status %d", other.status)
	}

	for path, want := range map[string]int{
		"/static/bench-ceiling.html": http.StatusOK, "/static/site.ffffffff.css": http.StatusNotFound,
		"/static/..%2fmain.go": http.StatusNotFound, "/static/": http.StatusNotFound,
	} {
		if got := fetchRaw(t, srv.URL+path, nil).status; got != want {
			t.Errorf("%s: status %d, want %d", path, got, want)
		}
	}
}

// cachedSite serves /page through a PageCache whose version the test moves,
// counting how often the handler really runs.
func cachedSite(t *testing.T, shared *atomic.Bool) (*httptest.Server, *atomic.Int64, *atomic.Int64) {
	t.Helper()
	catalog, err := locale.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var version, made atomic.Int64
	version.Store(1)
	changed := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)
	cache := NewPageCache(
		func(context.Context) (int64, error) { return version.Load(), nil },
		func(context.Context) (time.Time, error) { return changed, nil },
		func(echo.Context) (string, bool) { return "", shared.Load() },
		func() string { return "2026-11-26" }, 1<<20)
	e := NewServer(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: catalog, Ping: func(context.Context) error { return nil }})
	e.GET("/page", func(c echo.Context) error {
		n := made.Add(1)
		return c.HTML(http.StatusOK, strings.Repeat("<p>row</p>", 300)+"<p>made "+strconv.FormatInt(n, 10)+" at version "+strconv.FormatInt(version.Load(), 10)+" in "+locale.Lang(c.Request().Context())+"</p>")
	}, cache.Middleware)
	e.GET("/missing", func(c echo.Context) error { made.Add(1); return NotFound("error.404") }, cache.Middleware)
	// /slow is made only once all its requests have arrived (or after five
	// seconds, should some never come), so that they ask for it at once.
	var arrived atomic.Int64
	arrive := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { arrived.Add(1); return next(c) }
	}
	e.GET("/slow", func(c echo.Context) error {
		made.Add(1)
		for deadline := time.Now().Add(5 * time.Second); arrived.Load() < slowRequests && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		return c.HTML(http.StatusOK, "<p>slow</p>")
	}, arrive, cache.Middleware)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv, &version, &made
}

func TestPageCacheMakesAPageOncePerVersion(t *testing.T) {
	var shared atomic.Bool
	shared.Store(true)
	srv, version, made := cachedSite(t, &shared)
	gz := map[string]string{"Accept-Encoding": "gzip"}

	first := fetchRaw(t, srv.URL+"/page", gz)
	second := fetchRaw(t, srv.URL+"/page", nil)
	if made.Load() != 1 {
		t.Fatalf("the page was made %d times for one version, want 1", made.Load())
	}
	if first.body != second.body || !strings.Contains(first.body, "made 1 at version 1") {
		t.Errorf("the kept page differs: %q / %q", first.body[len(first.body)-40:], second.body[len(second.body)-40:])
	}
	if first.header.Get("Content-Encoding") != "gzip" || second.header.Get("Content-Encoding") != "" {
		t.Errorf("encodings %q and %q, want gzip and none", first.header.Get("Content-Encoding"), second.header.Get("Content-Encoding"))
	}
	if got := first.header.Get("Last-Modified"); got != "Sun, 01 Nov 2026 09:30:00 GMT" {
		t.Errorf("Last-Modified %q", got)
	}
	// The plain answer's validator: the gzip one's is another (see
	// TestEachEncodingHasItsOwnETag).
	if r := fetchRaw(t, srv.URL+"/page", map[string]string{"If-None-Match": second.header.Get("ETag")}); r.status != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", r.status)
	}
	if r := fetchRaw(t, srv.URL+"/page", map[string]string{"If-Modified-Since": "Sun, 01 Nov 2026 09:30:00 GMT"}); r.status != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d, want 304", r.status)
	}

	// A write moves the version: the next request gets the new page.
	version.Store(2)
	after := fetchRaw(t, srv.URL+"/page", nil)
	if !strings.Contains(after.body, "made 2 at version 2") {
		t.Errorf("after the version moved: %q", after.body[len(after.body)-40:])
	}
	if r := fetchRaw(t, srv.URL+"/page", map[string]string{"If-None-Match": first.header.Get("ETag")}); r.status != http.StatusOK {
		t.Errorf("the old ETag after a change: status %d, want 200", r.status)
	}

	// Each language is its own page.
	english := fetchRaw(t, srv.URL+"/page", map[string]string{"Accept-Language": "en"})
	if !strings.Contains(english.body, " in en") || made.Load() != 3 {
		t.Errorf("English: %q, made %d times", english.body[len(english.body)-20:], made.Load())
	}

	// A signed-in reader, or one with a message waiting, is never served
	// from the cache.
	shared.Store(false)
	fetchRaw(t, srv.URL+"/page", nil)
	fetchRaw(t, srv.URL+"/page", nil)
	if made.Load() != 5 {
		t.Errorf("made %d times, want 5 after two requests that are not shared", made.Load())
	}

	// Errors are not kept.
	shared.Store(true)
	for range 2 {
		if r := fetchRaw(t, srv.URL+"/missing", nil); r.status != http.StatusNotFound {
			t.Errorf("/missing: status %d", r.status)
		}
	}
	if made.Load() != 7 {
		t.Errorf("made %d times, want 7: a 404 must not be kept", made.Load())
	}
}

func TestPageCacheStaysWithinItsSize(t *testing.T) {
	cache := NewPageCache(nil, nil, nil, nil, 3000)
	page := func() *Prepared { return &Prepared{Body: make([]byte, 1000)} }
	cache.put(1, "a", page())
	cache.put(1, "b", page())
	cache.put(1, "c", page())
	if cache.bytes > 3000 || cache.get(1, "c") == nil {
		t.Errorf("%d bytes kept, the newest page: %v", cache.bytes, cache.get(1, "c") != nil)
	}
	cache.put(0, "old", page())
	if cache.get(0, "old") != nil || cache.get(1, "c") == nil {
		t.Error("a page made from an older version replaced the newer ones")
	}
	cache.put(1, "huge", &Prepared{Body: make([]byte, 5000)})
	if cache.get(1, "huge") != nil {
		t.Error("a page larger than the cache was kept")
	}
}

// TestPageCacheMakesAMissingPageOnce sends many requests for a page that is
// not kept yet: one makes it, the others wait for it.
func TestPageCacheMakesAMissingPageOnce(t *testing.T) {
	var shared atomic.Bool
	shared.Store(true)
	srv, _, made := cachedSite(t, &shared)
	var wg sync.WaitGroup
	for range slowRequests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := fetchRaw(t, srv.URL+"/slow", nil); r.status != http.StatusOK || r.body != "<p>slow</p>" {
				t.Errorf("status %d, %q", r.status, r.body)
			}
		}()
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Errorf("%d requests at once made the page %d times, want 1", slowRequests, made.Load())
	}
}

// slowRequests is how many requests ask for /slow at once.
const slowRequests = 20

// everyone is the audience of a page that every reader gets alike.
func everyone(echo.Context) (string, bool) { return "", true }
