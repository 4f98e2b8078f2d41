package console_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestConsoleGoesToAMeeting: the console's rows, as filtered and ordered
// on the page, every page of both groups, come as CSV and as a workbook
// that says what it is, as of when, and which filter made it.
func TestConsoleGoesToAMeeting(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	site.Clock.Advance(190 * 24 * time.Hour) // 8 December 2023
	sup := site.SignIn(t, "sup", sitetest.Password)

	const query = "year=2023&list=complete&category=water&sort=project"
	page := sup.Get("/overdue?" + query)
	csvURL := page.Doc.Find(`[data-testid="console-downloads"] a[href*=".csv"]`).AttrOr("href", "")
	xlsxURL := page.Doc.Find(`[data-testid="console-downloads"] a[href*=".xlsx"]`).AttrOr("href", "")
	if !strings.Contains(csvURL, "category=water") || !strings.Contains(xlsxURL, "sort=project") {
		t.Fatalf("the downloads do not keep the filter and order: %q, %q", csvURL, xlsxURL)
	}
	if got := sitetest.Text(page.Doc.Find(`[data-testid="console-filter-words"]`)); !strings.Contains(got, "类别: 水") || !strings.Contains(got, "清单: 竣工") {
		t.Errorf("the printout would say the filter is %q", got)
	}
	var onPage []string
	page.Doc.Find(`[data-testid="console-row"] th a`).Each(func(_ int, s *goquery.Selection) { onPage = append(onPage, strings.TrimSpace(s.Text())) })

	file := sup.Get(csvURL)
	sitetest.WantStatus(t, "the CSV", file, http.StatusOK)
	if !strings.Contains(file.Header.Get("Content-Disposition"), "shuangshi-overdue-2023-12-08.csv") {
		t.Errorf("the CSV is named %q", file.Header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(file.Body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1+len(onPage) || len(onPage) != 4 || records[0][1] != "项目名称" {
		t.Fatalf("the CSV has %d lines for %d rows on the page: %q", len(records), len(onPage), records)
	}
	for i, name := range onPage {
		if !strings.Contains(name, records[i+1][1]) || records[i+1][0] != "有风险" {
			t.Errorf("line %d is %q, the page's row %q", i+1, records[i+1][:2], name)
		}
	}

	workbook := sup.Get(xlsxURL)
	sitetest.WantStatus(t, "the workbook", workbook, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader([]byte(workbook.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cell := func(ref string) string {
		v, _ := f.GetCellValue(f.GetSheetName(0), ref)
		return v
	}
	if cell("A1") != "逾期与风险" || cell("A2") != "截至 2023年12月8日" || !strings.Contains(cell("A3"), "类别: 水") || cell("B5") != "项目名称" {
		t.Errorf("the workbook's head: %q, %q, %q, %q", cell("A1"), cell("A2"), cell("A3"), cell("B5"))
	}
	if cell("B6") != records[1][1] || cell("B9") != records[4][1] || cell("B10") != "" {
		t.Errorf("the workbook's rows: %q … %q, then %q", cell("B6"), cell("B9"), cell("B10"))
	}

	sitetest.WantStatus(t, "an engineer", site.As(t, "li").Get(csvURL), http.StatusForbidden)
	sitetest.WantStatus(t, "a bad filter", sup.Get("/overdue.csv?list=nonsense"), http.StatusBadRequest)
}
