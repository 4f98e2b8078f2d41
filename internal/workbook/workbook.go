// Package workbook gives every Excel file the site writes what a reader's
// spreadsheet program does not work out for itself: a named sans font,
// row heights that show every line of wrapped text (LibreOffice keeps the
// stored height and shows only a cell's last line), columns as wide as
// their longest word, a <dimension> that covers the data (streaming
// readers trust it), the document's creator and date, page numbers and a
// print setup.
package workbook

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// Font is the font of every cell. Microsoft YaHei (微软雅黑) is the sans
// font with Chinese glyphs that every Windows since Vista, Office for Mac
// and WPS have, which is where district staff and most residents open the
// files; "Noto Sans CJK SC" would be missing there and Excel would fall
// back to 宋体, a serif. Elsewhere fontconfig takes an unknown name to the
// default sans-serif, and the family excelize writes beside the name
// (2, swiss) asks for a sans as well.
const Font = "Microsoft YaHei"

// New returns an empty workbook whose one sheet is named sheet, with Font
// as the default font of every cell. It returns an error if sheet is not
// a valid sheet name.
func New(sheet string) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetDefaultFont(Font); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Page is what Finish must know of the sheet it lays out.
type Page struct {
	Sheet     string
	Title     string    // the document's title
	Creator   string    // the site's name, in the reader's language
	Language  string    // BCP 47 tag of the words in the file
	AsOf      time.Time // when the data stood as written: the document's date
	Landscape bool
	Headings  int    // the row of the headings, repeated on every printed page
	LastCell  string // the bottom-right cell of the data, "E27"
}

// Finish lays the sheet out for reading and printing and returns the
// file's bytes: columns widened to their longest word, row heights from
// the content, the dimension, the document's properties, page numbers in
// the footer, A4 one page wide with the headings on every page.
func Finish(f *excelize.File, p Page) ([]byte, error) {
	lastCol, lastRow, err := excelize.CellNameToCoordinates(p.LastCell)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetDimension(p.Sheet, "A1:"+p.LastCell); err != nil {
		return nil, err
	}
	l, err := readLayout(f, p.Sheet, lastCol, lastRow)
	if err != nil {
		return nil, err
	}
	if err := l.widen(f); err != nil {
		return nil, err
	}
	if err := l.fitRows(f); err != nil {
		return nil, err
	}
	if err := setUp(f, p); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// setUp gives the workbook its properties and the sheet its page: the
// document's title, creator and date, page numbers in the footer, A4 one
// page wide, with the headings on every page.
func setUp(f *excelize.File, p Page) error {
	when := p.AsOf.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: p.Title, Creator: p.Creator, LastModifiedBy: p.Creator,
		Created: when, Modified: when, Language: p.Language,
	}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(p.Sheet, &excelize.HeaderFooterOptions{OddFooter: "&C&P / &N"}); err != nil {
		return err
	}
	size, orientation, fit := 9, "portrait", true // 9: A4
	if p.Landscape {
		orientation = "landscape"
	}
	one, none := 1, 0
	if err := f.SetPageLayout(p.Sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation,
		FitToWidth: &one, FitToHeight: &none}); err != nil {
		return err
	}
	if err := f.SetSheetProps(p.Sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if p.Headings > 0 {
		quoted := "'" + strings.ReplaceAll(p.Sheet, "'", "''") + "'"
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles",
			RefersTo: fmt.Sprintf("%s!$%d:$%d", quoted, p.Headings, p.Headings), Scope: p.Sheet}); err != nil {
			return err
		}
	}
	return nil
}

// cell is what the layout needs of one cell: its text, font and the
// columns it spans.
type cell struct {
	text       string
	size       float64
	bold, wrap bool
	from, to   int  // columns, 1-based, inclusive
	tall       bool // merged over several rows: its height is not one row's
}

type layout struct {
	sheet  string
	widths []float64 // by column, 1-based
	rows   [][]cell  // by row, 1-based
}

func readLayout(f *excelize.File, sheet string, lastCol, lastRow int) (*layout, error) {
	l := &layout{sheet: sheet, widths: make([]float64, lastCol+1), rows: make([][]cell, lastRow+1)}
	for c := 1; c <= lastCol; c++ {
		name, err := excelize.ColumnNumberToName(c)
		if err != nil {
			return nil, err
		}
		if l.widths[c], err = f.GetColWidth(sheet, name); err != nil {
			return nil, err
		}
	}
	merged, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, err
	}
	covered := map[string]bool{} // cells inside a merged range but its first
	spans := map[string][2]int{} // first cell: last column, last row
	for _, m := range merged {
		c1, r1, err := excelize.CellNameToCoordinates(m.GetStartAxis())
		if err != nil {
			return nil, err
		}
		c2, r2, err := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err != nil {
			return nil, err
		}
		spans[m.GetStartAxis()] = [2]int{c2, r2}
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				if r != r1 || c != c1 {
					covered[mustName(c, r)] = true
				}
			}
		}
	}
	for r := 1; r <= lastRow; r++ {
		for c := 1; c <= lastCol; c++ {
			ref := mustName(c, r)
			if covered[ref] {
				continue
			}
			text, err := f.GetCellValue(sheet, ref)
			if err != nil {
				return nil, err
			}
			if text == "" {
				continue
			}
			id, err := f.GetCellStyle(sheet, ref)
			if err != nil {
				return nil, err
			}
			style, err := f.GetStyle(id)
			if err != nil {
				return nil, err
			}
			x := cell{text: text, size: 11, from: c, to: c}
			if style.Font != nil {
				x.bold = style.Font.Bold
				if style.Font.Size > 0 {
					x.size = style.Font.Size
				}
			}
			x.wrap = style.Alignment != nil && style.Alignment.WrapText
			if s, ok := spans[ref]; ok {
				x.to, x.tall = s[0], s[1] > r
			}
			l.rows[r] = append(l.rows[r], x)
		}
	}
	return l, nil
}

// mustName names the cell at column c, row r, both positive.
func mustName(c, r int) string {
	name, _ := excelize.CoordinatesToCellName(c, r)
	return name
}

// widen makes each column at least as wide as the longest word of a
// wrapped cell that lies in it alone, so that a heading such as "Category"
// is not broken in the middle.
func (l *layout) widen(f *excelize.File) error {
	for _, row := range l.rows {
		for _, x := range row {
			if !x.wrap || x.from != x.to {
				continue
			}
			need := min(longestWord(x)/fill+padding, maxWidened)
			if need <= l.widths[x.from] {
				continue
			}
			l.widths[x.from] = need
			name, err := excelize.ColumnNumberToName(x.from)
			if err != nil {
				return err
			}
			if err := f.SetColWidth(l.sheet, name, name, need); err != nil {
				return err
			}
		}
	}
	return nil
}

// fitRows sets each row's height to show every line of its tallest cell.
func (l *layout) fitRows(f *excelize.File) error {
	for r := 1; r < len(l.rows); r++ {
		height := lineHeight(11) + rowPadding
		for _, x := range l.rows[r] {
			if x.tall {
				continue
			}
			w := 0.0
			for c := x.from; c <= x.to; c++ {
				w += l.widths[c]
			}
			if h := float64(Lines(x.text, w, x.size, x.bold, x.wrap))*lineHeight(x.size) + rowPadding; h > height {
				height = h
			}
		}
		if err := f.SetRowHeight(l.sheet, r, min(height, 409)); err != nil { // 409 points: Excel's most
			return err
		}
	}
	return nil
}

const (
	padding    = 1.0  // column units: the cell's margins
	rowPadding = 3.0  // points
	maxWidened = 30   // column units: a longer word (an address) breaks
	fill       = 0.95 // of a line's room that text is taken to fill
)

// lineHeight is the height in points of a line of text of size points in
// Font, with room for the taller line of the fonts put in its place.
func lineHeight(size float64) float64 { return size * 1.45 }

// Lines is how many lines text takes in a cell colWidth column units wide
// (the width of a digit of the default font), in Font of size points:
// its own line breaks, and with wrap the breaks a spreadsheet program
// makes between words and between Chinese characters. It errs on the
// side of one line too many: a row a little too tall shows everything, a
// row too short hides a line.
func Lines(text string, colWidth, size float64, bold, wrap bool) int {
	n := 0
	room := (colWidth - padding) * fill
	for _, para := range strings.Split(text, "\n") {
		if !wrap {
			n++
			continue
		}
		n += paragraphLines(para, room, size, bold)
	}
	return n
}

func paragraphLines(para string, room, size float64, bold bool) int {
	lines, x := 1, 0.0
	for _, t := range tokens(para) {
		w := textWidth(t, size, bold)
		if t == " " {
			if x > 0 {
				x += w
			}
			continue
		}
		if x > 0 && x+w > room {
			lines, x = lines+1, 0
		}
		for w > room && room > 0 { // a word longer than the line breaks anywhere
			lines, w = lines+1, w-room
		}
		x += w
	}
	return lines
}

// tokens splits text where a line may break: at spaces, which are tokens
// of their own, and around each Chinese character, which keeps the
// punctuation that may not begin a line.
func tokens(text string) []string {
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
			flush()
			out = append(out, " ")
		case strings.ContainsRune("，。、；：？！）」』”’》〉】…,.;:?!)", r) && (word.Len() > 0 || len(out) > 0):
			if word.Len() > 0 {
				word.WriteRune(r)
			} else {
				out[len(out)-1] += string(r)
			}
		case wide(r):
			flush()
			word.WriteRune(r)
			flush()
		default:
			word.WriteRune(r)
		}
	}
	flush()
	return out
}

func wide(r rune) bool {
	k := width.LookupRune(r).Kind()
	return k == width.EastAsianWide || k == width.EastAsianFullwidth
}

// textWidth is the width of s in column units, a little more than Font
// and the fonts put in its place draw it.
func textWidth(s string, size float64, bold bool) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case wide(r):
			w += 2
		case r == ' ' || r == 'i' || r == 'l' || r == 'j' || r == '.' || r == ',' || r == '\'':
			w += 0.6
		case unicode.IsUpper(r) || r == 'm' || r == 'w':
			w += 1.35
		default:
			w += 1.05
		}
	}
	if bold {
		w *= 1.1
	}
	return w * size / 11
}

// longestWord is the width of the widest token of a cell's text.
func longestWord(x cell) float64 {
	longest := 0.0
	for _, para := range strings.Split(x.text, "\n") {
		for _, t := range tokens(para) {
			longest = max(longest, textWidth(t, x.size, x.bold))
		}
	}
	return longest
}
