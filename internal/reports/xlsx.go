package reports

import (
	"fmt"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/workbook"
)

// Labels are the words of a workbook, in the reader's language.
type Labels struct {
	Title    string // "2022年区“双十”项目进展情况"
	AsOf     string // "数据截至 2023年1月4日"
	Headings [5]string
	Category func(Row) string // the category as the table prints it (路)
	List     func(Row) string // the target as the table prints it (开工)
	Sheet    string           // the sheet's name, "2022年进展"
	Creator  string           // the site's name, the document's creator
	Language string           // the BCP 47 tag of the words
	// Updated is when the data stood as the table shows it: the
	// document's date.
	Updated time.Time
	// Investment holds the words of the investment part, when the table
	// has one; nil otherwise.
	Investment *InvestmentLabels
}

// Workbook writes the table as an Excel workbook laid out as the report's
// table: a title and a date above, the five columns with widths a person
// would set, text that wraps, borders, and one merged cell per category.
// The page prints on A4 portrait, one page wide; landscape with the
// investment part.
//
// With the investment part (l.Investment set, totals its total row), four
// columns follow: the amounts as exact numbers of 万元 (the cell holds the
// decimal as String writes it, never a float's digits) shown with two
// decimals, the rate as a fraction shown as a percentage, the light in
// words; then a total row whose amounts are the exact sums, written as
// values, not as formulas a program would compute again.
func Workbook(rows []Row, totals *Totals, l Labels) ([]byte, error) {
	s := l.Sheet
	f, err := workbook.New(s)
	if err != nil {
		return nil, err
	}
	defer f.Close()
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
	last := "E" // the last column
	if l.Investment != nil {
		last = "I"
		for i, h := range l.Investment.Headings {
			if err := f.SetCellValue(s, fmt.Sprintf("%c3", 'F'+i), h); err != nil {
				return nil, err
			}
		}
	}
	for _, m := range [][2]string{{"A1", last + "1"}, {"A2", last + "2"}} {
		if err := f.MergeCell(s, m[0], m[1]); err != nil {
			return nil, err
		}
	}

	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	title, err := f.NewStyle(&excelize.Style{Font: font(14, true),
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	heading, err := f.NewStyle(&excelize.Style{Font: font(11, true), Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	centred, err := f.NewStyle(&excelize.Style{Font: font(11, false), Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{Font: font(11, false), Border: border,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(s, "A1", last+"1", title); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(s, "A3", last+"3", heading); err != nil {
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
	widths := map[string]float64{"A": 6, "B": 6, "C": 46, "D": 10, "E": 36}
	orientation := "portrait"
	if l.Investment != nil {
		if err := investmentColumns(f, s, rows, totals, *l.Investment, border); err != nil {
			return nil, err
		}
		widths["F"], widths["G"], widths["H"], widths["I"] = 14, 14, 9, 12
		orientation = "landscape"
	}
	for col, width := range widths {
		if err := f.SetColWidth(s, col, col, width); err != nil {
			return nil, err
		}
	}
	lastRow := 3 + len(rows)
	if l.Investment != nil && totals != nil {
		lastRow++
	}
	return workbook.Finish(f, workbook.Page{
		Sheet: s, Title: l.Title, Creator: l.Creator, Language: l.Language, AsOf: l.Updated,
		Landscape: orientation == "landscape", Headings: 3, LastCell: last + strconv.Itoa(lastRow),
	})
}

// font is the named font of the table's cells: workbook.Font at size
// points.
func font(size float64, bold bool) *excelize.Font {
	return &excelize.Font{Family: workbook.Font, Size: size, Bold: bold}
}

// investmentColumns writes the investment part: columns F to I of each
// row, then the total row.
func investmentColumns(f *excelize.File, s string, rows []Row, totals *Totals, l InvestmentLabels, border []excelize.Border) error {
	amount, err := f.NewStyle(&excelize.Style{Font: font(11, false), Border: border, NumFmt: 4, // #,##0.00
		Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	if err != nil {
		return err
	}
	percent := "0.0%"
	rate, err := f.NewStyle(&excelize.Style{Font: font(11, false), Border: border, CustomNumFmt: &percent,
		Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	if err != nil {
		return err
	}
	words, err := f.NewStyle(&excelize.Style{Font: font(11, false), Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Border: border, Font: font(11, true),
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	write := func(line string, inv Investment, lightText string) error {
		cells := []struct {
			col   string
			value string // a number as its exact decimal, or text
			num   bool
			style int
		}{
			{"F", amountCell(inv.Planned), inv.Planned != nil, amount},
			{"G", amountCell(inv.Completed), inv.Completed != nil, amount},
			{"H", "", inv.Rate != nil, rate},
			{"I", lightText, false, words},
		}
		if inv.Rate != nil {
			cells[2].value = rateFraction(*inv.Rate)
		}
		if inv.SameAs == 0 {
			if inv.Planned == nil {
				cells[0].value = l.NotGiven
			}
			if inv.Completed == nil {
				cells[1].value = l.NotGiven
			}
		}
		for _, c := range cells {
			ref := c.col + line
			var err error
			switch {
			case c.num:
				// SetCellDefault keeps the decimal's text as the cell's
				// number: exact, where a float64 would round.
				err = f.SetCellDefault(s, ref, c.value)
			case c.value != "":
				err = f.SetCellStr(s, ref, c.value)
			}
			if err != nil {
				return err
			}
			if err := f.SetCellStyle(s, ref, ref, c.style); err != nil {
				return err
			}
		}
		return nil
	}
	for i, r := range rows {
		if r.Investment == nil {
			continue
		}
		lightText := ""
		switch {
		case r.Investment.SameAs > 0:
			lightText = l.SameAs(r.Investment.SameAs)
		case r.Investment.Light != "":
			lightText = l.Light(r.Investment.Light)
		}
		if err := write(strconv.Itoa(4+i), *r.Investment, lightText); err != nil {
			return err
		}
	}
	if totals == nil {
		return nil
	}
	line := strconv.Itoa(4 + len(rows))
	if err := f.SetCellStr(s, "A"+line, l.Total); err != nil {
		return err
	}
	if err := f.MergeCell(s, "A"+line, "E"+line); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, "A"+line, "E"+line, bold); err != nil {
		return err
	}
	sum := Investment{Planned: totals.Planned, Completed: totals.Completed}
	if r, ok := totals.Rate(); ok {
		sum.Rate = &r
	}
	return write(line, sum, l.Lights(*totals))
}
