package reports_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/site/sitetest"
	"shuangshi/internal/workbook"
)

// TestTheWorkbookOpensRightEverywhere reads the year-end table's workbook
// back as a spreadsheet program and a streaming reader would: in the
// language asked for with ?lang=, its rows tall enough for every line,
// its dimension over the data, named fonts, the site as its creator and
// the data's day as its date, a sheet named in the reader's language,
// page numbers and a print setup.
func TestTheWorkbookOpensRightEverywhere(t *testing.T) {
	site := sitetest.New(t)
	for _, tc := range []struct {
		name, query, lang      string
		sheet, title, category string
		creator                string
	}{
		{name: "Chinese by default", sheet: "2022年进展情况", title: "2022年区“双十”项目进展情况",
			category: "类别", creator: "杨浦区“双十”项目"},
		{name: "English with ?lang=en", query: "?lang=en", sheet: "Progress 2022",
			title: "Progress of the 2022 Double Ten projects", category: "Category",
			creator: "Yangpu District Double Ten Projects"},
		{name: "English with the investment part", query: "?investment=1&lang=en", sheet: "Progress 2022",
			title: "Progress of the 2022 Double Ten projects", category: "Category",
			creator: "Yangpu District Double Ten Projects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := site.NewBrowser(t).Get("/years/2022/report.xlsx" + tc.query)
			sitetest.WantStatus(t, "the workbook", resp, http.StatusOK)
			f, err := excelize.OpenReader(bytes.NewReader([]byte(resp.Body)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := f.GetSheetName(0)
			if sheet != tc.sheet || f.SheetCount != 1 {
				t.Errorf("the sheet is named %q (of %d), want %q", sheet, f.SheetCount, tc.sheet)
			}
			cell := func(ref string) string {
				v, err := f.GetCellValue(sheet, ref)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			if cell("A1") != tc.title || cell("A3") != tc.category {
				t.Errorf("title %q, first heading %q; want %q, %q", cell("A1"), cell("A3"), tc.title, tc.category)
			}

			// A streaming reader trusts the dimension: it must cover
			// every row and column.
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			last := "E"
			if strings.Contains(tc.query, "investment") {
				last = "I"
			}
			if dim, _ := f.GetSheetDimension(sheet); dim != "A1:"+last+strconv.Itoa(len(rows)) || len(rows) < 23 {
				t.Errorf("dimension %q, want A1:%s%d", dim, last, len(rows))
			}

			// The first heading is not broken in the middle of its word:
			// "Category" in bold needs some 9 column units.
			if w, _ := f.GetColWidth(sheet, "A"); float64(utf8.RuneCountInString(tc.category))*1.1 > w {
				t.Errorf("column A is %.1f wide for %q", w, tc.category)
			}
			if h, _ := f.GetRowHeight(sheet, 1); h < 18 {
				t.Errorf("the title row is %.0f points tall for a 14-point title", h)
			}

			for _, ref := range []string{"A1", "A3", "C4"} {
				id, _ := f.GetCellStyle(sheet, ref)
				style, err := f.GetStyle(id)
				if err != nil {
					t.Fatal(err)
				}
				if style.Font == nil || style.Font.Family != workbook.Font {
					t.Errorf("%s's font is %+v, want %s", ref, style.Font, workbook.Font)
				}
			}

			props, err := f.GetDocProps()
			if err != nil {
				t.Fatal(err)
			}
			// The 2022 table stands as of 4 January 2023 (Shanghai).
			if props.Creator != tc.creator || !strings.HasPrefix(props.Created, "2023-01-0") || props.Modified != props.Created {
				t.Errorf("creator %q, created %q, modified %q", props.Creator, props.Created, props.Modified)
			}

			footer, err := f.GetHeaderFooter(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if footer == nil || !strings.Contains(footer.OddFooter, "&P") || !strings.Contains(footer.OddFooter, "&N") {
				t.Errorf("the footer is %+v, want page numbers", footer)
			}
			layout, err := f.GetPageLayout(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if layout.Size == nil || *layout.Size != 9 || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
				t.Errorf("the page layout is %+v, want A4 one page wide", layout)
			}
			titles := ""
			for _, n := range f.GetDefinedName() {
				if n.Name == "_xlnm.Print_Titles" {
					titles = n.RefersTo
				}
			}
			if titles != "'"+tc.sheet+"'!$3:$3" {
				t.Errorf("the rows repeated on each page are %q", titles)
			}
		})
	}
}
