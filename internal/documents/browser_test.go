package documents_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/site/sitetest"
)

func TestMain(m *testing.M) { sitetest.Main(m) }

// smallControls lists, as text, the controls of the documents' sections
// smaller than 44 × 44 CSS px; a checkbox or radio button counts by its
// label, where a thumb lands.
const smallControls = `(() => {
	const out = [];
	const scope = document.querySelectorAll('[data-testid="documents"], .document-upload');
	for (const root of scope) {
		for (const el of root.querySelectorAll('a[href], button, input:not([type="hidden"]), select, summary')) {
			if (!el.checkVisibility()) continue;
			let box = el;
			if (el.type === 'checkbox' || el.type === 'radio') box = el.labels[0];
			const r = box.getBoundingClientRect();
			if (r.width < 43.5 || r.height < 43.5) out.push(el.outerHTML.slice(0, 80) + ' ' + Math.round(r.width) + '×' + Math.round(r.height));
		}
	}
	return out.join('\n');
})()`

// TestBrowserUploadOnAPhoneWithoutJavaScript: an engineer uploads a
// permit at 360 px with JavaScript off, in both languages: a PDF refused
// first (a text file named .pdf) with its message by the field, then the
// real one, which the public finds on the project's page. Screenshots of
// the form and the public list at 360 and 1280 px; every control of the
// documents' sections is 44 × 44 px at least.
func TestBrowserUploadOnAPhoneWithoutJavaScript(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "许可证.pdf"), filepath.Join(dir, "not.pdf")
	if err := os.WriteFile(good, pdf(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("这不是 PDF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"zh-CN,zh", "en-GB,en"} {
		t.Run(lang[:2], func(t *testing.T) {
			site := sitetest.NewEditing(t)
			ctx, errs := sitetest.ChromiumWith(t, 360, lang, false)
			sitetest.SignInWithChromium(t, ctx, site, "li")
			do(t, ctx, chromedp.Navigate(site.URL+"/projects/3"))
			submit(t, ctx, `[data-testid="documents-manage"]`)
			if got := sitetest.Evaluate[string](t, ctx, `location.pathname`); got != "/projects/3/documents" {
				t.Fatalf("the project's link leads to %s", got)
			}
			do(t, ctx, chromedp.SendKeys(chromedp.CSS("#title"), "海安路施工许可证"),
				chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{bad}),
				chromedp.Click(chromedp.CSS(`label[for="public"]`), chromedp.NodeVisible))
			shot(t, ctx, "documents-upload-"+lang[:2]+"-360px")
			submit(t, ctx, `[data-testid="document-upload"]`)
			if got := sitetest.Evaluate[string](t, ctx, `document.querySelector('[data-testid="error-file"]')?.textContent ?? ''`); !strings.Contains(got, "PDF") {
				t.Fatalf("the refused file's field says %q", got)
			}
			if !sitetest.Evaluate[bool](t, ctx, `document.getElementById('public').checked && document.getElementById('title').value === '海安路施工许可证'`) {
				t.Error("the refused form lost what was typed")
			}
			shot(t, ctx, "documents-refused-"+lang[:2]+"-360px")
			do(t, ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{good}))
			submit(t, ctx, `[data-testid="document-upload"]`)
			if n := sitetest.Evaluate[int](t, ctx, `document.querySelectorAll('[data-testid="document"]').length`); n != 1 {
				t.Fatalf("the documents page lists %d documents after the upload", n)
			}
			if small := sitetest.Evaluate[string](t, ctx, smallControls); small != "" {
				t.Errorf("controls under 44 px at 360 px:\n%s", small)
			}
			shot(t, ctx, "documents-uploaded-"+lang[:2]+"-360px")

			for _, width := range []int{360, 1280} {
				public, _ := sitetest.ChromiumWith(t, width, lang, false)
				do(t, public, chromedp.Navigate(site.URL+"/projects/3"))
				if got := sitetest.Evaluate[string](t, public, `document.querySelector('[data-testid="document-link"]')?.textContent ?? ''`); !strings.Contains(got, "海安路施工许可证") {
					t.Errorf("%d px: the public project page lists %q", width, got)
				}
				do(t, public, chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="documents"]`)))
				shot(t, public, "documents-public-"+lang[:2]+"-"+itoa(width)+"px")
			}
			wide, _ := sitetest.ChromiumWith(t, 1280, lang, false)
			sitetest.SignInWithChromium(t, wide, site, "li")
			do(t, wide, chromedp.Navigate(site.URL+"/projects/3/documents"))
			if small := sitetest.Evaluate[string](t, wide, smallControls); small != "" {
				t.Errorf("controls under 44 px at 1280 px:\n%s", small)
			}
			shot(t, wide, "documents-upload-"+lang[:2]+"-1280px")
			for _, e := range errs.All() {
				// The refused upload's 422 is the browser's log of the
				// page that says why.
				if !strings.Contains(e, "422") {
					t.Errorf("console error: %s", e)
				}
			}
		})
	}
}

func itoa(n int) string {
	if n == 360 {
		return "360"
	}
	return "1280"
}

func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	pageCtx, cancel := sitetest.Page(ctx)
	defer cancel()
	if err := chromedp.Do(pageCtx, actions...); err != nil {
		t.Fatal(err)
	}
}

// submit taps what leads to another page, and waits for it.
func submit(t *testing.T, ctx context.Context, selector string) {
	t.Helper()
	pageCtx, cancel := sitetest.Page(ctx)
	defer cancel()
	if _, err := chromedp.RunResponse(pageCtx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	screen, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.SaveArtifact(t, name+".png", screen)
}
