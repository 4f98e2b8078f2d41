package imports

import (
	"bytes"
	"io"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/imports/importstest"
)

// sharedStrings is a shared-strings table as Excel writes it: plain
// texts, rich text in runs, a phonetic reading (which a sheet does not
// show), characters XML cannot hold escaped as _xHHHH_, and a literal
// "_x0041_" with its underscore escaped.
const sharedStrings = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">
  <si><t>年度目标</t></si>
  <si><t>项目名称</t></si>
  <si><r><rPr><b/></rPr><t>海安路</t></r><r><t xml:space="preserve">（军工路-共青路） </t></r><r><t>道路整治工程</t></r></si>
  <si><t>长海路</t><rPh sb="0" eb="3"><t>チョウカイロ</t></rPh><phoneticPr fontId="1"/></si>
  <si><t>第一行_x000D__x000A_第二行</t></si>
  <si><t>_x005F_x0041_</t></si>
</sst>`

// richSheet uses every kind of cell: shared and inline strings (one in
// runs), a formula's last result as text and as a number, a boolean, an
// error, a date serial, cells and rows without references, and gaps.
const richSheet = `<sheetData>
  <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="D1" t="inlineStr"><is><t>节点</t></is></c></row>
  <row r="3" spans="1:4"><c r="A3" t="inlineStr"><is><t>开工</t></is></c><c r="B3" t="s"><v>2</v></c>
    <c r="C3" t="str"><f>A3&amp;"!"</f><v>开工!</v></c><c r="D3" s="5"><v>45107</v></c></row>
  <row><c t="inlineStr"><is><r><t>竣</t></r><r><t>工</t></r></is></c><c t="s"><v>3</v></c><c><f>1+1</f><v>2</v></c><c t="b"><v>1</v></c></row>
  <row r="6"><c r="A6" t="e"><v>#N/A</v></c><c r="B6" t="s"><v>4</v></c><c r="E6" t="s"><v>5</v></c></row>
</sheetData>`

func richWorkbook() []byte {
	return importstest.Package(map[string]string{"xl/sharedStrings.xml": sharedStrings},
		func(w io.Writer) { io.WriteString(w, richSheet) })
}

// streamedRows reads a workbook's first sheet as parseXLSX does, before
// merged cells are filled.
func streamedRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	w, err := openWorkbook(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.open(w.sheetPath)
	if err != nil {
		t.Fatal(err)
	}
	defer p.body.Close()
	ws, err := readWorksheet(p)
	if err != nil {
		t.Fatal(err)
	}
	wanted := map[int]bool{}
	for _, s := range ws.shared {
		wanted[s.index] = true
	}
	texts, err := w.sharedStrings(wanted)
	if err != nil {
		t.Fatal(err)
	}
	ws.setShared(texts)
	return ws.rows
}

// excelizeRows reads the same sheet with excelize, raw, as the import did
// before it streamed sheets itself.
func excelizeRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func trimRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		for len(r) > 0 && r[len(r)-1] == "" {
			r = r[:len(r)-1]
		}
		out[i] = r
	}
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// TestStreamedCellsAreExcelizes: the cells read by streaming are those
// excelize reads, raw, for every kind of cell and for the workbooks the
// other tests build with excelize.
func TestStreamedCellsAreExcelizes(t *testing.T) {
	for name, data := range map[string][]byte{
		"every kind of cell": richWorkbook(),
		"Table 10":           table10XLSX(t),
		"blank rows":         newXLSX(t, [][]any{{"标题"}, {}, {"年度目标", "项目名称", 3.25, true}, {}, {"", "  ", -1}}),
	} {
		t.Run(name, func(t *testing.T) {
			got, want := trimRows(streamedRows(t, data)), trimRows(excelizeRows(t, data))
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("got\n%q\nwant\n%q", got, want)
			}
		})
	}
}

// TestParseXLSXTextAsASheetShowsIt: rich text is joined, a phonetic
// reading dropped, escapes decoded; a formula gives its last result and a
// date typed as a date its day.
func TestParseXLSXTextAsASheetShowsIt(t *testing.T) {
	sheet, err := Parse(t.Context(), "list.xlsx", richWorkbook())
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Number: 3, Cells: map[Column]string{ListColumn: "开工", NameColumn: "海安路（军工路-共青路） 道路整治工程", DeadlineColumn: "2023-06-30"}},
		{Number: 4, Cells: map[Column]string{ListColumn: "竣工", NameColumn: "长海路", DeadlineColumn: "1"}},
		{Number: 6, Cells: map[Column]string{ListColumn: "#N/A", NameColumn: "第一行\r\n第二行", DeadlineColumn: ""}},
	}
	if len(sheet.Rows) != len(want) {
		t.Fatalf("got %d rows %+v, want %d", len(sheet.Rows), sheet.Rows, len(want))
	}
	for i, w := range want {
		got := sheet.Rows[i]
		if got.Number != w.Number {
			t.Errorf("row %d: numbered %d", w.Number, got.Number)
		}
		for c, v := range w.Cells {
			if got.Cell(c) != v {
				t.Errorf("row %d, %s: got %q, want %q", w.Number, c, got.Cell(c), v)
			}
		}
	}
	if got := streamedRows(t, richWorkbook())[5][4]; got != "_x0041_" {
		t.Errorf("an escaped underscore: got %q, want _x0041_", got)
	}
}

// TestParseXLSXFindsTheFirstWorksheet follows the package's relationships
// as a spreadsheet program does: a workbook part not at its usual name, a
// chart sheet listed first, a worksheet named by an absolute target.
func TestParseXLSXFindsTheFirstWorksheet(t *testing.T) {
	const rels = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	data := importstest.Package(map[string]string{
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + rels + `/officeDocument" Target="book/main.xml"/></Relationships>`,
		"book/main.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + rels + `">` +
			`<workbookPr date1904="1"/><sheets><sheet name="图表" sheetId="2" r:id="rId7"/><sheet name="清单" sheetId="1" r:id="rId3"/></sheets></workbook>`,
		"book/_rels/main.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId7" Type="` + rels + `/chartsheet" Target="charts/c1.xml"/>` +
			`<Relationship Id="rId3" Type="` + rels + `/worksheet" Target="/data/list.xml"/></Relationships>`,
		"data/list.xml": `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1">` + inline("A1", "年度目标") + inline("B1", "项目名称") + inline("C1", "节点") + `</row>` +
			`<row r="2">` + inline("A2", "开工") + inline("B2", "甲路") + `<c r="C2"><v>43645</v></c></row></sheetData></worksheet>`,
	}, nil)
	sheet, err := Parse(t.Context(), "list.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if sheet.SheetName != "清单" || len(sheet.Rows) != 1 || sheet.Rows[0].Cell(NameColumn) != "甲路" {
		t.Fatalf("got sheet %q, rows %+v", sheet.SheetName, sheet.Rows)
	}
	// 43645 days from 1904-01-01.
	if got := sheet.Rows[0].Cell(DeadlineColumn); got != "2023-06-30" {
		t.Errorf("a 1904-based date: got %q, want 2023-06-30", got)
	}
}

func TestColumnNames(t *testing.T) {
	for c, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 52: "AZ", 53: "BA", maxColumns: LastColumn, 16384: "XFD"} {
		if got := columnName(c); got != want {
			t.Errorf("column %d: got %s, want %s", c, got, want)
		}
		if got, row, ok := parseCellRef(want + "7"); !ok || got != c || row != 7 {
			t.Errorf("%s7: got column %d row %d %v", want, got, row, ok)
		}
	}
	for _, bad := range []string{"", "A", "7", "A0", "XFE1", "A1048577", "AAAA1", "A1B", "A-1", "Ａ1"} {
		if _, _, ok := parseCellRef(bad); ok {
			t.Errorf("%q read as a cell", bad)
		}
	}
}
