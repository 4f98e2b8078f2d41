package imports_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/imports/importstest"
	"shuangshi/internal/site/sitetest"
)

// TestTheAttacksWorkbooksAreRefused: each workbook of the attack is
// refused at once with its reason by the file field, nothing is kept, and
// the site goes on serving. Before, the 6.6 KB file took 43 s and 3 GB and
// the 980 KB one ended the process.
func TestTheAttacksWorkbooksAreRefused(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	sitetest.WantAttackRefused(t, adm)
	if kept := site.Count(t, "imports"); kept != 0 {
		t.Errorf("%d refused uploads were kept", kept)
	}
	sitetest.WantStatus(t, "the public year page", site.NewBrowser(t).Get("/years/2023"), http.StatusOK)
}

// TestAnUploadIsReadOnce: the upload keeps the rows read from the file, not
// the file, and the preview and the confirmation work from them.
func TestAnUploadIsReadOnce(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	adm.Get("/admin/import")
	uploaded := adm.PostFile("/admin/import", "2024", "list.csv", []byte("年度目标,项目名称\n开工,甲路新建工程\n"))
	sitetest.WantStatus(t, "upload", uploaded, http.StatusSeeOther)
	var row struct {
		Sheet   *string
		Content []byte
	}
	if err := site.Site.DB.Read.Raw("SELECT sheet, content FROM imports").Scan(&row).Error; err != nil {
		t.Fatal(err)
	}
	if row.Sheet == nil || !strings.Contains(*row.Sheet, "甲路新建工程") || row.Content != nil {
		t.Fatalf("kept sheet %v and %d bytes of file, want the rows and no file", row.Sheet, len(row.Content))
	}
	if got := lineActions(adm.Get(uploaded.Header.Get("Location"))); len(got) != 1 || got["2"] != "new" {
		t.Fatalf("the preview: %v", got)
	}
	sitetest.WantStatus(t, "confirm", adm.Post(uploaded.Header.Get("Location"), nil), http.StatusSeeOther)
	if got := adm.Get("/years/2024").Doc.Find(`tr[data-number]`).Length(); got != 1 {
		t.Errorf("2024 has %d targets, want 1", got)
	}
}

// TestAnUploadKeptBeforeSheetsIsReadOnce: an upload kept as its file, as
// they were before migration 00012, is read when its preview is first
// shown and its rows kept in the file's place; one whose file would now be
// refused is answered with the reason.
func TestAnUploadKeptBeforeSheetsIsReadOnce(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	keep := func(content []byte) string {
		t.Helper()
		var id int64
		err := site.Site.DB.Write.Raw(`INSERT INTO imports (year, file_name, content, created_at) VALUES (2023, 'list.xlsx', ?, ?) RETURNING id`,
			content, site.Clock.Now()).Scan(&id).Error
		if err != nil {
			t.Fatal(err)
		}
		return "/admin/import/" + sitetest.ID(id)
	}
	table := keep(sitetest.Workbook(t, "表十 2023 年区“双十”项目", []string{"", "项目名称"}, table10(t)))
	if got := lineActions(adm.Get(table)); len(got) != 20 || got["3"] != "listed" {
		t.Fatalf("the older upload's preview: %v", got)
	}
	var left int64
	if err := site.Site.DB.Read.Raw("SELECT COUNT(*) FROM imports WHERE sheet IS NULL OR content IS NOT NULL").Scan(&left).Error; err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("the older upload still has its file, or no sheet")
	}
	if got := lineActions(adm.Get(table)); len(got) != 20 {
		t.Errorf("the preview shown again: %d lines", len(got))
	}

	hostile := adm.Get(keep(importstest.WideRows(importstest.SmallWideRows)))
	sitetest.WantStatus(t, "an older upload refused now", hostile, http.StatusUnprocessableEntity)
	if got := sitetest.Text(hostile.Doc.Find("main")); !strings.Contains(got, "XFD1") {
		t.Errorf("the page says %q, want it to name cell XFD1", got)
	}
}

// stalledUpload is a multipart upload of declared size that sends its first
// 64 kB and then waits, as a slow client would, until the test has its
// answer: a server that reads the body before it answers never answers.
type stalledUpload struct {
	head     io.Reader
	answered chan struct{}
}

func newStalledUpload() (*stalledUpload, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("year", "2024")
	part, _ := w.CreateFormFile("file", "list.xlsx")
	part.Write(bytes.Repeat([]byte("x"), 64<<10))
	return &stalledUpload{head: bytes.NewReader(body.Bytes()), answered: make(chan struct{})}, w.FormDataContentType()
}

func (s *stalledUpload) Read(p []byte) (int, error) {
	if n, err := s.head.Read(p); err != io.EOF {
		return n, err
	}
	select {
	case <-s.answered:
	case <-time.After(10 * time.Second):
	}
	return 0, io.ErrUnexpectedEOF
}

// TestUploadsAreRefusedBeforeTheirBodyIsRead posts a 7.9 MB upload that
// stalls after its first 64 kB, as someone without the right to upload:
// without a session, as an engineer, as an administrator with a wrong token
// or with the token only inside the body. Each is answered 403 while the
// body is still coming: nothing was read to refuse it.
func TestUploadsAreRefusedBeforeTheirBodyIsRead(t *testing.T) {
	site := sitetest.NewEditing(t)
	anonymous := site.NewBrowser(t)
	anonymous.Get("/login") // a session, with a token, but nobody signed in
	engineer := site.SignIn(t, "li", sitetest.Password)
	engineer.Get("/")
	admin := site.SignIn(t, "adm", sitetest.Password)
	admin.Get("/admin/import")
	for _, tc := range []struct {
		name  string
		b     *sitetest.Browser
		token string
	}{
		{"no session", site.NewBrowser(t), ""},
		{"a session nobody signed in to, with its token", anonymous, anonymous.CSRF},
		{"an engineer, with the right token", engineer, engineer.CSRF},
		{"an administrator, with a wrong token", admin, "not-the-token"},
		{"an administrator, with the token only in the body", admin, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, contentType := newStalledUpload()
			address := site.URL + "/admin/import"
			if tc.token != "" {
				address += "?_csrf=" + url.QueryEscape(tc.token)
			}
			req, err := http.NewRequest(http.MethodPost, address, body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = 7_900_000 // as a browser declares it
			req.Header.Set("Content-Type", contentType)
			req.Header.Set("X-Test", tc.name)
			resp, err := tc.b.Client.Do(req)
			close(body.answered)
			if err != nil {
				t.Fatalf("no answer while the body was still coming: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
		})
	}
}

// TestAChunkedUploadOverTheLimitIsTooLarge sends an administrator's upload
// in chunks, without a length to refuse it by, past the 8 MB limit: the
// answer is 413 with the upload form saying the file is too large, not a
// page about a forged form.
func TestAChunkedUploadOverTheLimitIsTooLarge(t *testing.T) {
	site := sitetest.NewEditing(t)
	admin := site.SignIn(t, "adm", sitetest.Password)
	admin.Get("/admin/import")
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("year", "2024")
	part, _ := w.CreateFormFile("file", "list.xlsx")
	part.Write(bytes.Repeat([]byte("x"), 9<<20))
	w.Close()
	// Hiding the reader's type keeps the client from knowing the length.
	req, err := http.NewRequest(http.MethodPost, site.URL+"/admin/import?_csrf="+url.QueryEscape(admin.CSRF), io.MultiReader(&body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp := admin.Do(req)
	sitetest.WantStatus(t, "a chunked 9 MB upload", resp, http.StatusRequestEntityTooLarge)
	if msg := sitetest.Text(resp.Doc.Find(`[data-testid="error-file"]`)); !strings.Contains(msg, "4 MB") {
		t.Errorf("the file's message is %q, want that it is over 4 MB", msg)
	}
}
