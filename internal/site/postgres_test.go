package site_test

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/database/databasetest"
	"shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
)

// TestTwoServersShareOnePostgresDatabase runs two servers on one PostgreSQL
// database, as behind a load balancer: a session started on one is valid
// on the other, and an edit made on one is on the other's next page, kept
// pages included.
func TestTwoServersShareOnePostgresDatabase(t *testing.T) {
	key := make([]byte, 64)
	rand.Read(key)
	cfg := site.Config{
		Source: databasetest.NewPostgres(t), AtRiskDays: 30, StaleDays: 30,
		SessionKeys: base64.StdEncoding.EncodeToString(key),
	}
	first, second := sitetest.Open(t, cfg), sitetest.Open(t, cfg)
	li := first.AddUser(t, "li", auth.Engineer, sitetest.Password)
	if err := first.Users.Assign(t.Context(), li.ID, sitetest.Haian, "#3", auth.CommandLine); err != nil {
		t.Fatal(err)
	}

	// Both servers show the seed, loaded once.
	for name, site := range map[string]*sitetest.Site{"first": first, "second": second} {
		if rows := site.NewBrowser(t).Get("/years/2022").Doc.Find(`tr[data-testid="target"]`).Length(); rows != 20 {
			t.Errorf("the %s server shows %d rows of 2022, want 20", name, rows)
		}
	}

	// Signed in on the first server, the engineer goes on on the second.
	engineer := first.SignIn(t, "li", sitetest.Password)
	firstURL, _ := url.Parse(first.URL)
	secondURL, _ := url.Parse(second.URL)
	engineer.Client.Jar.SetCookies(secondURL, engineer.Client.Jar.Cookies(firstURL))
	engineer.MoveTo(second)
	mine := engineer.Get("/my/projects")
	sitetest.WantStatus(t, "My projects on the second server", mine, http.StatusOK)
	if !strings.Contains(mine.Body, `data-testid="signed-in"`) {
		t.Fatal("the session started on the first server is not valid on the second")
	}

	// The reader's page is kept on the first server; the edit is made on
	// the second; the first shows it on the next request.
	reader := first.NewBrowser(t)
	before := reader.Get("/years/2023")
	if strings.Contains(before.Body, "两台服务器：主体完成") {
		t.Fatal("the text is there before the edit")
	}
	form := sitetest.EditForm(t, engineer.Get("/projects/3/edit"))
	for name := range form {
		if strings.HasPrefix(name, "progress-") {
			form.Set(name, "两台服务器：主体完成")
		}
	}
	sitetest.WantStatus(t, "save on the second server", engineer.Post("/projects/3/edit", form), http.StatusSeeOther)
	if after := reader.Get("/years/2023"); !strings.Contains(after.Body, "两台服务器：主体完成") {
		t.Error("the first server's next page does not show the edit made on the second")
	}
	if api := first.NewBrowser(t).Get("/api/v1/projects/3"); !strings.Contains(api.Body, "两台服务器：主体完成") {
		t.Error("the first server's JSON does not show the edit made on the second")
	}

	// The first server keeps the engineer's session once read; signed out
	// on the second, it lets the session in no more, nor its kept pages.
	onFirst := first.NewBrowser(t)
	onFirst.Client.Jar.SetCookies(firstURL, engineer.Client.Jar.Cookies(secondURL))
	for range 2 {
		sitetest.WantStatus(t, "the engineer's monthly report on the first server", onFirst.Get("/projects/3/monthly"), http.StatusOK)
	}
	sitetest.WantStatus(t, "signing out on the second server", engineer.Post("/logout", nil), http.StatusSeeOther)
	if after := onFirst.Get("/projects/3/monthly"); after.StatusCode == http.StatusOK {
		t.Error("the first server let in a session signed out on the second")
	}
}

// TestSiteOnPostgres runs the site's tests that write again on
// PostgreSQL: the kept pages, which another server's write must clear.
func TestSiteOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"PublicPagesAreKeptUntilTheRecordChanges": TestPublicPagesAreKeptUntilTheRecordChanges,
	})
}
