package photos_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"shuangshi/internal/auth"
	"shuangshi/internal/photos/photostest"
	"shuangshi/internal/site/sitetest"
)

// TestUploadOnAPhoneWithoutJavaScript: at 360 px, JavaScript off, the
// engineer opens the project's photos, chooses two photos from the
// camera, types a caption and uploads; the page says they wait for
// review, and shows them. A supervisor approves them; a resident sees
// them on the project's page. Screenshots of each page at 360 and
// 1280 px in both languages go to artifacts/screenshots.
func TestUploadOnAPhoneWithoutJavaScript(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	base = site.URL
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	dir := t.TempDir()
	var paths []string
	for i, o := range []int{1, 6} {
		p := filepath.Join(dir, photostest.Name(i+1))
		data := photostest.JPEG(photostest.Marked(1200, 900), photostest.EXIF(o, "2023:05:20 09:15:00", true))
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	phone, _ := sitetest.ChromiumWith(t, 360, "zh-CN,zh", false)
	sitetest.SignInWithChromium(t, phone, site, "li")
	ctx, cancel := sitetest.Page(phone)
	defer cancel()
	// The taps: the file field (the camera opens), the shutter and its
	// confirmation (twice, for two photos, or one choice of both), the
	// caption, Upload.
	err := chromedp.Do(ctx,
		chromedp.Navigate(site.URL+haian+"/photos"),
		chromedp.SetUploadFiles(chromedp.CSS(`#photos`), paths),
		chromedp.SendKeys(chromedp.CSS(`#caption`), "东侧桥墩浇筑完成"),
	)
	if err != nil {
		t.Fatal(err)
	}
	shoot(t, ctx, "photos-upload-chosen-zh-360px.png")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`[data-testid="upload-photos"]`))); err != nil {
		t.Fatal(err)
	}
	flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="flash"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "审核") {
		t.Errorf("flash %q", flash)
	}
	if n := site.Count(t, "photos"); n != 2 {
		t.Fatalf("%d photos stored, want 2", n)
	}
	shoot(t, ctx, "photos-staff-zh-360px.png")

	sup := site.As(t, "sup")
	queue := sup.Get("/review")
	form := queue.Doc.Find(`input[name="approve_photo"]`)
	if form.Length() != 2 {
		t.Fatalf("%d photos in the queue", form.Length())
	}
	values := url.Values{"approve_photo": form.Map(func(_ int, s *goquery.Selection) string { v, _ := s.Attr("value"); return v })}
	sitetest.WantStatus(t, "approve", sup.Post("/review/approve", values), 303)

	for _, lang := range []struct{ name, header string }{{"zh", "zh-CN,zh"}, {"en", "en-GB,en"}} {
		for _, width := range []int{360, 1280} {
			browser, _ := sitetest.ChromiumWith(t, width, lang.header, false)
			pctx, cancel := sitetest.Page(browser)
			if err := chromedp.Do(pctx, chromedp.Navigate(site.URL+haian)); err != nil {
				t.Fatal(err)
			}
			n := sitetest.Evaluate[int](t, pctx, `document.querySelectorAll('[data-testid="photo"]').length`)
			if n != 2 {
				t.Errorf("%s %d px: %d public photos, want 2", lang.name, width, n)
			}
			sitetest.Evaluate[bool](t, pctx, `(document.querySelector('[data-testid="photos"]').scrollIntoView(), true)`)
			shoot(t, pctx, fmt.Sprintf("photos-public-%s-%dpx.png", lang.name, width))
			cancel()
			admin, _ := sitetest.ChromiumWith(t, width, lang.header, false)
			sitetest.SignInWithChromium(t, admin, site, "adm")
			actx, cancel := sitetest.Page(admin)
			if err := chromedp.Do(actx, chromedp.Navigate(site.URL+"/admin/photos")); err != nil {
				t.Fatal(err)
			}
			shoot(t, actx, fmt.Sprintf("photos-limits-%s-%dpx.png", lang.name, width))
			if err := chromedp.Do(actx, chromedp.Navigate(site.URL+haian+"/photos")); err != nil {
				t.Fatal(err)
			}
			shoot(t, actx, fmt.Sprintf("photos-upload-%s-%dpx.png", lang.name, width))
			cancel()
		}
	}
}

func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.SaveArtifact(t, name, png)
}
