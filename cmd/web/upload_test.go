package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"shuangshi/internal/site/sitetest"
	"strings"
	"testing"
	"time"
)

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
