package imports

import (
	"context"
	"strconv"

	"github.com/xuri/excelize/v2"

	"shuangshi/internal/civil"
)

// parseXLSX reads the first worksheet of a workbook as a stream: the zip
// container with archive/zip, each part with encoding/xml's decoder behind
// a guard (see part), keeping only what the import reads. A library that
// loads the whole sheet makes room for every cell up to the furthest one
// declared: a 2 KB file of rows that each reach column XFD took hundreds
// of megabytes that way.
func parseXLSX(ctx context.Context, data []byte) (Sheet, error) {
	w, err := openWorkbook(ctx, data)
	if err != nil {
		return Sheet{}, err
	}
	p, err := w.open(w.sheetPath)
	if err != nil {
		return Sheet{}, err
	}
	ws, err := readWorksheet(p)
	p.body.Close()
	if err != nil {
		return Sheet{}, err
	}
	if len(ws.shared) > 0 {
		wanted := make(map[int]bool, len(ws.shared))
		for _, s := range ws.shared {
			wanted[s.index] = true
		}
		texts, err := w.sharedStrings(wanted)
		if err != nil {
			return Sheet{}, err
		}
		ws.setShared(texts)
	}
	rows, truncated := ws.filledRows()
	sheet, err := fromRows(ctx, rows, truncated)
	if err != nil {
		return Sheet{}, err
	}
	sheet.Format, sheet.SheetName = XLSX, w.sheetName
	for i := range sheet.Rows {
		for _, c := range dateColumns {
			if v, ok := sheet.Rows[i].Cells[c]; ok {
				sheet.Rows[i].Cells[c] = serialToDate(v, w.date1904)
			}
		}
	}
	return sheet, nil
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
