package imports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Bounds of a worksheet. What the import keeps of a sheet is bounded by
// them, whatever the coordinates the file declares.
const (
	// maxRowNumber is the furthest row read for values: a list with its
	// blank rows fits well within it. maxSheetRows is the furthest row a
	// sheet may have at all: formatting left far below the list (Excel
	// leaves it after a selection was styled) is passed over up to there.
	maxRowNumber = 10 * maxRead
	maxSheetRows = 200_000
	// maxCells bounds the cells with a value in the rows and columns read:
	// a list of a thousand rows and twenty columns has 20,000.
	maxCells = 50_000
	// maxMerges bounds the merged ranges of a sheet: Table 10 has three,
	// and a list merging a cell on each of its thousand rows a thousand.
	maxMerges = 5_000
)

// worksheet is what streaming a sheet keeps: the values of the cells in
// the rows and columns the import reads, and the merged ranges over them.
type worksheet struct {
	// rows[r-1] holds the cells of row r, up to the last with a value.
	rows [][]string
	// lastRow is the sheet's last row, up to maxRowNumber: merged cells
	// fill the rows up to it.
	lastRow int
	// shared are the cells holding a shared string, until it is read.
	shared []sharedCell
	merges []mergedRange
	cells  int // cells with a value
	text   int // bytes of their values
}

type sharedCell struct{ row, col, index int }

// readWorksheet streams a worksheet part: its rows (<sheetData>) and then
// its merged ranges (<mergeCells>), the elements a sheet has in that
// order. A cell holding a shared string is recorded in shared, empty until
// the string is read.
//
// It returns a *CellError wrapping ErrBeyondColumns for a cell past column
// maxColumns, with a value or not; an error wrapping ErrTooManyRows for a
// row past maxSheetRows or a value past maxRowNumber, ErrTooManyCells past
// maxCells values, ErrTooManyMerges past maxMerges ranges, ErrTooMuchText
// past maxText bytes of values, ErrNotSpreadsheet for a sheet that is not
// well formed (rows or cells out of order among them); or the context's
// cause.
func readWorksheet(p *part) (*worksheet, error) {
	ws := &worksheet{}
	for {
		tok, err := p.next()
		if err == io.EOF {
			return ws, nil
		} else if err != nil {
			return nil, err
		}
		e, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch e.Name.Local {
		case "sheetData":
			if err := ws.readRows(p); err != nil {
				return nil, err
			}
		case "mergeCells":
			// Nothing after the merged ranges is of use.
			return ws, ws.readMerges(p)
		}
	}
}

func (ws *worksheet) readRows(p *part) error {
	prev := 0
	return p.children("row", func(t xml.StartElement) error {
		r := prev + 1
		if v, ok := attr(t, "r"); ok {
			var err error
			if r, err = strconv.Atoi(v); err != nil || r <= prev {
				return fmt.Errorf("%w: row %.20q after row %d", ErrNotSpreadsheet, v, prev)
			}
		}
		if r > maxSheetRows {
			return fmt.Errorf("%w: the sheet goes on past row %d", ErrTooManyRows, maxSheetRows)
		}
		prev, ws.lastRow = r, min(r, maxRowNumber)
		return ws.readRow(p, r)
	})
}

func (ws *worksheet) readRow(p *part, r int) error {
	col := 0
	return p.children("c", func(t xml.StartElement) error {
		c := col + 1
		if ref, ok := attr(t, "r"); ok {
			if c, _, ok = parseCellRef(ref); !ok {
				return fmt.Errorf("%w: row %d: cell reference %.20q", ErrNotSpreadsheet, r, ref)
			}
		}
		switch {
		case c <= col:
			return fmt.Errorf("%w: cell %s after column %s", ErrNotSpreadsheet, cellName(c, r), columnName(col))
		case c > maxColumns:
			return &CellError{Cell: cellName(c, r), Err: ErrBeyondColumns}
		}
		col = c
		value, shared, err := readCell(p, t)
		if err != nil {
			return err
		}
		return ws.keep(r, c, value, shared)
	})
}

// readCell reads a cell's value as the file holds it: the text of an
// inline string, the index of a shared one (shared is -1 otherwise), and
// for any other cell the raw value, a date being its serial number and a
// formula its last result.
func readCell(p *part, start xml.StartElement) (value string, shared int, err error) {
	var v, inline string
	hasInline := false
	for depth := p.depth; ; {
		tok, err := p.next()
		if err != nil {
			return "", -1, unexpectedEOF(p, err)
		}
		if _, ok := tok.(xml.EndElement); ok && p.depth < depth {
			break
		}
		e, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch e.Name.Local {
		case "v":
			v, err = p.value()
		case "is":
			inline, err = p.text()
			hasInline = true
		default: // a formula, extensions
			err = p.skip()
		}
		if err != nil {
			return "", -1, err
		}
	}
	switch t, _ := attr(start, "t"); {
	case t == "s":
		if i, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && i >= 0 {
			return "", i, nil
		}
		return "", -1, nil // as a spreadsheet program shows a broken one
	case t == "inlineStr" && hasInline:
		return inline, -1, nil
	}
	return v, -1, nil
}

// keep records a cell's value, if it has one, where the import reads.
func (ws *worksheet) keep(r, c int, value string, shared int) error {
	switch {
	case value == "" && shared < 0:
		return nil
	case r > maxRowNumber:
		// Rows far below are left over formatting, unless they hold
		// values.
		if shared >= 0 || trim(value) != "" {
			return fmt.Errorf("%w: row %d has values", ErrTooManyRows, r)
		}
		return nil
	}
	if ws.cells++; ws.cells > maxCells {
		return fmt.Errorf("%w: at cell %s", ErrTooManyCells, cellName(c, r))
	}
	if ws.text += len(value); ws.text > maxText {
		return fmt.Errorf("%w: at cell %s", ErrTooMuchText, cellName(c, r))
	}
	for len(ws.rows) < r {
		ws.rows = append(ws.rows, nil)
	}
	row := ws.rows[r-1]
	for len(row) < c {
		row = append(row, "")
	}
	row[c-1] = value
	ws.rows[r-1] = row
	if shared >= 0 {
		ws.shared = append(ws.shared, sharedCell{row: r, col: c, index: shared})
	}
	return nil
}

// readMerges reads the merged ranges, keeping those over the rows and
// columns read, cut to them.
func (ws *worksheet) readMerges(p *part) error {
	count := 0
	return p.children("mergeCell", func(t xml.StartElement) error {
		if count++; count > maxMerges {
			return fmt.Errorf("%w: the sheet has more", ErrTooManyMerges)
		}
		ref, _ := attr(t, "ref")
		m, ok := parseRange(ref)
		if !ok || m.left > maxColumns || m.top > ws.lastRow {
			return nil
		}
		m.right, m.bottom = min(m.right, maxColumns), min(m.bottom, ws.lastRow)
		ws.merges = append(ws.merges, m)
		return nil
	})
}

// setShared fills in the cells holding shared strings from texts, by
// index; a string the table lacks leaves its cell empty.
func (ws *worksheet) setShared(texts map[int]string) {
	for _, s := range ws.shared {
		ws.rows[s.row-1][s.col-1] = texts[s.index]
	}
	ws.shared = nil
}

// parseCellRef reads a cell reference such as B7: column 2, row 7. ok is
// false for anything but letters then digits naming a cell a sheet may
// have (columns A to XFD, rows 1 to 1,048,576).
func parseCellRef(ref string) (col, row int, ok bool) {
	i := 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
	}
	if i == 0 || i == len(ref) || len(ref)-i > 7 || col > 16_384 {
		return 0, 0, false
	}
	for _, c := range ref[i:] {
		if !isDigit(byte(c)) || c > 0x7f {
			return 0, 0, false
		}
		row = row*10 + int(c-'0')
	}
	return col, row, row >= 1 && row <= 1_048_576
}

// columnName is the letters of column c: 1 is A, 27 AA, 64 BL.
func columnName(c int) string {
	var b []byte
	for ; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b)
}

func cellName(c, r int) string { return columnName(c) + strconv.Itoa(r) }
