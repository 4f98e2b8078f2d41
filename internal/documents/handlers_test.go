package documents_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/documents"
	"shuangshi/internal/site/sitetest"
)

// pdf is a whole one-page PDF: its cross-reference table where startxref
// says, and %%EOF at its end.
func pdf(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	objects := []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"}
	var offsets []int
	for i, o := range objects {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 4\n0000000000 65535 f \n")
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// upload posts the documents' form of project 3 (海安路) as a browser
// does: multipart, the CSRF token in the address; a nil content sends
// no file.
func upload(t *testing.T, site *sitetest.Site, b *sitetest.Browser, fields url.Values, filename string, content []byte) sitetest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if content != nil {
		part, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(content)
	}
	w.Close()
	req, err := http.NewRequest(http.MethodPost, site.URL+"/projects/3/documents?_csrf="+url.QueryEscape(b.CSRF), &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.Do(req)
}

// firstTarget is the form's first choice, with the kind that proves it.
func firstTarget(t *testing.T, page sitetest.Response) (id, kind string) {
	t.Helper()
	o := page.Doc.Find(`select#target option`).First()
	id = o.AttrOr("value", "")
	kind = "permit"
	if strings.Contains(sitetest.Text(o), "竣工") {
		kind = "acceptance"
	}
	if id == "" {
		t.Fatal("the form offers no target")
	}
	return id, kind
}

func documentIDs(t *testing.T, page sitetest.Response) []string {
	t.Helper()
	var ids []string
	for _, li := range page.Doc.Find(`[data-testid="document"]`).EachIter() {
		ids = append(ids, strings.TrimPrefix(li.AttrOr("id", ""), "document-"))
	}
	return ids
}

// TestAPublicDocumentIsADownload: an engineer uploads a public permit
// with a Chinese title; the public finds it on the project's page (kept
// for the public, and made again), downloads it with its name, type and
// ETag, and reads it in the history and the OC4IDS package.
func TestAPublicDocumentIsADownload(t *testing.T) {
	site := sitetest.NewEditing(t)
	public := site.NewBrowser(t)
	before := public.Get("/projects/3") // kept from now on
	if n := before.Doc.Find(`[data-testid="document"]`).Length(); n != 0 {
		t.Fatalf("the project's page lists %d documents before any", n)
	}
	li := site.As(t, "li")
	page := li.Get("/projects/3/documents")
	sitetest.WantStatus(t, "the documents page", page, http.StatusOK)
	target, kind := firstTarget(t, page)
	content := pdf(t)
	title := "海安路施工许可证 2023"
	resp := upload(t, site, li, url.Values{"title": {title}, "target": {target}, "kind": {kind}, "public": {"on"}}, "scan.pdf", content)
	sitetest.WantStatus(t, "upload", resp, http.StatusSeeOther)

	after := public.Get("/projects/3")
	links := after.Doc.Find(`[data-testid="document-link"]`)
	if links.Length() != 1 || !strings.Contains(sitetest.Text(links), title) {
		t.Fatalf("the public project page lists %q, want the document", sitetest.Text(links))
	}
	if after.Doc.Find(`[data-testid="documents-manage"]`).Length() != 0 {
		t.Error("the public sees the link to manage documents")
	}
	href := links.AttrOr("href", "")
	file := public.Get(href)
	sitetest.WantStatus(t, href, file, http.StatusOK)
	sum := sha256.Sum256(content)
	for header, want := range map[string]string{
		"Content-Type":           "application/pdf",
		"X-Content-Type-Options": "nosniff",
		"ETag":                   `"` + hex.EncodeToString(sum[:]) + `"`,
		"Content-Disposition":    `attachment; filename="document-` + strings.TrimPrefix(href, "/documents/") + `.pdf"; filename*=UTF-8''` + url.PathEscape(title) + ".pdf",
		"Cache-Control":          "no-cache",
	} {
		if got := file.Header.Get(header); got != want {
			t.Errorf("%s: got %q, want %q", header, got, want)
		}
	}
	if file.Body != string(content) {
		t.Errorf("the download is %d bytes, not the %d uploaded", len(file.Body), len(content))
	}
	req, _ := http.NewRequest(http.MethodGet, site.URL+href, nil)
	req.Header.Set("If-None-Match", file.Header.Get("ETag"))
	sitetest.WantStatus(t, "revalidated", public.Do(req), http.StatusNotModified)

	history := public.Get("/projects/3/history")
	if got := sitetest.Text(history.Doc.Find(`[data-field="document_added"]`)); !strings.Contains(got, title) {
		t.Errorf("the public history says %q, want the document's addition", got)
	}
	var pkg struct {
		Projects []struct {
			Documents []map[string]string `json:"documents"`
		} `json:"projects"`
	}
	if err := json.Unmarshal([]byte(public.Get("/api/v1/oc4ids/projects/3").Body), &pkg); err != nil {
		t.Fatal(err)
	}
	docs := pkg.Projects[0].Documents
	if len(docs) != 2 {
		t.Fatalf("the package has documents %v, want the page and the permit", docs)
	}
	wantType := map[string]string{"permit": "constructionPermit", "acceptance": "completionCertificate"}[kind]
	d := docs[1]
	if d["documentType"] != wantType || d["title"] != title || d["format"] != "application/pdf" ||
		!strings.HasSuffix(d["url"], href) || d["datePublished"] == "" {
		t.Errorf("the package's document is %v", d)
	}
}

// TestAStaffOnlyDocumentIsNotFoundForThePublic: a document not marked
// public is 404 to the public, as an id that names nothing is, and is on
// no public page; staff read it.
func TestAStaffOnlyDocumentIsNotFoundForThePublic(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li := site.As(t, "li")
	page := li.Get("/projects/3/documents")
	target, kind := firstTarget(t, page)
	sitetest.WantStatus(t, "upload", upload(t, site, li, url.Values{"title": {"内部文件"}, "target": {target}, "kind": {kind}}, "a.pdf", pdf(t)), http.StatusSeeOther)
	ids := documentIDs(t, li.Get("/projects/3/documents"))
	if len(ids) != 1 {
		t.Fatalf("the documents page lists %v", ids)
	}
	path := documents.URL(mustID(t, ids[0]))
	public := site.NewBrowser(t)
	missing := public.Get("/documents/99999")
	hidden := public.Get(path)
	sitetest.WantStatus(t, "the public, a staff-only document", hidden, http.StatusNotFound)
	if sitetest.Text(hidden.Doc.Find("main")) != sitetest.Text(missing.Doc.Find("main")) {
		t.Logf("%s\n%s", sitetest.Text(hidden.Doc.Find("main")), sitetest.Text(missing.Doc.Find("main")))
		t.Error("a staff-only document answers otherwise than one that does not exist")
	}
	for _, p := range []string{"/projects/3", "/projects/3/history", "/api/v1/oc4ids/projects/3"} {
		if strings.Contains(public.Get(p).Body, "内部文件") {
			t.Errorf("%s shows the public the staff-only document", p)
		}
	}
	for _, who := range []string{"li", "wang", "sup", "adm"} {
		sitetest.WantStatus(t, who+" downloads it", site.As(t, who).Get(path), http.StatusOK)
	}
	if got := site.As(t, "sup").Get(path).Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("staff's download is kept: Cache-Control %q", got)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestBadUploadsAreRefused: each bad file or field is refused with 422
// and its message by its field, in the reader's language, and nothing is
// stored.
func TestBadUploadsAreRefused(t *testing.T) {
	site := sitetest.NewEditing(t)
	li := site.As(t, "li")
	page := li.Get("/projects/3/documents")
	target, kind := firstTarget(t, page)
	other := map[string]string{"permit": "acceptance", "acceptance": "permit"}[kind]
	good := pdf(t)
	fields := func(change ...string) url.Values {
		v := url.Values{"title": {"许可证"}, "target": {target}, "kind": {kind}, "public": {"on"}}
		for i := 0; i < len(change); i += 2 {
			v.Set(change[i], change[i+1])
		}
		return v
	}
	cases := []struct {
		name     string
		fields   url.Values
		filename string
		content  []byte
		field    string
		zh, en   string
	}{
		{"a text file named .pdf", fields(), "permit.pdf", []byte("这是一段文字，不是 PDF。\n"), "file", "不是 PDF", "not a PDF"},
		{"an HTML page named .pdf", fields(), "permit.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "file", "网页代码", "web page code"},
		{"an HTML and PDF polyglot", fields(), "permit.pdf", append([]byte("<html><body><script>fetch('/admin/users')</script>\n"), good...), "file", "网页代码", "web page code"},
		{"a PDF with a script in its header", fields(), "permit.pdf", bytes.Replace(good, []byte("%\xe2\xe3\xcf\xd3"), []byte("%<script>alert(1)</script>"), 1), "file", "网页代码", "web page code"},
		{"an empty file", fields(), "permit.pdf", []byte{}, "file", "文件为空", "file is empty"},
		{"a truncated PDF", fields(), "permit.pdf", good[:len(good)*2/3], "file", "不完整", "incomplete"},
		{"a file over 20 MB", fields(), "permit.pdf", append(bytes.Clone(good), bytes.Repeat([]byte("\n"), documents.MaxFileSize)...), "file", "超过 20 MB", "larger than 20 MB"},
		{"no file", fields(), "", nil, "file", "请选择要上传的 PDF", "Choose the PDF file"},
		{"no title", fields("title", "  "), "permit.pdf", good, "title", "请填写文件标题", "Enter the document's title"},
		{"a title too long", fields("title", strings.Repeat("证", 201)), "permit.pdf", good, "title", "最多 200 个字", "at most 200 characters"},
		{"a target of another project", fields("target", "1"), "permit.pdf", good, "target", "请选择该文件所证明的节点", "Choose the milestone"},
		{"an unknown kind", fields("kind", "invoice"), "permit.pdf", good, "kind", "请选择文件类型", "Choose the kind"},
		{"a kind that does not prove the target", fields("kind", other), "permit.pdf", good, "kind", "或将类型改为“其他”", "or the kind “Other”"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []string{"zh-CN", "en"} {
				li.Header.Set("Accept-Language", lang)
				li.Get("/projects/3/documents")
				resp := upload(t, site, li, tc.fields, tc.filename, tc.content)
				sitetest.WantStatus(t, lang, resp, http.StatusUnprocessableEntity)
				want := map[string]string{"zh-CN": tc.zh, "en": tc.en}[lang]
				if got := sitetest.Text(resp.Doc.Find(`[data-testid="error-` + tc.field + `"]`)); !strings.Contains(got, want) {
					t.Errorf("%s: the %s field says %q, want %q", lang, tc.field, got, want)
				}
				if summary := sitetest.Text(resp.Doc.Find(`[data-testid="error-summary"]`)); !strings.Contains(summary, want) {
					t.Errorf("%s: the summary says %q", lang, summary)
				}
			}
			li.Header.Del("Accept-Language")
			if n := site.Count(t, "documents"); n != 0 {
				t.Errorf("%d documents stored", n)
			}
		})
	}
	if n := site.Count(t, "changes WHERE field LIKE 'document%'"); n != 0 {
		t.Errorf("%d document changes in the history", n)
	}
}

// TestOnlyTheProjectsEditorsUploadAndDelete: an engineer not assigned to
// the project and a supervisor may read its documents but not add or
// delete one; the assigned engineer deletes one, which the history keeps.
func TestOnlyTheProjectsEditorsUploadAndDelete(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li := site.As(t, "li")
	page := li.Get("/projects/3/documents")
	target, kind := firstTarget(t, page)
	for _, who := range []string{"wang", "sup"} {
		b := site.As(t, who)
		other := b.Get("/projects/3/documents")
		sitetest.WantStatus(t, who+" reads the page", other, http.StatusOK)
		if other.Doc.Find(`[data-testid="document-form"]`).Length() != 0 {
			t.Errorf("%s is offered the upload form", who)
		}
		resp := upload(t, site, b, url.Values{"title": {"x"}, "target": {target}, "kind": {kind}}, "a.pdf", pdf(t))
		sitetest.WantStatus(t, who+" uploads", resp, http.StatusForbidden)
	}
	if n := site.Count(t, "documents"); n != 0 {
		t.Fatalf("%d documents stored by those who may not", n)
	}
	sitetest.WantStatus(t, "li uploads", upload(t, site, li, url.Values{"title": {"竣工验收证明"}, "target": {target}, "kind": {"other"}, "public": {"on"}}, "a.pdf", pdf(t)), http.StatusSeeOther)
	id := documentIDs(t, li.Get("/projects/3/documents"))[0]
	path := "/documents/" + id
	for _, who := range []string{"wang", "sup"} {
		b := site.As(t, who)
		b.Get("/projects/3/documents")
		sitetest.WantStatus(t, who+" deletes", b.Post(path+"/delete", nil), http.StatusForbidden)
	}
	li.Get("/projects/3/documents")
	sitetest.WantStatus(t, "li deletes", li.Post(path+"/delete", nil), http.StatusSeeOther)
	sitetest.WantStatus(t, "the public, a deleted document", site.NewBrowser(t).Get(path), http.StatusNotFound)
	if n := site.Count(t, "documents"); n != 0 {
		t.Errorf("%d documents after the deletion", n)
	}
	history := site.NewBrowser(t).Get("/projects/3/history")
	if got := sitetest.Text(history.Doc.Find(`[data-field="document_deleted"]`)); !strings.Contains(got, "竣工验收证明") {
		t.Errorf("the history says %q, want the deletion", got)
	}
}

// TestAPublicDocumentWaitsForReview: under review before publication, a
// document marked public is staff's until a supervisor approves it.
func TestAPublicDocumentWaitsForReview(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li := site.As(t, "li")
	page := li.Get("/projects/3/documents")
	target, kind := firstTarget(t, page)
	sitetest.WantStatus(t, "upload", upload(t, site, li, url.Values{"title": {"施工许可证"}, "target": {target}, "kind": {kind}, "public": {"on"}}, "a.pdf", pdf(t)), http.StatusSeeOther)
	mine := li.Get("/projects/3/documents")
	if got := sitetest.Text(mine.Doc.Find(`[data-testid="document-visibility"]`)); got != "待审核后公开" {
		t.Errorf("the document is %q, want waiting for review", got)
	}
	if mine.Doc.Find(`[data-testid="document-publish"]`).Length() != 0 {
		t.Error("the engineer is offered the approval")
	}
	path := "/documents/" + documentIDs(t, mine)[0]
	public := site.NewBrowser(t)
	sitetest.WantStatus(t, "the public, waiting", public.Get(path), http.StatusNotFound)
	if strings.Contains(public.Get("/projects/3").Body, "施工许可证") {
		t.Error("the public page lists a document waiting for review")
	}
	sup := site.As(t, "sup")
	queue := sup.Get("/projects/3/documents")
	if queue.Doc.Find(`[data-testid="document-publish"]`).Length() != 1 {
		t.Fatal("the supervisor is not offered the approval")
	}
	sitetest.WantStatus(t, "approve", sup.Post(path+"/publish", nil), http.StatusSeeOther)
	sitetest.WantStatus(t, "approve again", sup.Post(path+"/publish", nil), http.StatusConflict)
	sitetest.WantStatus(t, "the public, approved", public.Get(path), http.StatusOK)
	if !strings.Contains(public.Get("/projects/3").Body, "施工许可证") {
		t.Error("the public page does not list the approved document")
	}
	if got := sitetest.Text(public.Get("/projects/3/history").Doc.Find(`[data-field="document_published"]`)); !strings.Contains(got, "施工许可证") {
		t.Errorf("the public history says %q, want the approval", got)
	}
}
