package imports

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParse: whatever file is uploaded, Parse answers with rows or with
// one of its errors, never a panic; every cell it reads is valid UTF-8
// within the length a cell may have; and checking the rows (Validate)
// answers every row without a panic either.
func FuzzParse(f *testing.F) {
	f.Add("table10.xlsx", table10XLSX(f))
	f.Add("table10.csv", []byte(table10CSV(f)))
	f.Add("list.csv", []byte("序号,项目名称,年度目标,类别\n1,某某路,开工,路\n"))
	f.Add("list.csv", []byte("\xef\xbb\xbf序号,项目名称\n1,\"未闭合\n"))
	f.Add("list.csv", []byte("\xff\xfe1\x002\x00"))
	f.Add("old.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
	f.Add("broken.xlsx", []byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, filename string, data []byte) {
		sheet, err := Parse(t.Context(), filename, data)
		if err != nil {
			known := []error{ErrTooLarge, ErrEmpty, ErrNotSpreadsheet, ErrLegacyExcel, ErrNoHeader, ErrTooManyRows,
				ErrBeyondColumns, ErrTooManyCells, ErrTooManyMerges, ErrTooMuchText, ErrTooSlow}
			for _, k := range known {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("an error Parse does not document: %v", err)
		}
		for _, row := range sheet.Rows {
			for c, cell := range row.Cells {
				if !utf8.ValidString(cell) {
					t.Fatalf("row %d, %v: %q is not UTF-8", row.Number, c, cell)
				}
			}
		}
		lines := Validate(2026, sheet.Rows)
		if len(lines) != len(sheet.Rows) {
			t.Fatalf("%d rows, %d checked", len(sheet.Rows), len(lines))
		}
	})
}
