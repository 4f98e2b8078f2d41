package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/database"
	"shuangshi/internal/database/databasetest"
)

// testClock is the site's clock in tests, moved by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testSite is the whole site, wired as the command wires it, on a temp
// database and a real HTTP server, with a clock the test controls.
type testSite struct {
	*httptest.Server
	site  *site
	clock *testClock
	users *auth.Store
	cfg   config
	logs  *lockedBuffer // what the site logged
}

// lockedBuffer is a log that requests write to at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestSite(t *testing.T, change ...func(*config)) *testSite {
	t.Helper()
	cfg := config{addr: "127.0.0.1:0", dbPath: databasetest.Source(t), atRiskDays: 30, staleDays: 30}
	if database.IsPostgres(cfg.dbPath) {
		key := make([]byte, 64)
		rand.Read(key)
		cfg.sessionKeys = base64.StdEncoding.EncodeToString(key)
	}
	for _, c := range change {
		c(&cfg)
	}
	return openTestSite(t, cfg)
}

// openTestSite starts a site on cfg's database, which may be one a previous
// site of the test used.
func openTestSite(t *testing.T, cfg config) *testSite {
	t.Helper()
	clock := &testClock{now: time.Date(2023, time.June, 1, 10, 0, 0, 0, time.UTC)}
	logs := &lockedBuffer{}
	s, err := newSite(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.echo)
	t.Cleanup(func() { srv.Close(); s.db.Close() })
	return &testSite{Server: srv, site: s, clock: clock, users: auth.NewStore(s.db, clock.Now), cfg: cfg, logs: logs}
}

// addUser creates an active account with a password.
func (s *testSite) addUser(t *testing.T, username string, role auth.Role, password string) auth.User {
	t.Helper()
	hasher, err := auth.NewHasher()
	if err != nil {
		t.Fatal(err)
	}
	hash, err := hasher.Hash(context.Background(), password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.users.CreateUser(context.Background(), auth.User{Username: username, Role: role, Active: true, PasswordHash: hash}, auth.CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// browser is a client with its own cookies that, like a person's browser,
// keeps the CSRF token of the last page it loaded and sends it with forms.
// It does not follow redirects, so that tests see them.
type browser struct {
	t      *testing.T
	site   *testSite
	client *http.Client
	csrf   string
	header http.Header // sent with every request
}

func (s *testSite) newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, site: s, header: http.Header{}, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is an answer, read in full.
type response struct {
	*http.Response
	Body string
	Doc  *goquery.Document
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	for k, v := range b.header {
		req.Header[k] = v
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	r := response{Response: resp, Body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		r.Doc, _ = goquery.NewDocumentFromReader(strings.NewReader(r.Body))
		if token, ok := r.Doc.Find(`input[name="_csrf"]`).Attr("value"); ok {
			b.csrf = token
		}
	}
	return r
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.site.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post submits a form with the browser's CSRF token.
func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["_csrf"]; !set {
		form.Set("_csrf", b.csrf)
	}
	return b.postRaw(path, form)
}

// postRaw submits a form as it is, with or without a token.
func (b *browser) postRaw(path string, form url.Values) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.site.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn signs in through the sign-in page and checks that it worked.
func (s *testSite) signIn(t *testing.T, username, password string) *browser {
	t.Helper()
	b := s.newBrowser(t)
	b.get("/login")
	resp := b.post("/login", url.Values{"username": {username}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d\n%s", username, resp.StatusCode, text(resp.Doc.Find("main")))
	}
	return b
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

func wantStatus(t *testing.T, what string, r response, want int) {
	t.Helper()
	if r.StatusCode != want {
		detail := ""
		if r.Doc != nil {
			detail = text(r.Doc.Find("main"))
		}
		t.Fatalf("%s: status %d, want %d %s", what, r.StatusCode, want, detail)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
