package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuangshi/internal/site/sitetest"
)

func TestLanguageFollowsTheBrowserAndTheSwitch(t *testing.T) {
	site := sitetest.New(t)
	b := site.NewBrowser(t)

	zh := b.Get("/years/2022")
	if lang, _ := zh.Doc.Find("html").Attr("lang"); lang != "zh-CN" || sitetest.Text(zh.Doc.Find("h1")) != "2022年区“双十”项目" {
		t.Fatalf("no preference: lang=%q, h1 %q", lang, sitetest.Text(zh.Doc.Find("h1")))
	}
	if vary := strings.Join(zh.Header.Values("Vary"), ","); !strings.Contains(vary, "Accept-Language") || !strings.Contains(vary, "Cookie") {
		t.Errorf("Vary = %q, want Accept-Language and Cookie", vary)
	}

	b.Header.Set("Accept-Language", "en-US,en;q=0.9")
	en := b.Get("/years/2022")
	if lang, _ := en.Doc.Find("html").Attr("lang"); lang != "en" || sitetest.Text(en.Doc.Find("h1")) != "Double Ten projects 2022" {
		t.Fatalf("Accept-Language en: lang=%q, h1 %q", lang, sitetest.Text(en.Doc.Find("h1")))
	}
	if got := sitetest.Text(en.Doc.Find(`[data-testid="as-of"]`)); got != "Data as of 4 Jan 2023" {
		t.Errorf("the English date reads %q", got)
	}
	row := en.Doc.Find(`tr[data-number="1"] .targets__name`)
	if !strings.Contains(sitetest.Text(row), "Shunping Road") || row.Find(`[lang="zh-CN"]`).Text() != "顺平路（爱国路-白洋淀小区）新建工程" {
		t.Errorf("the English row shows %q", sitetest.Text(row))
	}

	// The switch on the page overrides the browser, and is remembered.
	href, _ := en.Doc.Find(`[data-testid="language-switch"]`).Attr("href")
	if lang, _ := en.Doc.Find(`[data-testid="language-switch"]`).Attr("lang"); lang != "zh-CN" || !strings.Contains(href, "next=%2Fyears%2F2022") {
		t.Fatalf("the switch is %q (lang %q)", href, lang)
	}
	resp := b.Get(href)
	sitetest.WantStatus(t, "switch", resp, http.StatusSeeOther)
	if resp.Header.Get("Location") != "/years/2022" {
		t.Errorf("the switch goes back to %q", resp.Header.Get("Location"))
	}
	if got := sitetest.Text(b.Get("/years/2022").Doc.Find("h1")); got != "2022年区“双十”项目" {
		t.Errorf("after switching to Chinese with an English browser: %q", got)
	}
	// Errors and the CSV follow the language too.
	b.Get("/language?to=en&next=/")
	missing := b.Get("/years/1999")
	if got := sitetest.Text(missing.Doc.Find(`[data-testid="error-message"]`)); !strings.Contains(got, "1999") || strings.ContainsAny(got, "年") {
		t.Errorf("the English error page says %q", got)
	}
	csv := b.Get("/years/2022/table.csv")
	if !strings.Contains(csv.Body, "Category,No.,Project,Target,Progress") {
		t.Errorf("the English CSV starts %q", strings.SplitN(csv.Body, "\n", 2)[0])
	}

	for _, bad := range []string{"/language?to=fr", "/language", "/language?to=en%00"} {
		sitetest.WantStatus(t, bad, b.Get(bad), http.StatusBadRequest)
	}
	if loc := b.Get("/language?to=en&next=" + url.QueryEscape("//evil.example/")).Header.Get("Location"); loc != "/" {
		t.Errorf("the switch followed an outside next: %q", loc)
	}
}
