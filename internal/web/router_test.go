package web

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/views"
)

// TestRoutesDeclareWhatTheFrameDoesWithThem: an upload route takes the
// body it declared and no other route does; the kept pages are made once
// and kept in their own caches (the answers to queries apart from the
// pages, the staff's pages per reader), and no other page is kept.
func TestRoutesDeclareWhatTheFrameDoesWithThem(t *testing.T) {
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	newCache := func(audience Audience) *PageCache {
		return NewPageCache(func(context.Context) (int64, error) { return 1, nil },
			func(context.Context) (time.Time, error) { return time.Time{}, nil }, audience,
			func() string { return "2026-12-02" }, 1<<20)
	}
	pages, queries := newCache(everyone), newCache(everyone)
	staff := newCache(func(c echo.Context) (string, bool) {
		reader := c.Request().Header.Get("X-Reader")
		return reader, reader != ""
	})
	var mu sync.Mutex
	made := map[string]int{}
	counted := func(c echo.Context) error {
		mu.Lock()
		made[c.Path()]++
		mu.Unlock()
		return c.String(http.StatusOK, "made")
	}
	srv, _ := newTestServerWith(t, Config{Ping: okPing, PageCache: pages, QueryCache: queries, StaffCache: staff}, func(r *Router) {
		r.Upload("/upload", 2, ok)
		r.POST("/form", ok)
		r.POST("/upload/:id", ok) // a form under the upload's path, not an upload
		r.KeptPage("/kept/:id", counted)
		r.KeptQuery("/query", counted)
		r.KeptForStaff("/staff", counted)
		r.GET("/fresh/:id", counted)
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
	for _, asked := range []struct{ path, reader string }{
		{"/kept/1", ""}, {"/kept/1", ""}, {"/query?q=a", ""}, {"/query?q=a", ""}, {"/fresh/1", ""}, {"/fresh/1", ""},
		{"/staff", "a"}, {"/staff", "a"}, {"/staff", "b"}, {"/staff", ""}, {"/staff", ""},
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+asked.path, nil)
		if asked.reader != "" {
			req.Header.Set("X-Reader", asked.reader)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != "made" {
			t.Errorf("GET %s as %q: %q, want the page", asked.path, asked.reader, got)
		}
	}
	// The staff's page is made once for each reader who may keep it, and
	// each time for one who may not.
	want := map[string]int{"/kept/:id": 1, "/query": 1, "/fresh/:id": 2, "/staff": 4}
	if !maps.Equal(made, want) {
		t.Errorf("pages made %v, want %v", made, want)
	}
	if len(pages.pages) != 1 || len(queries.pages) != 1 || len(staff.pages) != 2 {
		t.Errorf("kept %d pages, %d queries and %d staff pages, want 1, 1 and 2", len(pages.pages), len(queries.pages), len(staff.pages))
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

// TestAnswersMadeFromAWholeYearTakeTurns: however many ask at once, at
// most wholeYearAnswers of them are made at the same time, and every one
// is answered.
func TestAnswersMadeFromAWholeYearTakeTurns(t *testing.T) {
	var mu sync.Mutex
	making, most, made := 0, 0, 0
	release := make(chan struct{})
	srv, _ := newTestServerWith(t, Config{Ping: okPing}, func(r *Router) {
		r.GET("/year", func(c echo.Context) error {
			mu.Lock()
			making++
			made++
			most = max(most, making)
			mu.Unlock()
			<-release
			mu.Lock()
			making--
			mu.Unlock()
			return c.String(http.StatusOK, "the year")
		}, r.ReadsAWholeYear)
	})
	const asking = 3 * wholeYearAnswers
	statuses := make(chan int, asking)
	for range asking {
		go func() {
			resp, err := http.Get(srv.URL + "/year")
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		mu.Lock()
		full := making == wholeYearAnswers
		mu.Unlock()
		if full {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d answers being made, want %d", making, wholeYearAnswers)
		}
	}
	time.Sleep(20 * time.Millisecond) // room for more to start, were they let
	close(release)
	for range asking {
		if status := <-statuses; status != http.StatusOK {
			t.Errorf("an answer that waited for its turn: %d, want 200", status)
		}
	}
	if most != wholeYearAnswers || made != asking {
		t.Errorf("%d answers made, at most %d at once; want %d, at most %d", made, most, asking, wholeYearAnswers)
	}
}

// TestARequestWhoseClientLeftWaitsNoLonger: while every turn is taken, a
// request whose client has gone is let go without being made.
func TestARequestWhoseClientLeftWaitsNoLonger(t *testing.T) {
	r := &Router{Echo: echo.New(), wholeYears: make(chan struct{}, wholeYearAnswers)}
	for range wholeYearAnswers {
		r.wholeYears <- struct{}{}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/years/2023/report.xlsx", nil)
	made := false
	err := r.ReadsAWholeYear(func(echo.Context) error { made = true; return nil })(r.NewContext(req, httptest.NewRecorder()))
	if made || !errors.Is(err, context.Canceled) {
		t.Errorf("made: %v, error %v; want not made, context.Canceled", made, err)
	}
}
