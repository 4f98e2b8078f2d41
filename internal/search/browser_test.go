package search_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/site/sitetest"
)

// TestBrowserResidentFindsAProjectByStreet walks a resident on a phone
// (360 px), in Chinese and in English, from the home page to 海安路's page
// by a street it runs along, counting the taps: the header's search icon,
// the field, the Search button, the project's row (4). At 1280 px the
// header's own box takes the query (3 taps). Typing is not counted.
func TestBrowserResidentFindsAProjectByStreet(t *testing.T) {
	site := sitetest.New(t)
	for _, tc := range []struct {
		lang, query, submit string
		width, taps         int
	}{
		{"zh-CN", "军工", "搜索", 360, 4},
		{"en", "Jungong", "Search", 360, 4},
		{"zh-CN", "军工", "搜索", 1280, 3},
		{"en", "Jungong", "Search", 1280, 3},
	} {
		t.Run(fmt.Sprintf("%s at %d px", tc.lang, tc.width), func(t *testing.T) {
			browser, errs := sitetest.ChromiumWith(t, tc.width, tc.lang, true)
			ctx, cancel := sitetest.Page(browser)
			defer cancel()
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/")); err != nil {
				t.Fatal(err)
			}
			taps := 0
			tap := func(selector string) {
				t.Helper()
				taps++
				if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(selector)), chromedp.Click(chromedp.CSS(selector))); err != nil {
					t.Fatalf("tap %s: %v", selector, err)
				}
			}
			field := "#site-search-q"
			if tc.width < 768 {
				if sitetest.Evaluate[bool](t, ctx, `getComputedStyle(document.querySelector('.site-search')).display !== 'none'`) {
					t.Errorf("the header's search field shows on a phone")
				}
				h := sitetest.Evaluate[float64](t, ctx, `document.querySelector('[data-testid="search-link"]').getBoundingClientRect().height`)
				w := sitetest.Evaluate[float64](t, ctx, `document.querySelector('[data-testid="search-link"]').getBoundingClientRect().width`)
				if h < 44 || w < 44 {
					t.Errorf("the search icon is %.0f × %.0f px, want 44 × 44 at least", w, h)
				}
				tap(`[data-testid="search-link"]`)
				field = "#search-q"
			} else if h := sitetest.Evaluate[float64](t, ctx, `document.querySelector('#site-search-q').getBoundingClientRect().height`); h < 44 {
				t.Errorf("the header's search field is %.0f px tall", h)
			}
			tap(field)
			if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(field), tc.query)); err != nil {
				t.Fatal(err)
			}
			button := `main form[role="search"] button[type="submit"]`
			if field == "#site-search-q" {
				button = `.site-search button[type="submit"]`
			}
			if got := sitetest.Evaluate[string](t, ctx, `document.querySelector('`+button+`').textContent.trim()`); got != tc.submit {
				t.Errorf("the button says %q, want %q", got, tc.submit)
			}
			tap(button)
			if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="search-count"]`))); err != nil {
				t.Fatal(err)
			}
			if w, cw := sitetest.Evaluate[int](t, ctx, `document.documentElement.scrollWidth`), sitetest.Evaluate[int](t, ctx, `document.documentElement.clientWidth`); w > cw {
				t.Errorf("the results are %d px wide in a %d px window", w, cw)
			}
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err == nil {
				sitetest.SaveArtifact(t, fmt.Sprintf("search-%s-%d.png", tc.lang, tc.width), shot)
			}
			tap(`[data-testid="found-2023"] a[href="/projects/3"]`)
			if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`h1`))); err != nil {
				t.Fatal(err)
			}
			if got := sitetest.Evaluate[string](t, ctx, `location.pathname`); got != "/projects/3" {
				t.Errorf("the walk ends at %s", got)
			}
			if h1 := sitetest.Evaluate[string](t, ctx, `document.querySelector('h1').textContent`); !strings.Contains(h1, "海安路") {
				t.Errorf("the project page is %q", h1)
			}
			if taps != tc.taps {
				t.Errorf("%d taps, want %d", taps, tc.taps)
			}
			t.Logf("%s at %d px: %d taps from the home page to 海安路", tc.lang, tc.width, taps)
			if all := errs.All(); len(all) > 0 {
				t.Errorf("console errors: %v", all)
			}
		})
	}
}
