package projects_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/site/sitetest"
)

// TestBrowserMonthlyReportOnAPhone: at 360 px with JavaScript off, the
// engineer goes from My projects to the month's report in one tap, is
// refused a figure with three decimals by the field with what was typed
// kept, and files the report: four taps (the card's link, the amount, the
// 形象进度, 提交月报). The project's page then shows the month and its
// light, to the engineer and, in English too, to the public. Screenshots
// of the form and of the section at 360 and 1280 px go to
// artifacts/screenshots.
func TestBrowserMonthlyReportOnAPhone(t *testing.T) {
	site := sitetest.NewEditing(t) // 1 June 2023; li answers for project 3
	li := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
	form.Set("total_investment", "5000")
	form.Set("planned_investment-2023", "1200")
	sitetest.WantStatus(t, "the plan", li.Post("/projects/3/edit", form), http.StatusSeeOther)

	phone, _ := sitetest.ChromiumWith(t, 360, "zh-CN,zh", false)
	sitetest.SignInWithChromium(t, phone, site, "li")
	ctx, cancel := sitetest.Page(phone)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/my/projects")); err != nil {
		t.Fatal(err)
	}
	taps := 0
	tap := func(sel string) {
		t.Helper()
		taps++
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("tap %s: %v", sel, err)
		}
	}
	tap(`[data-testid="monthly-due"] a`)
	if got := sitetest.Evaluate[string](t, ctx, `location.pathname + location.search`); got != "/projects/3/monthly?month=2023-05" {
		t.Fatalf("the card's link opened %s", got)
	}
	fill := func(values map[string]string) {
		t.Helper()
		for id, v := range values {
			taps++ // into the field; typing is not counted
			sitetest.Evaluate[bool](t, ctx, `(document.getElementById('`+id+`').value = '', true)`)
			if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#"+id), v)); err != nil {
				t.Fatal(err)
			}
		}
	}
	fill(map[string]string{"completed": "300.125", "progress": "桩基完成，承台施工中"})
	tap(`[data-testid="monthly-form"] button[type="submit"]`)
	if taps != 4 {
		t.Errorf("a month's report from My projects takes %d taps, want 4", taps)
	}
	if msg := sitetest.Evaluate[string](t, ctx, `document.querySelector('[data-testid="error-completed"]')?.textContent ?? ''`); !strings.Contains(msg, "两位小数") {
		t.Fatalf("the refused amount's message: %q", msg)
	}
	if kept := sitetest.Evaluate[string](t, ctx, `document.getElementById('progress').value`); kept != "桩基完成，承台施工中" {
		t.Errorf("the refused form lost the 形象进度: %q", kept)
	}
	if n := site.Count(t, "monthly_reports"); n != 0 {
		t.Fatalf("a refused report stored %d rows", n)
	}
	shoot(t, ctx, "monthly-refused-zh-360px.png")
	fill(map[string]string{"completed": "300"})
	tap(`[data-testid="monthly-form"] button[type="submit"]`)
	if got := sitetest.Evaluate[string](t, ctx, `location.pathname`); got != "/projects/3" {
		t.Fatalf("after filing the phone is on %s", got)
	}
	row := sitetest.Evaluate[string](t, ctx, `document.querySelector('[data-testid="series-2023"] tbody tr')?.textContent ?? ''`)
	if !strings.Contains(row, "300 万元") || !strings.Contains(row, "25.0%") {
		t.Errorf("the project's page shows the month as %q", row)
	}
	if n := site.Count(t, "monthly_reports"); n != 1 {
		t.Errorf("%d reports stored, want 1", n)
	}

	for _, lang := range []struct{ name, header string }{{"zh", "zh-CN,zh"}, {"en", "en-GB,en"}} {
		for _, width := range []int{360, 1280} {
			public, _ := sitetest.ChromiumWith(t, width, lang.header, false)
			pctx, cancel := sitetest.Page(public)
			if err := chromedp.Do(pctx, chromedp.Navigate(site.URL+"/projects/3")); err != nil {
				t.Fatal(err)
			}
			light := sitetest.Evaluate[string](t, pctx, `document.querySelector('[data-testid="pace"]')?.dataset.light ?? ''`)
			if light != "yellow" {
				t.Errorf("%s at %d px: the public's light is %q, want yellow", lang.name, width, light)
			}
			if wide := sitetest.Evaluate[bool](t, pctx, `document.documentElement.scrollWidth > window.innerWidth`); wide {
				t.Errorf("%s at %d px: the project's page is wider than the window", lang.name, width)
			}
			sitetest.Evaluate[bool](t, pctx, `(document.querySelector('[data-testid="investment"]').scrollIntoView(), true)`)
			shoot(t, pctx, "monthly-public-"+lang.name+"-"+strconv.Itoa(width)+"px.png")
			cancel()
			staff, _ := sitetest.ChromiumWith(t, width, lang.header, false)
			sitetest.SignInWithChromium(t, staff, site, "li")
			sctx, cancel := sitetest.Page(staff)
			if err := chromedp.Do(sctx, chromedp.Navigate(site.URL+"/projects/3/monthly?month=2023-06")); err != nil {
				t.Fatal(err)
			}
			shoot(t, sctx, "monthly-form-"+lang.name+"-"+strconv.Itoa(width)+"px.png")
			cancel()
		}
	}
}

func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.SaveArtifact(t, name, png)
}
