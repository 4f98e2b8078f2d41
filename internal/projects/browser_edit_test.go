package projects_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/site/sitetest"
)

// TestBrowserEngineerUpdatesProgress is the engineer's round trip in a real
// browser: sign in, update a project's progress on its edit page, sign out,
// and find the new progress text on the public year page.
func TestBrowserEngineerUpdatesProgress(t *testing.T) {
	for _, width := range []int{1280, 360} {
		t.Run(fmt.Sprintf("%dpx", width), func(t *testing.T) {
			site := sitetest.NewEditing(t)
			browserCtx, consoleErrs := sitetest.Chromium(t, width)
			progress := fmt.Sprintf("路面施工中（%d）", width)
			sitetest.SignInWithChromium(t, browserCtx, site, "li")

			// My projects, then the edit page: update the progress and save.
			ctx, cancel := sitetest.Page(browserCtx)
			defer cancel()
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`[data-testid="my-project"] a[href$="/edit"]`))); err != nil {
				t.Fatal(err)
			}
			// The 2023 completion target's progress field.
			field := sitetest.Evaluate[string](t, ctx, `[...document.querySelectorAll('.target-edit')].find(e => e.querySelector('h3').textContent.includes('2023')).querySelector('textarea').id`)
			if field == "" {
				t.Fatal("no progress field for the 2023 target")
			}
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			sitetest.SaveArtifact(t, fmt.Sprintf("edit-project-%dpx.png", width), shot)
			// Empty the field as a person would select its text and delete it.
			sitetest.Evaluate[bool](t, ctx, `(document.getElementById('`+field+`').value = '') === ''`)
			if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#"+field), progress)); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.edit-form button[type="submit"]`))); err != nil {
				t.Fatal(err)
			}

			// The saved project's page: sign out.
			ctx, cancel = sitetest.Page(browserCtx)
			defer cancel()
			if flash := sitetest.Evaluate[string](t, ctx, `document.querySelector('[data-testid="flash"]')?.textContent.trim() ?? ''`); flash != "已保存。" {
				t.Fatalf("after saving the page says %q", flash)
			}
			sitetest.OpenStaffMenu(t, ctx)
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))); err != nil {
				t.Fatal(err)
			}

			// The public year page.
			ctx, cancel = sitetest.Page(browserCtx)
			defer cancel()
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/years/2023")); err != nil {
				t.Fatal(err)
			}
			got := sitetest.Evaluate[string](t, ctx, `document.querySelector('tr[data-number="7"] .targets__progress').textContent.trim()`)
			if got != progress {
				t.Errorf("the public page shows %q, want %q", got, progress)
			}
			if signedIn := sitetest.Evaluate[bool](t, ctx, `!!document.querySelector('[data-testid="signed-in"]')`); signedIn {
				t.Error("still signed in after signing out")
			}
			if errs := consoleErrs.All(); len(errs) > 0 {
				t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}

// TestBrowserQuickUpdateInPlace updates a progress text from the engineer's
// list on a phone: htmx swaps the project's card in place, within the
// content security policy, without leaving the page.
func TestBrowserQuickUpdateInPlace(t *testing.T) {
	site := sitetest.NewEditing(t)
	browserCtx, consoleErrs := sitetest.Chromium(t, 360)
	sitetest.SignInWithChromium(t, browserCtx, site, "li")

	// My projects, where signing in leads.
	ctx, cancel := sitetest.Page(browserCtx)
	defer cancel()
	if !sitetest.Evaluate[bool](t, ctx, `typeof htmx === 'object'`) {
		t.Fatal("htmx did not load on the staff page")
	}
	// Mark the page, to tell an in-place update from a new page.
	sitetest.Evaluate[bool](t, ctx, `(window.marker = 'same page') === 'same page'`)
	field := sitetest.Evaluate[string](t, ctx, `document.querySelector('form.quick-update textarea').id`)
	sitetest.Evaluate[bool](t, ctx, `(document.getElementById('`+field+`').value = '') === ''`)
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#"+field), "路面摊铺完成"),
		chromedp.Click(chromedp.CSS(`form.quick-update button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="quick-saved"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if marker := sitetest.Evaluate[string](t, ctx, `window.marker ?? ''`); marker != "same page" {
		t.Error("the update loaded a new page instead of updating in place")
	}
	if got := sitetest.Evaluate[string](t, ctx, `document.getElementById('`+field+`').value`); got != "路面摊铺完成" {
		t.Errorf("the card shows %q after the update", got)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.SaveArtifact(t, "my-projects-quick-update-360px.png", shot)
	if errs := consoleErrs.All(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// TestBrowserOverdueQuickUpdate: on a phone, with JavaScript and without,
// in both languages, an engineer brings an overdue target up to date from
// My projects in one form: the progress and, asked for in place, the
// delay reason; one tap saves both.
func TestBrowserOverdueQuickUpdate(t *testing.T) {
	for _, javascript := range []bool{true, false} {
		for _, lang := range []string{"zh-CN,zh", "en-GB,en"} {
			t.Run(fmt.Sprintf("javascript=%v/%s", javascript, lang[:2]), func(t *testing.T) {
				site := sitetest.NewEditing(t)
				site.Clock.Set(time.Date(2024, time.January, 10, 2, 0, 0, 0, time.UTC)) // 2023's targets overdue
				browserCtx, consoleErrs := sitetest.ChromiumWith(t, 360, lang, javascript)
				sitetest.SignInWithChromium(t, browserCtx, site, "li")
				ctx, cancel := sitetest.Page(browserCtx)
				defer cancel()
				progress := sitetest.Evaluate[string](t, ctx, `document.querySelector('form.quick-update textarea').id`)
				if n := sitetest.Evaluate[int](t, ctx, `document.querySelectorAll('form.quick-update textarea[name="delay_reason"]').length`); n != 1 {
					t.Fatalf("the overdue card has %d delay reason fields", n)
				}
				sitetest.Evaluate[bool](t, ctx, `(document.getElementById('`+progress+`').value = '') === ''`)
				typing := chromedp.Do(ctx,
					chromedp.SendKeys(chromedp.CSS("#"+progress), "竣工验收准备中"),
					chromedp.SendKeys(chromedp.CSS(`form.quick-update textarea[name="delay_reason"]`), "管线迁改滞后"),
				)
				if typing != nil {
					t.Fatal(typing)
				}
				if javascript {
					if err := chromedp.Do(ctx,
						chromedp.Click(chromedp.CSS(`form.quick-update button[type="submit"]`)),
						chromedp.WaitVisible(chromedp.CSS(`[data-testid="quick-saved"]`)),
					); err != nil {
						t.Fatal(err)
					}
				} else {
					if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.quick-update button[type="submit"]`))); err != nil {
						t.Fatal(err)
					}
					if flash := sitetest.Evaluate[string](t, ctx, `document.querySelector('[data-testid="flash"]')?.textContent.trim() ?? ''`); flash == "" {
						t.Error("no message after saving")
					}
				}
				shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				sitetest.SaveArtifact(t, fmt.Sprintf("my-projects-overdue-update-%s-js-%v-360px.png", lang[:2], javascript), shot)
				public := site.NewBrowser(t).Get("/years/2023")
				if got := sitetest.Text(public.Doc.Find(`tr[data-number="7"] .targets__progress`)); got != "竣工验收准备中" {
					t.Errorf("the public page shows %q", got)
				}
				if errs := consoleErrs.All(); len(errs) > 0 {
					t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
				}
			})
		}
	}
}

// TestBrowserEditPageOnAPhone is the edit page as an engineer on site meets
// it, at 360 px in both languages: the page's and the form's height
// (logged, for the figures of issue 16), the Save button in view at once,
// the finished 2022 target folded away as text, and a refused save that
// names every problem at once in the summary, which takes the focus. The
// browser's own checks do not stop the form: a future date reaches the
// server's summary. Screenshots at 360 and 1280 px, as the phone shows the
// page (the viewport) and whole. Without JavaScript, once, the summary
// takes the focus all the same (autofocus).
func TestBrowserEditPageOnAPhone(t *testing.T) {
	for _, run := range []struct {
		lang       string
		javascript bool
	}{{"zh-CN,zh", true}, {"en-GB,en", true}, {"zh-CN,zh", false}} {
		lang := run.lang
		t.Run(fmt.Sprintf("%s/javascript=%v", lang[:2], run.javascript), func(t *testing.T) {
			site := sitetest.NewEditing(t)
			site.Clock.Set(time.Date(2024, time.January, 10, 2, 0, 0, 0, time.UTC)) // the 2023 completion target overdue
			browserCtx, consoleErrs := sitetest.ChromiumWith(t, 360, lang, run.javascript)
			sitetest.SignInWithChromium(t, browserCtx, site, "li")
			ctx, cancel := sitetest.Page(browserCtx)
			defer cancel()
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/projects/3/edit")); err != nil {
				t.Fatal(err)
			}
			height := sitetest.Evaluate[int](t, ctx, `document.documentElement.scrollHeight`)
			form := sitetest.Evaluate[int](t, ctx, `document.querySelector('form.edit-form').offsetHeight`)
			t.Logf("at 360 px (%s) the edit page is %d px tall, its form %d px", lang[:2], height, form)
			name := "edit-phone-" + lang[:2]
			if !run.javascript {
				name += "-nojs"
			}
			screenshots(t, ctx, name)

			save := sitetest.Evaluate[[]float64](t, ctx, `(() => { const r = document.querySelector('form.edit-form button[type="submit"]').getBoundingClientRect(); return [r.top, r.bottom, r.height] })()`)
			if save[0] < 0 || save[1] > 900 || save[2] < 44 {
				t.Errorf("the Save button at load: top %.0f, bottom %.0f, height %.0f; want within the 900 px viewport and at least 44 px tall", save[0], save[1], save[2])
			}
			// The first thing of the form is the pending target's progress.
			if first := sitetest.Evaluate[string](t, ctx, `document.querySelector('form.edit-form textarea, form.edit-form select, form.edit-form input:not([type="hidden"])').name`); !strings.HasPrefix(first, "progress-") {
				t.Errorf("the form's first field is %q, want a pending target's progress", first)
			}
			// The 2022 start target, achieved, is read, not typed into.
			finished := sitetest.Evaluate[string](t, ctx, `(() => {
				const t = [...document.querySelectorAll('.target-edit')].find(e => e.querySelector('h3').textContent.includes('2022'));
				if (!t) return 'missing';
				if (t.querySelector('textarea, select, input')) return 'editable';
				return t.closest('details:not([open])') ? 'folded' : 'shown';
			})()`)
			if finished != "folded" {
				t.Errorf("the achieved 2022 target is %s, want folded away and read-only", finished)
			}

			// A future completion date and 150%, and no delay reason for
			// the overdue target: every problem at once.
			sitetest.Evaluate[bool](t, ctx, `(() => {
				const set = (id, v) => { document.getElementById(id).value = v; };
				set('actual_completion', '2030-01-01');
				set('percent', '150');
				set('delay_reason', '');
				return true;
			})()`)
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.edit-form button[type="submit"]`))); err != nil {
				t.Fatalf("the form was not sent (the browser's own check?): %v", err)
			}
			links := sitetest.Evaluate[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="error-summary"] a')].map(a => a.getAttribute('href'))`)
			want := []string{"#delay_reason", "#percent", "#actual_completion"}
			if strings.Join(links, " ") != strings.Join(want, " ") {
				t.Errorf("the summary links to %v, want %v", links, want)
			}
			if focused := sitetest.Evaluate[string](t, ctx, `document.activeElement?.dataset?.testid ?? document.activeElement?.tagName`); focused != "error-summary" {
				t.Errorf("after the refused save the focus is on %q, want the error summary", focused)
			}
			if v := sitetest.Evaluate[string](t, ctx, `document.getElementById('percent').value`); v != "150" {
				t.Errorf("percent shows %q after the refusal, want what was typed", v)
			}
			screenshots(t, ctx, strings.Replace(name, "edit-phone", "edit-phone-refused", 1))
			// A field the summary leads to is not left under the Save bar.
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="error-summary"] a[href="#actual_completion"]`))); err != nil {
				t.Fatal(err)
			}
			hidden := sitetest.Evaluate[bool](t, ctx, `(() => {
				const bar = document.querySelector('.edit-actions').getBoundingClientRect();
				const field = document.getElementById('actual_completion').getBoundingClientRect();
				return field.bottom > bar.top && field.top < bar.bottom;
			})()`)
			if hidden {
				t.Error("the field the summary leads to is under the Save bar")
			}
			for _, e := range consoleErrs.All() {
				// The refusal's own status is logged as a failed load.
				if !strings.Contains(e, "status of 422") {
					t.Errorf("console error: %s", e)
				}
			}
		})
	}
}

// screenshots saves what the page shows at 360 and at 1280 px: the
// screen at the top (what a phone shows at first), and the whole page.
func screenshots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, width := range []int64{360, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		screen, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		whole, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		sitetest.SaveArtifact(t, fmt.Sprintf("%s-%dpx-screen.png", name, width), screen)
		sitetest.SaveArtifact(t, fmt.Sprintf("%s-%dpx.png", name, width), whole)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 900)); err != nil {
		t.Fatal(err)
	}
}
