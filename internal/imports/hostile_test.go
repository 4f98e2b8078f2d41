package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"shuangshi/internal/imports/importstest"
)

// allocated returns the bytes f allocated, garbage included: the work
// reading a file took, whatever the collector gave back meanwhile.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestTheAttacksWorkbooksAreRefusedCheaply: each workbook of the attack
// (rows reaching column XFD in 2 KB, 6.6 KB and 980 KB; 60,000 and 800,000
// merged ranges) is refused for what it is, having allocated a few
// megabytes at most. Before, the 2 KB file took 350 MB and the 980 KB one
// ended the process.
func TestTheAttacksWorkbooksAreRefusedCheaply(t *testing.T) {
	for _, h := range importstest.Attack() {
		t.Run(h.Name, func(t *testing.T) {
			var err error
			bytes := allocated(func() { _, err = Parse(t.Context(), "list.xlsx", h.Data) })
			if strings.Contains(h.Name, "XFD") {
				var cell *CellError
				if !errors.As(err, &cell) || !errors.Is(err, ErrBeyondColumns) || cell.Cell != "XFD1" {
					t.Fatalf("got %v, want ErrBeyondColumns naming cell XFD1", err)
				}
			} else if !errors.Is(err, ErrTooManyMerges) {
				t.Fatalf("got %v, want ErrTooManyMerges", err)
			}
			if bytes > 8<<20 {
				t.Errorf("reading it allocated %d MB, want under 8", bytes>>20)
			}
		})
	}
}

// sheetXML is a workbook whose sheet's worksheet element holds xml.
func sheetXML(xml string) []byte {
	return importstest.Workbook(func(w io.Writer) { io.WriteString(w, xml) })
}

// repeat builds a part of a sheet from n pieces made by piece.
func repeat(n int, piece func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(piece(i))
	}
	return b.String()
}

func inline(ref, text string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, text)
}

const header = `<row r="1">` + `<c r="A1" t="inlineStr"><is><t>年度目标</t></is></c><c r="B1" t="inlineStr"><is><t>项目名称</t></is></c></row>`

// TestHostileSheetsAreRefused: sheets shaped to make a reader allocate or
// work far beyond what they hold are refused with the error that says
// why, each having allocated a bounded amount.
func TestHostileSheetsAreRefused(t *testing.T) {
	longName := strings.Repeat("长", 40_000) // 120 KB
	tests := []struct {
		name     string
		data     []byte
		want     error
		cell     string // the cell a *CellError names
		maxBytes uint64 // allocated at most
	}{
		{"a value in column BM", sheetXML(`<sheetData>` + header + `<row r="2">` + inline("BM2", "x") + `</row></sheetData>`), ErrBeyondColumns, "BM2", 1 << 20},
		{"the 65th cell of a row without references", sheetXML(`<sheetData><row>` + strings.Repeat("<c/>", 65) + `</row></sheetData>`), ErrBeyondColumns, "BM1", 1 << 20},
		{"an empty styled cell in column XFD far below", sheetXML(`<sheetData>` + header + `<row r="150000"><c r="XFD150000" s="1"/></row></sheetData>`), ErrBeyondColumns, "XFD150000", 1 << 20},
		{"more values than a list has", sheetXML(`<sheetData>` + repeat(maxCells/50+1, func(i int) string {
			return fmt.Sprintf(`<row r="%d">%s</row>`, i+1, repeat(50, func(j int) string { return fmt.Sprintf(`<c r="%s%d"><v>%d</v></c>`, columnName(j+1), i+1, j) }))
		}) + `</sheetData>`), ErrTooManyCells, "", 32 << 20},
		{"a shared string far down the table", sheetXML(`<sheetData><row r="1"><c r="A1" t="s"><v>2000000</v></c></row></sheetData>`), ErrTooManyCells, "", 1 << 20},
		{"more merged ranges than a list has", sheetXML(`<sheetData>` + header + `</sheetData><mergeCells>` +
			repeat(maxMerges+1, func(i int) string { return fmt.Sprintf(`<mergeCell ref="C%d:D%d"/>`, i+2, i+2) }) + `</mergeCells>`), ErrTooManyMerges, "", 8 << 20},
		{"merged ranges stacked over the same cells", sheetXML(`<sheetData>` + header + `<row r="2">` + inline("A2", "开工") + inline("B2", "甲路") + `</row>` +
			`<row r="10110"><c r="A10110" s="1"/></row></sheetData><mergeCells>` +
			repeat(maxMerges, func(int) string { return `<mergeCell ref="A2:BL10110"/>` }) + `</mergeCells>`), ErrTooManyRows, "", 32 << 20},
		{"a long text repeated down a merged range", sheetXML(`<sheetData>` + header +
			repeat(MaxRows, func(i int) string {
				return fmt.Sprintf(`<row r="%d">%s%s</row>`, i+2, inline(fmt.Sprintf("A%d", i+2), "开工"), inline(fmt.Sprintf("B%d", i+2), map[bool]string{true: longName, false: ""}[i == 0]))
			}) + fmt.Sprintf(`</sheetData><mergeCells><mergeCell ref="B2:B%d"/></mergeCells>`, MaxRows+1)), ErrTooMuchText, "", 64 << 20},
		{"rows out of order", sheetXML(`<sheetData>` + header + `<row r="5"/><row r="3"/></sheetData>`), ErrNotSpreadsheet, "", 1 << 20},
		{"cells out of order", sheetXML(`<sheetData><row r="1">` + inline("B1", "x") + inline("A1", "y") + `</row></sheetData>`), ErrNotSpreadsheet, "", 1 << 20},
		{"a row past the last a sheet may have", sheetXML(`<sheetData>` + header + `<row r="1048577"/></sheetData>`), ErrTooManyRows, "", 1 << 20},
		{"a tag of a million attributes", sheetXML(`<sheetData><row r="1"><c r="A1"` + repeat(1_000_000, func(i int) string { return fmt.Sprintf(` a%d=""`, i) }) + `/></row></sheetData>`), ErrNotSpreadsheet, "", 4 << 20},
		{"elements nested a million deep", sheetXML(strings.Repeat("<x>", 1_000_000) + strings.Repeat("</x>", 1_000_000)), ErrNotSpreadsheet, "", 1 << 20},
		{"a text of 2 MB in a cell", sheetXML(`<sheetData><row r="1">` + inline("A1", strings.Repeat("x", 2<<20)) + `</row></sheetData>`), ErrNotSpreadsheet, "", 8 << 20},
		{"a comment of 30 MB", sheetXML(`<!--` + strings.Repeat("<a>", 10<<20) + `-->`), ErrNotSpreadsheet, "", 8 << 20},
		{"a document type with entities", sheetXML(`<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>`), ErrNotSpreadsheet, "", 1 << 20},
		{"a shared text of 2 MB merged over the columns of twenty rows", importstest.Package(map[string]string{
			"xl/sharedStrings.xml": `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si>` +
				strings.Repeat(`<r><t>`+strings.Repeat("x", 1<<20)+`</t></r>`, 2) + `</si></sst>`,
		}, func(w io.Writer) {
			io.WriteString(w, `<sheetData><row r="1">`+inline("A1", "项目名称")+
				repeat(maxColumns-1, func(i int) string { return inline(columnName(i+2)+"1", fmt.Sprintf("列%d", i)) })+
				`</row><row r="2"><c r="B2" t="s"><v>0</v></c></row><row r="21"><c r="A21" s="1"/></row></sheetData>`+
				`<mergeCells><mergeCell ref="B2:BL21"/></mergeCells>`)
		}), ErrNoHeader, "", 32 << 20},
		{"a charset other than UTF-8", importstest.Package(map[string]string{"xl/workbook.xml": `<?xml version="1.0" encoding="GBK"?><workbook/>`}, nil), ErrNotSpreadsheet, "", 1 << 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			bytes := allocated(func() { _, err = Parse(t.Context(), "list.xlsx", tc.data) })
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var cell *CellError
			if tc.cell != "" && (!errors.As(err, &cell) || cell.Cell != tc.cell) {
				t.Errorf("got %v, want it to name cell %s", err, tc.cell)
			}
			if bytes > tc.maxBytes {
				t.Errorf("reading it allocated %d KB, want under %d", bytes>>10, tc.maxBytes>>10)
			}
		})
	}
}

// TestParsingStopsWithItsContext: a request abandoned, or past its time,
// stops the reading with the context's cause.
func TestParsingStopsWithItsContext(t *testing.T) {
	data := importstest.WideRows(10) // refused at once were it read
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Parse(canceled, "list.xlsx", data); !errors.Is(err, context.Canceled) {
		t.Errorf("an abandoned request: got %v, want context.Canceled", err)
	}
	late, cancel := context.WithTimeoutCause(t.Context(), 0, ErrTooSlow)
	defer cancel()
	if _, err := Parse(late, "list.xlsx", data); !errors.Is(err, ErrTooSlow) {
		t.Errorf("past its time: got %v, want ErrTooSlow", err)
	}
	if _, err := Parse(late, "list.csv", []byte(table10CSV(t))); !errors.Is(err, ErrTooSlow) {
		t.Errorf("a CSV file past its time: got %v, want ErrTooSlow", err)
	}
}
