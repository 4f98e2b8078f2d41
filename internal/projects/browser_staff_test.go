package projects_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestBrowserStaffPages signs in through the real form in Chromium, as an
// administrator and as an engineer, opens each staff page at a desktop and a
// phone width, and checks that each renders its heading with no console
// error and nothing wider than the screen. The screenshots go to artifacts/.
func TestBrowserStaffPages(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	eng := site.AddUser(t, "li.gong", auth.Engineer, sitetest.Password)
	if err := site.Users.Assign(t.Context(), eng.ID, 1, "#1", auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	pages := map[string][]staffPage{
		"adm": {
			{"/admin/users", "账户"},
			{"/admin/users/new", "新建账户"},
			{"/admin/users/" + sitetest.ID(eng.ID), "li.gong"},
			{"/admin/assignments", "项目负责人"},
			{"/admin/events", "安全日志"},
			{"/overdue", "逾期与风险"},
			{"/account", "我的账户"},
			{"/projects/1", "顺平路（爱国路-白洋淀小区）新建工程"},
			{"/admin/years", "年度清单"},
			{"/admin/years/2023/list", "2023年“双十”清单"},
			{"/admin/years/2023/close", "关闭 2023 年"},
			{"/admin/years/2022/reopen", "重新开放 2022 年"},
			{"/admin/years/2024/publish", "公布 2024 年清单"},
		},
		"li.gong": {
			{"/my/projects", "我的项目"},
		},
	}
	for _, width := range []int{1280, 360} {
		for _, username := range []string{"adm", "li.gong"} {
			t.Run(fmt.Sprintf("%s-%dpx", username, width), func(t *testing.T) {
				browserCtx, consoleErrs := sitetest.Chromium(t, width)
				sitetest.SignInWithChromium(t, browserCtx, site, username)
				for _, p := range pages[username] {
					checkStaffPage(t, browserCtx, site, p, width)
				}
				if errs := consoleErrs.All(); len(errs) > 0 {
					t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
				}
			})
		}
	}
}

// staffPage is a page only staff see, with the heading it should show.
type staffPage struct{ path, h1 string }

// checkStaffPage opens p, checks its heading and that nothing is wider than
// the window, and keeps a screenshot.
func checkStaffPage(t *testing.T, browserCtx context.Context, site *sitetest.Site, p staffPage, width int) {
	t.Helper()
	ctx, cancel := sitetest.Page(browserCtx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+p.path)); err != nil {
		t.Fatal(err)
	}
	if h1 := sitetest.Evaluate[string](t, ctx, `document.querySelector('h1').textContent.trim()`); h1 != p.h1 {
		t.Errorf("%s: h1 %q, want %q", p.path, h1, p.h1)
	}
	if w, cw := sitetest.Evaluate[int](t, ctx, `document.documentElement.scrollWidth`), sitetest.Evaluate[int](t, ctx, `document.documentElement.clientWidth`); w > cw {
		t.Errorf("%s is %d px wide in a %d px window", p.path, w, cw)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.SaveArtifact(t, fmt.Sprintf("staff%s-%dpx.png", strings.ReplaceAll(p.path, "/", "-"), width), shot)
}
