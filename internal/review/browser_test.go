package review_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestBrowserReviewOnAPhone walks the review in Chromium at 360 px: the
// engineer updates 海安路 from My projects, the public page stays as it
// was, the supervisor approves it from the queue, and the public page and
// the feed then have it.
func TestBrowserReviewOnAPhone(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	const progress = "沥青摊铺完成，待验收"
	publicProgress := func() string {
		t.Helper()
		reader, _ := sitetest.Chromium(t, 360)
		ctx, cancel := sitetest.Page(reader)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/years/2023")); err != nil {
			t.Fatal(err)
		}
		return sitetest.Evaluate[string](t, ctx, `document.querySelector('tr[data-number="7"] .targets__progress').textContent.trim()`)
	}
	before := publicProgress()

	// The engineer, from My projects, where signing in leads.
	engineer, engineerErrs := sitetest.Chromium(t, 360)
	sitetest.SignInWithChromium(t, engineer, site, "li")
	ctx, cancel := sitetest.Page(engineer)
	defer cancel()
	field := sitetest.Evaluate[string](t, ctx, `document.querySelector('form.quick-update textarea').id`)
	sitetest.Evaluate[bool](t, ctx, `(document.getElementById('`+field+`').value = '') === ''`)
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#"+field), progress),
		chromedp.Click(chromedp.CSS(`form.quick-update button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="quick-saved"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if got := sitetest.Evaluate[string](t, ctx, `document.querySelector('[data-testid="quick-saved"]').textContent.trim()`); !strings.Contains(got, "审核通过后") {
		t.Errorf("the engineer is told %q", got)
	}
	if got := sitetest.Evaluate[string](t, ctx, `document.querySelector('[data-testid="my-project"] [data-testid="review-mark"]')?.textContent.trim() ?? ''`); got != "待审核" {
		t.Errorf("the card is marked %q", got)
	}
	if got := publicProgress(); got != before {
		t.Errorf("before review the public page shows %q, want %q", got, before)
	}

	// The supervisor, from the header's count to the queue.
	supervisor, supervisorErrs := sitetest.Chromium(t, 360)
	sitetest.SignInWithChromium(t, supervisor, site, "sup")
	ctx, cancel = sitetest.Page(supervisor)
	defer cancel()
	if got := sitetest.Evaluate[string](t, ctx, `document.querySelector('a[href="/review"] [data-testid="nav-count"]')?.textContent.trim() ?? ''`); got != "1" {
		t.Errorf("the header counts %q waiting", got)
	}
	// On a phone the menu is folded, and its button carries the count.
	if got := sitetest.Evaluate[string](t, ctx, `document.querySelector('.staff-menu > summary [data-testid="menu-count"]')?.textContent.trim() ?? ''`); got != "1" {
		t.Errorf("the folded menu counts %q waiting", got)
	}
	sitetest.OpenStaffMenu(t, ctx)
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[href="/review"]`))); err != nil {
		t.Fatal(err)
	}
	if got := sitetest.Evaluate[string](t, ctx, `document.querySelector('[data-testid="review-new"]')?.textContent.trim() ?? ''`); !strings.Contains(got, progress) {
		t.Errorf("the queue shows %q", got)
	}
	if w, cw := sitetest.Evaluate[int](t, ctx, `document.documentElement.scrollWidth`), sitetest.Evaluate[int](t, ctx, `document.documentElement.clientWidth`); w > cw {
		t.Errorf("the queue is %d px wide in a %d px window", w, cw)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.SaveArtifact(t, "review-queue-360px.png", shot)
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`[data-testid="approve"]`))); err != nil {
		t.Fatal(err)
	}
	if got := sitetest.Evaluate[string](t, ctx, `document.querySelector('[data-testid="flash"]')?.textContent.trim() ?? ''`); !strings.Contains(got, "已批准") {
		t.Errorf("after approving the page says %q", got)
	}

	if got := publicProgress(); got != progress {
		t.Errorf("after the approval the public page shows %q, want %q", got, progress)
	}
	if _, feed := sitetest.Fetch(t, site.URL+"/feed.atom"); !strings.Contains(string(feed), progress) {
		t.Error("the feed has no entry for the approved progress")
	}
	for who, errs := range map[string]interface{ All() []string }{"engineer": engineerErrs, "supervisor": supervisorErrs} {
		if all := errs.All(); len(all) > 0 {
			t.Errorf("%s's console errors:\n%s", who, strings.Join(all, "\n"))
		}
	}
}
