package imports

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

func parseCSV(ctx context.Context, data []byte) (Sheet, error) {
	text, encoding, err := decodeText(data)
	if err != nil {
		return Sheet{}, err
	}
	if strings.TrimSpace(text) == "" {
		return Sheet{}, ErrEmpty
	}
	if looksLikeMarkup(text) {
		return Sheet{}, fmt.Errorf("%w: the file is HTML or XML", ErrNotSpreadsheet)
	}
	// The separator is the first that yields a header: a comma for CSV, a
	// tab for Excel's "Unicode text", a semicolon where the comma is the
	// decimal mark.
	var readErr error
	for _, sep := range []rune{',', '\t', ';'} {
		rows, truncated, err := readDelimited(ctx, text, sep)
		if ctx.Err() != nil {
			return Sheet{}, context.Cause(ctx)
		} else if err != nil {
			readErr = err
			continue
		}
		sheet, err := fromRows(ctx, rows, truncated)
		if errors.Is(err, ErrNoHeader) {
			continue
		}
		if err != nil {
			return Sheet{}, err
		}
		sheet.Format, sheet.Encoding = CSV, encoding
		return sheet, nil
	}
	if readErr != nil {
		return Sheet{}, readErr
	}
	return Sheet{}, ErrNoHeader
}

// decodeText returns the file as text and names its encoding. It returns
// ErrNotSpreadsheet for bytes that are not text in any of them.
func decodeText(data []byte) (text, encoding string, err error) {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		text, encoding = string(data[len(utf8BOM):]), "UTF-8 with BOM"
		if !utf8.ValidString(text) {
			return "", "", fmt.Errorf("%w: invalid UTF-8 after a UTF-8 byte order mark", ErrNotSpreadsheet)
		}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		decoded, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
		}
		text, encoding = string(decoded), "UTF-16"
	case utf8.Valid(data):
		text, encoding = string(data), "UTF-8"
	default:
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		// The decoder replaces what it cannot read with U+FFFD.
		if err != nil || bytes.ContainsRune(decoded, utf8.RuneError) {
			return "", "", fmt.Errorf("%w: neither UTF-8 nor GB18030 text", ErrNotSpreadsheet)
		}
		text, encoding = string(decoded), "GB18030"
	}
	for i, r := range text {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return "", "", fmt.Errorf("%w: binary content at byte %d", ErrNotSpreadsheet, i)
		}
	}
	return text, encoding, nil
}

var markup = regexp.MustCompile(`(?i)^\s*<(\?xml|!doctype|html|table|head|body|meta)\b`)

// looksLikeMarkup catches the "Excel" files some systems export, which are
// HTML tables.
func looksLikeMarkup(text string) bool { return markup.MatchString(text) }

// readDelimited reads CSV text into its rows that are not blank, each
// numbered as a spreadsheet program shows it: counting the blank lines,
// which encoding/csv skips, and a quoted cell spanning lines as one row.
// truncated reports that reading stopped at maxRead rows. It stops with the
// context's cause once ctx is done.
func readDelimited(ctx context.Context, text string, sep rune) (rows []sheetRow, truncated bool, err error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	number, lastLine := 0, 0 // the previous record's row and the line it ended on
	for n := 1; ; n++ {
		if n%ctxCheckTokens == 0 && ctx.Err() != nil {
			return nil, false, context.Cause(ctx)
		}
		record, err := r.Read()
		if err == io.EOF {
			return rows, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
		}
		line, _ := r.FieldPos(0)
		number += line - lastLine // one row per skipped blank line, and this one
		endLine, _ := r.FieldPos(len(record) - 1)
		lastLine = endLine + strings.Count(record[len(record)-1], "\n")
		if blank(record) {
			continue
		}
		if len(rows) == maxRead {
			return rows, true, nil
		}
		if len(record) > maxColumns {
			record = record[:maxColumns]
		}
		rows = append(rows, sheetRow{number: number, cells: record})
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if trim(c) != "" {
			return false
		}
	}
	return true
}
