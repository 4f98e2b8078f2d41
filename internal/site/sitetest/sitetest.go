// Package sitetest is the harness for tests that use the site as its
// readers do: the whole site, wired as the command wires it, on a temp
// database (SQLite, or PostgreSQL inside databasetest.OnPostgres) behind a
// real HTTP server, with a clock the test moves, and clients with
// their own cookies that send the CSRF token of the last page they loaded.
package sitetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"mime/multipart"
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
	"shuangshi/internal/clocktest"
	"shuangshi/internal/database"
	"shuangshi/internal/database/databasetest"
	"shuangshi/internal/site"
)

// Password is the password of every account the harness creates.
const Password = "a-good-password-1"

// Haian is the id of 海安路, the third project of the seed: started in
// 2022, to be completed in 2023.
const Haian = 3

// Start is the site's time when a test begins: 1 June 2023, when the
// 2023 list is half-way.
var Start = time.Date(2023, time.June, 1, 10, 0, 0, 0, time.UTC)

// LockedBuffer is a log that requests write to at once.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Site is the whole site behind a real HTTP server.
type Site struct {
	*httptest.Server
	Site  *site.Site
	Clock *clocktest.Clock
	Users *auth.Store
	// Config is the site's configuration as the test gave it, to open the
	// same database again with Open.
	Config site.Config
	Logs   *LockedBuffer // what the site logged
}

// Config is the configuration New starts from: a fresh temp database,
// targets at risk and projects stale after 30 days. Review before
// publication is off, as the tests of what a save shows the public were
// written before it; the review's own tests turn it on (Reviewed).
func Config(t *testing.T) site.Config {
	t.Helper()
	cfg := site.Config{Source: databasetest.Source(t), AtRiskDays: 30, StaleDays: 30, SecurityLogDays: 365}
	if database.IsPostgres(cfg.Source) {
		key := make([]byte, 64)
		rand.Read(key)
		cfg.SessionKeys = base64.StdEncoding.EncodeToString(key)
	}
	return cfg
}

// Reviewed turns review before publication on.
func Reviewed(cfg *site.Config) { cfg.Review = true }

// New starts a site on a fresh database, its configuration changed by
// change, with the clock at Start.
func New(t *testing.T, change ...func(*site.Config)) *Site {
	t.Helper()
	cfg := Config(t)
	for _, c := range change {
		c(&cfg)
	}
	return Open(t, cfg)
}

// Open starts a site on cfg's database, which may be one a previous site
// of the test used (close that one first), with its clock at Start.
func Open(t *testing.T, cfg site.Config) *Site {
	t.Helper()
	given := cfg
	clock := clocktest.New(Start)
	cfg.Now = clock.Now
	logs := &LockedBuffer{}
	cfg.Log = slog.New(slog.NewTextHandler(logs, nil))
	s, err := site.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); s.Close() })
	return &Site{Server: srv, Site: s, Clock: clock, Users: auth.NewStore(s.DB, cfg.Now), Config: given, Logs: logs}
}

// Stop stops the server and closes the site's database, as a server that
// shuts down does.
func (s *Site) Stop() {
	s.Server.Close()
	s.Site.Close()
}

// Restart stops the site and starts it again on the same database and
// configuration, with its clock where the old one stood.
func (s *Site) Restart(t *testing.T) *Site {
	t.Helper()
	s.Stop()
	restarted := Open(t, s.Config)
	restarted.Clock.Set(s.Clock.Now())
	return restarted
}

// NewEditing is a site on 1 June 2023 with an engineer, li, assigned to
// 海安路 (Haian), an engineer, wang, who is not, and an administrator,
// adm; all with Password.
func NewEditing(t *testing.T, change ...func(*site.Config)) *Site {
	t.Helper()
	s := New(t, change...)
	li := s.AddUser(t, "li", auth.Engineer, Password)
	s.AddUser(t, "wang", auth.Engineer, Password)
	s.AddUser(t, "adm", auth.Admin, Password)
	if err := s.Users.Assign(t.Context(), li.ID, Haian, "#3", auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	return s
}

// Hash is password hashed as the site stores it, for a test that sets an
// account's password through the store.
func Hash(t *testing.T, password string) string {
	t.Helper()
	hasher := auth.NewHasher()
	hash, err := hasher.Hash(context.Background(), password)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

// AddUser creates an active account with a password.
func (s *Site) AddUser(t *testing.T, username string, role auth.Role, password string) auth.User {
	t.Helper()
	hash := Hash(t, password)
	u, err := s.Users.CreateUser(context.Background(), auth.User{Username: username, Role: role, Active: true, PasswordHash: hash}, auth.CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// User is the stored account of username.
func (s *Site) User(t *testing.T, username string) auth.User {
	t.Helper()
	u, err := s.Users.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Count is the number of rows in a table.
func (s *Site) Count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := s.Site.DB.Read.Raw("SELECT COUNT(*) FROM " + table).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// Browser is a client with its own cookies that, like a person's browser,
// keeps the CSRF token of the last page it loaded and sends it with forms.
// It does not follow redirects, so that tests see them.
type Browser struct {
	t      *testing.T
	site   *Site
	Client *http.Client
	// CSRF is the token of the last page loaded.
	CSRF   string
	Header http.Header // sent with every request
}

// NewBrowser is a browser that has not signed in.
func (s *Site) NewBrowser(t *testing.T) *Browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Browser{t: t, site: s, Header: http.Header{}, Client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Response is an answer, read in full; Doc is its HTML, when it is a page.
type Response struct {
	*http.Response
	Body string
	Doc  *goquery.Document
}

// Do sends a request with the browser's cookies and headers.
func (b *Browser) Do(req *http.Request) Response {
	b.t.Helper()
	for k, v := range b.Header {
		req.Header[k] = v
	}
	resp, err := b.Client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	r := Response{Response: resp, Body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		r.Doc, _ = goquery.NewDocumentFromReader(strings.NewReader(r.Body))
		if token, ok := r.Doc.Find(`input[name="_csrf"]`).Attr("value"); ok {
			b.CSRF = token
		}
	}
	return r
}

// Get opens a path of the site.
func (b *Browser) Get(path string) Response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.site.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.Do(req)
}

// Post submits a form with the browser's CSRF token.
func (b *Browser) Post(path string, form url.Values) Response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["_csrf"]; !set {
		form.Set("_csrf", b.CSRF)
	}
	return b.PostRaw(path, form)
}

// PostRaw submits a form as it is, with or without a token.
func (b *Browser) PostRaw(path string, form url.Values) Response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.site.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// PostFile submits an upload form as a browser does: multipart, with the
// year and the file, to the form's address, which carries the CSRF token.
func (b *Browser) PostFile(path, year, filename string, content []byte) Response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("year", year)
	if filename != "" {
		part, err := w.CreateFormFile("file", filename)
		if err != nil {
			b.t.Fatal(err)
		}
		part.Write(content)
	}
	w.Close()
	req, err := http.NewRequest(http.MethodPost, b.site.URL+path+"?_csrf="+url.QueryEscape(b.CSRF), &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.Do(req)
}

// SignIn signs in through the sign-in page and checks that it worked.
func (s *Site) SignIn(t *testing.T, username, password string) *Browser {
	t.Helper()
	b := s.NewBrowser(t)
	b.Get("/login")
	resp := b.Post("/login", url.Values{"username": {username}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d\n%s", username, resp.StatusCode, Text(resp.Doc.Find("main")))
	}
	return b
}

// As signs in as username with Password.
func (s *Site) As(t *testing.T, username string) *Browser {
	t.Helper()
	return s.SignIn(t, username, Password)
}

// Text is a selection's text with its white space folded.
func Text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// WantStatus stops the test unless r has the status want.
func WantStatus(t *testing.T, what string, r Response, want int) {
	t.Helper()
	if r.StatusCode != want {
		detail := ""
		if r.Doc != nil {
			detail = Text(r.Doc.Find("main"))
		}
		t.Fatalf("%s: status %d, want %d %s", what, r.StatusCode, want, detail)
	}
}

// ID writes an id as a path writes it.
func ID(id int64) string { return strconv.FormatInt(id, 10) }

// Cookies are the cookies the browser holds for its site: a signed-in
// browser's session, to copy into another.
func (b *Browser) Cookies() []*http.Cookie {
	b.t.Helper()
	return b.Client.Jar.Cookies(b.siteURL())
}

// SetCookies gives the browser cookies for its site, as if the site had set
// them: a session copied from another browser.
func (b *Browser) SetCookies(cookies []*http.Cookie) {
	b.t.Helper()
	b.Client.Jar.SetCookies(b.siteURL(), cookies)
}

func (b *Browser) siteURL() *url.URL {
	b.t.Helper()
	u, err := url.Parse(b.site.URL)
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// MoveTo points the browser, with its cookies, at another server: one
// that shares the database of the first.
func (b *Browser) MoveTo(s *Site) { b.site = s }

// At is a site that another process serves at url: only its browsers may
// be used.
func At(url string) *Site { return &Site{Server: &httptest.Server{URL: url}} }

// Fetch gets an address as a feed reader or a calendar program does: no
// cookies, no session; it returns the answer and its body.
func Fetch(t *testing.T, address string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}
