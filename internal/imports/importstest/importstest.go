// Package importstest writes the hostile workbooks the import must refuse
// quickly and in little memory: small files that declare far more than
// they hold. They are generated, not committed.
package importstest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
)

// Hostile is a workbook built to exhaust a reader, with what it is.
type Hostile struct {
	Name string // what it is, for test names and reports
	Data []byte
}

// The sizes of the workbooks found in the attack of issue 13: a few rows
// of one empty styled cell in the last column, in files of about 2 KB,
// 6.6 KB and 980 KB, and 60,000 and 800,000 merged ranges.
const (
	SmallWideRows  = 80
	MediumWideRows = 1_000
	LargeWideRows  = 195_000
	ManyMerges     = 60_000
	MostMerges     = 800_000
)

// Attack returns the workbooks of the attack, smallest first.
func Attack() []Hostile {
	return []Hostile{
		{fmt.Sprintf("%d rows reaching column XFD", SmallWideRows), WideRows(SmallWideRows)},
		{fmt.Sprintf("%d rows reaching column XFD", MediumWideRows), WideRows(MediumWideRows)},
		{fmt.Sprintf("%d rows reaching column XFD", LargeWideRows), WideRows(LargeWideRows)},
		{fmt.Sprintf("%d merged ranges", ManyMerges), Merges(ManyMerges)},
		{fmt.Sprintf("%d merged ranges", MostMerges), Merges(MostMerges)},
	}
}

// WideRows is a workbook whose sheet has n rows, each holding nothing but
// an empty styled cell in the last column a sheet may have (XFD): a reader
// that makes a slot for every column up to the furthest allocates 16,384
// per row.
func WideRows(n int) []byte {
	return Workbook(func(w io.Writer) {
		io.WriteString(w, "<sheetData>")
		for r := 1; r <= n; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="XFD%d" s="0"/></row>`, r, r)
		}
		io.WriteString(w, "</sheetData>")
	})
}

// Merges is a workbook with a header row and n merged ranges of two cells
// each, one row under the other: a reader that checks each new range
// against all the others takes time growing with n².
func Merges(n int) []byte {
	return Workbook(func(w io.Writer) {
		io.WriteString(w, `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>年度目标</t></is></c>`+
			`<c r="B1" t="inlineStr"><is><t>项目名称</t></is></c></row></sheetData>`)
		fmt.Fprintf(w, `<mergeCells count="%d">`, n)
		for i := range n {
			r := i + 2
			fmt.Fprintf(w, `<mergeCell ref="A%d:B%d"/>`, r, r)
		}
		io.WriteString(w, "</mergeCells>")
	})
}

// Workbook is the smallest XLSX package a spreadsheet program opens: one
// sheet, named Sheet1, whose worksheet element holds what sheet writes.
func Workbook(sheet func(w io.Writer)) []byte {
	return Package(map[string]string{}, sheet)
}

// Package is Workbook with further parts, or other content for its parts,
// by name: a shared-strings table, a 1904-based workbook, a sheet elsewhere.
func Package(parts map[string]string, sheet func(w io.Writer)) []byte {
	defaults := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
			`</Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
			`</Relationships>`,
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	write := func(name string, content func(io.Writer)) {
		w, err := z.Create(name)
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		content(w)
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		content, ok := parts[name]
		if !ok {
			content = defaults[name]
		}
		write(name, func(w io.Writer) { io.WriteString(w, content) })
	}
	for name, content := range parts {
		if _, ok := defaults[name]; !ok {
			write(name, func(w io.Writer) { io.WriteString(w, content) })
		}
	}
	if sheet != nil {
		write("xl/worksheets/sheet1.xml", func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
				`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			sheet(w)
			io.WriteString(w, "</worksheet>")
		})
	}
	if err := z.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
