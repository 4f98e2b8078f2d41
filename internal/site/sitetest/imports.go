package sitetest

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/imports"
	"shuangshi/internal/imports/importstest"
)

// Workbook writes rows as an XLSX file: a title row, a heading row, then
// the rows, with the first column merged over each run of one value, as
// the report prints the list column of Table 10.
func Workbook(t *testing.T, title string, heading []string, rows [][]string) []byte {
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

// WantAttackRefused uploads each workbook of importstest.Attack as adm, a
// signed-in administrator, and checks that each is refused with a message
// by the file field that says why, that the year typed is kept, and that
// the site still answers. The site may be one of this process or one that
// another process serves (At).
func WantAttackRefused(t *testing.T, adm *Browser) {
	t.Helper()
	for _, h := range importstest.Attack() {
		adm.Get("/admin/import")
		resp := adm.PostFile("/admin/import", "2024", "list.xlsx", h.Data)
		WantStatus(t, h.Name, resp, http.StatusUnprocessableEntity)
		says := "XFD1" // the cell beyond the columns read
		if !strings.Contains(h.Name, "XFD") {
			says = strconv.Itoa(imports.MaxMerges) + " 处"
		}
		if got := Text(resp.Doc.Find("#file-error")); !strings.Contains(got, says) {
			t.Errorf("%s: the message by the file says %q, want it to name %q", h.Name, got, says)
		}
		if v, _ := resp.Doc.Find("#year").Attr("value"); v != "2024" {
			t.Errorf("%s: the year was lost: %q", h.Name, v)
		}
		WantStatus(t, "the site after "+h.Name, adm.Get("/admin/import"), http.StatusOK)
	}
}
