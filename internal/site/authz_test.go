package site_test

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
	"shuangshi/internal/site/sitetest"
)

// The actors of the authorization matrix, in the order of its columns.
const (
	anonymous = iota
	engineerAssigned
	engineerNotAssigned
	supervisor
	admin
	mustChange // an engineer signed in with a temporary password
	actors
)

var actorNames = [actors]string{"anonymous", "engineer assigned", "engineer not assigned", "supervisor", "admin", "must change password"}

// authorizationMatrix is the expected status of every route for each actor.
// Each request carries a valid CSRF token and an empty form, so what it
// tests is who may reach the handler: 303 to the sign-in page (or, for a
// user who must change their password, to that page) or 403 for those who
// may not; 200, 303, 400, 409 or 422 (the empty form refused, or taken for
// an edit from another version) for those who may. A route missing from this table fails the test: a new route must say
// who may use it.
var authorizationMatrix = map[string][actors]int{
	"GET /":                                             {200, 200, 200, 200, 200, 200},
	"GET /healthz":                                      {200, 200, 200, 200, 200, 200},
	"GET /language":                                     {400, 400, 400, 400, 400, 400},
	"GET /static/:name":                                 {200, 200, 200, 200, 200, 200},
	"GET /years/:year":                                  {200, 200, 200, 200, 200, 200},
	"GET /years/:year/table.csv":                        {200, 200, 200, 200, 200, 200},
	"GET /years/:year/dashboard":                        {200, 200, 200, 200, 200, 200},
	"GET /years/:year/timeline":                         {200, 200, 200, 200, 200, 200},
	"GET /years/:year/report":                           {200, 200, 200, 200, 200, 200},
	"GET /years/:year/report.xlsx":                      {200, 200, 200, 200, 200, 200},
	"GET /years/:year/report.csv":                       {200, 200, 200, 200, 200, 200},
	"GET /projects/:id":                                 {200, 200, 200, 200, 200, 200},
	"GET /projects":                                     {200, 200, 200, 200, 200, 200},
	"GET /search":                                       {200, 200, 200, 200, 200, 200},
	"GET /projects/:id/history":                         {200, 200, 200, 200, 200, 200},
	"GET /projects/:id/edit":                            {303, 200, 403, 403, 200, 303},
	"POST /projects/:id/edit":                           {403, 409, 403, 403, 409, 303},
	"POST /projects/:id/progress":                       {403, 303, 403, 403, 303, 303},
	"GET /api/v1/years/:year":                           {200, 200, 200, 200, 200, 200},
	"GET /api/v1/projects/:id":                          {200, 200, 200, 200, 200, 200},
	"GET /login":                                        {200, 303, 303, 303, 303, 303},
	"POST /login":                                       {422, 422, 422, 422, 422, 422},
	"POST /logout":                                      {303, 303, 303, 303, 303, 303},
	"GET /setup/:token":                                 {404, 404, 404, 404, 404, 404},
	"POST /setup/:token":                                {404, 404, 404, 404, 404, 404},
	"GET /account":                                      {303, 200, 200, 200, 200, 200},
	"GET /account/password":                             {303, 200, 200, 200, 200, 200},
	"POST /account/password":                            {403, 422, 422, 422, 422, 422},
	"POST /account/sign-out-everywhere":                 {403, 303, 303, 303, 303, 303},
	"GET /my/projects":                                  {303, 200, 200, 403, 403, 303},
	"GET /targets/:id/comments":                         {303, 200, 200, 200, 200, 303},
	"POST /targets/:id/comments":                        {403, 403, 403, 422, 422, 303},
	"POST /comments/:id/answer":                         {403, 422, 403, 403, 422, 303},
	"POST /comments/:id/close":                          {403, 403, 403, 422, 422, 303},
	"POST /comments/:id/reopen":                         {403, 403, 403, 422, 422, 303},
	"GET /overdue":                                      {303, 403, 403, 200, 200, 303},
	"GET /overdue.csv":                                  {303, 403, 403, 200, 200, 303},
	"GET /overdue.xlsx":                                 {303, 403, 403, 200, 200, 303},
	"GET /admin/users":                                  {303, 403, 403, 403, 200, 303},
	"GET /admin/users/new":                              {303, 403, 403, 403, 200, 303},
	"POST /admin/users":                                 {403, 403, 403, 403, 422, 303},
	"GET /admin/users/:id":                              {303, 403, 403, 403, 200, 303},
	"POST /admin/users/:id/role":                        {403, 403, 403, 403, 422, 303},
	"GET /admin/users/:id/disable":                      {303, 403, 403, 403, 200, 303},
	"POST /admin/users/:id/active":                      {403, 403, 403, 403, 422, 303},
	"GET /admin/users/:id/password":                     {303, 403, 403, 403, 200, 303},
	"POST /admin/users/:id/password":                    {403, 403, 403, 403, 303, 303},
	"GET /admin/users/:id/temporary-password":           {303, 403, 403, 403, 303, 303},
	"POST /admin/users/:id/assignments":                 {403, 403, 403, 403, 422, 303},
	"POST /admin/projects/:id/engineers":                {403, 403, 403, 403, 400, 303},
	"POST /admin/projects/:id/engineers/:user/delete":   {403, 403, 403, 403, 303, 303},
	"POST /admin/users/:id/assignments/:project/delete": {403, 403, 403, 403, 303, 303},
	"GET /admin/assignments":                            {303, 403, 403, 403, 200, 303},
	"GET /admin/events":                                 {303, 403, 403, 403, 200, 303},
	"GET /admin/notices":                                {303, 403, 403, 403, 200, 303},
	"GET /admin/notices/new":                            {303, 403, 403, 403, 200, 303},
	"POST /admin/notices":                               {403, 403, 403, 403, 422, 303},
	"GET /admin/notices/:id":                            {303, 403, 403, 403, 404, 303},
	"POST /admin/notices/:id":                           {403, 403, 403, 403, 404, 303},
	"POST /admin/notices/:id/test":                      {403, 403, 403, 403, 404, 303},
	"POST /admin/notices/:id/delete":                    {403, 403, 403, 403, 404, 303},
	"POST /account/email":                               {403, 303, 303, 303, 303, 303},
	"GET /account/calendar":                             {303, 200, 200, 200, 200, 303},
	"POST /account/calendar":                            {403, 303, 303, 303, 303, 303},
	"POST /account/calendar/revoke":                     {403, 303, 303, 303, 303, 303},
	"GET /calendar/:token":                              {404, 404, 404, 404, 404, 404},
	"GET /digest":                                       {303, 200, 200, 200, 200, 303},
	"GET /metrics":                                      {303, 200, 200, 200, 200, 303},
	"GET /admin/projects":                               {303, 403, 403, 403, 200, 303},
	"GET /admin/projects/new":                           {303, 403, 403, 403, 200, 303},
	"POST /admin/projects":                              {403, 403, 403, 403, 422, 303},
	"GET /admin/projects/:id":                           {303, 403, 403, 403, 200, 303},
	"POST /admin/projects/:id":                          {403, 403, 403, 403, 422, 303},
	"POST /admin/projects/:id/archive":                  {403, 403, 403, 403, 303, 303},
	"POST /admin/projects/:id/restore":                  {403, 403, 403, 403, 303, 303},
	"GET /admin/years":                                  {303, 403, 403, 403, 200, 303},
	"GET /admin/years/:year/list":                       {303, 403, 403, 403, 200, 303},
	"POST /admin/years/:year/targets":                   {403, 403, 403, 403, 422, 303},
	"GET /admin/years/:year/carry-over":                 {303, 403, 403, 403, 200, 303},
	"POST /admin/years/:year/carry-over":                {403, 403, 403, 403, 422, 303},
	"GET /admin/years/:year/publish":                    {303, 403, 403, 403, 200, 303},
	"POST /admin/years/:year/publish":                   {403, 403, 403, 403, 400, 303},
	"GET /admin/years/:year/close":                      {303, 403, 403, 403, 200, 303},
	"POST /admin/years/:year/close":                     {403, 403, 403, 403, 400, 303},
	"GET /admin/years/:year/reopen":                     {303, 403, 403, 403, 200, 303},
	"POST /admin/years/:year/reopen":                    {403, 403, 403, 403, 400, 303},
	"POST /admin/targets/:id/move":                      {403, 403, 403, 403, 400, 303},
	"POST /admin/targets/:id/deadline":                  {403, 403, 403, 403, 303, 303},
	"GET /admin/targets/:id/remove":                     {303, 403, 403, 403, 200, 303},
	"POST /admin/targets/:id/remove":                    {403, 403, 403, 403, 422, 303},
	"GET /api/v1/oc4ids/years/:year":                    {200, 200, 200, 200, 200, 200},
	"GET /api/v1/oc4ids/projects/:id":                   {200, 200, 200, 200, 200, 200},
	"GET /admin/import":                                 {303, 403, 403, 403, 200, 303},
	"POST /admin/import":                                {403, 403, 403, 403, 422, 303},
	"GET /admin/import/:id":                             {303, 403, 403, 403, 404, 303},
	"POST /admin/import/:id":                            {403, 403, 403, 403, 404, 303},
	"GET /feed.atom":                                    {200, 200, 200, 200, 200, 200},
	"GET /review":                                       {303, 403, 403, 200, 200, 303},
	"POST /review/approve":                              {403, 403, 403, 422, 422, 303},
	"POST /review/:id/return":                           {403, 403, 403, 400, 400, 303},
	"GET /photos/:file":                                 {404, 404, 404, 404, 404, 404},
	"GET /projects/:id/monthly":                         {303, 200, 403, 403, 200, 303},
	"POST /projects/:id/monthly":                        {403, 422, 403, 403, 422, 303},
	"GET /monthly":                                      {303, 200, 200, 200, 200, 303},
	"GET /admin/settings":                               {303, 403, 403, 403, 200, 303},
	"POST /admin/settings":                              {403, 403, 403, 403, 422, 303},
	"GET /projects/:id/photos":                          {303, 200, 200, 200, 200, 303},
	"POST /projects/:id/photos":                         {403, 422, 403, 403, 422, 303},
	"POST /projects/:id/photos/:photo/hide":             {403, 404, 404, 404, 404, 303},
	"POST /projects/:id/photos/:photo/delete":           {403, 404, 404, 404, 404, 303},
	"GET /admin/photos":                                 {303, 403, 403, 403, 200, 303},
	"GET /history.csv":                                  {200, 200, 200, 200, 200, 200},
	"GET /history.xlsx":                                 {200, 200, 200, 200, 200, 200},
	"GET /years/:year/history.csv":                      {200, 200, 200, 200, 200, 200},
	"GET /years/:year/history.xlsx":                     {200, 200, 200, 200, 200, 200},
	"GET /audit":                                        {303, 403, 403, 200, 200, 303},
	"GET /audit/history.csv":                            {303, 403, 403, 200, 200, 303},
	"GET /audit/history.xlsx":                           {303, 403, 403, 200, 200, 303},
	"GET /audit/years/:year/history.csv":                {303, 403, 403, 200, 200, 303},
	"GET /audit/years/:year/history.xlsx":               {303, 403, 403, 200, 200, 303},
	"GET /admin/events.csv":                             {303, 403, 403, 403, 200, 303},
	"POST /admin/photos":                                {403, 403, 403, 403, 422, 303},
	"POST /review/photos/:id/return":                    {403, 403, 403, 422, 422, 303},
	"GET /projects/:id/documents":                       {303, 200, 200, 200, 200, 303},
	"POST /projects/:id/documents":                      {403, 422, 403, 403, 422, 303},
	"GET /documents/:id":                                {404, 404, 404, 404, 404, 404},
	"POST /documents/:id/delete":                        {403, 404, 404, 404, 404, 303},
	"POST /documents/:id/publish":                       {403, 403, 403, 404, 404, 303},
}

// TestAuthorizationMatrix requests every route of the router as each actor.
// The routes come from the router itself, so a route added without an
// entry in the matrix fails here.
func TestAuthorizationMatrix(t *testing.T) {
	site := sitetest.New(t, sitetest.Reviewed) // with the review's routes
	const password = "matrix-password-1"
	site.AddUser(t, "eng.a", auth.Engineer, password)
	site.AddUser(t, "eng.b", auth.Engineer, password)
	site.AddUser(t, "sup", auth.Supervisor, password)
	site.AddUser(t, "adm", auth.Admin, password)
	victim := site.AddUser(t, "victim", auth.Engineer, password)
	reset := site.AddUser(t, "reset", auth.Engineer, password)
	if _, err := site.Users.SetPassword(t.Context(), reset.ID, sitetest.Hash(t, password), true, auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	engA, _ := site.Users.UserByUsername(t.Context(), "eng.a")
	if err := site.Users.Assign(t.Context(), engA.ID, 1, "#1", auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	// Comment 1, on target 1 of project 1, waits for eng.a's answer.
	if _, err := projects.NewStore(site.Site.DB, time.Now).AddComment(t.Context(), 1, "请说明进度", civil.DateOf(time.Now()).AddDays(7), auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	usernames := [actors]string{"", "eng.a", "eng.b", "sup", "adm", "reset"}

	// concrete fills a route's parameters: project 1 (assigned to eng.a),
	// the year 2022, and the victim for the account pages.
	concrete := func(path string) string {
		r := strings.NewReplacer(":year", "2022", ":token", "not-the-token", ":project", "1", ":name", "site.css")
		path = strings.Replace(r.Replace(path), ":user", strconv.FormatInt(victim.ID, 10), 1)
		if strings.HasPrefix(path, "/admin/users/:id") {
			return strings.Replace(path, ":id", strconv.FormatInt(victim.ID, 10), 1)
		}
		return strings.Replace(path, ":id", "1", 1)
	}

	// Each request is made from a fresh browser that carries the cookies of
	// the actor's sign-in, so that nothing one request leaves in the session
	// (a message, a temporary password to show) reaches the next. When a
	// request ends the session (signing out), the actor signs in again.
	cookies := [actors][]*http.Cookie{}
	ready := func(t *testing.T, a int) *sitetest.Browser {
		b := site.NewBrowser(t)
		if a == anonymous {
			b.Get("/login") // a page with a form, for the CSRF token
			return b
		}
		if cookies[a] != nil {
			b.SetCookies(cookies[a])
			if b.Get("/account").StatusCode == http.StatusOK {
				return b
			}
		}
		b = site.SignIn(t, usernames[a], password)
		cookies[a] = b.Cookies()
		b.Get("/account")
		return b
	}

	seen := map[string]bool{}
	routes := site.Site.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	for _, route := range routes {
		key := route.Method + " " + route.Path
		// A group with middleware gets a catch-all that answers its unknown
		// paths through that middleware; it serves no page of its own.
		if seen[key] || route.Method == echo.RouteNotFound {
			continue
		}
		seen[key] = true
		want, ok := authorizationMatrix[key]
		if !ok {
			t.Errorf("route %s is not in the authorization matrix: add who may use it", key)
			continue
		}
		t.Run(key, func(t *testing.T) {
			for a := range actors {
				b := ready(t, a)
				var resp sitetest.Response
				path := concrete(route.Path)
				switch route.Method {
				case http.MethodGet:
					resp = b.Get(path)
				case http.MethodPost:
					resp = b.Post(path, url.Values{})
				default:
					t.Fatalf("no request for method %s", route.Method)
				}
				if resp.StatusCode != want[a] {
					t.Errorf("%s as %s: status %d, want %d", path, actorNames[a], resp.StatusCode, want[a])
				}
			}
		})
	}
	for key := range authorizationMatrix {
		if !seen[key] {
			t.Errorf("the matrix lists %s, which the router does not have", key)
		}
	}
}

// TestEveryPostNeedsTheToken sends every state-changing route of the router,
// as an administrator, with a complete form but no CSRF token: each must be
// refused with 403 and change nothing.
func TestEveryPostNeedsTheToken(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	victim := site.AddUser(t, "victim", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "adm", sitetest.Password)
	form := url.Values{
		"username": {"someone"}, "password": {sitetest.Password}, "password_confirm": {sitetest.Password},
		"current_password": {sitetest.Password}, "role": {"supervisor"}, "active": {"false"}, "project_id": {"1"},
	}
	count := func() (n [3]int64) {
		for i, table := range []string{"users", "security_events", "assignments"} {
			n[i] = site.Count(t, table)
		}
		return n
	}
	before := count()
	posts := 0
	for _, route := range site.Site.Routes() {
		if route.Method != http.MethodPost {
			continue
		}
		posts++
		path := strings.NewReplacer(":id", sitetest.ID(victim.ID), ":project", "1", ":token", "x").Replace(route.Path)
		if resp := b.PostRaw(path, form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without a token: status %d, want 403", path, resp.StatusCode)
		}
	}
	if posts < 10 {
		t.Fatalf("only %d POST routes found", posts)
	}
	if after := count(); after != before {
		t.Errorf("rows of users, security_events, assignments: %v before, %v after", before, after)
	}
	if u, _ := site.Users.UserByID(t.Context(), victim.ID); !u.Active || u.Role != auth.Engineer {
		t.Errorf("the victim changed: %+v", u)
	}
	sitetest.WantStatus(t, "the administrator is still signed in", b.Get("/admin/users"), http.StatusOK)
}
