package site_test

import (
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"gorm.io/gorm"

	"shuangshi/internal/bench"
	"shuangshi/internal/site/sitetest"
)

// countStatements counts every SQL statement the site sends, on both sides
// of the database.
func countStatements(t *testing.T, site *sitetest.Site) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	for _, db := range []*gorm.DB{site.Site.DB.Read, site.Site.DB.Write} {
		cb := db.Callback()
		for _, err := range []error{
			cb.Query().After("gorm:query").Register("test:count", count),
			cb.Create().After("gorm:create").Register("test:count", count),
			cb.Update().After("gorm:update").Register("test:count", count),
			cb.Delete().After("gorm:delete").Register("test:count", count),
			cb.Row().After("gorm:row").Register("test:count", count),
			cb.Raw().After("gorm:raw").Register("test:count", count),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return &n
}

// TestPagesIssueAsManyStatementsAtAnySize makes each measured page once on
// a record of 100 projects and once on one of 3,000, and counts the SQL
// statements each sends: the same count at both sizes, or some query runs
// once per row.
func TestPagesIssueAsManyStatementsAtAnySize(t *testing.T) {
	counts := map[int]map[string]int64{}
	for _, n := range []int{100, 3000} {
		site, set := sitetest.Generated(t, n)
		supervisor := site.SignIn(t, bench.SupervisorName, bench.Password)
		engineer := site.SignIn(t, bench.EngineerName, bench.Password)
		reader := site.NewBrowser(t)
		statements := countStatements(t, site)
		year := strconv.Itoa(bench.CurrentYear)
		project := strconv.FormatInt(set.Sample[0], 10)
		edited := strconv.FormatInt(set.Edited[0], 10)

		counts[n] = map[string]int64{}
		measure := func(name string, do func() sitetest.Response) {
			t.Helper()
			before := statements.Load()
			if r := do(); r.StatusCode >= 400 {
				t.Fatalf("%d projects, %s: status %d", n, name, r.StatusCode)
			}
			counts[n][name] = statements.Load() - before
		}
		measure("year page", func() sitetest.Response { return reader.Get("/years/" + year) })
		measure("year page, kept", func() sitetest.Response { return reader.Get("/years/" + year) })
		measure("project page", func() sitetest.Response { return reader.Get("/projects/" + project) })
		measure("JSON API", func() sitetest.Response { return reader.Get("/api/v1/years/" + year) })
		measure("overdue console", func() sitetest.Response { return supervisor.Get("/overdue") })
		measure("overdue console, second page", func() sitetest.Response { return supervisor.Get("/overdue?page-overdue=2") })
		measure("my projects", func() sitetest.Response { return engineer.Get("/my/projects") })
		card := engineer.Get("/my/projects").Doc.Find(`form[action="/projects/` + edited + `/progress"]`)
		form := url.Values{}
		card.Find("input, textarea").Each(func(_ int, s *goquery.Selection) {
			form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
		})
		for name := range form {
			if strings.HasPrefix(name, "progress-") {
				form.Set(name, "规模测试：进展更新。")
			}
		}
		measure("progress update", func() sitetest.Response { return engineer.Post("/projects/"+edited+"/progress", form) })
	}
	for name, small := range counts[100] {
		if large := counts[3000][name]; large != small {
			t.Errorf("%s: %d statements at 100 projects, %d at 3,000", name, small, large)
		}
	}
	// A kept page reads only the data version, through its own prepared
	// statement rather than GORM.
	if kept := counts[100]["year page, kept"]; kept != 0 {
		t.Errorf("a kept year page took %d statements through GORM, want 0", kept)
	}
	t.Logf("statements per page: %v", counts[100])
}
