package reports

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/projects"
)

// TestWrappedRowsAreTallEnough: a progress text of several lines, and one
// long enough to wrap, each get a row that shows every line; LibreOffice
// keeps the stored height and would show only the last.
func TestWrappedRowsAreTallEnough(t *testing.T) {
	long := strings.Repeat("已完成路基施工，正在铺设沥青面层", 5) // 80 characters
	rows := []Row{
		{Category: projects.Road, CategoryRows: 3, Number: 1, Name: "甲路", List: projects.StartList, Progress: "已开工"},
		{Category: projects.Road, Number: 2, Name: "乙路", List: projects.StartList, Progress: "管线迁移完成\n主线路基完成\n沥青面层施工中"},
		{Category: projects.Road, Number: 3, Name: "丙路", List: projects.CompleteList, Progress: long},
	}
	body, err := Workbook(rows, nil, Labels{
		Title: "2024", AsOf: "as of", Sheet: "Progress 2024", Updated: time.Date(2024, 12, 31, 8, 0, 0, 0, time.UTC),
		Headings: [5]string{"Category", "No.", "Project", "Target", "Progress"},
		Category: func(r Row) string { return string(r.Category) },
		List:     func(r Row) string { return string(r.List) },
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	width, _ := f.GetColWidth(sheet, "E")
	// At its narrowest a Chinese character is 1.5 column units wide (a
	// font whose digits are 9 pixels wide at 11 points), and a line of
	// 11-point text needs 14 points at least.
	atLeast := map[int]int{4: 1, 5: 3, 6: (utf8.RuneCountInString(long)*3/2 + int(width) - 1) / int(width)}
	for line, lines := range atLeast {
		h, err := f.GetRowHeight(sheet, line)
		if err != nil {
			t.Fatal(err)
		}
		if h < float64(lines)*14 {
			t.Errorf("row %d is %.1f points tall for %d lines or more", line, h, lines)
		}
	}
	if h, _ := f.GetRowHeight(sheet, 4); h > 2*14 {
		t.Errorf("row 4 holds one line in %.1f points", h)
	}
	if dim, _ := f.GetSheetDimension(sheet); dim != "A1:E"+strconv.Itoa(3+len(rows)) {
		t.Errorf("dimension %q, want A1:E6", dim)
	}
	if w, _ := f.GetColWidth(sheet, "A"); w < 9 {
		t.Errorf("column A is %.1f wide: \"Category\" in bold breaks in the middle", w)
	}
}
