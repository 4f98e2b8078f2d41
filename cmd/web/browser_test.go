package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/site/sitetest"
)

// TestBrowserSmoke loads the public year page in a real headless Chromium,
// at a desktop and a phone width, and checks that it renders whole, with no
// console error and nothing wider than the screen.
func TestBrowserSmoke(t *testing.T) {
	srv := startServer(t, filepath.Join(t.TempDir(), "shuangshi.db"))
	for _, width := range []int{1280, 360} {
		t.Run(fmt.Sprintf("%dpx", width), func(t *testing.T) {
			ctx, consoleErrs := sitetest.Chromium(t, width)
			err := chromedp.Do(ctx,
				chromedp.Navigate(srv.URL+"/years/2022"),
				chromedp.WaitVisible(chromedp.CSS(`tr[data-testid="target"]`)),
			)
			if err != nil {
				t.Fatal(err)
			}
			h1 := sitetest.Evaluate[string](t, ctx, `document.querySelector('h1').textContent.trim()`)
			rows := sitetest.Evaluate[int](t, ctx, `document.querySelectorAll('tr[data-testid="target"]').length`)
			// The site header is red only if the style sheet loaded.
			stylesApplied := sitetest.Evaluate[bool](t, ctx, `getComputedStyle(document.querySelector('.site-header')).backgroundColor === 'rgb(166, 27, 27)'`)
			scrollWidth := sitetest.Evaluate[int](t, ctx, `document.documentElement.scrollWidth`)
			clientWidth := sitetest.Evaluate[int](t, ctx, `document.documentElement.clientWidth`)
			screenshot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if h1 != "2022年区“双十”项目" || rows != 20 {
				t.Errorf("rendered h1 %q with %d target rows, want the 2022 page with 20", h1, rows)
			}
			if !stylesApplied {
				t.Error("the style sheet did not apply")
			}
			if scrollWidth > clientWidth {
				t.Errorf("the page is %d px wide in a %d px window: it scrolls sideways", scrollWidth, clientWidth)
			}
			if errs := consoleErrs.All(); len(errs) > 0 {
				t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
			}
			sitetest.SaveArtifact(t, fmt.Sprintf("year-2022-%dpx.png", width), screenshot)
		})
	}
}
