package console_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/bench"
	"shuangshi/internal/site/sitetest"
)

// TestConsolePagesLongLists walks the overdue list of a large record page
// by page: fifty rows a page, every row once, the count at the top equal to
// the rows on all pages.
func TestConsolePagesLongLists(t *testing.T) {
	site, _ := sitetest.Generated(t, 3000)
	supervisor := site.SignIn(t, bench.SupervisorName, bench.Password)
	first := supervisor.Get("/overdue")
	sitetest.WantStatus(t, "the console", first, http.StatusOK)
	total, err := strconv.Atoi(sitetest.Text(first.Doc.Find(`#group-overdue .list__count`)))
	if err != nil || total <= 2*50 {
		t.Fatalf("%d overdue targets (%v): the generated record should have more than two pages", total, err)
	}

	seen := map[string]bool{}
	next, pages := "/overdue", 0
	for next != "" {
		page := supervisor.Get(next)
		sitetest.WantStatus(t, next, page, http.StatusOK)
		rows := page.Doc.Find(`[data-testid="group-overdue"] [data-testid="console-row"]`)
		if rows.Length() > 50 || rows.Length() == 0 {
			t.Fatalf("%s: %d rows", next, rows.Length())
		}
		rows.Each(func(_ int, r *goquery.Selection) {
			key := r.Find("a").First().AttrOr("href", "") + " " + sitetest.Text(r.Find("td").First())
			if seen[key] {
				t.Errorf("%s shown twice", key)
			}
			seen[key] = true
		})
		pages++
		wantRange := regexp.MustCompile(`(\d+)–(\d+)`).FindStringSubmatch(sitetest.Text(page.Doc.Find(`[data-testid="group-overdue"] .pager__range`)))
		if wantRange == nil || wantRange[1] != strconv.Itoa((pages-1)*50+1) {
			t.Errorf("page %d says %q", pages, sitetest.Text(page.Doc.Find(`[data-testid="group-overdue"] .pager__range`)))
		}
		next = page.Doc.Find(`[data-testid="group-overdue"] a[rel="next"]`).AttrOr("href", "")
	}
	if len(seen) != total || pages != (total+49)/50 {
		t.Errorf("%d rows on %d pages, want %d on %d", len(seen), pages, total, (total+49)/50)
	}

	// A page beyond the last shows the last; a page that is not a number is a 400.
	last := supervisor.Get("/overdue?page-overdue=100000")
	if got := sitetest.Text(last.Doc.Find(`[data-testid="group-overdue"] .pager__range`)); !strings.HasSuffix(got, strconv.Itoa(total)+" 项") && !strings.Contains(got, "共 "+strconv.Itoa(total)) {
		t.Errorf("page 100000 says %q", got)
	}
	sitetest.WantStatus(t, "page 0", supervisor.Get("/overdue?page-overdue=0"), http.StatusBadRequest)
	sitetest.WantStatus(t, "page x", supervisor.Get("/overdue?page-at-risk=x"), http.StatusBadRequest)
}
