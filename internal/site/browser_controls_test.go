package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// minTarget is the least width and height, in CSS px, of anything staff
// tap: WCAG 2.5.5's 44 × 44, not 2.5.8's 24, because the site is used
// on site, with a phone in one hand.
const minTarget = 44

// maxPhoneHeader is how tall the header, menus folded, may be on a 360 px
// phone: about one line of a hundred, so that the page starts on the
// first screen.
const maxPhoneHeader = 100

// measureControls lists the controls of the page that are smaller than
// minTarget, as JSON, with the header's height and the page's width.
//
// The rule it applies, the site's rule for tap targets:
//   - Every visible a[href], button, input, select, textarea and summary
//     is measured by its border box (getBoundingClientRect).
//   - A checkbox or radio button passes when it or one of its labels is
//     large enough: the label is where a thumb lands.
//   - A link inside running text is exempt (WCAG 2.5.8's inline
//     exception): an a rendered display: inline whose nearest block
//     holds words outside any control, like "see <a>the project</a> for
//     details". A link that stands alone in its cell, list item or
//     paragraph is a button to the reader and is measured.
//   - Nothing hidden is measured (display: none, visibility: hidden, a
//     closed disclosure), nor what is clipped to nothing (visually-hidden).
const measureControls = `(() => {
	const min = %d;
	const controls = 'a[href], button, input:not([type="hidden"]), select, textarea, summary';
	const describe = el => {
		let s = el.tagName.toLowerCase();
		if (el.id) s += '#' + el.id;
		for (const c of el.classList) s += '.' + c;
		const a = el.getAttribute('href') || el.getAttribute('name') || el.getAttribute('type');
		if (a) s += '[' + a + ']';
		let parent = el.parentElement, path = [];
		for (let i = 0; parent && i < 2; i++, parent = parent.parentElement) {
			path.unshift(parent.tagName.toLowerCase() + (parent.classList[0] ? '.' + parent.classList[0] : ''));
		}
		return path.join(' > ') + ' > ' + s;
	};
	const isBlock = el => !getComputedStyle(el).display.startsWith('inline') && getComputedStyle(el).display !== 'contents';
	// Words of block outside any control: text nodes not inside a, button,
	// label, select or textarea.
	const runningText = (block) => {
		const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
		let words = '';
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			if (n.parentElement.closest('a, button, label, select, textarea, summary, [aria-hidden="true"]')) continue;
			if (!n.parentElement.checkVisibility()) continue;
			words += n.textContent;
		}
		return words.trim();
	};
	const inline = el => {
		if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
		let block = el.parentElement;
		while (block && !isBlock(block)) block = block.parentElement;
		return !!block && runningText(block) !== '';
	};
	const large = r => r.width >= min - 0.5 && r.height >= min - 0.5;
	const offenders = [];
	let measured = 0;
	for (const el of document.querySelectorAll(controls)) {
		if (!el.checkVisibility({visibilityProperty: true})) continue;
		const r = el.getBoundingClientRect();
		if (r.width <= 1 || r.height <= 1) continue;
		if (el.closest('.visually-hidden')) continue;
		if (inline(el)) continue;
		measured++;
		let rects = [r];
		if (el.type === 'checkbox' || el.type === 'radio') {
			rects = rects.concat([...el.labels].map(l => l.getBoundingClientRect()));
		}
		if (rects.some(large)) continue;
		const best = rects.reduce((a, b) => (Math.min(b.width, b.height) > Math.min(a.width, a.height) ? b : a));
		offenders.push(describe(el) + ' "' + (el.textContent || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 30) + '" ' +
			Math.round(best.width) + '×' + Math.round(best.height));
	}
	const header = document.querySelector('.site-header');
	return JSON.stringify({
		offenders, measured,
		header: header ? header.getBoundingClientRect().height : 0,
		width: document.documentElement.scrollWidth,
	});
})()`

// controlsMeasure is what measureControls reports of a page.
type controlsMeasure struct {
	Offenders []string `json:"offenders"`
	Measured  int      `json:"measured"`
	Header    float64  `json:"header"`
	Width     int      `json:"width"`
}

func measure(t *testing.T, ctx context.Context) controlsMeasure {
	t.Helper()
	var m controlsMeasure
	if err := json.Unmarshal([]byte(sitetest.Evaluate[string](t, ctx, fmt.Sprintf(measureControls, minTarget))), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// staffPages are the types of page only signed-in staff reach, with the
// role that reaches them.
func staffPages(t *testing.T, site *sitetest.Site) []pageType {
	victim := site.AddUser(t, "zhang", auth.Engineer, sitetest.Password)
	return []pageType{
		{name: "my-projects", who: "li", path: "/my/projects"},
		{name: "edit", who: "li", path: "/projects/3/edit"},
		{name: "project", who: "li", path: "/projects/3"},
		{name: "monthly", who: "li", path: "/projects/3/monthly"},
		{name: "photos", who: "li", path: "/projects/3/photos"},
		{name: "documents", who: "li", path: "/projects/3/documents"},
		{name: "account", who: "li", path: "/account"},
		{name: "digest", who: "li", path: "/digest"},
		{name: "calendar", who: "li", path: "/account/calendar"},
		{name: "overdue", who: "sup", path: "/overdue"},
		{name: "overdue-filtered", who: "sup", path: "/overdue?list=complete&sort=days&dir=desc"},
		{name: "comments", who: "sup", path: "/targets/32/comments"},
		{name: "digest-all", who: "sup", path: "/digest"},
		{name: "filing", who: "sup", path: "/monthly?month=2023-05"},
		{name: "review", who: "sup", reach: func(t *testing.T, ctx context.Context) {
			engineer := site.SignIn(t, "li", sitetest.Password)
			form := sitetest.EditForm(t, engineer.Get("/projects/3/edit"))
			form.Set("percent", "45")
			sitetest.WantStatus(t, "a change to review", engineer.Post("/projects/3/edit", form), http.StatusSeeOther)
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/review")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "users", who: "adm", path: "/admin/users"},
		{name: "new-user", who: "adm", path: "/admin/users/new"},
		{name: "user", who: "adm", path: "/admin/users/" + sitetest.ID(victim.ID)},
		{name: "confirm", who: "adm", path: "/admin/users/" + sitetest.ID(victim.ID) + "/disable"},
		{name: "assignments", who: "adm", path: "/admin/assignments"},
		{name: "admin-projects", who: "adm", path: "/admin/projects"},
		{name: "project-new", who: "adm", path: "/admin/projects/new"},
		{name: "project-record", who: "adm", path: "/admin/projects/3"},
		{name: "years-admin", who: "adm", path: "/admin/years"},
		{name: "list-editor", who: "adm", path: "/admin/years/2023/list"},
		{name: "remove-target", who: "adm", path: "/admin/targets/32/remove"},
		{name: "carry-over", who: "adm", path: "/admin/years/2023/carry-over"},
		{name: "import", who: "adm", path: "/admin/import"},
		{name: "security-log", who: "adm", path: "/admin/events"},
		{name: "settings", who: "adm", path: "/admin/settings"},
		{name: "photo-limits", who: "adm", path: "/admin/photos"},
		{name: "audit", who: "adm", path: "/audit"},
		{name: "close", who: "adm", path: "/admin/years/2023/close"},
		{name: "reopen", who: "adm", path: "/admin/years/2022/reopen"},
	}
}

// TestBrowserControlsAreLargeEnough opens every type of staff page as the
// role that reaches it, in both languages, at 360 and 1280 px, and fails
// on every control smaller than 44 × 44 px (see measureControls for the
// rule), with its menu folded and unfolded; on a phone the header must
// fit in about 100 px and nothing may be wider than the window.
func TestBrowserControlsAreLargeEnough(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	pages := staffPages(t, site)
	for _, language := range []struct{ name, header string }{{"zh", "zh-CN,zh"}, {"en", "en-GB,en"}} {
		t.Run(language.name, func(t *testing.T) {
			browsers := map[string]context.Context{}
			for _, p := range pages {
				browser, ok := browsers[p.who]
				if !ok {
					browser, _ = sitetest.ChromiumWith(t, 1280, language.header, true)
					sitetest.SignInWithChromium(t, browser, site, p.who)
					browsers[p.who] = browser
				}
				checkControls(t, browser, site.URL, p, language.name)
			}
		})
	}
}

func checkControls(t *testing.T, browser context.Context, base string, p pageType, language string) {
	t.Helper()
	ctx, cancel := sitetest.Page(browser)
	defer cancel()
	if p.reach != nil {
		p.reach(t, ctx)
	} else if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path)); err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	for _, width := range []int{360, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
			t.Fatal(err)
		}
		m := measure(t, ctx)
		where := fmt.Sprintf("%s (%s, %d px)", p.name, language, width)
		t.Logf("%s: header %.0f px, %d controls measured, %d px wide", where, m.Header, m.Measured, m.Width)
		if m.Measured == 0 {
			t.Errorf("%s: no control measured", where)
		}
		if len(m.Offenders) > 0 {
			t.Errorf("%s: %d controls smaller than %d × %d px:\n  %s", where, len(m.Offenders), minTarget, minTarget, strings.Join(m.Offenders, "\n  "))
		}
		if width == 360 && m.Header > maxPhoneHeader {
			t.Errorf("%s: the header is %.0f px tall, want at most %d", where, m.Header, maxPhoneHeader)
		}
		if m.Width > width {
			t.Errorf("%s: the page is %d px wide", where, m.Width)
		}
		if screenshotted[p.name] {
			screenshot(t, ctx, fmt.Sprintf("controls-%s-%s-%dpx.png", p.name, language, width))
		}
		if width != 360 {
			continue
		}
		// What folds away on a phone (the menu, the console's filter, a
		// disclosure's form) is measured unfolded too, as a thumb meets it.
		if _, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(`.staff-menu__toggle`))); err != nil {
			t.Fatalf("%s: open the menu: %v", where, err)
		}
		sitetest.Evaluate[int](t, ctx, `(() => { const closed = [...document.querySelectorAll('main details:not([open])')]; closed.forEach(d => { d.open = true; d.dataset.unfolded = '1'; }); return closed.length; })()`)
		open := measure(t, ctx)
		if open.Measured <= m.Measured {
			t.Errorf("%s: the open menu shows no more controls (%d, closed %d)", where, open.Measured, m.Measured)
		}
		if len(open.Offenders) > len(m.Offenders) {
			t.Errorf("%s, menu open: %d controls smaller than %d × %d px:\n  %s", where, len(open.Offenders), minTarget, minTarget, strings.Join(open.Offenders, "\n  "))
		}
		if p.name == "overdue" {
			screenshot(t, ctx, fmt.Sprintf("controls-menu-%s-%dpx.png", language, width))
		}
		sitetest.Evaluate[int](t, ctx, `(() => { const opened = [...document.querySelectorAll('details[data-unfolded]')]; opened.forEach(d => { d.open = false; delete d.dataset.unfolded; }); return opened.length; })()`)
		if _, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(`.staff-menu__toggle`))); err != nil {
			t.Fatalf("%s: close the menu: %v", where, err)
		}
	}
}

// screenshotted are the pages whose screenshots people look at, as a
// district engineer and a supervisor would.
var screenshotted = map[string]bool{"my-projects": true, "edit": true, "project": true, "overdue": true, "audit": true}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.SaveArtifact(t, name, shot)
}
