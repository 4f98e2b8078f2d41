package imports

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"
)

const (
	// maxUnzipped bounds what an XLSX may unzip to, against zip bombs.
	maxUnzipped = 32 << 20
	// maxColumns bounds the columns read; the list has eight columns and
	// a report table a few more. An XLSX cell beyond it is refused, so
	// that what reading costs follows what the sheet holds.
	maxColumns = 64
	// maxText bounds the bytes of text kept of the cells: a list of a
	// thousand rows holds a few hundred kilobytes. Parse keeps no more in
	// the rows it returns, and an XLSX no more while it is read.
	maxText = 8 << 20
	// parseTime bounds how long Parse may take. A list of a thousand
	// rows takes milliseconds.
	parseTime = 3 * time.Second
)

var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic opens an Excel 97–2003 workbook and an encrypted XLSX.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
)

// Parse reads the first sheet of an uploaded list. The content decides the
// format: a zip container is read as XLSX, anything else as CSV text (comma,
// tab or semicolon separated) in UTF-8, with or without a byte order mark,
// in UTF-16 with one (Excel's "Unicode text"), or else in GB18030, which
// covers the GBK that Chinese Excel writes. The filename only catches a file
// named .xlsx that is not a workbook.
//
// The header row is the first of the top HeaderSearchRows rows with a name
// heading and a list column, which is found by its heading or, under an
// empty heading, by values that mostly read as a list (开工, 竣工): Table 10
// prints no heading over its “双十”开工 cells. In an XLSX, a merged cell's
// value fills every cell it spans, as the sheet shows it; dates typed as
// dates come out as YYYY-MM-DD. Blank rows are skipped but counted, so each
// Row keeps the number a spreadsheet program shows.
//
// An XLSX is read as a stream, and what reading it costs is bounded by what
// the import keeps, not by what the file declares: a cell beyond column
// maxColumns is refused, as are more than maxCells values, maxMerges merged
// ranges or maxText bytes of text. Reading stops after parseTime, or when
// ctx is done.
//
// Parse returns an error wrapping ErrTooLarge, ErrEmpty, ErrNotSpreadsheet
// (ErrLegacyExcel for an .xls), ErrNoHeader, ErrTooManyRows,
// ErrBeyondColumns (a *CellError naming the cell), ErrTooManyCells,
// ErrTooManyMerges, ErrTooMuchText or ErrTooSlow; or, when ctx is done
// first, its cause (context.Canceled when the request was abandoned).
func Parse(ctx context.Context, filename string, data []byte) (Sheet, error) {
	if len(data) > MaxFileSize {
		return Sheet{}, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(data), MaxFileSize)
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0 {
		return Sheet{}, ErrEmpty
	}
	ctx, cancel := context.WithTimeoutCause(ctx, parseTime, ErrTooSlow)
	defer cancel()
	switch ext := strings.ToLower(filepath.Ext(filename)); {
	case bytes.HasPrefix(data, zipMagic):
		return parseXLSX(ctx, data)
	case bytes.HasPrefix(data, oleMagic):
		return Sheet{}, ErrLegacyExcel
	case ext == ".xlsx" || ext == ".xlsm":
		return Sheet{}, fmt.Errorf("%w: %s is not a workbook", ErrNotSpreadsheet, filename)
	}
	return parseCSV(ctx, data)
}

// sheetRow is a row as read, before the header is known: the number a
// spreadsheet shows and the cells. Readers keep only rows that are not blank.
type sheetRow struct {
	number int
	cells  []string
}

// maxRead is how many non-blank rows a reader keeps before it stops: enough
// for the rows above the header, the header and one row over MaxRows.
const maxRead = MaxRows + HeaderSearchRows + 1

// fromRows finds the header among the rows in the top HeaderSearchRows and
// reads the rows under it. truncated says the reader stopped at maxRead.
// It returns the context's cause once ctx is done.
func fromRows(ctx context.Context, rows []sheetRow, truncated bool) (Sheet, error) {
	if len(rows) == 0 {
		return Sheet{}, ErrEmpty
	}
	for i := 0; i < len(rows) && rows[i].number <= HeaderSearchRows; i++ {
		if ctx.Err() != nil {
			return Sheet{}, context.Cause(ctx)
		}
		header := rows[i]
		columns, ok := headerColumns(header.cells, rows[i+1:])
		if !ok {
			continue
		}
		sheet := Sheet{HeaderRow: header.number, Headings: map[Column]string{}}
		for j, c := range columns {
			heading := trim(header.cells[j])
			switch {
			case c != "":
				sheet.Headings[c] = heading
			case heading != "" && !isIgnoredHeading(heading):
				sheet.Ignored = append(sheet.Ignored, heading)
			}
		}
		text := 0
		for _, r := range rows[i+1:] {
			row := Row{Number: r.number, Cells: map[Column]string{}}
			empty := true
			for j, c := range columns {
				if c != "" && j < len(r.cells) {
					row.Cells[c] = trim(r.cells[j])
					empty = empty && row.Cells[c] == ""
					text += len(row.Cells[c])
				}
			}
			// Merged cells repeat a value down their rows, so even a small
			// file can fill many rows with a long text.
			if text > maxText {
				return Sheet{}, fmt.Errorf("%w: at row %d", ErrTooMuchText, r.number)
			}
			// A row with cells only in columns the import does not use
			// has nothing to import.
			if !empty {
				sheet.Rows = append(sheet.Rows, row)
			}
		}
		switch {
		case truncated || len(sheet.Rows) > MaxRows:
			return Sheet{}, fmt.Errorf("%w: the sheet has %d or more", ErrTooManyRows, len(sheet.Rows))
		case len(sheet.Rows) == 0:
			return Sheet{}, fmt.Errorf("%w: nothing under the header in row %d", ErrEmpty, sheet.HeaderRow)
		}
		return sheet, nil
	}
	return Sheet{}, ErrNoHeader
}

// headerColumns reads cells as a header row and returns the column of each
// cell ("" for a cell it does not use). ok is false unless the row has a
// name column and a list column. A list column without a heading is found
// by its values in the rows below.
func headerColumns(cells []string, below []sheetRow) (columns []Column, ok bool) {
	columns = make([]Column, len(cells))
	found := map[Column]bool{}
	for j, cell := range cells {
		if c := columnOf(cell); c != "" && !found[c] {
			columns[j], found[c] = c, true
		}
	}
	if !found[NameColumn] {
		return nil, false
	}
	if !found[ListColumn] {
		for j := range cells {
			if columns[j] == "" && columnOf(cells[j]) == "" && !isIgnoredHeading(cells[j]) && holdsLists(below, j) {
				columns[j], found[ListColumn] = ListColumn, true
				break
			}
		}
	}
	return columns, found[ListColumn]
}

// holdsLists reports whether most values in column j of rows read as a
// list. Most, not all: a mistyped cell should be reported on its row as an
// unknown list, not make the whole header unrecognisable.
func holdsLists(rows []sheetRow, j int) bool {
	lists, others := 0, 0
	for _, r := range rows {
		cells := r.cells
		switch {
		case j >= len(cells) || trim(cells[j]) == "":
		case isList(cells[j]):
			lists++
		default:
			others++
		}
	}
	return lists > others
}

func isList(s string) bool {
	_, ok := parseList(s)
	return ok
}

func columnOf(heading string) Column {
	h := foldHeading(heading)
	if h == "" {
		return ""
	}
	for _, c := range Columns() {
		for _, known := range headings[c] {
			if h == foldHeading(known) {
				return c
			}
		}
	}
	return ""
}

func isIgnoredHeading(heading string) bool {
	h := foldHeading(heading)
	for _, known := range ignoredHeadings {
		if h == foldHeading(known) {
			return true
		}
	}
	return false
}

var bracketed = regexp.MustCompile(`\([^)]*\)`)

// maxHeadingBytes is the longest cell read as a heading or a list: the
// longest of either is a few words.
const maxHeadingBytes = 128

// foldHeading reduces a heading to the form in which it is compared:
// narrow forms, lower case, without spaces, quotes, underscores, dashes,
// dots or a bracketed note such as （年月日）. A text longer than
// maxHeadingBytes, which is no heading and no list, folds to "" without
// being read, however many times a sheet repeats it.
func foldHeading(s string) string {
	if len(s) > maxHeadingBytes {
		return ""
	}
	s = strings.ToLower(width.Fold.String(trim(s)))
	s = bracketed.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '.' || strings.ContainsRune(quotes, r) {
			return -1
		}
		return r
	}, s)
}

// quotes are the quotation marks a heading or list cell may carry: the
// report prints “双十”.
const quotes = `"'“”‘’「」『』`
