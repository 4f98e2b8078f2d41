package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"gorm.io/gorm"

	"shuangshi/internal/bench"
)

// generatedSite serves a database of n generated projects (the benchmark's
// generator), with its engineer and supervisor.
func generatedSite(t *testing.T, n int) (*sitetest.Site, bench.Dataset) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "generated.db")
	set, err := bench.Generate(context.Background(), path, n, 1, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return sitetest.Open(t, site.Config{Source: path, AtRiskDays: 30, StaleDays: 30}), set
}

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
		site, set := generatedSite(t, n)
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

// TestConsolePagesLongLists walks the overdue list of a large record page
// by page: fifty rows a page, every row once, the count at the top equal to
// the rows on all pages.
func TestConsolePagesLongLists(t *testing.T) {
	site, _ := generatedSite(t, 3000)
	supervisor := site.SignIn(t, bench.SupervisorName, bench.Password)
	first := supervisor.Get("/overdue")
	sitetest.WantStatus(t, "the console", first, http.StatusOK)
	total, err := strconv.Atoi(sitetest.Text(first.Doc.Find(`#group-overdue .list__count`)))
	if err != nil || total <= 2*50 {
		t.Fatalf("%d overdue targets (%v): the generated record should have more than two pages", total, err)
	}

	seen := map[string]bool{}
	next, pages := "/overdue", 0
	for next != "" {
		page := supervisor.Get(next)
		sitetest.WantStatus(t, next, page, http.StatusOK)
		rows := page.Doc.Find(`[data-testid="group-overdue"] [data-testid="console-row"]`)
		if rows.Length() > 50 || rows.Length() == 0 {
			t.Fatalf("%s: %d rows", next, rows.Length())
		}
		rows.Each(func(_ int, r *goquery.Selection) {
			key := r.Find("a").First().AttrOr("href", "") + " " + sitetest.Text(r.Find("td").First())
			if seen[key] {
				t.Errorf("%s shown twice", key)
			}
			seen[key] = true
		})
		pages++
		wantRange := regexp.MustCompile(`(\d+)–(\d+)`).FindStringSubmatch(sitetest.Text(page.Doc.Find(`[data-testid="group-overdue"] .pager__range`)))
		if wantRange == nil || wantRange[1] != strconv.Itoa((pages-1)*50+1) {
			t.Errorf("page %d says %q", pages, sitetest.Text(page.Doc.Find(`[data-testid="group-overdue"] .pager__range`)))
		}
		next = page.Doc.Find(`[data-testid="group-overdue"] a[rel="next"]`).AttrOr("href", "")
	}
	if len(seen) != total || pages != (total+49)/50 {
		t.Errorf("%d rows on %d pages, want %d on %d", len(seen), pages, total, (total+49)/50)
	}

	// A page beyond the last shows the last; a page that is not a number is a 400.
	last := supervisor.Get("/overdue?page-overdue=100000")
	if got := sitetest.Text(last.Doc.Find(`[data-testid="group-overdue"] .pager__range`)); !strings.HasSuffix(got, strconv.Itoa(total)+" 项") && !strings.Contains(got, "共 "+strconv.Itoa(total)) {
		t.Errorf("page 100000 says %q", got)
	}
	sitetest.WantStatus(t, "page 0", supervisor.Get("/overdue?page-overdue=0"), http.StatusBadRequest)
	sitetest.WantStatus(t, "page x", supervisor.Get("/overdue?page-at-risk=x"), http.StatusBadRequest)
}

// TestYearPagesAndDocumentsPageLongLists walks a large year's page and its
// JSON document page by page: every target once, in the table's order.
func TestYearPagesAndDocumentsPageLongLists(t *testing.T) {
	site, _ := generatedSite(t, 3000)
	reader := site.NewBrowser(t)
	year := strconv.Itoa(bench.CurrentYear)

	positions := map[string]bool{}
	next, pages, last := "/years/"+year, 0, 0
	for next != "" {
		page := reader.Get(next)
		sitetest.WantStatus(t, next, page, http.StatusOK)
		rows := page.Doc.Find(`tr[data-testid="target"]`)
		if rows.Length() == 0 || rows.Length() > 100 {
			t.Fatalf("%s: %d rows", next, rows.Length())
		}
		rows.Each(func(_ int, r *goquery.Selection) {
			p := r.AttrOr("data-position", "")
			n, _ := strconv.Atoi(p)
			if positions[p] || n <= last {
				t.Errorf("%s: row %s out of order or twice", next, p)
			}
			positions[p], last = true, n
		})
		pages++
		next = page.Doc.Find(`[data-testid="pager"] a[rel="next"]`).AttrOr("href", "")
	}
	var doc struct {
		Page, Pages, Total int
		Next               string
		Targets            []struct{ Position int }
	}
	seen := 0
	for next := "/api/v1/years/" + year; next != ""; next = doc.Next {
		doc.Next = ""
		r := reader.Get(next)
		sitetest.WantStatus(t, next, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
			t.Fatal(err)
		}
		for _, target := range doc.Targets {
			if !positions[strconv.Itoa(target.Position)] {
				t.Errorf("the document lists position %d, which the pages do not", target.Position)
			}
			seen++
		}
	}
	if len(positions) <= 200 || seen != len(positions) || doc.Total != seen || doc.Pages != pages {
		t.Errorf("%d rows on %d pages; the document: %d targets, total %d, %d pages", len(positions), pages, seen, doc.Total, doc.Pages)
	}

	sitetest.WantStatus(t, "page 0", reader.Get("/years/"+year+"?page=0"), http.StatusBadRequest)
	sitetest.WantStatus(t, "document page 0", reader.Get("/api/v1/years/"+year+"?page=0"), http.StatusBadRequest)
	sitetest.WantStatus(t, "document page 99", reader.Get("/api/v1/years/"+year+"?page=99"), http.StatusNotFound)
	if beyond := reader.Get("/years/" + year + "?page=99"); beyond.StatusCode != http.StatusOK || beyond.Doc.Find(`a[rel="next"]`).Length() != 0 {
		t.Errorf("page 99 of %d: status %d, or it is not the last", pages, beyond.StatusCode)
	}
}
