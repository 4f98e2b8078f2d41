package dashboard_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/money"
	"shuangshi/internal/site/sitetest"
)

// TestTheDashboardsMoneyAddsUp: the investment by category adds up to its
// total row, exactly, in both languages; the lights are counted; and the
// seed's years, without amounts, say so rather than show 0.
func TestTheDashboardsMoneyAddsUp(t *testing.T) {
	site := sitetest.NewEditing(t) // 1 June 2023
	public := site.NewBrowser(t)

	seeded := public.Get("/years/2023/dashboard")
	sitetest.WantStatus(t, "the dashboard", seeded, http.StatusOK)
	if got := sitetest.Text(seeded.Doc.Find(`[data-testid="table-money-by-category"] [data-testid="money-total"] [data-testid="money-planned"]`)); got != "未填报" {
		t.Errorf("the seed's total plan reads %q, want 未填报", got)
	}

	var doc struct {
		Targets []struct {
			Project struct {
				ID int64 `json:"id"`
			} `json:"project"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(public.Get("/api/v1/years/2023").Body), &doc); err != nil {
		t.Fatal(err)
	}
	adm := site.SignIn(t, "adm", sitetest.Password)
	// The first two are of one category (road), the last of another.
	ids := []int64{doc.Targets[0].Project.ID, doc.Targets[1].Project.ID, doc.Targets[len(doc.Targets)-1].Project.ID}
	sitetest.Invest(t, adm, ids[0], sitetest.Investment{Year: 2023, Planned: "1234.56", Completed: map[string]string{"2023-05": "333.33"}})
	sitetest.Invest(t, adm, ids[1], sitetest.Investment{Year: 2023, Planned: "0.1", Completed: map[string]string{"2023-05": "0.1"}})
	sitetest.Invest(t, adm, ids[2], sitetest.Investment{Year: 2023, Planned: "0.2"})

	for _, lang := range []struct{ code, unit string }{{"zh-CN", "万元"}, {"en", "¥"}} {
		b := site.NewBrowser(t)
		b.Header.Set("Accept-Language", lang.code)
		page := b.Get("/years/2023/dashboard")
		sitetest.WantStatus(t, "the dashboard in "+lang.code, page, http.StatusOK)
		table := page.Doc.Find(`[data-testid="table-money-by-category"]`)
		var planned, completed []money.Amount
		table.Find(`[data-testid="money-row"]`).Each(func(_ int, row *goquery.Selection) {
			if a, ok := readShown(t, sitetest.Text(row.Find(`[data-testid="money-planned"]`)), lang.unit); ok {
				planned = append(planned, a)
			}
			if a, ok := readShown(t, sitetest.Text(row.Find(`[data-testid="money-completed"]`)), lang.unit); ok {
				completed = append(completed, a)
			}
		})
		total := table.Find(`[data-testid="money-total"]`)
		tp, _ := readShown(t, sitetest.Text(total.Find(`[data-testid="money-planned"]`)), lang.unit)
		tc, _ := readShown(t, sitetest.Text(total.Find(`[data-testid="money-completed"]`)), lang.unit)
		if len(planned) != 2 || money.Sum(planned...) != tp || tp != money.Amount(12_348_600) {
			t.Errorf("%s: the categories' plans %v add up to %s, the total reads %s; want 1234.86", lang.code, planned, money.Sum(planned...), tp)
		}
		if money.Sum(completed...) != tc || tc != money.Amount(3_334_300) {
			t.Errorf("%s: the categories' completed %v add up to %s, the total reads %s; want 333.43", lang.code, completed, money.Sum(completed...), tc)
		}
		// Yellow (27.0% against 41.7%), green (100%), red (nothing by
		// April), 17 without a plan.
		cells := total.Find("td")
		if got := []string{sitetest.Text(cells.Eq(3)), sitetest.Text(cells.Eq(4)), sitetest.Text(cells.Eq(5)), sitetest.Text(cells.Eq(6))}; strings.Join(got, " ") != "1 1 1 17" {
			t.Errorf("%s: the lights counted %q, want 1 1 1 17", lang.code, got)
		}
		years := page.Doc.Find(`[data-testid="table-money-by-year"] [data-testid="money-row"]`)
		if years.Length() != 2 || !strings.Contains(sitetest.Text(years.Eq(1)), sitetest.Text(total.Find(`[data-testid="money-planned"]`))) {
			t.Errorf("%s: the year-by-year table: %q", lang.code, sitetest.Text(years))
		}
	}
}

// readShown reads an amount as the dashboard shows it: "1,234.56 万元" in
// Chinese, "¥12,345,600" in English; false for one not given.
func readShown(t *testing.T, shown, unit string) (money.Amount, bool) {
	t.Helper()
	if !strings.Contains(shown, unit) {
		return 0, false
	}
	if unit == "¥" {
		yuan := strings.NewReplacer("¥", "", ",", "").Replace(shown)
		a, err := money.Read(yuan[:max(0, len(yuan)-4)] + "." + yuan[max(0, len(yuan)-4):])
		if err != nil {
			t.Fatalf("%q: %v", shown, err)
		}
		return a, true
	}
	a, err := money.Read(strings.TrimSpace(strings.TrimSuffix(shown, unit)))
	if err != nil {
		t.Fatalf("%q: %v", shown, err)
	}
	return a, true
}
