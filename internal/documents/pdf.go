package documents

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"
)

// The reasons CheckPDF refuses a file, each of the invalid kind.
var (
	ErrEmpty     = errors.New("the file is empty")
	ErrTooLarge  = errors.New("the file is larger than the limit")
	ErrNotPDF    = errors.New("the file is not a PDF")
	ErrTruncated = errors.New("the PDF ends before its end-of-file marker")
	ErrPolyglot  = errors.New("the file is also markup a browser would run")
)

// MaxFileSize is the largest file a document may be: a scanned permit or
// certificate of a few pages is well under it.
const MaxFileSize = 20 << 20

// headerWindow and trailerWindow are how far from its start a PDF's header
// and from its end its %%EOF may be: ISO 32000-2 §7.5.2 puts the header on
// the first line, and readers (and the Acrobat implementation notes the
// spec's tolerance comes from) look for it, and for %%EOF, within the
// first and the last 1024 bytes.
const (
	headerWindow  = 1024
	trailerWindow = 1024
)

// header is a PDF's first line: %PDF-1.0 to %PDF-1.7, or %PDF-2.0.
var header = regexp.MustCompile(`^%PDF-(1\.[0-7]|2\.0)[\r\n \t%]`)

// startxref is the last cross-reference offset before %%EOF.
var startxref = regexp.MustCompile(`startxref[\r\n \t]+([0-9]{1,19})[\r\n \t]+%%EOF`)

// markup are the openings of what a browser would run as a page or an
// image with script, in lower case: a file that has one near its start
// is taken for a polyglot (a PDF that is also HTML or SVG), whatever else
// it is.
var markup = [][]byte{[]byte("<html"), []byte("<script"), []byte("<!doctype"), []byte("<svg"), []byte("<body"), []byte("<iframe"), []byte("<?xml-stylesheet")}

// CheckPDF reports whether content is a whole PDF file of at most
// MaxFileSize bytes, judged by its bytes, never by its name:
//
//   - it starts with the header, %PDF-1.x or %PDF-2.0, at its first byte.
//     The spec's readers tolerate up to 1024 bytes of anything before it,
//     but that room is exactly where a polyglot puts its HTML: no PDF
//     writer puts anything there, so nothing is accepted before it;
//   - it has no HTML, script or SVG opening in its first 1024 bytes, which
//     is where a browser that sniffs would find one;
//   - its last 1024 bytes hold %%EOF after a startxref whose offset lies
//     within the file: a file cut short (an upload broken off) has
//     neither.
//
// It returns ErrEmpty, ErrTooLarge, ErrNotPDF, ErrPolyglot or
// ErrTruncated, and nil for a file that passes. It does not parse the
// objects: the site stores and serves the file as a download and never
// renders it (see the commit that added it).
func CheckPDF(content []byte) error {
	switch {
	case len(content) == 0:
		return ErrEmpty
	case len(content) > MaxFileSize:
		return ErrTooLarge
	}
	head := content[:min(len(content), headerWindow)]
	lower := bytes.ToLower(head)
	for _, m := range markup {
		if bytes.Contains(lower, m) {
			return ErrPolyglot
		}
	}
	if !header.Match(head) {
		return ErrNotPDF
	}
	tail := content[max(0, len(content)-trailerWindow):]
	found := startxref.FindAllSubmatch(tail, -1)
	if len(found) == 0 {
		return ErrTruncated
	}
	offset, err := strconv.ParseInt(string(found[len(found)-1][1]), 10, 64)
	if err != nil || offset <= 0 || offset >= int64(len(content)) {
		return ErrTruncated
	}
	// Only line ends and blanks may follow the last %%EOF.
	end := bytes.LastIndex(tail, []byte("%%EOF"))
	if len(bytes.TrimRight(tail[end+len("%%EOF"):], "\r\n \t\x00")) > 0 {
		return ErrTruncated
	}
	return nil
}
