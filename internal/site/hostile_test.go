package site_test

import (
	"bufio"
	"cmp"
	"database/sql"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"shuangshi/internal/site/sitetest"
)

// hostileRequest is one bad request and the answers it may get.
type hostileRequest struct {
	name   string
	method string
	path   string // sent as written, not cleaned
	body   string // a form body, with the session's CSRF token added
	// form, when set, makes the body just before sending: an edit from
	// the project's current version.
	form   func() string
	header map[string]string
	want   []int // the statuses it may get; all are below 500
	admin  bool  // sent as the administrator rather than the engineer
}

// TestHostileRequests sends bad requests of every kind to the server as an
// engineer who may edit project 3. Each is answered with one of its
// expected statuses, never a 5xx; pages that show what was sent escape it;
// and afterwards the database is sound and holds only valid text.
func TestHostileRequests(t *testing.T) {
	site := sitetest.NewEditing(t)
	li := site.SignIn(t, "li", sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	adm.Get("/admin/projects") // the session's CSRF token, for the raw requests
	target := firstTargetID(t, li)
	script := `<script>alert("x")</script>`
	img := `"><img src=x onerror=alert(1)>`
	sqlText := `'; DROP TABLE projects; --`
	edit := func(field, value string) func() string {
		return func() string {
			form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
			form.Set(field, value)
			form.Del("_csrf")
			return form.Encode()
		}
	}

	cases := []hostileRequest{
		{name: "oversized body", method: "POST", path: "/projects/3/edit", body: "delay_reason=" + strings.Repeat("长", 1<<20), want: []int{413}},
		{name: "invalid UTF-8 in a field", method: "POST", path: "/projects/3/edit", form: edit("delay_reason", "\xff\xfe坏"), want: []int{303, 422}},
		{name: "control characters", method: "POST", path: "/projects/3/edit", form: edit("delay_reason", "a\x00b\x07c\x1b[31m"), want: []int{303, 422}},
		{name: "overlong field", method: "POST", path: "/projects/3/edit", form: edit("delay_reason", strings.Repeat("延", 100_000)), want: []int{422}},
		{name: "stored script in a progress text", method: "POST", path: "/projects/3/edit", form: edit("progress-"+target, script), want: []int{303}},
		{name: "stored markup in a delay reason", method: "POST", path: "/projects/3/edit", form: edit("delay_reason", img), want: []int{303, 422}},
		{name: "SQL in a note", method: "POST", path: "/projects/3/edit", form: edit("internal_note", sqlText), want: []int{303}},
		{name: "stored script in a new project's fields", method: "POST", path: "/admin/projects", admin: true, body: url.Values{
			"name": {script + "路"}, "name_en": {img}, "category": {"road"}, "extent": {script},
			"unit": {img}, "description": {script + "\n" + sqlText}, "location": {script},
		}.Encode(), want: []int{303}},
		{name: "stored script in a supervisory comment", method: "POST", path: "/targets/" + target + "/comments", admin: true,
			body: "body=" + url.QueryEscape(script+img), want: []int{303}},
		{name: "stored script in a user's name", method: "POST", path: "/admin/users", admin: true,
			body: url.Values{"username": {"xss-user"}, "display_name": {script}, "role": {"engineer"}}.Encode(), want: []int{303}},
		{name: "unknown project", method: "GET", path: "/projects/999999", want: []int{404}},
		{name: "malformed id", method: "GET", path: "/projects/abc", want: []int{400, 404}},
		{name: "negative id", method: "GET", path: "/projects/-1", want: []int{400, 404}},
		{name: "id beyond int64", method: "GET", path: "/projects/99999999999999999999", want: []int{400, 404}},
		{name: "unknown year", method: "GET", path: "/years/1066", want: []int{400, 404}},
		{name: "year beyond int", method: "GET", path: "/api/v1/years/99999999999999999999", want: []int{400, 404}},
		{name: "reflected script in a filter", method: "GET", path: "/years/2022?category=" + url.QueryEscape(script), want: []int{400}},
		{name: "reflected script in a page number", method: "GET", path: "/years/2022?page=" + url.QueryEscape(script), want: []int{400}},
		{name: "reflected script in the console", method: "GET", path: "/overdue?unit=" + url.QueryEscape(script), want: []int{200}, admin: true},
		{name: "reflected script in a console year", method: "GET", path: "/overdue?year=" + url.QueryEscape(script), want: []int{400}, admin: true},
		{name: "SQL in a filter", method: "GET", path: "/years/2022?category=" + url.QueryEscape("road' OR '1'='1"), want: []int{400}},
		{name: "wrong method", method: "DELETE", path: "/projects/3", want: []int{403, 405}}, // no CSRF token in a DELETE
		{name: "PUT on sign-in", method: "PUT", path: "/login", want: []int{403, 405}},
		{name: "traversal in a static name", method: "GET", path: "/static/..%2f..%2fgo.mod", want: []int{404}},
		{name: "traversal with dots", method: "GET", path: "/static/../../go.mod", want: []int{404}},
		{name: "encoded dots", method: "GET", path: "/static/%2e%2e/%2e%2e/cmd/web/main.go", want: []int{404}},
		{name: "NUL in a path", method: "GET", path: "/projects/3%00", want: []int{400, 404}},
		{name: "invalid UTF-8 in a path", method: "GET", path: "/years/%ff%fe", want: []int{400, 404}},
		{name: "header injection through the language switch", method: "GET", path: "/language?lang=en&next=" + url.QueryEscape("/\r\nX-Injected: yes"), want: []int{303, 400}},
		{name: "open redirect through the language switch", method: "GET", path: "/language?lang=en&next=" + url.QueryEscape("//evil.example/"), want: []int{303, 400}},
		{name: "a huge Accept-Language", method: "GET", path: "/", header: map[string]string{"Accept-Language": strings.Repeat("zz-ZZ;q=0.1,", 2000)}, want: []int{200}},
		{name: "a malformed session cookie", method: "GET", path: "/", header: map[string]string{"Cookie": "shuangshi_session=%%%"}, want: []int{200}},
		{name: "a control character in a cookie", method: "GET", path: "/", header: map[string]string{"Cookie": "lang=\x7f"}, want: []int{400}}, // Go's server refuses the header
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.form != nil {
				c.body = c.form()
			}
			as := li
			if c.admin {
				as = adm
			}
			status, header, body := sendRaw(t, site.URL, as, c)
			t.Logf("%s %.60s: %d", c.method, c.path, status)
			if status >= 500 || !slices.Contains(c.want, status) {
				t.Fatalf("status %d, want one of %v\n%.300s", status, c.want, body)
			}
			for _, raw := range []string{script, img, "<img src=x"} {
				if strings.Contains(body, raw) {
					t.Errorf("the answer has %q unescaped", raw)
				}
			}
			if header.Get("X-Injected") != "" {
				t.Error("a header was injected")
			}
			if loc := header.Get("Location"); strings.HasPrefix(loc, "//") || strings.Contains(loc, "evil.example") {
				t.Errorf("redirected off the site: %q", loc)
			}
		})
	}

	// What was stored is shown escaped, where the public and the staff see it.
	for _, path := range []string{"/projects/3", "/projects/3/history", "/years/2023", "/projects/3/edit", "/feed.atom"} {
		page := li.Get(path)
		if page.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, page.StatusCode)
		}
		if strings.Contains(page.Body, script) || strings.Contains(page.Body, "<img src=x") {
			t.Errorf("%s shows stored markup unescaped", path)
		}
	}
	if !strings.Contains(li.Get("/projects/3").Body, "&lt;script&gt;") {
		t.Error("the stored script is not on the project page as text")
	}
	for _, path := range []string{"/admin/projects", "/admin/users", "/admin/assignments", "/targets/" + target + "/comments", "/my/projects"} {
		b := adm
		if path == "/my/projects" {
			b = li
		}
		page := b.Get(path)
		if page.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, page.StatusCode)
		}
		if strings.Contains(page.Body, script) || strings.Contains(page.Body, "<img src=x") {
			t.Errorf("%s shows stored markup unescaped", path)
		}
	}

	// Nothing corrupt is stored: the database is sound, the tables are all
	// there, and every text is valid UTF-8 without NUL.
	db, err := sql.Open("sqlite3", site.Config.Source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&verdict); err != nil || verdict != "ok" {
		t.Fatalf("integrity check: %q, %v", verdict, err)
	}
	for table, columns := range map[string]string{
		"projects": "name || delay_reason || internal_note",
		"targets":  "progress",
		"changes":  "coalesce(old_value, '') || coalesce(new_value, '') || reason",
	} {
		rows, err := db.Query("SELECT " + columns + " FROM " + table)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Errorf("%s holds %q", table, s)
			}
		}
		rows.Close()
	}
}

// firstTargetID is the smallest id of a target on project 3's edit form.
func firstTargetID(t *testing.T, b *sitetest.Browser) string {
	t.Helper()
	var ids []string
	for name := range sitetest.EditForm(t, b.Get("/projects/3/edit")) {
		if id, ok := strings.CutPrefix(name, "progress-"); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		t.Fatal("project 3 has no target on its edit form")
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(len(a)-len(b), strings.Compare(a, b)) })
	return ids[0]
}

// sendRaw sends the request over a connection of its own, with the path
// exactly as written (Go's client would clean it), the browser's cookies
// and, for a form, its CSRF token.
func sendRaw(t *testing.T, site string, b *sitetest.Browser, c hostileRequest) (int, http.Header, string) {
	t.Helper()
	u, err := url.Parse(site)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var req strings.Builder
	req.WriteString(c.method + " " + c.path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nConnection: close\r\n")
	cookies := []string{}
	for _, k := range b.Client.Jar.Cookies(u) {
		cookies = append(cookies, k.Name+"="+k.Value)
	}
	if v, ok := c.header["Cookie"]; ok {
		cookies = []string{v}
	}
	if len(cookies) > 0 {
		req.WriteString("Cookie: " + strings.Join(cookies, "; ") + "\r\n")
	}
	for k, v := range c.header {
		if k != "Cookie" {
			req.WriteString(k + ": " + v + "\r\n")
		}
	}
	body := c.body
	if c.method == "POST" {
		body = "_csrf=" + url.QueryEscape(b.CSRF) + "&" + body
		req.WriteString("Content-Type: application/x-www-form-urlencoded\r\n")
	}
	req.WriteString("Content-Length: " + sitetest.ID(int64(len(body))) + "\r\n\r\n" + body)
	// A server that refuses an oversized body answers and closes before
	// reading it all: the write may fail, and the answer is still there.
	reader := bufio.NewReader(conn)
	go conn.Write([]byte(req.String()))
	resp, err := http.ReadResponse(reader, nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Header, sb.String()
}
