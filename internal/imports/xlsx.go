package imports

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/civil"
)

func parseXLSX(data []byte) (Sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    maxUnzipped,
		UnzipXMLSizeLimit: maxUnzipped, // in memory, no temporary files
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return Sheet{}, fmt.Errorf("%w: %v", ErrTooLarge, err)
		}
		return Sheet{}, fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) == 0 {
		return Sheet{}, fmt.Errorf("%w: the workbook has no sheet", ErrNotSpreadsheet)
	}
	name := names[0]
	rows, truncated, err := readWorksheet(f, name)
	if err != nil {
		return Sheet{}, err
	}
	props, err := f.GetWorkbookProps()
	if err != nil {
		return Sheet{}, fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
	}
	date1904 := props.Date1904 != nil && *props.Date1904
	sheet, err := fromRows(rows, truncated)
	if err != nil {
		return Sheet{}, err
	}
	sheet.Format, sheet.SheetName = XLSX, name
	for i := range sheet.Rows {
		for _, c := range dateColumns {
			if v, ok := sheet.Rows[i].Cells[c]; ok {
				sheet.Rows[i].Cells[c] = serialToDate(v, date1904)
			}
		}
	}
	return sheet, nil
}

// maxRowNumber is the furthest row read for values: a list with its blank
// rows fits well within it. maxSheetRows is the furthest row a sheet may
// have at all: formatting left far below the list (Excel leaves it after a
// selection was styled) is passed over up to there.
const (
	maxRowNumber = 10 * maxRead
	maxSheetRows = 200_000
)

// mergedRange is a merged cell's span, 1-based and inclusive.
type mergedRange struct {
	top, left, bottom, right int
	value                    string
}

// readWorksheet returns the sheet's rows that are not blank, as raw values
// (a date is its serial number), with merged cells filled. truncated reports
// that reading stopped at maxRead rows. A sheet with values past row
// maxRowNumber, or rows of any kind past maxSheetRows, is refused with
// ErrTooManyRows.
func readWorksheet(f *excelize.File, sheet string) (out []sheetRow, truncated bool, err error) {
	// The rows are streamed first. Only then are the merged cells asked
	// for, which makes excelize load the whole sheet with a row for every
	// number up to the last: asked first, a 6 KB workbook with one cell on
	// row 1,048,576 took seconds and hundreds of megabytes.
	var raw [][]string // raw[r-1] is row r, up to maxRowNumber
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
	}
	// Next steps through every row number, those missing from the file
	// too.
	for r := 1; rows.Next(); r++ {
		if r > maxSheetRows {
			rows.Close()
			return nil, false, fmt.Errorf("%w: the sheet goes on past row %d", ErrTooManyRows, maxSheetRows)
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("%w: row %d: %v", ErrNotSpreadsheet, r, err)
		}
		if len(cells) > maxColumns {
			cells = cells[:maxColumns]
		}
		switch {
		case r <= maxRowNumber:
			raw = append(raw, cells)
		case !blank(cells):
			// Rows far below are left over formatting, unless they hold
			// values.
			rows.Close()
			return nil, false, fmt.Errorf("%w: row %d has values", ErrTooManyRows, r)
		}
	}
	if err := rows.Error(); err != nil {
		rows.Close()
		return nil, false, fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
	}
	rows.Close()

	merges, err := mergedRanges(f, sheet)
	if err != nil {
		return nil, false, err
	}
	var active []*mergedRange
	for i, cells := range raw {
		r := i + 1
		if len(out) == maxRead {
			return out, true, nil
		}
		// Merges are sorted by top row: start those beginning here, drop
		// those that ended above.
		for len(merges) > 0 && merges[0].top == r {
			active = append(active, &merges[0])
			merges = merges[1:]
		}
		kept := active[:0]
		for _, m := range active {
			if m.bottom >= r {
				kept = append(kept, m)
			}
		}
		active = kept
		if cells = fillMerged(cells, r, active); !blank(cells) {
			out = append(out, sheetRow{number: r, cells: cells})
		}
	}
	return out, false, nil
}

func mergedRanges(f *excelize.File, sheet string) ([]mergedRange, error) {
	cells, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
	}
	var ranges []mergedRange
	for _, c := range cells {
		left, top, err1 := excelize.CellNameToCoordinates(c.GetStartAxis())
		right, bottom, err2 := excelize.CellNameToCoordinates(c.GetEndAxis())
		if err1 != nil || err2 != nil || left > maxColumns {
			continue
		}
		ranges = append(ranges, mergedRange{top: top, left: left, bottom: bottom, right: min(right, maxColumns)})
	}
	sort.Slice(ranges, func(i, j int) bool { return ranges[i].top < ranges[j].top })
	return ranges, nil
}

// fillMerged records the value of each merged range whose top-left cell is
// in row r and writes it into the range's other cells in this row: a sheet
// shows the merged value across the whole span, so the row has it.
func fillMerged(cells []string, r int, active []*mergedRange) []string {
	for _, m := range active {
		if m.top == r && m.left <= len(cells) {
			m.value = cells[m.left-1]
		}
		if m.value == "" {
			continue
		}
		for len(cells) < m.right {
			cells = append(cells, "")
		}
		for c := m.left; c <= m.right; c++ {
			if r != m.top || c != m.left {
				cells[c-1] = m.value
			}
		}
	}
	return cells
}

var dateColumns = []Column{PlannedStartColumn, PlannedCompletionColumn, DeadlineColumn}

// serialToDate turns an Excel date serial number, as a cell typed as a date
// holds it, into YYYY-MM-DD; other values are returned unchanged.
func serialToDate(v string, date1904 bool) string {
	if d, ok := excelSerial(v, date1904); ok {
		return d.String()
	}
	return v
}

// excelSerial reads an Excel date serial number (days since 1899-12-30, or
// since 1904-01-01 in a 1904-based workbook; a fraction is the time of day)
// when it falls within the years civil dates allow.
func excelSerial(v string, date1904 bool) (civil.Date, bool) {
	if len(v) < 5 || !isDigit(v[0]) {
		return civil.Date{}, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 {
		return civil.Date{}, false
	}
	t, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil || t.Year() < civil.MinYear || t.Year() > civil.MaxYear {
		return civil.Date{}, false
	}
	return civil.DateOf(t), true
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
