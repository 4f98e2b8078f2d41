package console_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
	"shuangshi/internal/workbook"
)

// TestTheMeetingWorkbookOpensRight reads the console's workbook back: in
// English when the address asks for it, on a sheet named for what it
// holds, its dimension over every row, named fonts, rows tall enough for
// wrapped names, the site as its creator and the day as its date, page
// numbers, A4 landscape one page wide with the headings on every page.
func TestTheMeetingWorkbookOpensRight(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	site.Clock.Advance(190 * 24 * time.Hour) // 8 December 2023
	sup := site.SignIn(t, "sup", sitetest.Password)

	for _, tc := range []struct {
		query, sheet, heading, creator string
	}{
		{"", "逾期与风险", "项目名称", "杨浦区“双十”项目"},
		{"?lang=en", "Overdue and at risk", "Project", "Yangpu District Double Ten Projects"},
	} {
		t.Run(tc.sheet, func(t *testing.T) {
			resp := sup.Get("/overdue.xlsx" + tc.query)
			sitetest.WantStatus(t, "the workbook", resp, http.StatusOK)
			f, err := excelize.OpenReader(bytes.NewReader([]byte(resp.Body)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := f.GetSheetName(0)
			if sheet != tc.sheet {
				t.Errorf("the sheet is named %q, want %q", sheet, tc.sheet)
			}
			if v, _ := f.GetCellValue(sheet, "B5"); v != tc.heading {
				t.Errorf("the name's heading is %q, want %q", v, tc.heading)
			}
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if dim, _ := f.GetSheetDimension(sheet); dim != "A1:L"+strconv.Itoa(len(rows)) || len(rows) < 6 {
				t.Errorf("dimension %q for %d rows", dim, len(rows))
			}
			width, _ := f.GetColWidth(sheet, "B")
			for line := 6; line <= len(rows); line++ {
				name, _ := f.GetCellValue(sheet, "B"+strconv.Itoa(line))
				// At its narrowest a Chinese character is 1.5 column
				// units wide; a line needs 14 points.
				lines := (len([]rune(name))*3/2 + int(width) - 1) / int(width)
				if h, _ := f.GetRowHeight(sheet, line); h < float64(lines)*14 {
					t.Errorf("row %d is %.1f points tall for a name of %d lines or more: %q", line, h, lines, name)
				}
			}
			for _, ref := range []string{"A1", "B5", "B6"} {
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
			if props.Creator != tc.creator || !strings.HasPrefix(props.Created, "2023-12-0") {
				t.Errorf("creator %q, created %q", props.Creator, props.Created)
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
			if layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != "landscape" ||
				layout.FitToWidth == nil || *layout.FitToWidth != 1 {
				t.Errorf("the page layout is %+v, want A4 landscape one page wide", layout)
			}
			titles := ""
			for _, n := range f.GetDefinedName() {
				if n.Name == "_xlnm.Print_Titles" {
					titles = n.RefersTo
				}
			}
			if titles != "'"+tc.sheet+"'!$5:$5" {
				t.Errorf("the rows repeated on each page are %q", titles)
			}
		})
	}
}
