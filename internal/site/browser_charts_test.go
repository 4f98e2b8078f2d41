package site_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"shuangshi/internal/site/sitetest"
)

// smallestText is the smallest text, in CSS px as drawn on the screen, of
// the visible text inside the elements a selector finds: an HTML
// element's font size, an SVG text's font size times the scale its SVG is
// drawn at (a viewBox shrunk to the box shrinks its text with it). Text
// hidden from sight (an SVG title, a visually hidden label) is left out.
const smallestText = `((selector) => {
	let min = 1e9, what = '', count = 0;
	for (const root of document.querySelectorAll(selector)) {
		const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		for (let n; (n = walker.nextNode()); ) {
			if (!n.textContent.trim()) continue;
			const el = n.parentElement;
			if (el.closest('title, desc')) continue;
			const box = el.getBoundingClientRect();
			if (box.width <= 1 || box.height <= 1) continue;
			let size = parseFloat(getComputedStyle(el).fontSize);
			if (el instanceof SVGGraphicsElement) {
				const m = el.getScreenCTM();
				size *= Math.hypot(m.a, m.b);
			}
			count++;
			if (size < min) { min = size; what = n.textContent.trim().slice(0, 40); }
		}
	}
	return {min: Math.round(min * 10) / 10, what, count};
})`

type textSize struct {
	Min   float64 `json:"min"`
	What  string  `json:"what"`
	Count int     `json:"count"`
}

// chartLanguages are the readers of the chart tests: Chinese, and English,
// whose labels are longer.
var chartLanguages = []struct{ name, header string }{{"zh", "zh-CN,zh"}, {"en", "en-GB,en"}}

// TestDashboardChartsReadOnAPhone opens the dashboard at 360 and 1280 px in
// both languages: every text of the charts is drawn at 12 px or more, the
// tables of numbers beside them show every column without scrolling, and
// axe-core finds nothing.
func TestDashboardChartsReadOnAPhone(t *testing.T) {
	site := sitetest.New(t)
	for _, language := range chartLanguages {
		t.Run(language.name, func(t *testing.T) {
			for _, width := range []int{360, 1280} {
				browser, _ := sitetest.ChromiumWith(t, width, language.header, true)
				ctx, cancel := sitetest.Page(browser)
				if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/years/2023/dashboard")); err != nil {
					t.Fatal(err)
				}
				size := sitetest.Evaluate[textSize](t, ctx, smallestText+`('.chart')`)
				t.Logf("%s, %d px: the charts' smallest text is %.1f px (%q), of %d texts", language.name, width, size.Min, size.What, size.Count)
				if size.Count == 0 {
					t.Errorf("%s, %d px: no text found in the charts", language.name, width)
				} else if size.Min < 12 {
					t.Errorf("%s, %d px: chart text %q is drawn %.1f px tall; want at least 12", language.name, width, size.What, size.Min)
				}
				tables := sitetest.Evaluate[[]struct {
					ID     string `json:"id"`
					Scroll int    `json:"scroll"`
					Client int    `json:"client"`
				}](t, ctx, `[...document.querySelectorAll('.figures table')].map(table => {
					const box = table.closest('.table-scroll') ?? table.parentElement;
					return {id: table.dataset.testid, scroll: Math.max(box.scrollWidth, table.scrollWidth), client: box.clientWidth};
				})`)
				// The lists by category and year by year, then the money
				// the same two ways (issue 17).
				if len(tables) != 4 {
					t.Errorf("%s, %d px: %d tables of numbers; want 4", language.name, width, len(tables))
				}
				for _, table := range tables {
					t.Logf("%s, %d px: %s is %d px wide in %d px", language.name, width, table.ID, table.Scroll, table.Client)
					if table.Scroll > table.Client {
						t.Errorf("%s, %d px: %s is %d px wide in a %d px box: columns are cut", language.name, width, table.ID, table.Scroll, table.Client)
					}
				}
				if v := runAxe(t, ctx); len(v) > 0 {
					t.Errorf("%s, %d px: %d axe violations:\n%s", language.name, width, len(v), describe(v))
				}
				cancel()
				// The pictures, under a deadline of their own: axe-core is slow
				// on a busy machine.
				ctx, cancel = sitetest.Page(browser)
				shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				sitetest.SaveArtifact(t, fmt.Sprintf("charts-dashboard-%s-%dpx.png", language.name, width), shot)
				cancel()
			}
		})
	}
}

// longAndMoved gives 海安路 works from 2021 to 2026 and moves its planned
// completion, with no planned start: the timeline must stretch to both
// ends and draw the move.
func longAndMoved(t *testing.T, site *sitetest.Site) {
	t.Helper()
	b := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("planned_start", "")
	form.Set("planned_completion", "2025-06-30")
	sitetest.WantStatus(t, "set a planned completion", b.Post("/projects/3/edit", form), http.StatusSeeOther)
	form = sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("actual_start", "2021-03-01")
	form.Set("planned_completion", "2026-10-31")
	form.Set("rebaseline_reason", "管线迁改")
	form.Set("delay_reason", "管线迁改")
	sitetest.WantStatus(t, "move the planned completion", b.Post("/projects/3/edit", form), http.StatusSeeOther)
}

// TestTimelineReadsOnAPhone opens the timeline at 360 and 1280 px in both
// languages: its text is drawn at 12 px or more, a phone is told that it
// scrolls sideways and can scroll it by keyboard, every bar and today's
// line fall within the chart, and axe-core finds nothing, with a long
// project whose completion moved.
func TestTimelineReadsOnAPhone(t *testing.T) {
	site := sitetest.NewEditing(t)
	longAndMoved(t, site)
	for _, language := range chartLanguages {
		t.Run(language.name, func(t *testing.T) {
			for _, width := range []int{360, 1280} {
				browser, _ := sitetest.ChromiumWith(t, width, language.header, true)
				ctx, cancel := sitetest.Page(browser)
				if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/years/2023/timeline")); err != nil {
					t.Fatal(err)
				}
				size := sitetest.Evaluate[textSize](t, ctx, smallestText+`('[data-testid="timeline"]')`)
				box := sitetest.Evaluate[struct {
					Scroll   int    `json:"scroll"`
					Client   int    `json:"client"`
					Hint     bool   `json:"hint"`
					Tabindex string `json:"tabindex"`
					Role     string `json:"role"`
					Label    string `json:"label"`
				}](t, ctx, `(() => {
					const box = document.querySelector('[data-testid="timeline"]');
					const hint = document.querySelector('[data-testid="timeline-hint"]');
					const seen = hint && hint.getBoundingClientRect().height > 1 && getComputedStyle(hint).visibility === 'visible';
					return {scroll: box.scrollWidth, client: box.clientWidth, hint: !!seen,
						tabindex: box.getAttribute('tabindex') ?? '', role: box.getAttribute('role') ?? '', label: box.getAttribute('aria-label') ?? ''};
				})()`)
				t.Logf("%s, %d px: the timeline is %d px wide in %d px; its smallest text %.1f px (%q) of %d; hint shown: %v",
					language.name, width, box.Scroll, box.Client, size.Min, size.What, size.Count, box.Hint)
				if size.Count == 0 || size.Min < 12 {
					t.Errorf("%s, %d px: timeline text %q is drawn %.1f px tall; want at least 12", language.name, width, size.What, size.Min)
				}
				if box.Tabindex != "0" || box.Role != "region" || box.Label == "" {
					t.Errorf("%s, %d px: the scrolling box has tabindex=%q role=%q aria-label=%q; want a labelled region in the tab order", language.name, width, box.Tabindex, box.Role, box.Label)
				}
				if box.Scroll > box.Client && !box.Hint {
					t.Errorf("%s, %d px: the timeline scrolls (%d px in %d) and says nothing of it", language.name, width, box.Scroll, box.Client)
				}
				if width == 360 && (box.Scroll <= box.Client || !box.Hint) {
					t.Errorf("%s, 360 px: the timeline is %d px in %d, hint shown %v: want it scrolling, and saying so", language.name, box.Scroll, box.Client, box.Hint)
				}
				// Every drawn mark lies inside its plot: nothing cut at either end.
				outside := sitetest.Evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="timeline"] .gantt__plot')].flatMap(plot => {
					const p = plot.getBoundingClientRect();
					return [...plot.querySelectorAll('rect, line, path')].filter(m => {
						const r = m.getBoundingClientRect();
						return r.left < p.left - 8 || r.right > p.right + 8;
					}).map(m => m.getAttribute('class') + ' ' + Math.round(m.getBoundingClientRect().left) + '..' + Math.round(m.getBoundingClientRect().right) + ' of ' + Math.round(p.left) + '..' + Math.round(p.right));
				})`)
				if len(outside) > 0 {
					t.Errorf("%s, %d px: marks outside the chart: %v", language.name, width, outside)
				}
				if n := sitetest.Evaluate[int](t, ctx, `document.querySelectorAll('[data-testid="timeline"] .gantt__today').length`); n == 0 {
					t.Errorf("%s, %d px: no today line", language.name, width)
				}
				if v := runAxe(t, ctx); len(v) > 0 {
					t.Errorf("%s, %d px: %d axe violations:\n%s", language.name, width, len(v), describe(v))
				}
				cancel()
				// The pictures, under a deadline of their own: axe-core is slow
				// on a busy machine.
				ctx, cancel = sitetest.Page(browser)
				shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				sitetest.SaveArtifact(t, fmt.Sprintf("charts-timeline-%s-%dpx.png", language.name, width), shot)
				// The chart alone, as a phone first shows it and scrolled halfway.
				for _, scroll := range []int{0, 50} {
					sitetest.Evaluate[bool](t, ctx, fmt.Sprintf(`(() => { const b = document.querySelector('[data-testid="timeline"]'); b.scrollLeft = (b.scrollWidth - b.clientWidth) * %d / 100; return true; })()`, scroll))
					chart, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`[data-testid="timeline"]`)))
					if err != nil {
						t.Fatal(err)
					}
					sitetest.SaveArtifact(t, fmt.Sprintf("charts-timeline-chart-%s-%dpx-scrolled%d.png", language.name, width, scroll), chart)
				}
				cancel()
			}
		})
	}
}

// TestTimelinePrintsOnLandscapeSheets prints the timeline as Chromium
// prints it to PDF, with the page size the style sheet asks for: landscape
// sheets, the first one holding the chart and not only the header, and no
// sheet but the last one near-empty.
func TestTimelinePrintsOnLandscapeSheets(t *testing.T) {
	site := sitetest.NewEditing(t)
	longAndMoved(t, site)
	for _, language := range chartLanguages {
		t.Run(language.name, func(t *testing.T) {
			browser, _ := sitetest.ChromiumWith(t, 1280, language.header, true)
			ctx, cancel := sitetest.Page(browser)
			defer cancel()
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/years/2023/timeline")); err != nil {
				t.Fatal(err)
			}
			prefer := true
			pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
			if err != nil {
				t.Fatal(err)
			}
			sitetest.SaveArtifact(t, "charts-timeline-"+language.name+".pdf", pdf.Data)
			sheets := pdfSheets(t, pdf.Data)
			t.Logf("%s: %d sheets: %+v", language.name, len(sheets), sheets)
			if len(sheets) == 0 {
				t.Fatal("no sheets in the PDF")
			}
			fullest := 0
			for _, s := range sheets {
				fullest = max(fullest, s.Texts)
				if s.Width <= s.Height {
					t.Errorf("%s: a %gx%g pt sheet; want landscape", language.name, s.Width, s.Height)
				}
			}
			for i, s := range sheets[:len(sheets)-1] {
				if s.Texts*10 < fullest*4 {
					t.Errorf("%s: sheet %d of %d holds %d texts, the fullest %d: near-empty", language.name, i+1, len(sheets), s.Texts, fullest)
				}
			}
			// The 2023 list's twenty projects: the chart on a sheet and a
			// half, their table on two. (Before, the header had a portrait
			// sheet of its own and the chart's rows could not break: six
			// sheets, seven in English.)
			if len(sheets) > 4 {
				t.Errorf("%s: the timeline takes %d sheets; want at most 4", language.name, len(sheets))
			}
		})
	}
}

// pdfSheet is one sheet of a PDF: its size in points and how many pieces
// of text it draws (BT … ET blocks of its content).
type pdfSheet struct {
	Width, Height float64
	Texts         int
}

var (
	pdfObject   = regexp.MustCompile(`(?s)(\d+) 0 obj\s*(.*?)endobj`)
	pdfPage     = regexp.MustCompile(`/Type\s*/Page\b[^s]`)
	pdfMediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]`)
	pdfContents = regexp.MustCompile(`/Contents\s+(\d+) 0 R`)
	pdfStream   = regexp.MustCompile(`(?s)stream\r?\n(.*)\r?\nendstream`)
	pdfText     = regexp.MustCompile(`\bBT\b`)
)

// pdfSheets reads the pages of a PDF as Chromium writes it: each page an
// object with its MediaBox and one compressed content stream.
func pdfSheets(t *testing.T, pdf []byte) []pdfSheet {
	t.Helper()
	objects := map[string][]byte{}
	var pages [][]byte
	for _, m := range pdfObject.FindAllSubmatch(pdf, -1) {
		objects[string(m[1])] = m[2]
		if pdfPage.Match(m[2]) {
			pages = append(pages, m[2])
		}
	}
	var sheets []pdfSheet
	for _, p := range pages {
		var s pdfSheet
		if box := pdfMediaBox.FindSubmatch(p); box != nil {
			x0, _ := strconv.ParseFloat(string(box[1]), 64)
			y0, _ := strconv.ParseFloat(string(box[2]), 64)
			x1, _ := strconv.ParseFloat(string(box[3]), 64)
			y1, _ := strconv.ParseFloat(string(box[4]), 64)
			s.Width, s.Height = x1-x0, y1-y0
		}
		if c := pdfContents.FindSubmatch(p); c != nil {
			if stream := pdfStream.FindSubmatch(objects[string(c[1])]); stream != nil {
				content := stream[1]
				if r, err := zlib.NewReader(bytes.NewReader(content)); err == nil {
					if inflated, err := io.ReadAll(r); err == nil || len(inflated) > 0 {
						content = inflated
					}
				}
				s.Texts = len(pdfText.FindAll(content, -1))
			}
		}
		sheets = append(sheets, s)
	}
	return sheets
}
