package photos_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/photos"
	"shuangshi/internal/photos/photostest"
	"shuangshi/internal/site/sitetest"
)

// upload posts files (name → bytes) and a caption to a project's photos
// as the browser's form does: multipart, the CSRF token in the address.
func upload(t *testing.T, b *sitetest.Browser, projectPath, caption string, files ...file) sitetest.Response {
	return uploadTo(t, b, base, projectPath, caption, files...)
}

// base is the address of the test's site, set by each test.
var base string

func uploadTo(t *testing.T, b *sitetest.Browser, site, projectPath, caption string, files ...file) sitetest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range files {
		part, err := w.CreateFormFile("photos", f.name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(f.data)
	}
	w.WriteField("caption", caption)
	w.Close()
	req, err := http.NewRequest(http.MethodPost, site+projectPath+"/photos?_csrf="+url.QueryEscape(b.CSRF), &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.Do(req)
}

type file struct {
	name string
	data []byte
}

const haian = "/projects/3" // sitetest.Haian, assigned to li

// TestBadUploadsAreRefused: each bad file of the issue gets 422 with its
// message by the field, in both languages, and nothing is stored.
func TestBadUploadsAreRefused(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	base = site.URL
	li := site.As(t, "li")
	li.Get(haian + "/photos")
	good := photostest.JPEG(photostest.Marked(64, 48), nil)
	cases := []struct {
		name  string
		data  []byte
		words map[string]string // language → part of the message
	}{
		{"text named .jpg", []byte("not a picture at all"), map[string]string{"en": "is not a photo", "zh-CN": "不是照片"}},
		{"truncated JPEG", good[:len(good)*2/3], map[string]string{"en": "damaged or incomplete", "zh-CN": "已损坏"}},
		{"PNG of 100,000 × 100,000", photostest.HugePNG(100_000, 100_000), map[string]string{"en": "more than 50 megapixels", "zh-CN": "超过 50 百万像素"}},
		{"JPEG with a ZIP appended", append(append([]byte{}, good...), []byte("PK\x03\x04\x14\x00evil.class")...), map[string]string{"en": "carries another file", "zh-CN": "夹带其他文件"}},
		{"JPEG with HTML appended", append(append([]byte{}, good...), []byte("<html><script>alert(1)</script></html>")...), map[string]string{"en": "carries another file", "zh-CN": "夹带其他文件"}},
	}
	for _, tc := range cases {
		for lang, words := range tc.words {
			t.Run(tc.name+" "+lang, func(t *testing.T) {
				li.Header.Set("Accept-Language", lang)
				// A good photo first: one bad file refuses the whole upload.
				resp := upload(t, li, haian, "桥墩", file{"good.jpg", good}, file{"site.jpg", tc.data})
				sitetest.WantStatus(t, tc.name, resp, http.StatusUnprocessableEntity)
				msg := sitetest.Text(resp.Doc.Find(`[data-testid="error-photos"]`))
				if !strings.Contains(msg, words) || !strings.Contains(msg, "site.jpg") {
					t.Errorf("message %q, want it to name site.jpg and say %q", msg, words)
				}
				if v, _ := resp.Doc.Find(`input[name="caption"]`).Attr("value"); v != "桥墩" {
					t.Errorf("caption kept as %q", v)
				}
				if n := site.Count(t, "photos"); n != 0 {
					t.Errorf("%d photos stored", n)
				}
			})
		}
	}
	li.Header.Del("Accept-Language")
	t.Run("no file", func(t *testing.T) {
		resp := upload(t, li, haian, "")
		sitetest.WantStatus(t, "no file", resp, http.StatusUnprocessableEntity)
	})
	t.Run("caption too long", func(t *testing.T) {
		resp := upload(t, li, haian, strings.Repeat("长", 201), file{"good.jpg", good})
		sitetest.WantStatus(t, "long caption", resp, http.StatusUnprocessableEntity)
		if site.Count(t, "photos") != 0 {
			t.Error("stored")
		}
	})
	t.Run("not assigned", func(t *testing.T) {
		wang := site.As(t, "wang")
		wang.Get(haian)
		sitetest.WantStatus(t, "wang", upload(t, wang, haian, "", file{"good.jpg", good}), http.StatusForbidden)
	})
}

// TestServedPhotoHasNoEXIFAndIsUpright: a photo with a GPS position and
// orientation 6, approved, is on the public page; the public copy (as
// served, parsed) has no APP1 segment at all and is turned upright; it is
// served by hash with a strong ETag, for good, not sniffed.
func TestServedPhotoHasNoEXIFAndIsUpright(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	base = site.URL
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li := site.As(t, "li")
	li.Get(haian + "/photos")
	data := photostest.JPEG(photostest.Marked(80, 40), photostest.EXIF(6, "2023:05:20 09:15:00", true))
	resp := upload(t, li, haian, "东侧桥墩浇筑", file{"IMG_0001.JPG", data})
	sitetest.WantStatus(t, "upload", resp, http.StatusSeeOther)

	public := site.NewBrowser(t)
	page := public.Get(haian)
	if n := page.Doc.Find(`[data-testid="photo"]`).Length(); n != 0 {
		t.Fatalf("the public sees %d photos before the review", n)
	}
	staff := li.Get(haian)
	if got := staff.Doc.Find(`[data-testid="photo-state"]`).First().Text(); !strings.Contains(got, "审核") {
		t.Errorf("staff see the state %q", got)
	}
	thumb, _ := staff.Doc.Find(`[data-testid="photo"] img`).Attr("src")
	if r, _ := sitetest.Fetch(t, site.URL+thumb); r.StatusCode != http.StatusNotFound {
		t.Errorf("the public reads a photo waiting for review: %d", r.StatusCode)
	}

	sup := site.As(t, "sup")
	queue := sup.Get("/review")
	id, ok := queue.Doc.Find(`input[name="approve_photo"]`).Attr("value")
	if !ok || queue.Doc.Find(`input[name="approve_photo"][checked]`).Length() != 1 {
		t.Fatalf("the photo is not ticked in the queue")
	}
	sitetest.WantStatus(t, "approve", sup.Post("/review/approve", url.Values{"approve_photo": {id}}), http.StatusSeeOther)

	page = public.Get(haian)
	photo := page.Doc.Find(`[data-testid="photo"]`)
	if photo.Length() != 1 || !strings.Contains(sitetest.Text(photo), "东侧桥墩浇筑") || !strings.Contains(sitetest.Text(photo), "2023年5月20日") {
		t.Fatalf("public timeline: %q", sitetest.Text(page.Doc.Find(`[data-testid="photos"]`)))
	}
	full, _ := photo.Find("a").Attr("href")
	// In the open data, an approved photo is an illustration: visual
	// evidence of physical progress.
	if pkg := public.Get("/api/v1/oc4ids/projects/3").Body; !strings.Contains(pkg, `"documentType":"illustration"`) || !strings.Contains(pkg, full) {
		t.Errorf("the OC4IDS package has no illustration for the approved photo %s", full)
	}
	r, body := sitetest.Fetch(t, site.URL+full)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", full, r.StatusCode)
	}
	if photos.HasAPP1(body) || bytes.Contains(body, []byte("Exif")) {
		t.Error("the served copy keeps EXIF")
	}
	hash := strings.TrimSuffix(strings.TrimPrefix(full, "/photos/"), ".jpg")
	for header, want := range map[string]string{
		"ETag": `"` + hash + `"`, "Cache-Control": "public, max-age=31536000, immutable",
		"X-Content-Type-Options": "nosniff", "Content-Type": "image/jpeg",
	} {
		if got := r.Header.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
	img, err := decodeJPEG(body)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 40 || b.Dy() != 80 {
		t.Errorf("served %v, want 40 × 80 (turned)", b)
	}
	if !isRed(img, 30, 20) || isRed(img, 10, 20) {
		t.Error("the red quarter is not at the top right: not turned clockwise")
	}
	// Again with the ETag: not modified.
	req, _ := http.NewRequest(http.MethodGet, site.URL+full, nil)
	req.Header.Set("If-None-Match", `"`+hash+`"`)
	if resp := public.Do(req); resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: %d", resp.StatusCode)
	}

	// Hidden, it leaves the public page; the history says so.
	li.Get(haian + "/photos")
	sitetest.WantStatus(t, "hide", li.Post(haian+"/photos/"+id+"/hide", url.Values{"hidden": {"true"}}), http.StatusSeeOther)
	if n := public.Get(haian).Doc.Find(`[data-testid="photo"]`).Length(); n != 0 {
		t.Errorf("a hidden photo is public")
	}
	li.Get(haian + "/photos")
	sitetest.WantStatus(t, "delete", li.Post(haian+"/photos/"+id+"/delete", nil), http.StatusSeeOther)
	if site.Count(t, "photos") != 0 {
		t.Error("not deleted")
	}
	history := sitetest.Text(li.Get(haian + "/history").Doc.Find("main"))
	for _, want := range []string{"添加照片", "批准公开照片", "隐藏照片", "删除照片"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
}

// TestDailyLimit: past the photos a project may get in a day, 422.
func TestDailyLimit(t *testing.T) {
	site := sitetest.NewEditing(t)
	base = site.URL
	adm := site.As(t, "adm")
	adm.Get(photos.LimitsPath)
	resp := adm.Post(photos.LimitsPath, url.Values{"max_file_mb": {"15"}, "per_day": {"abc"}, "storage_cap_gb": {"5"}})
	sitetest.WantStatus(t, "bad limits", resp, http.StatusUnprocessableEntity)
	if v, _ := resp.Doc.Find(`input[name="per_day"]`).Attr("value"); v != "abc" {
		t.Errorf("per_day kept as %q", v)
	}
	sitetest.WantStatus(t, "limits", adm.Post(photos.LimitsPath, url.Values{"max_file_mb": {"15"}, "per_day": {"2"}, "storage_cap_gb": {"5"}}), http.StatusSeeOther)
	li := site.As(t, "li")
	li.Get(haian + "/photos")
	good := photostest.JPEG(photostest.Marked(32, 32), nil)
	sitetest.WantStatus(t, "two", upload(t, li, haian, "", file{"a.jpg", good}, file{"b.jpg", good}), http.StatusSeeOther)
	li.Get(haian + "/photos")
	resp = upload(t, li, haian, "", file{"c.jpg", good})
	sitetest.WantStatus(t, "third", resp, http.StatusUnprocessableEntity)
	if n := site.Count(t, "photos"); n != 2 {
		t.Errorf("%d photos stored, want 2", n)
	}
	// Review off: published at once.
	if n := site.NewBrowser(t).Get(haian).Doc.Find(`[data-testid="photo"]`).Length(); n != 2 {
		t.Errorf("%d public photos, want 2", n)
	}
	used := sitetest.Text(adm.Get(photos.LimitsPath).Doc.Find(`[data-testid="storage-used"]`))
	if !strings.Contains(used, "2") {
		t.Errorf("storage used: %q", used)
	}
}

func decodeJPEG(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }

func isRed(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r>>8 > 150 && g>>8 < 90 && b>>8 < 90
}
