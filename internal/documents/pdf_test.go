package documents

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// samplePDF is a whole one-page PDF of the given version, its
// cross-reference table at the offsets it names, with pad bytes of
// filler in a comment to make it larger.
func samplePDF(version string, pad int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", version)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	}
	if pad > 0 {
		fmt.Fprintf(&b, "%%%s\n", strings.Repeat("x", pad))
	}
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

func TestCheckPDF(t *testing.T) {
	good := samplePDF("1.7", 0)
	cases := []struct {
		name    string
		content []byte
		want    error
	}{
		{"PDF 1.7", good, nil},
		{"PDF 1.4", samplePDF("1.4", 0), nil},
		{"PDF 2.0", samplePDF("2.0", 0), nil},
		{"PDF of 2 MB", samplePDF("1.5", 2<<20), nil},
		{"CRLF line ends after %%EOF", append(bytes.Clone(good), "\r\n\r\n"...), nil},
		{"empty", nil, ErrEmpty},
		{"larger than the limit", samplePDF("1.7", MaxFileSize), ErrTooLarge},
		{"a text file named .pdf", []byte("这不是 PDF 文件\n"), ErrNotPDF},
		{"a JPEG named .pdf", append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, good...), ErrNotPDF},
		{"PDF 3.0", samplePDF("3.0", 0), ErrNotPDF},
		{"PDF 1.9", samplePDF("1.9", 0), ErrNotPDF},
		{"header without a version", []byte("%PDF-\n%%EOF\n"), ErrNotPDF},
		{"junk before the header", append([]byte("garbage\n"), good...), ErrNotPDF},
		{"HTML before the header", append([]byte("<html><script>alert(1)</script>"), good...), ErrPolyglot},
		{"a PDF with a script in its first bytes", bytes.Replace(good, []byte("%\xe2\xe3\xcf\xd3"), []byte("%<script>alert(document.cookie)</script>"), 1), ErrPolyglot},
		{"a PDF with an SVG in its first bytes", bytes.Replace(good, []byte("%\xe2\xe3\xcf\xd3"), []byte("%<SVG onload=alert(1)>"), 1), ErrPolyglot},
		{"cut in half", good[:len(good)/2], ErrTruncated},
		{"cut before %%EOF", good[:len(good)-7], ErrTruncated},
		{"no startxref", bytes.Replace(good, []byte("startxref"), []byte("startxreg"), 1), ErrTruncated},
		{"startxref beyond the file", bytes.Replace(good, []byte(fmt.Sprintf("startxref\n%d", bytes.Index(good, []byte("xref\n0")))), []byte("startxref\n99999999"), 1), ErrTruncated},
		{"an update cut after the first %%EOF", append(bytes.Clone(good), "4 0 obj\n<< /Type /Annot"...), ErrTruncated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckPDF(tc.content); !errors.Is(got, tc.want) || (tc.want == nil && got != nil) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestContentDisposition(t *testing.T) {
	cases := []struct {
		title string
		want  string
	}{
		{"江浦路施工许可证", `attachment; filename="document-7.pdf"; filename*=UTF-8''%E6%B1%9F%E6%B5%A6%E8%B7%AF%E6%96%BD%E5%B7%A5%E8%AE%B8%E5%8F%AF%E8%AF%81.pdf`},
		{"Permit 2023.pdf", `attachment; filename="Permit 2023.pdf"; filename*=UTF-8''Permit%202023.pdf`},
		{"a=b@c+d", `attachment; filename="a=b@c+d.pdf"; filename*=UTF-8''a%3Db%40c+d.pdf`},
		{`a"b\c/d;e%f`, `attachment; filename="document-7.pdf"; filename*=UTF-8''a_b_c_d%3Be%25f.pdf`},
		{"竣工验收 (2023)", `attachment; filename="document-7.pdf"; filename*=UTF-8''%E7%AB%A3%E5%B7%A5%E9%AA%8C%E6%94%B6%20%282023%29.pdf`},
	}
	for _, tc := range cases {
		t.Run(tc.title, func(t *testing.T) {
			if got := (Document{ID: 7, Title: tc.title}).ContentDisposition(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
