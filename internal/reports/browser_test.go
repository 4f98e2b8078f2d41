package reports_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/site/sitetest"
)

// TestTheInvestmentPagesInChromium opens the year-end table with its
// investment columns and the dashboard, with amounts given, in both
// languages at 360 and 1280 px: neither page scrolls sideways as a whole
// (the wide table scrolls in its own region), and screenshots are saved
// for people to look at.
func TestTheInvestmentPagesInChromium(t *testing.T) {
	site, _ := invested(t)
	for _, lang := range []struct{ name, languages string }{{"zh", "zh-CN,zh"}, {"en", "en"}} {
		for _, width := range []int{360, 1280} {
			t.Run(fmt.Sprintf("%s-%dpx", lang.name, width), func(t *testing.T) {
				browserCtx, consoleErrs := sitetest.ChromiumWith(t, width, lang.languages, true)
				for _, page := range []struct{ name, path, part string }{
					{"report-investment", "/years/2023/report?investment=1", `[data-testid="report"]`},
					{"dashboard-investment", "/years/2023/dashboard", `[data-testid="money"]`},
				} {
					ctx, cancel := sitetest.Page(browserCtx)
					if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+page.path)); err != nil {
						cancel()
						t.Fatal(err)
					}
					if overflow := sitetest.Evaluate[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`); overflow {
						t.Errorf("%s scrolls sideways at %d px", page.name, width)
					}
					shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
					if err != nil {
						cancel()
						t.Fatal(err)
					}
					sitetest.SaveArtifact(t, fmt.Sprintf("%s-%s-%dpx.png", page.name, lang.name, width), shot)
					// The part itself, close up.
					part, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(page.part)))
					cancel()
					if err != nil {
						t.Fatal(err)
					}
					sitetest.SaveArtifact(t, fmt.Sprintf("%s-%s-%dpx-part.png", page.name, lang.name, width), part)
				}
				if errs := consoleErrs.All(); len(errs) > 0 {
					t.Errorf("console errors: %v", errs)
				}
			})
		}
	}
}
