package workbook

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// MaxRows is the most rows a sheet holds (Excel's limit): an export with
// more must be taken as CSV.
const MaxRows = 1_048_576

// Column is a column of a streamed sheet: its heading, its width in column
// units, and whether it holds times rather than text.
type Column struct {
	Heading string
	Width   float64
	Time    bool
}

// Stream is a one-sheet workbook written a row at a time, for exports too
// long to hold in memory: excelize's StreamWriter keeps the rows written
// so far in a temporary file beyond a few megabytes. It has the same
// layout as Finish gives a whole sheet: the named font, a height for each
// row from its content, the dimension, the properties, page numbers and
// the print setup. Its first row is the title, its second the headings.
type Stream struct {
	f                          *excelize.File
	w                          *excelize.StreamWriter
	columns                    []Column
	row                        int
	title, heading, text, time int // style ids
}

// TimeFormat is how a Time column's cells read: to the second, in the time
// zone they were written in.
const TimeFormat = "yyyy-mm-dd hh:mm:ss"

// NewStream begins a sheet of rows rows below its title and headings, the
// columns given; the sheet and the document are as p says (p.LastCell and
// p.Headings are worked out here). The count is known first so that the
// dimension, which streaming readers trust and which comes before the
// rows, is right.
func NewStream(p Page, title string, columns []Column, rows int) (*Stream, error) {
	if rows+2 > MaxRows {
		return nil, fmt.Errorf("%d rows: more than a sheet holds", rows)
	}
	f, err := New(p.Sheet)
	if err != nil {
		return nil, err
	}
	s := &Stream{f: f, columns: columns}
	if err := s.begin(p, title, rows); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func (s *Stream) begin(p Page, title string, rows int) error {
	last, err := excelize.CoordinatesToCellName(len(s.columns), rows+2)
	if err != nil {
		return err
	}
	p.LastCell, p.Headings = last, 2
	// Before the stream: it writes the sheet's properties and dimension
	// as they are when it starts.
	if err := s.f.SetSheetDimension(p.Sheet, "A1:"+last); err != nil {
		return err
	}
	if err := setUp(s.f, p); err != nil {
		return err
	}
	if err := s.styles(); err != nil {
		return err
	}
	if s.w, err = s.f.NewStreamWriter(p.Sheet); err != nil {
		return err
	}
	for i, c := range s.columns {
		if err := s.w.SetColWidth(i+1, i+1, c.Width); err != nil {
			return err
		}
	}
	if err := s.add([]excelize.Cell{{StyleID: s.title, Value: title}}, lineHeight(14)+rowPadding); err != nil {
		return err
	}
	headings := make([]excelize.Cell, len(s.columns))
	height := 0.0
	for i, c := range s.columns {
		headings[i] = excelize.Cell{StyleID: s.heading, Value: c.Heading}
		height = max(height, s.height(i, c.Heading, true))
	}
	return s.add(headings, height)
}

func (s *Stream) styles() error {
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: Font, Size: size, Bold: bold}
	}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	timeFormat := TimeFormat
	var err error
	if s.title, err = s.f.NewStyle(&excelize.Style{Font: font(14, true)}); err != nil {
		return err
	}
	if s.heading, err = s.f.NewStyle(&excelize.Style{Font: font(11, true), Alignment: top,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}}); err != nil {
		return err
	}
	if s.text, err = s.f.NewStyle(&excelize.Style{Font: font(11, false), Alignment: top}); err != nil {
		return err
	}
	s.time, err = s.f.NewStyle(&excelize.Style{Font: font(11, false), Alignment: top, CustomNumFmt: &timeFormat})
	return err
}

// Row adds a row, its cells in the columns' order: a time.Time in a Time
// column, text in the others.
func (s *Stream) Row(cells []any) error {
	row := make([]excelize.Cell, len(cells))
	height := lineHeight(11) + rowPadding
	for i, v := range cells {
		row[i] = excelize.Cell{StyleID: s.text, Value: v}
		switch v := v.(type) {
		case time.Time:
			row[i].StyleID = s.time
		case string:
			height = max(height, s.height(i, v, false))
		}
	}
	return s.add(row, height)
}

// height is the height of a row whose cell in column i holds text.
func (s *Stream) height(i int, text string, bold bool) float64 {
	return float64(Lines(text, s.columns[i].Width, 11, bold, true))*lineHeight(11) + rowPadding
}

func (s *Stream) add(cells []excelize.Cell, height float64) error {
	s.row++
	ref, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	values := make([]any, len(cells))
	for i, c := range cells {
		values[i] = c
	}
	return s.w.SetRow(ref, values, excelize.RowOpts{Height: min(height, excelize.MaxRowHeight)})
}

// WriteTo writes the workbook to w: the rows pass from the temporary file
// into the zip as it is written.
func (s *Stream) WriteTo(w io.Writer) (int64, error) {
	if err := s.w.Flush(); err != nil {
		return 0, err
	}
	return s.f.WriteTo(w)
}

// Close removes the temporary file.
func (s *Stream) Close() error { return s.f.Close() }
