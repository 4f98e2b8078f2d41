package metrics

import (
	"database/sql"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	_ "github.com/mattn/go-sqlite3"
)

func scrape(t *testing.T, e *echo.Echo) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

// TestRequestsAreCountedAsAnswered: each request is counted under its
// route (not its address) with the status sent, failures as errors too.
func TestRequestsAreCountedAsAnswered(t *testing.T) {
	pool, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m := New(Pools{"read": pool}, func() (int64, int64) { return 12, 3 })
	e := echo.New()
	e.Use(m.Observe)
	e.GET("/projects/:id", func(c echo.Context) error { return c.String(http.StatusOK, "a project") })
	e.GET("/broken", func(c echo.Context) error { return errors.New("the disk is full") })
	e.GET("/metrics", m.Handler())

	for _, path := range []string{"/projects/1", "/projects/2", "/broken", "/no/such/page"} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	got := scrape(t, e)
	for _, want := range []string{
		`shuangshi_http_requests_total{method="GET",route="/projects/:id",status="200"} 2`,
		`shuangshi_http_requests_total{method="GET",route="/broken",status="500"} 1`,
		`shuangshi_http_server_errors_total{route="/broken"} 1`,
		`shuangshi_http_requests_total{method="GET",route="unrouted",status="404"} 1`,
		`shuangshi_http_request_duration_seconds_count{method="GET",route="/projects/:id"} 2`,
		`go_sql_max_open_connections{db_name="read"}`,
		`shuangshi_db_write_transactions_total 12`,
		`shuangshi_db_commits_total 3`,
		`go_goroutines`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the metrics lack %s", want)
		}
	}
	if strings.Contains(got, `route="/projects/1"`) {
		t.Error("a request was counted under its address, not its route")
	}
}

// TestGuard: the configured networks pass; everyone else meets staff.
func TestGuard(t *testing.T) {
	_, local, _ := net.ParseCIDR("10.0.0.0/8")
	staff := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return c.NoContent(http.StatusForbidden) }
	}
	e := echo.New()
	e.IPExtractor = echo.ExtractIPDirect()
	e.GET("/metrics", func(c echo.Context) error { return c.NoContent(http.StatusOK) }, Guard([]*net.IPNet{local}, staff))
	for addr, want := range map[string]int{"10.1.2.3:5000": http.StatusOK, "192.0.2.1:5000": http.StatusForbidden, "[2001:db8::1]:5000": http.StatusForbidden} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("from %s: %d, want %d", addr, rec.Code, want)
		}
	}
}

// TestSeriesDeclaredAtStart: before any request, every route has its
// error series at zero, so that an alert on errors has a zero to compare
// with.
func TestSeriesDeclaredAtStart(t *testing.T) {
	m := New(Pools{}, nil)
	e := echo.New()
	e.Use(m.Observe)
	e.GET("/years/:year", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	e.POST("/login", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	e.GET("/metrics", m.Handler())
	m.Declare(e.Routes())

	got := scrape(t, e)
	for _, want := range []string{
		`shuangshi_http_server_errors_total{route="/years/:year"} 0`,
		`shuangshi_http_server_errors_total{route="/login"} 0`,
		`shuangshi_http_server_errors_total{route="unrouted"} 0`,
		`shuangshi_http_requests_total{method="POST",route="/login",status="500"} 0`,
		`shuangshi_http_request_duration_seconds_count{method="GET",route="/years/:year"} 0`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("at start the metrics lack %s", want)
		}
	}
}
