package imports

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Bounds of an XLSX package, besides maxUnzipped.
const (
	// maxParts bounds the files in the zip container: a workbook has
	// tens, one with many sheets and pictures a few hundred.
	maxParts = 10_000
	// maxSheets bounds the sheets listed in the workbook.
	maxSheets = 1_000
	// maxSharedStrings bounds the shared-strings table read: a cell
	// pointing further in is refused. Excel puts every distinct text of
	// the workbook there, in all its sheets; a year's list has a few
	// thousand.
	maxSharedStrings = 1 << 20
)

// workbook is an XLSX package opened to read its first worksheet. Its parts
// are read as streams, each through a guard, and together they may unzip
// to maxUnzipped bytes.
type workbook struct {
	ctx    context.Context
	files  map[string]*zip.File // by lower-case name: part names ignore case
	budget int64                // bytes the parts may still unzip to

	sheetName, sheetPath, sharedStringsPath string
	date1904                                bool
}

// Relationship types, by the end of their URI, which differs between
// transitional and strict OOXML.
const (
	officeDocumentRel = "/officeDocument"
	worksheetRel      = "/worksheet"
	sharedStringsRel  = "/sharedStrings"
)

// openWorkbook opens the zip container and finds the first worksheet, the
// shared strings and whether dates count from 1904. It returns an error
// wrapping ErrTooLarge when the parts declare more than maxUnzipped bytes,
// ErrNotSpreadsheet when data is not a workbook, or the context's cause.
func openWorkbook(ctx context.Context, data []byte) (*workbook, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotSpreadsheet, err)
	}
	if len(z.File) > maxParts {
		return nil, fmt.Errorf("%w: %d files in the zip container", ErrNotSpreadsheet, len(z.File))
	}
	w := &workbook{ctx: ctx, files: make(map[string]*zip.File, len(z.File)), budget: maxUnzipped}
	var declared uint64
	for _, f := range z.File {
		// A zip bomb is refused by what its parts declare, before
		// anything is unzipped: archive/zip holds each part to its
		// declared size, and the guard counts the bytes read as well.
		if declared += f.UncompressedSize64; declared > maxUnzipped {
			return nil, fmt.Errorf("%w: the workbook unzips to more than %d MB", ErrTooLarge, maxUnzipped>>20)
		}
		w.files[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}
	root, err := w.relationships("_rels/.rels")
	if err != nil {
		return nil, err
	}
	wbPath := "xl/workbook.xml"
	if rel, ok := root.ofType(officeDocumentRel); ok {
		wbPath = resolvePart("", rel.target)
	}
	sheets, err := w.readWorkbook(wbPath)
	if err != nil {
		return nil, err
	}
	rels, err := w.relationships(path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels"))
	if err != nil {
		return nil, err
	}
	for _, s := range sheets {
		if rel, ok := rels.byID[s.rid]; ok && strings.HasSuffix(rel.kind, worksheetRel) {
			w.sheetName, w.sheetPath = s.name, resolvePart(path.Dir(wbPath), rel.target)
			break
		}
	}
	if w.sheetPath == "" || w.files[strings.ToLower(w.sheetPath)] == nil {
		return nil, fmt.Errorf("%w: the workbook has no worksheet", ErrNotSpreadsheet)
	}
	if rel, ok := rels.ofType(sharedStringsRel); ok {
		w.sharedStringsPath = resolvePart(path.Dir(wbPath), rel.target)
	} else {
		w.sharedStringsPath = path.Join(path.Dir(wbPath), "sharedStrings.xml")
	}
	return w, nil
}

// open starts reading the part called name. It returns an error wrapping
// ErrNotSpreadsheet if there is none.
func (w *workbook) open(name string) (*part, error) {
	f := w.files[strings.ToLower(name)]
	if f == nil {
		return nil, fmt.Errorf("%w: no %s in the workbook", ErrNotSpreadsheet, name)
	}
	body, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotSpreadsheet, name, err)
	}
	return newPart(w.ctx, name, body, &w.budget), nil
}

func (w *workbook) has(name string) bool { return w.files[strings.ToLower(name)] != nil }

// resolvePart turns a relationship's target into a part name: relative to
// dir, or from the package's root when it starts with a slash.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:])
	}
	return path.Clean(path.Join(dir, target))
}

type relationship struct{ kind, target string }

type relationships struct {
	byID  map[string]relationship
	order []string
}

func (r relationships) ofType(suffix string) (relationship, bool) {
	for _, id := range r.order {
		if rel := r.byID[id]; strings.HasSuffix(rel.kind, suffix) {
			return rel, true
		}
	}
	return relationship{}, false
}

// relationships reads a .rels part; a missing one has none. Only the
// relationships the import follows are kept.
func (w *workbook) relationships(name string) (relationships, error) {
	rels := relationships{byID: map[string]relationship{}}
	if !w.has(name) {
		return rels, nil
	}
	p, err := w.open(name)
	if err != nil {
		return rels, err
	}
	defer p.body.Close()
	for {
		tok, err := p.next()
		if err == io.EOF {
			return rels, nil
		} else if err != nil {
			return rels, err
		}
		e, ok := tok.(xml.StartElement)
		if !ok || e.Name.Local != "Relationship" {
			continue
		}
		id, _ := attr(e, "Id")
		kind, _ := attr(e, "Type")
		target, _ := attr(e, "Target")
		mode, _ := attr(e, "TargetMode")
		followed := strings.HasSuffix(kind, officeDocumentRel) || strings.HasSuffix(kind, worksheetRel) || strings.HasSuffix(kind, sharedStringsRel)
		// Enough for every sheet the workbook may list, its shared
		// strings and the workbook itself.
		if _, seen := rels.byID[id]; !followed || seen || mode == "External" || len(rels.order) == maxSheets+2 {
			continue
		}
		rels.byID[id] = relationship{kind: kind, target: target}
		rels.order = append(rels.order, id)
	}
}

type sheetEntry struct{ name, rid string }

// readWorkbook reads the workbook part for its sheets, in order, and
// whether its dates count from 1904.
func (w *workbook) readWorkbook(name string) ([]sheetEntry, error) {
	p, err := w.open(name)
	if err != nil {
		return nil, err
	}
	defer p.body.Close()
	var sheets []sheetEntry
reading:
	for {
		tok, err := p.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "workbookPr":
				v, _ := attr(t, "date1904")
				w.date1904 = v == "1" || v == "true"
			case "sheet":
				name, _ := attr(t, "name")
				rid, _ := attr(t, "id") // r:id
				if len(sheets) < maxSheets {
					sheets = append(sheets, sheetEntry{name: name, rid: rid})
				}
			}
		case xml.EndElement:
			if t.Name.Local == "sheets" {
				break reading // the rest of the workbook is of no use
			}
		}
	}
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%w: the workbook has no sheet", ErrNotSpreadsheet)
	}
	return sheets, nil
}

// sharedStrings reads the shared-strings table up to the last of the
// entries wanted and returns their texts by index; an entry the table does
// not have is absent. It returns an error wrapping ErrTooManyCells for an
// index of maxSharedStrings or more, ErrTooMuchText when the texts wanted
// hold more than maxText bytes in all, ErrNotSpreadsheet when the table is
// not well formed, or the context's cause. A workbook without a table has
// none of the texts.
func (w *workbook) sharedStrings(wanted map[int]bool) (map[int]string, error) {
	last := -1
	for i := range wanted {
		last = max(last, i)
	}
	if last >= maxSharedStrings {
		return nil, fmt.Errorf("%w: a cell refers to shared string %d", ErrTooManyCells, last)
	}
	if !w.has(w.sharedStringsPath) {
		return nil, nil // the cells are empty, as a spreadsheet shows them
	}
	p, err := w.open(w.sharedStringsPath)
	if err != nil {
		return nil, err
	}
	defer p.body.Close()
	texts, size := make(map[int]string, len(wanted)), 0
	for i := 0; i <= last; {
		tok, err := p.next()
		if err == io.EOF {
			return texts, nil
		} else if err != nil {
			return nil, err
		}
		if e, ok := tok.(xml.StartElement); !ok || e.Name.Local != "si" {
			continue
		}
		if !wanted[i] {
			if err := p.skip(); err != nil {
				return nil, err
			}
			i++
			continue
		}
		text, err := p.text()
		if err != nil {
			return nil, err
		}
		if size += len(text); size > maxText {
			return nil, fmt.Errorf("%w: shared strings", ErrTooMuchText)
		}
		texts[i] = text
		i++
	}
	return texts, nil
}

// unescapeText decodes the _xHHHH_ escapes with which a workbook writes the
// characters XML cannot hold (_x000D_ for a carriage return); _x005F_
// escapes the underscore of a literal "_xHHHH_".
func unescapeText(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if j := i + 7; j <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[j-1] == '_' {
			if v, err := strconv.ParseUint(s[i+2:j-1], 16, 16); err == nil {
				b.WriteRune(rune(v))
				i = j
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
