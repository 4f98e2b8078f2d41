package site_test

import (
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"shuangshi/internal/site/sitetest"
)

// openData are the routes of the open data (issue 18): the JSON API, the
// OC4IDS packages, the CSV and XLSX downloads of public pages and the feed.
var openData = map[string]bool{
	"/api/v1/years/:year":         true,
	"/api/v1/projects/:id":        true,
	"/api/v1/oc4ids/years/:year":  true,
	"/api/v1/oc4ids/projects/:id": true,
	"/years/:year/table.csv":      true,
	"/years/:year/report.csv":     true,
	"/years/:year/report.xlsx":    true,
	"/feed.atom":                  true,
	// The public record of changes, for auditors and anyone.
	"/history.csv":              true,
	"/history.xlsx":             true,
	"/years/:year/history.csv":  true,
	"/years/:year/history.xlsx": true,
}

// TestCrossOriginFromTheRouteTable walks every GET route of the router:
// each open-data route lets any origin read it (GET, HEAD, preflight),
// without credentials, tells caches how to keep it, has a validator and
// answers a write with 405; no other route allows any origin. Every route's
// answer tells caches how to keep it.
func TestCrossOriginFromTheRouteTable(t *testing.T) {
	site := sitetest.New(t, sitetest.Reviewed)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(t *testing.T, method, path string, header map[string]string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, site.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	origin := map[string]string{"Origin": "https://dashboard.example.org"}
	preflight := map[string]string{"Origin": "https://dashboard.example.org", "Access-Control-Request-Method": "GET"}
	concrete := strings.NewReplacer(":year", "2022", ":id", "1", ":token", "x", ":name", "site.css", ":file", "x.jpg")

	routes := site.Site.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path < routes[j].Path })
	seen := map[string]bool{}
	for _, route := range routes {
		if route.Method != http.MethodGet || seen[route.Path] {
			continue
		}
		seen[route.Path] = true
		path := concrete.Replace(route.Path)
		t.Run(route.Path, func(t *testing.T) {
			get := do(t, http.MethodGet, path, origin)
			allowed := get.Header.Get("Access-Control-Allow-Origin")
			pre := do(t, http.MethodOptions, path, preflight)
			// Every answer tells caches how to keep it, whatever it is.
			if get.Header.Get("Cache-Control") == "" {
				t.Errorf("GET %s: %d without Cache-Control", path, get.StatusCode)
			}
			if !openData[route.Path] {
				if allowed != "" || pre.Header.Get("Access-Control-Allow-Origin") != "" {
					t.Errorf("GET %s: Access-Control-Allow-Origin %q, preflight %q, want none: not open data",
						path, allowed, pre.Header.Get("Access-Control-Allow-Origin"))
				}
				return
			}
			if get.StatusCode != http.StatusOK || allowed != "*" {
				t.Errorf("GET %s: %d, Access-Control-Allow-Origin %q, want 200 and *", path, get.StatusCode, allowed)
			}
			if head := do(t, http.MethodHead, path, origin); head.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("HEAD %s: no Access-Control-Allow-Origin *", path)
			}
			if get.Header.Get("Cache-Control") == "" || get.Header.Get("ETag") == "" {
				t.Errorf("GET %s: Cache-Control %q, ETag %q, want both", path, get.Header.Get("Cache-Control"), get.Header.Get("ETag"))
			}
			if pre.StatusCode != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != "*" ||
				pre.Header.Get("Access-Control-Allow-Methods") != "GET, HEAD" || pre.Header.Get("Access-Control-Max-Age") == "" {
				t.Errorf("preflight of %s: %d %v, want 204 allowing GET, HEAD from any origin, with Max-Age", path, pre.StatusCode, pre.Header)
			}
			for _, r := range []*http.Response{get, pre} {
				if r.Header.Get("Access-Control-Allow-Credentials") != "" {
					t.Errorf("%s %s: credentials allowed", r.Request.Method, path)
				}
			}
			for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
				r := do(t, method, path, nil)
				if allow := r.Header.Get("Allow"); r.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(allow, "GET, HEAD") {
					t.Errorf("%s %s: %d, Allow %q, want 405 with GET, HEAD", method, path, r.StatusCode, allow)
				}
			}
		})
	}
	for path := range openData {
		if !seen[path] {
			t.Errorf("the router has no route %s", path)
		}
	}
}
