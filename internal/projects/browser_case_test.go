package projects_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestBrowserCaseLifeCycle is a 督办 as its people meet it on a phone, at
// 360 px in both languages: a supervisor presses for an answer from the
// console, the engineer answers from My projects, and the supervisor sees
// the answer on the console and closes the case (办结). The taps each
// takes are counted: the typing is not a tap, the tap into the field is.
func TestBrowserCaseLifeCycle(t *testing.T) {
	for _, lang := range []string{"zh-CN,zh", "en-GB,en"} {
		t.Run(lang[:2], func(t *testing.T) {
			site := sitetest.NewEditing(t)
			site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
			site.Clock.Set(time.Date(2024, time.January, 10, 2, 0, 0, 0, time.UTC)) // 2023's targets overdue
			supCtx, supErrs := sitetest.ChromiumWith(t, 360, lang, true)
			sitetest.SignInWithChromium(t, supCtx, site, "sup")
			engCtx, engErrs := sitetest.ChromiumWith(t, 360, lang, true)
			sitetest.SignInWithChromium(t, engCtx, site, "li")
			console := site.URL + "/overdue?engineer=" + sitetest.ID(site.User(t, "li").ID)

			// Leaving a 督办: from the console, the row's 督办 link, the
			// text, send; the due date is offered a week ahead.
			taps := 0
			step(t, supCtx, nil, chromedp.Navigate(console))
			if !inView(t, supCtx, `[data-testid="console-cases"]`) {
				t.Error("the 督办 link of the first card is off the phone's screen")
			}
			click(t, supCtx, &taps, `[data-testid="console-cases"]`)
			click(t, supCtx, &taps, `#body`)
			step(t, supCtx, nil, chromedp.SendKeys(chromedp.CSS("#body"), "请说明竣工验收安排。"))
			click(t, supCtx, &taps, `form.form button[type="submit"]`)
			t.Logf("%s: leaving a 督办 from the console takes %d taps", lang[:2], taps)
			if taps != 3 {
				t.Errorf("leaving a 督办 took %d taps, want 3", taps)
			}
			casePage := sitetest.Evaluate[string](t, supCtx, `location.pathname`)

			// The engineer answers on My projects.
			step(t, engCtx, nil, chromedp.Navigate(site.URL+"/my/projects"))
			answer := sitetest.Evaluate[string](t, engCtx, `document.querySelector('[data-testid="open-comments"] textarea')?.id ?? ''`)
			if answer == "" {
				t.Fatal("My projects shows no 督办 to answer")
			}
			if got := sitetest.Evaluate[string](t, engCtx, `document.querySelector('[data-testid="open-comments"] [data-testid="case-due"]').textContent`); !strings.Contains(got, "2024") {
				t.Errorf("the engineer is not told by when: %q", got)
			}
			step(t, engCtx, nil, chromedp.SendKeys(chromedp.CSS("#"+answer), "已排定1月20日验收。"))
			click(t, engCtx, nil, `[data-testid="open-comments"] form button[type="submit"]`)
			shot(t, engCtx, "case-answered-my-projects-"+lang[:2])

			// The supervisor sees it answered on the console, and closes it.
			step(t, supCtx, nil, chromedp.Navigate(console))
			state := sitetest.Evaluate[string](t, supCtx, `document.querySelector('[data-testid="console-cases"] .tag--answered')?.textContent ?? ''`)
			if state == "" {
				t.Fatalf("the console does not show the answer waiting: %q", sitetest.Evaluate[string](t, supCtx, `document.querySelector('[data-testid="console-cases"]').textContent`))
			}
			shot(t, supCtx, "case-console-"+lang[:2])
			taps = 0
			click(t, supCtx, &taps, `[data-testid="console-cases"]`)
			if got := sitetest.Evaluate[string](t, supCtx, `location.pathname`); got != casePage {
				t.Errorf("the console's link leads to %s, want %s", got, casePage)
			}
			if got := sitetest.Evaluate[string](t, supCtx, `document.querySelector('[data-testid="case-answered"]').textContent`); !strings.Contains(got, "已排定1月20日验收") {
				t.Errorf("the supervisor reads %q", got)
			}
			note := sitetest.Evaluate[string](t, supCtx, `document.querySelector('[data-testid="case-decision"] textarea').id`)
			click(t, supCtx, &taps, "#"+note)
			step(t, supCtx, nil, chromedp.SendKeys(chromedp.CSS("#"+note), "已核实，办结。"))
			click(t, supCtx, &taps, `[data-testid="case-decision"] button[formaction$="/close"]`)
			t.Logf("%s: closing an answered 督办 from the console takes %d taps", lang[:2], taps)
			if got := sitetest.Evaluate[string](t, supCtx, `document.querySelector('[data-testid="comment"]').dataset.state`); got != "closed" {
				t.Errorf("after 办结 the case is %q", got)
			}
			shot(t, supCtx, "case-closed-"+lang[:2])
			for _, errs := range [][]string{supErrs.All(), engErrs.All()} {
				if len(errs) > 0 {
					t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
				}
			}
		})
	}
}

// step runs browser actions within a page's deadline, counting one tap.
func step(t *testing.T, ctx context.Context, taps *int, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := sitetest.Page(ctx)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	if taps != nil {
		*taps++
	}
}

// click taps what selector finds; a link or a button leads to a page,
// which it waits for, a field takes the focus.
func click(t *testing.T, ctx context.Context, taps *int, selector string) {
	t.Helper()
	if strings.HasPrefix(selector, "#") {
		step(t, ctx, taps, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
		return
	}
	pageCtx, cancel := sitetest.Page(ctx)
	defer cancel()
	if _, err := chromedp.RunResponse(pageCtx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if taps != nil {
		*taps++
	}
}

// inView reports whether what selector finds lies within the phone's
// screen across, without scrolling sideways.
func inView(t *testing.T, ctx context.Context, selector string) bool {
	t.Helper()
	return sitetest.Evaluate[bool](t, ctx, `(() => { const r = document.querySelector('`+selector+`').getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth })()`)
}

// shot saves the phone's screen as it is.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	screen, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	sitetest.SaveArtifact(t, name+"-360px.png", screen)
}
