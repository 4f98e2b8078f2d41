package console_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/bench"
	"shuangshi/internal/site/sitetest"
)

// TestTheConsoleBroughtUpToDateIsTheConsoleMadeAnew: after saves that
// touch some projects, the console brings those projects' rows up to date
// rather than making every row again; what it shows is what a server
// started afresh on the same record shows, in every order.
func TestTheConsoleBroughtUpToDateIsTheConsoleMadeAnew(t *testing.T) {
	site, _ := sitetest.Generated(t, 3000)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	supervisor := site.SignIn(t, bench.SupervisorName, bench.Password)
	admin := site.SignIn(t, "adm", sitetest.Password)
	orders := []string{"/overdue", "/overdue?sort=reason&dir=desc", "/overdue?sort=updated", "/overdue?sort=days&dir=desc", "/overdue?page-at-risk=2"}
	before := consoleAsShown(t, supervisor, orders)["/overdue?sort=reason&dir=desc"]

	// Saves of projects on the console's first page, each followed by the
	// console, which is brought up to date each time from the save.
	var edited []string
	supervisor.Get("/overdue").Doc.Find(`[data-testid="console-row"] a[href^="/projects/"]`).Each(func(_ int, a *goquery.Selection) {
		if href := a.AttrOr("href", ""); len(edited) < 6 && !slices.Contains(edited, href) && !strings.Contains(href, "/comments") {
			edited = append(edited, href)
		}
	})
	if len(edited) < 6 {
		t.Fatalf("projects on the console's first page: %v", edited)
	}
	for i, project := range edited {
		path := project + "/edit"
		form := sitetest.EditForm(t, admin.Get(path))
		form.Set("delay_reason", "快照测试：征地拆迁未完成（第"+strconv.Itoa(i+1)+"次）")
		for name := range form {
			if strings.HasPrefix(name, "progress-") {
				form.Set(name, "快照测试：桩基施工中")
			}
		}
		sitetest.WantStatus(t, "save "+path, admin.Post(path, form), http.StatusSeeOther)
		sitetest.WantStatus(t, "the console after the save", supervisor.Get("/overdue"), http.StatusOK)
	}
	updated := consoleAsShown(t, supervisor, orders)
	if byReason := updated["/overdue?sort=reason&dir=desc"]; byReason == before || !strings.Contains(byReason, "快照测试：征地拆迁未完成") {
		t.Fatalf("the console does not show the delay reasons saved:\n%s", byReason)
	}
	restarted := site.Restart(t)
	supervisor.MoveTo(restarted)
	supervisor = restarted.SignIn(t, bench.SupervisorName, bench.Password)
	anew := consoleAsShown(t, supervisor, orders)
	for _, order := range orders {
		if updated[order] != anew[order] {
			t.Errorf("%s brought up to date:\n%s\nmade anew:\n%s", order, updated[order], anew[order])
		}
	}
}

// consoleAsShown is what the console shows in each order: each group's
// count and the rows of its first page, as text.
func consoleAsShown(t *testing.T, supervisor *sitetest.Browser, orders []string) map[string]string {
	t.Helper()
	shown := map[string]string{}
	for _, order := range orders {
		page := supervisor.Get(order)
		sitetest.WantStatus(t, order, page, http.StatusOK)
		var b strings.Builder
		// The filter's choices, which are counted on too.
		page.Doc.Find(`select[name="unit"] option, select[name="engineer"] option`).Each(func(_ int, o *goquery.Selection) {
			b.WriteString(o.AttrOr("value", "") + "=" + sitetest.Text(o) + "\n")
		})
		page.Doc.Find(`[data-testid^="group-"]`).Each(func(_ int, g *goquery.Selection) {
			b.WriteString(g.AttrOr("data-testid", "") + " " + sitetest.Text(g.Find(".list__count").First()) + "\n")
			g.Find(`[data-testid="console-row"]`).Each(func(_ int, r *goquery.Selection) {
				b.WriteString("  " + sitetest.Text(r) + "\n")
			})
		})
		shown[order] = b.String()
	}
	return shown
}
