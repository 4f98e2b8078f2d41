package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// consoleCard is what a supervisor sees of one row of the console.
type consoleCard struct {
	Name, Days, Reason, Action string
	// Left and Right are the outermost edges, in CSS px, of the name, the
	// days, the reason and the 督办 link; Shown is false when one of them
	// has no box.
	Left, Right float64
	Shown       bool
}

// readCards lists the console's rows as a reader sees them.
const readCards = `JSON.stringify([...document.querySelectorAll('[data-testid="console-row"]')].map(row => {
	const parts = ['.console__name a', '[data-testid="days"]', '[data-testid="reason"]', '[data-testid="console-cases"]']
		.map(s => row.querySelector(s));
	const rects = parts.map(p => p && p.getBoundingClientRect());
	const text = p => p ? p.innerText.trim().replace(/\s+/g, ' ') : '';
	return {
		Name: text(parts[0]), Days: text(parts[1]), Reason: text(parts[2]), Action: text(parts[3]),
		Left: Math.min(...rects.map(r => r ? r.left : 0)), Right: Math.max(...rects.map(r => r ? r.right : 1e6)),
		Shown: rects.every(r => r && r.width > 0 && r.height > 0),
	};
}))`

// TestBrowserConsoleCardsOnAPhone is the console as a supervisor reads it
// on a 360 px phone, in both languages: one card a row, each showing the
// project, the days overdue, the delay reason and the 督办 link inside the
// window's width; nothing wider than the window; the cards sorted with
// the filter form's order, since they have no headings to tap. At 1280 px
// it is a table again.
func TestBrowserConsoleCardsOnAPhone(t *testing.T) {
	const reason = "管线搬迁滞后，待电力公司排期；Utility relocation is waiting for the power company's schedule"
	for _, lang := range []struct{ name, header, days string }{{"zh", "zh-CN,zh", "天"}, {"en", "en-GB,en", "day"}} {
		t.Run(lang.name, func(t *testing.T) {
			site := sitetest.NewEditing(t)
			site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
			site.Clock.Set(time.Date(2024, time.January, 10, 2, 0, 0, 0, time.UTC)) // 2023's targets overdue
			engineer := site.As(t, "li")
			form := sitetest.EditForm(t, engineer.Get("/projects/3/edit"))
			form.Set("delay_reason", reason)
			sitetest.WantStatus(t, "the delay reason", engineer.Post("/projects/3/edit", form), http.StatusSeeOther)

			browser, consoleErrs := sitetest.ChromiumWith(t, 360, lang.header, true)
			sitetest.SignInWithChromium(t, browser, site, "sup")
			ctx, cancel := sitetest.Page(browser)
			defer cancel()
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/overdue")); err != nil {
				t.Fatal(err)
			}
			t.Logf("at 360 px (%s) the console's table is %.0f px wide, the page %d px", lang.name,
				sitetest.Evaluate[float64](t, ctx, `document.querySelector('.console-table').getBoundingClientRect().width`),
				sitetest.Evaluate[int](t, ctx, `document.documentElement.scrollWidth`))
			if w := sitetest.Evaluate[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
				t.Errorf("the console is %d px wide at 360 px, want at most 360", w)
			}
			if sitetest.Evaluate[bool](t, ctx, `document.querySelector('.console-table thead').checkVisibility() && document.querySelector('.console-table thead').getBoundingClientRect().height > 1`) {
				t.Error("the table's headings show on a phone, want cards")
			}
			cards := cardsOf(t, ctx)
			if len(cards) < 5 {
				t.Fatalf("%d cards, want the overdue 2023 targets", len(cards))
			}
			var withReason int
			for _, c := range cards {
				if !c.Shown || c.Left < 0 || c.Right > 360 {
					t.Errorf("card %q: name, days, reason and 督办 from %.0f to %.0f px (shown %v), want all within 0 to 360",
						c.Name, c.Left, c.Right, c.Shown)
				}
				if !strings.Contains(c.Days, lang.days) || !strings.ContainsAny(c.Days, "0123456789") {
					t.Errorf("card %q shows the days as %q", c.Name, c.Days)
				}
				if c.Action == "" {
					t.Errorf("card %q has no 督办 link", c.Name)
				}
				if c.Reason == reason {
					withReason++
				}
			}
			if withReason == 0 {
				t.Errorf("no card shows the delay reason %q", reason)
			}
			sitetest.SaveArtifact(t, fmt.Sprintf("console-cards-%s-360px.png", lang.name), screenshot(t, ctx))
			sitetest.SaveArtifact(t, fmt.Sprintf("console-cards-%s-360px-first-screen.png", lang.name), firstScreen(t, ctx))

			// Sorted by the days late, shortest first, with the form, folded
			// on a phone under the filter it applies.
			if _, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(`[data-testid="console-filter-fold"] > summary`))); err != nil {
				t.Fatal(err)
			}
			sitetest.Evaluate[bool](t, ctx, `(document.getElementById('sort-column').value = 'days') === 'days'`)
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.console-filter button[type="submit"]`))); err != nil {
				t.Fatal(err)
			}
			if got := sitetest.Evaluate[string](t, ctx, `new URL(location.href).searchParams.get('sort')`); got != "days" {
				t.Fatalf("the form sorted by %q, want days", got)
			}
			sorted := cardsOf(t, ctx)
			if first, last := number(sorted[0].Days), number(sorted[len(sorted)-1].Days); first > last {
				t.Errorf("sorted by days, the first card is %d days late and the last %d", first, last)
			}
			if got := sitetest.Evaluate[string](t, ctx, `document.getElementById('sort-column').value`); got != "days" {
				t.Errorf("after sorting the form shows the order %q", got)
			}

			// On a desk it is a table with its headings.
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
				t.Fatal(err)
			}
			if !sitetest.Evaluate[bool](t, ctx, `document.querySelector('.console-table thead').getBoundingClientRect().height > 20`) {
				t.Error("no table headings at 1280 px")
			}
			sitetest.SaveArtifact(t, fmt.Sprintf("console-cards-%s-1280px.png", lang.name), screenshot(t, ctx))
			if errs := consoleErrs.All(); len(errs) > 0 {
				t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}

func cardsOf(t *testing.T, ctx context.Context) []consoleCard {
	t.Helper()
	var cards []consoleCard
	if err := json.Unmarshal([]byte(sitetest.Evaluate[string](t, ctx, readCards)), &cards); err != nil {
		t.Fatal(err)
	}
	return cards
}

// number is the first number in s: "逾期 214 天" is 214.
func number(s string) int {
	var n int
	for i, r := range s {
		if r >= '0' && r <= '9' {
			fmt.Sscanf(s[i:], "%d", &n)
			break
		}
	}
	return n
}

// firstScreen is what the window shows before any scrolling.
func firstScreen(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	return shot
}

func screenshot(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	return shot
}
