package site_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"shuangshi/internal/bench"
	"shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
)

// editForm reads the edit page's form as a browser would submit it.
func editForm(t *testing.T, page sitetest.Response) url.Values {
	t.Helper()
	values := url.Values{}
	page.Doc.Find("form.edit-form input, form.edit-form textarea, form.edit-form select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch goquery.NodeName(s) {
		case "textarea":
			values.Set(name, s.Text())
		case "select":
			v, _ := s.Find("option[selected]").Attr("value")
			if v == "" {
				v, _ = s.Find("option").First().Attr("value")
			}
			values.Set(name, v)
		default:
			v, _ := s.Attr("value")
			values.Set(name, v)
		}
	})
	return values
}

// workbook writes rows as an XLSX file: a title row, a heading row, then
// the rows, with the list column merged over each run of one list as the
// report prints Table 10.
func workbook(t *testing.T, title string, heading []string, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	f.SetSheetRow(sheet, "A1", &[]any{title})
	cells := make([]any, len(heading))
	for i, h := range heading {
		cells[i] = h
	}
	f.SetSheetRow(sheet, "A2", &cells)
	start := 0
	for i, r := range rows {
		values := make([]any, len(r))
		for j, v := range r {
			values[j] = v
		}
		f.SetSheetRow(sheet, "A"+strconv.Itoa(i+3), &values)
		if i == len(rows)-1 || rows[i+1][0] != r[0] {
			if i > start {
				f.MergeCell(sheet, "A"+strconv.Itoa(start+3), "A"+strconv.Itoa(i+3))
			}
			start = i + 1
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// generatedSite serves a database of n generated projects (the benchmark's
// generator), with its engineer and supervisor.
func generatedSite(t *testing.T, n int) *sitetest.Site {
	t.Helper()
	path := filepath.Join(t.TempDir(), "generated.db")
	if _, err := bench.Generate(context.Background(), path, n, 1, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	return sitetest.Open(t, site.Config{Source: path, AtRiskDays: 30, StaleDays: 30})
}
