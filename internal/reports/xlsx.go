package reports

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Labels are the words of a workbook, in the reader's language.
type Labels struct {
	Title    string // "2022年区“双十”项目进展情况"
	AsOf     string // "数据截至 2023年1月4日"
	Headings [5]string
	Category func(Row) string // the category as the table prints it (路)
	List     func(Row) string // the target as the table prints it (开工)
}

// Workbook writes the table as an Excel workbook laid out as the report's
// table: a title and a date above, the five columns with widths a person
// would set, text that wraps, borders, and one merged cell per category.
// The page prints on A4 portrait, one page wide.
func Workbook(rows []Row, l Labels) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	if err := f.SetSheetName(sheet, "table"); err != nil {
		return nil, err
	}
	s := "table"
	cells := []struct {
		ref   string
		value any
	}{{"A1", l.Title}, {"A2", l.AsOf}}
	for i, h := range l.Headings {
		cells = append(cells, struct {
			ref   string
			value any
		}{fmt.Sprintf("%c3", 'A'+i), h})
	}
	for _, c := range cells {
		if err := f.SetCellValue(s, c.ref, c.value); err != nil {
			return nil, err
		}
	}
	for _, m := range [][2]string{{"A1", "E1"}, {"A2", "E2"}} {
		if err := f.MergeCell(s, m[0], m[1]); err != nil {
			return nil, err
		}
	}

	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	heading, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	centred, err := f.NewStyle(&excelize.Style{Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{Border: border,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(s, "A1", "E1", title); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(s, "A3", "E3", heading); err != nil {
		return nil, err
	}

	for i, r := range rows {
		line := strconv.Itoa(4 + i)
		values := []any{l.Category(r), r.Number, r.Name, l.List(r), r.Progress}
		for col, v := range values {
			// The category goes in the first cell of its merged range only:
			// Excel keeps one value for a merged range.
			if col == 0 && r.CategoryRows == 0 {
				continue
			}
			if err := f.SetCellValue(s, fmt.Sprintf("%c%s", 'A'+col, line), v); err != nil {
				return nil, err
			}
		}
		if err := f.SetCellStyle(s, "A"+line, "B"+line, centred); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(s, "C"+line, "C"+line, text); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(s, "D"+line, "D"+line, centred); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(s, "E"+line, "E"+line, text); err != nil {
			return nil, err
		}
		if r.CategoryRows > 1 {
			if err := f.MergeCell(s, "A"+line, "A"+strconv.Itoa(4+i+r.CategoryRows-1)); err != nil {
				return nil, err
			}
		}
	}
	for col, width := range map[string]float64{"A": 6, "B": 6, "C": 46, "D": 10, "E": 36} {
		if err := f.SetColWidth(s, col, col, width); err != nil {
			return nil, err
		}
	}
	size, fit := 9, true // A4
	if err := f.SetPageLayout(s, &excelize.PageLayoutOptions{Size: &size, FitToWidth: ptr(1), FitToHeight: ptr(0)}); err != nil {
		return nil, err
	}
	if err := f.SetSheetProps(s, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return nil, err
	}
	// The headings repeat on every printed page.
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'table'!$3:$3", Scope: s}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }
