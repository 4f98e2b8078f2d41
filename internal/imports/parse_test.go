package imports

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"shuangshi/internal/projects"
)

// checkTable10 asserts that sheet holds the twenty rows of Table 10, in
// order, starting at row first, with their lists.
func checkTable10(t *testing.T, sheet Sheet, first int) {
	t.Helper()
	want := seedTargets(t, 2023)
	if got, w := rowNumbers(sheet.Rows), seq(first, first+19); !slices.Equal(got, w) {
		t.Fatalf("row numbers: got %v, want %v", got, w)
	}
	for i, row := range sheet.Rows {
		if got := row.Cell(NameColumn); got != want[i].ListedName {
			t.Errorf("row %d name: got %q, want %q", row.Number, got, want[i].ListedName)
		}
		list, ok := parseList(row.Cell(ListColumn))
		if !ok || list != want[i].List {
			t.Errorf("row %d list %q: got %q, want %q", row.Number, row.Cell(ListColumn), list, want[i].List)
		}
	}
}

func TestParseTable10XLSX(t *testing.T) {
	sheet, err := Parse(t.Context(), "表十.xlsx", table10XLSX(t))
	if err != nil {
		t.Fatal(err)
	}
	if sheet.Format != XLSX || sheet.SheetName != "Sheet1" {
		t.Errorf("got format %q sheet %q, want xlsx Sheet1", sheet.Format, sheet.SheetName)
	}
	if sheet.HeaderRow != 2 {
		t.Errorf("header row: got %d, want 2 (under the title)", sheet.HeaderRow)
	}
	// The list column has no heading; it is found by its values.
	if h, ok := sheet.Headings[ListColumn]; !ok || h != "" {
		t.Errorf("list heading: got %q, %v; want found under an empty heading", h, ok)
	}
	checkTable10(t, sheet, 3)
}

func TestParseTable10CSV(t *testing.T) {
	text := table10CSV(t)
	tests := []struct {
		name     string
		data     []byte
		encoding string
	}{
		{"UTF-8", []byte(text), "UTF-8"},
		{"UTF-8 with BOM", append([]byte("\ufeff"), text...), "UTF-8 with BOM"},
		{"GB18030", encode(t, simplifiedchinese.GB18030, text), "GB18030"},
		{"GBK", encode(t, simplifiedchinese.GBK, text), "GB18030"},
		{"UTF-16 tab-separated", encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM),
			strings.ReplaceAll(text, ",", "\t")), "UTF-16"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sheet, err := Parse(t.Context(), "双十.csv", tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if sheet.Format != CSV || sheet.Encoding != tc.encoding {
				t.Errorf("got %s in %q, want csv in %q", sheet.Format, sheet.Encoding, tc.encoding)
			}
			if sheet.HeaderRow != 2 || sheet.Headings[ListColumn] != "年度目标" || sheet.Headings[NameColumn] != "项目名称" {
				t.Errorf("header: got row %d, headings %v", sheet.HeaderRow, sheet.Headings)
			}
			checkTable10(t, sheet, 3)
		})
	}
	// The GB18030 bytes are not UTF-8: the test would prove nothing if
	// they were.
	if b := encode(t, simplifiedchinese.GB18030, text); bytes.Equal(b, []byte(text)) {
		t.Fatal("the GB18030 fixture is the UTF-8 text")
	}
}

func TestParseHeadings(t *testing.T) {
	data := csvText(t, [][]string{
		{"序号", "类别", "项目名称", "“双十”", "范围", "责任单位", "计划开工（日期）", "Planned completion", "节点", "推进情况", "联系人"},
		{"1", "路", "海安路（军工路-共青路）道路综合整治工程", "竣工", "军工路-共青路", "区建管委", "2022/3/1", "2023.6.30", "2023年12月31日", "", "张三"},
	})
	sheet, err := Parse(t.Context(), "list.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := map[Column]string{
		CategoryColumn: "类别", NameColumn: "项目名称", ListColumn: "“双十”", ExtentColumn: "范围",
		UnitColumn: "责任单位", PlannedStartColumn: "计划开工（日期）",
		PlannedCompletionColumn: "Planned completion", DeadlineColumn: "节点",
	}
	for c, h := range want {
		if sheet.Headings[c] != h {
			t.Errorf("heading of %s: got %q, want %q", c, sheet.Headings[c], h)
		}
	}
	// 序号 and 推进情况 are known and left alone; 联系人 is reported.
	if !slices.Equal(sheet.Ignored, []string{"联系人"}) {
		t.Errorf("ignored: got %q, want [联系人]", sheet.Ignored)
	}
	if h := Headings(ListColumn); h[0] != "年度目标" || !slices.Contains(h, "list") {
		t.Errorf("Headings(list) = %q", h)
	}
	row := sheet.Rows[0]
	if row.Number != 2 || row.Cell(UnitColumn) != "区建管委" || row.Cell(DeadlineColumn) != "2023年12月31日" {
		t.Errorf("got row %+v", row)
	}
}

func TestParseRowNumbers(t *testing.T) {
	t.Run("CSV blank lines and a cell over two lines", func(t *testing.T) {
		data := "说明：2023 年清单\r\n\r\n项目名称,list\r\n" +
			"甲路道路新建工程,start\r\n" +
			"\r\n" +
			",\r\n" +
			"\"乙路\n道路新建工程\",start\r\n" +
			"　　　,\u3000\r\n" + // full-width spaces only: blank
			"丙路道路新建工程,complete\r\n"
		sheet, err := Parse(t.Context(), "list.csv", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if sheet.HeaderRow != 3 {
			t.Errorf("header row: got %d, want 3", sheet.HeaderRow)
		}
		if got, want := rowNumbers(sheet.Rows), []int{4, 7, 9}; !slices.Equal(got, want) {
			t.Errorf("row numbers: got %v, want %v", got, want)
		}
		// Nothing is rejoined or split: the cell keeps its line break.
		if got := sheet.Rows[1].Cell(NameColumn); got != "乙路\n道路新建工程" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("XLSX blank rows", func(t *testing.T) {
		data := newXLSX(t, [][]any{
			{"2023 年“双十”项目"},
			{},
			{"年度目标", "项目名称"},
			{"开工", "甲路道路新建工程"},
			{},
			{"", "  "},
			{"竣工", "丙路道路新建工程"},
		})
		sheet, err := Parse(t.Context(), "list.xlsx", data)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := rowNumbers(sheet.Rows), []int{4, 7}; sheet.HeaderRow != 3 || !slices.Equal(got, want) {
			t.Errorf("got header %d rows %v, want 3 %v", sheet.HeaderRow, got, want)
		}
	})
}

func TestParseXLSXDates(t *testing.T) {
	day := time.Date(2023, time.June, 30, 0, 0, 0, 0, time.UTC)
	for _, date1904 := range []bool{false, true} {
		t.Run(fmt.Sprintf("1904-based %v", date1904), func(t *testing.T) {
			f := excelize.NewFile()
			defer f.Close()
			if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
				t.Fatal(err)
			}
			for cell, v := range map[string]any{
				"A1": "list", "B1": "name", "C1": "deadline", "D1": "planned start", "E1": "planned completion",
				"A2": "complete", "B2": "甲路道路新建工程", "C2": day, "D2": 2022, "E2": "2023年6月30日",
			} {
				if err := f.SetCellValue("Sheet1", cell, v); err != nil {
					t.Fatal(err)
				}
			}
			sheet, err := Parse(t.Context(), "dates.xlsx", xlsxBytes(t, f))
			if err != nil {
				t.Fatal(err)
			}
			row := sheet.Rows[0]
			for c, want := range map[Column]string{DeadlineColumn: "2023-06-30", PlannedStartColumn: "2022", PlannedCompletionColumn: "2023年6月30日"} {
				if got := row.Cell(c); got != want {
					t.Errorf("%s: got %q, want %q", c, got, want)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	header := "年度目标,项目名称\r\n"
	many := func(n int) []byte {
		var b strings.Builder
		b.WriteString(header)
		for i := range n {
			fmt.Fprintf(&b, "开工,第%d号路道路新建工程\r\n", i+1)
		}
		return []byte(b.String())
	}
	zipNotWorkbook := func() []byte {
		// A zip container that is not a workbook, such as a .docx.
		return []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00garbage")
	}
	tests := []struct {
		name     string
		filename string
		data     []byte
		want     error
	}{
		{"no bytes", "list.csv", nil, ErrEmpty},
		{"only spaces", "list.csv", []byte(" \r\n\t\r\n"), ErrEmpty},
		{"only a byte order mark", "list.csv", []byte("\ufeff"), ErrEmpty},
		{"header without rows", "list.csv", []byte(header + ",\r\n\r\n"), ErrEmpty},
		{"workbook without rows", "list.xlsx", newXLSX(t, [][]any{{"list", "name"}}), ErrEmpty},
		{"empty workbook", "list.xlsx", newXLSX(t, nil), ErrEmpty},
		{"PNG", "list.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), ErrNotSpreadsheet},
		{"PDF", "list.csv", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n\x00\x01\x02\x03"), ErrNotSpreadsheet},
		{"random bytes", "list.csv", []byte{0x80, 0xff, 0x81, 0x00, 0x12, 0x9f, 0xfe, 0x07}, ErrNotSpreadsheet},
		{"HTML table saved as .xls", "list.xls", []byte("<html><body><table><tr><td>项目名称</td></tr></table></body></html>"), ErrNotSpreadsheet},
		{"zip that is not a workbook", "list.docx", zipNotWorkbook(), ErrNotSpreadsheet},
		{"Excel 97-2003", "list.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), ErrLegacyExcel},
		{"text named .xlsx", "list.xlsx", []byte(header + "开工,甲路\r\n"), ErrNotSpreadsheet},
		{"no list column", "list.csv", []byte("项目名称,责任单位\r\n甲路道路新建工程,区建管委\r\n"), ErrNoHeader},
		{"no name column", "list.csv", []byte("年度目标,责任单位\r\n开工,区建管委\r\n"), ErrNoHeader},
		{"other headings", "list.csv", []byte("a,b,c\r\n1,2,3\r\n"), ErrNoHeader},
		{"header below row 10", "list.csv", []byte(strings.Repeat("说明\r\n", 10) + header + "开工,甲路道路新建工程\r\n"), ErrNoHeader},
		{"list column found by values needs list values", "list.xlsx", newXLSX(t, [][]any{{"", "项目名称"}, {"路", "甲路道路新建工程"}}), ErrNoHeader},
		{"1001 rows", "list.csv", many(MaxRows + 1), ErrTooManyRows},
		{"20000 rows", "list.csv", many(20000), ErrTooManyRows},
		{"over the size limit", "list.csv", make([]byte, MaxFileSize+1), ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sheet, err := Parse(t.Context(), tc.filename, tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v (%d rows), want %v", err, len(sheet.Rows), tc.want)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	rows := [][]any{{"2023 年“双十”项目"}, {"年度目标", "项目名称"}}
	for i := range MaxRows {
		rows = append(rows, []any{"开工", fmt.Sprintf("第%d号路道路新建工程", i+1)})
	}
	sheet, err := Parse(t.Context(), "big.xlsx", newXLSX(t, rows))
	if err != nil {
		t.Fatalf("%d rows: got %v, want them read", MaxRows, err)
	}
	if n := len(sheet.Rows); n != MaxRows || sheet.Rows[n-1].Number != MaxRows+2 {
		t.Fatalf("got %d rows, the last numbered %d; want %d, the last %d", n, sheet.Rows[n-1].Number, MaxRows, MaxRows+2)
	}
	rows = append(rows, []any{"竣工", "最后一条路道路新建工程"})
	if _, err := Parse(t.Context(), "big.xlsx", newXLSX(t, rows)); !errors.Is(err, ErrTooManyRows) {
		t.Fatalf("%d rows: got %v, want ErrTooManyRows", MaxRows+1, err)
	}
}

func TestParseXLSXListValues(t *testing.T) {
	// Lists as people write them, under a “双十” heading.
	data := newXLSX(t, [][]any{
		{"“双十”", "项目名称", "类别"},
		{"开工", "甲", "路"},
		{"“双十”开工", "乙", "road"},
		{"Start", "丙", "水"},
		{"竣工", "丁", "电"},
		{"complete", "戊", "轨"},
		{"完工", "己", "隧"},
		{"开功", "庚", "桥"},
	})
	sheet, err := Parse(t.Context(), "list.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	want := []projects.List{projects.StartList, projects.StartList, projects.StartList,
		projects.CompleteList, projects.CompleteList, projects.CompleteList, ""}
	for i, row := range sheet.Rows {
		got, _ := parseList(row.Cell(ListColumn))
		if got != want[i] {
			t.Errorf("row %d %q: got %q, want %q", row.Number, row.Cell(ListColumn), got, want[i])
		}
	}
}

func TestParseXLSXStrayRows(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	for cell, v := range map[string]any{"A1": "年度目标", "B1": "项目名称", "C1": "备注", "A2": "开工", "B2": "甲路道路新建工程", "C3": "只有备注"} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	// Formatting far below, as Excel leaves after a selection was styled:
	// rows without values, which are blank.
	style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Sheet1", "A50000", "B50000", style); err != nil {
		t.Fatal(err)
	}
	if err := f.SetRowHeight("Sheet1", 100000, 30); err != nil {
		t.Fatal(err)
	}
	sheet, err := Parse(t.Context(), "list.xlsx", xlsxBytes(t, f))
	if err != nil {
		t.Fatal(err)
	}
	// Row 3 has a value only in a column the import does not use.
	if got := rowNumbers(sheet.Rows); !slices.Equal(got, []int{2}) {
		t.Fatalf("got rows %v, want [2]", got)
	}
}

func TestParseXLSXUnzipLimit(t *testing.T) {
	// A workbook that unzips to more than the limit: a zip bomb, or a
	// workbook full of pictures.
	zr, err := zip.NewReader(bytes.NewReader(table10XLSX(t)), int64(len(table10XLSX(t))))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, file := range zr.File {
		if err := zw.Copy(file); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create("xl/media/image1.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, maxUnzipped+1)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > MaxFileSize {
		t.Fatalf("the fixture is %d bytes, over MaxFileSize", buf.Len())
	}
	if _, err := Parse(t.Context(), "bomb.xlsx", buf.Bytes()); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
}

// farRowWorkbook is a header and one cell on the sheet's last row: a few
// kilobytes that once took seconds to read, row number by row number.
func farRowWorkbook(t testing.TB) []byte {
	f := excelize.NewFile()
	for cell, v := range map[string]string{"A1": "序号", "B1": "项目名称", "C1": "年度目标", "A1048576": "1"} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	return xlsxBytes(t, f)
}

// TestASheetThatGoesOnTooFarIsRefused: data on row 1,048,576 is too many
// rows, said so, whatever lies between.
func TestASheetThatGoesOnTooFarIsRefused(t *testing.T) {
	_, err := Parse(t.Context(), "list.xlsx", farRowWorkbook(t))
	if !errors.Is(err, ErrTooManyRows) {
		t.Fatalf("got %v, want ErrTooManyRows", err)
	}
}

// BenchmarkParseFarRow is the time such a workbook takes: milliseconds,
// not the seconds it took before rows were streamed first.
func BenchmarkParseFarRow(b *testing.B) {
	data := farRowWorkbook(b)
	for b.Loop() {
		if _, err := Parse(b.Context(), "list.xlsx", data); !errors.Is(err, ErrTooManyRows) {
			b.Fatal(err)
		}
	}
}
