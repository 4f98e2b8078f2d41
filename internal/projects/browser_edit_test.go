package projects_test

import (
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
