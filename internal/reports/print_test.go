package reports_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"shuangshi/internal/site/sitetest"
)

// TestTheYearEndReportPrinted opens the 2023 year-end table in Chromium as
// it prints (the print media emulated): the parts that only work on a
// screen (the downloads, the investment switch, the print hint, the
// language switch, the search, the sign-in link, the years' links, the
// footer's feed link) have display none, and the table is there, a row
// whose progress nobody has reported yet saying 尚未报告 as the site does,
// not a blank cell. The printed PDF is saved for people to look at.
func TestTheYearEndReportPrinted(t *testing.T) {
	site := sitetest.New(t)
	browserCtx, consoleErrs := sitetest.ChromiumWith(t, 1280, "zh-CN,zh", true)
	ctx, cancel := sitetest.Page(browserCtx)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print media: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/years/2023/report")); err != nil {
		t.Fatal(err)
	}
	if !sitetest.Evaluate[bool](t, ctx, `matchMedia('print').matches`) {
		t.Fatal("the page is not in print media")
	}

	for _, webOnly := range []string{
		".report__downloads",
		".report__switch",
		".report__hint",
		".language-switch",
		".site-search",
		".site-search-link",
		".sign-in-link",
		".year-nav",
		".skip-link",
		".site-footer .link-line",
	} {
		displays := sitetest.Evaluate[[]string](t, ctx, `[...document.querySelectorAll(`+jsString(webOnly)+`)].map(e => getComputedStyle(e).display)`)
		if len(displays) == 0 {
			t.Errorf("the page has no %s: the test no longer matches it", webOnly)
			continue
		}
		for _, d := range displays {
			if d != "none" {
				t.Errorf("printed, %s has display %q, want none", webOnly, d)
			}
		}
	}

	if rows := sitetest.Evaluate[int](t, ctx, `[...document.querySelectorAll('[data-testid="report-row"]')].filter(r => r.checkVisibility()).length`); rows != 20 {
		t.Errorf("printed, the table shows %d rows, want the list's 20", rows)
	}
	notYet := sitetest.Evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="report-row"] td')]
		.filter(td => td.checkVisibility() && td.querySelector('[data-testid="no-progress"]'))
		.map(td => td.innerText.trim())`)
	if len(notYet) == 0 {
		t.Error("printed, no row says 尚未报告: the 2023 list has rows whose progress is not reported yet")
	}
	for _, text := range notYet {
		if text != "尚未报告" {
			t.Errorf("printed, a row without progress says %q, want 尚未报告", text)
		}
	}
	// No progress cell prints blank.
	if blank := sitetest.Evaluate[int](t, ctx, `[...document.querySelectorAll('[data-testid="report-row"]')]
		.filter(r => r.querySelector('td:nth-last-child(1)').innerText.trim() === '').length`); blank > 0 {
		t.Errorf("printed, %d rows have a blank progress cell", blank)
	}

	prefer := true
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
	if err != nil {
		t.Errorf("print to PDF: %v", err)
	} else {
		sitetest.SaveArtifact(t, "report-2023-print.pdf", pdf.Data)
	}
	if errs := consoleErrs.All(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `\'`) + "'"
}
