package projects_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/bench"
	"shuangshi/internal/site/sitetest"
)

// TestYearPagesAndDocumentsPageLongLists walks a large year's page and its
// JSON document page by page: every target once, in the table's order.
func TestYearPagesAndDocumentsPageLongLists(t *testing.T) {
	site, _ := sitetest.Generated(t, 3000)
	reader := site.NewBrowser(t)
	year := strconv.Itoa(bench.CurrentYear)

	// The page shows the start list, then the completion list, each in
	// the order of its numbers.
	positions := map[string]bool{}
	next, pages, last := "/years/"+year, 0, map[string]int{}
	for next != "" {
		page := reader.Get(next)
		sitetest.WantStatus(t, next, page, http.StatusOK)
		rows := page.Doc.Find(`tr[data-testid="target"]`)
		if rows.Length() == 0 || rows.Length() > 100 {
			t.Fatalf("%s: %d rows", next, rows.Length())
		}
		rows.Each(func(_ int, r *goquery.Selection) {
			p := r.AttrOr("data-number", "")
			n, _ := strconv.Atoi(p)
			list := r.Closest(`section.list`).AttrOr("data-testid", "")
			if positions[p] || n <= last[list] {
				t.Errorf("%s: row %s of %s out of order or twice", next, p, list)
			}
			positions[p], last[list] = true, n
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
