package site_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/auth"
	"shuangshi/internal/bench"
	"shuangshi/internal/site/sitetest"
)

// TestLongListsInTheBrowser opens the pages of a large record that only
// such a record has: a year page beyond its first hundred rows and the
// console's pages, with twenty years in the navigation. At a desktop and a
// phone width, in both languages: the pager shows, nothing scrolls
// sideways, axe finds nothing, no console errors.
func TestLongListsInTheBrowser(t *testing.T) {
	site, _ := sitetest.Generated(t, 3000)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	year := fmt.Sprint(bench.CurrentYear)
	for _, c := range []struct {
		width     int
		languages string
	}{{1280, "zh-CN,zh"}, {360, "zh-CN,zh"}, {360, "en"}} {
		t.Run(fmt.Sprintf("%dpx-%s", c.width, c.languages[:2]), func(t *testing.T) {
			browser, consoleErrs := sitetest.ChromiumWith(t, c.width, c.languages, true)
			sitetest.SignInWithChromium(t, browser, site, "sup")
			for _, page := range []struct{ name, path string }{
				{"year-page-2", "/years/" + year + "?page=2"},
				{"console-page-2", "/overdue?page-overdue=2"},
			} {
				// Each page has a deadline of its own: a slow one fails alone.
				func() {
					ctx, cancel := sitetest.Page(browser)
					defer cancel()
					if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+page.path), chromedp.WaitVisible(chromedp.CSS(`[data-testid="pager"]`))); err != nil {
						t.Fatalf("%s: %v", page.name, err)
					}
					if links := sitetest.Evaluate[int](t, ctx, `document.querySelectorAll('[data-testid="pager"] a').length`); links == 0 {
						t.Errorf("%s: the pager has no links", page.name)
					}
					if sw, cw := sitetest.Evaluate[int](t, ctx, `document.documentElement.scrollWidth`), sitetest.Evaluate[int](t, ctx, `document.documentElement.clientWidth`); sw > cw {
						t.Errorf("%s: the page is %d px wide in a %d px window", page.name, sw, cw)
					}
					if v := runAxe(t, ctx); len(v) > 0 {
						t.Errorf("%s: %d axe violations:\n%s", page.name, len(v), describe(v))
					}
					// The pager, where a reader reaches it: after the last row.
					if err := chromedp.Do(ctx, chromedp.ScrollIntoView(`[data-testid="pager"]`)); err != nil {
						t.Fatal(err)
					}
					shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
					if err != nil {
						t.Fatal(err)
					}
					sitetest.SaveArtifact(t, fmt.Sprintf("%s-%dpx-%s.png", page.name, c.width, c.languages[:2]), shot)
				}()
			}
			if errs := consoleErrs.All(); len(errs) > 0 {
				t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}
