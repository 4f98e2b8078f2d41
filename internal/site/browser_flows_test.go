package site_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestBrowserFlows walks the site as its users do, in Chromium, once with
// JavaScript and once without: a resident browses the year and a project
// and switches language; an engineer signs in, meets a validation error
// and follows its link to the field, updates a milestone and sees it on
// the public page; a supervisor opens the overdue list; each signs out.
func TestBrowserFlows(t *testing.T) {
	for _, javascript := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", javascript), func(t *testing.T) {
			site := sitetest.NewEditing(t)
			site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
			browser, consoleErrs := sitetest.ChromiumWith(t, 360, "zh-CN,zh", javascript)
			// Each step, and each look at the page it leads to, has a
			// deadline of its own (sitetest.Page): a busy machine slows
			// the walk down instead of failing every step after a slow one.
			onPage := func(check func(ctx context.Context)) {
				t.Helper()
				ctx, cancel := sitetest.Page(browser)
				defer cancel()
				check(ctx)
			}
			step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				ctx, cancel := sitetest.Page(browser)
				defer cancel()
				if err := chromedp.Do(ctx, actions...); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			click := func(name, selector string) {
				t.Helper()
				ctx, cancel := sitetest.Page(browser)
				defer cancel()
				if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector))); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			textOf := func(selector string) string {
				t.Helper()
				ctx, cancel := sitetest.Page(browser)
				defer cancel()
				v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
				if err != nil {
					t.Fatalf("text of %s: %v", selector, err)
				}
				return strings.TrimSpace(v)
			}

			// A resident: the year, a project, the other language and back.
			step("open the site", chromedp.Navigate(site.URL+"/"))
			click("the 2022 link", `.year-nav a[href="/years/2022"]`)
			if h1 := textOf("h1"); h1 != "2022年区“双十”项目" {
				t.Fatalf("year page h1 %q", h1)
			}
			click("a project", `tr[data-number="3"] .targets__name a`)
			if h1 := textOf("h1"); !strings.Contains(h1, "海安路") {
				t.Fatalf("project page h1 %q", h1)
			}
			click("switch to English", `[data-testid="language-switch"]`)
			if h1 := textOf("h1"); !strings.Contains(h1, "Haian Road") || !strings.Contains(h1, "海安路") {
				t.Fatalf("after switching the project page h1 is %q", h1)
			}
			click("the years in English", `.year-nav a[href="/years/2023"]`)
			if h1 := textOf("h1"); h1 != "Double Ten projects 2023" {
				t.Fatalf("the language was not remembered: %q", h1)
			}
			click("switch back", `[data-testid="language-switch"]`)
			if h1 := textOf("h1"); h1 != "2023年区“双十”项目" {
				t.Fatalf("after switching back: %q", h1)
			}

			// An engineer: sign in, a refused form, its linked message, a save.
			click("staff sign-in", `.sign-in-link`)
			step("sign in", chromedp.SendKeys(chromedp.CSS("#username"), "li"), chromedp.SendKeys(chromedp.CSS("#password"), sitetest.Password))
			click("sign in", `form[action="/login"] button[type="submit"]`)
			if h1 := textOf("h1"); h1 != "我的项目" {
				t.Fatalf("the engineer landed on %q", h1)
			}
			// The staff page's script ran only when scripts may run.
			onPage(func(ctx context.Context) {
				if ran := sitetest.Evaluate[bool](t, ctx, `typeof htmx === 'object'`); ran != javascript {
					t.Fatalf("htmx loaded = %v with JavaScript %v", ran, javascript)
				}
			})
			click("update progress", `[data-testid="my-project"] a[href$="/edit"]`)
			step("a bad percent", chromedp.SendKeys(chromedp.CSS("#percent"), "150"))
			click("save", `form.edit-form button[type="submit"]`)
			if summary := textOf(`[data-testid="error-summary"]`); !strings.Contains(summary, "0 到 100") {
				t.Fatalf("the error summary says %q", summary)
			}
			click("the summary's link", `[data-testid="error-summary"] a[href="#percent"]`)
			var field string
			onPage(func(ctx context.Context) {
				if url := evaluateOr(t, ctx, true, `location.hash`, ""); url != "#percent" {
					t.Errorf("the summary's link went to %q", url)
				}
				if described := attribute(t, ctx, "#percent", "aria-describedby"); !strings.Contains(described, "percent-error") {
					t.Errorf("the field is described by %q", described)
				}
				field = evaluateOr(t, ctx, true, `[...document.querySelectorAll('.target-edit')].find(e => e.querySelector('h3').textContent.includes('2023')).querySelector('textarea').id`, "")
			})
			step("fix the percent and write progress",
				chromedp.Clear(chromedp.CSS("#percent")), chromedp.SendKeys(chromedp.CSS("#percent"), "65"),
				chromedp.SendKeys(chromedp.CSS("#"+field), "沥青面层施工中"))
			click("save", `form.edit-form button[type="submit"]`)
			if flash := textOf(`[data-testid="flash"]`); flash != "已保存。" {
				t.Fatalf("after saving: %q", flash)
			}
			onPage(func(ctx context.Context) { sitetest.OpenStaffMenu(t, ctx) })
			click("sign out", `form[action="/logout"] button`)
			step("the public year page", chromedp.Navigate(site.URL+"/years/2023"))
			if got := textOf(`tr[data-number="7"] .targets__progress`); got != "沥青面层施工中" {
				t.Errorf("the public page shows %q", got)
			}

			// A supervisor: the overdue list, then sign out.
			click("staff sign-in", `.sign-in-link`)
			step("sign in", chromedp.SendKeys(chromedp.CSS("#username"), "sup"), chromedp.SendKeys(chromedp.CSS("#password"), sitetest.Password))
			click("sign in", `form[action="/login"] button[type="submit"]`)
			if h1 := textOf("h1"); h1 != "逾期与风险" {
				t.Fatalf("the supervisor landed on %q", h1)
			}
			onPage(func(ctx context.Context) { sitetest.OpenStaffMenu(t, ctx) })
			click("sign out", `form[action="/logout"] button`)
			if flash := textOf(`[data-testid="flash"]`); flash != "已退出登录。" {
				t.Errorf("after signing out: %q", flash)
			}
			if errs := consoleErrs.All(); len(errs) > 0 {
				var unexpected []string
				for _, e := range errs {
					if !strings.Contains(e, "status of 422") {
						unexpected = append(unexpected, e)
					}
				}
				if len(unexpected) > 0 {
					t.Errorf("console errors:\n%s", strings.Join(unexpected, "\n"))
				}
			}
		})
	}
}

// evaluateOr evaluates JavaScript in the page when it may run there; the
// DevTools protocol can evaluate even when the page's own scripts are off.
func evaluateOr(t *testing.T, ctx context.Context, allowed bool, expression, fallback string) string {
	t.Helper()
	if !allowed {
		return fallback
	}
	return sitetest.Evaluate[string](t, ctx, expression)
}

func attribute(t *testing.T, ctx context.Context, selector, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(selector), name))
	if err != nil {
		t.Fatalf("attribute %s of %s: %v", name, selector, err)
	}
	return v.Value
}

// TestKeyboard checks that the first Tab reaches the skip link, that focus
// is visible, and that the link takes the reader past the header.
func TestKeyboard(t *testing.T) {
	site := sitetest.New(t)
	browser, _ := sitetest.Chromium(t, 1280)
	ctx, cancel := sitetest.Page(browser)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/years/2022"), chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if got := sitetest.Evaluate[string](t, ctx, `document.activeElement.className`); got != "skip-link" {
		t.Fatalf("the first Tab reaches %q, want the skip link", got)
	}
	if outline := sitetest.Evaluate[string](t, ctx, `getComputedStyle(document.activeElement).outlineStyle`); outline == "none" {
		t.Error("the focused skip link shows no outline")
	}
	if top := sitetest.Evaluate[float64](t, ctx, `document.activeElement.getBoundingClientRect().top`); top < 0 {
		t.Error("the focused skip link stays off screen")
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	if hash := sitetest.Evaluate[string](t, ctx, `location.hash`); hash != "#main" {
		t.Errorf("Enter on the skip link went to %q", hash)
	}
}
