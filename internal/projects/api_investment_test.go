package projects_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"shuangshi/internal/site/sitetest"
)

type investmentDoc struct {
	Year          int          `json:"year"`
	Planned       *string      `json:"planned"`
	Completed     *string      `json:"completed"`
	CompletedAsOf string       `json:"completed_as_of"`
	Share         *json.Number `json:"completed_share"`
	Pace          *struct {
		Light string      `json:"light"`
		AsOf  string      `json:"as_of"`
		Lag   json.Number `json:"lag"`
	} `json:"pace"`
}

type projectDoc struct {
	TotalInvestment *string         `json:"total_investment"`
	Investment      []investmentDoc `json:"investment"`
}

type yearDoc struct {
	Targets []struct {
		Project struct {
			ID              int64   `json:"id"`
			TotalInvestment *string `json:"total_investment"`
		} `json:"project"`
		Investment *investmentDoc `json:"investment"`
	} `json:"targets"`
}

func getJSON(t *testing.T, b *sitetest.Browser, path string, into any) {
	t.Helper()
	r := b.Get(path)
	sitetest.WantStatus(t, path, r, http.StatusOK)
	if err := json.Unmarshal([]byte(r.Body), into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestTheOpenDataCarriesTheAmounts: the API and the year's CSV give the
// total, the year's plan, what was completed and the light, as exact
// strings of 万元; the seed's projects have none, and say so with null.
func TestTheOpenDataCarriesTheAmounts(t *testing.T) {
	site := sitetest.NewEditing(t) // 1 June 2023; li answers for project 3
	public := site.NewBrowser(t)

	var seeded projectDoc
	getJSON(t, public, "/api/v1/projects/3", &seeded)
	if seeded.TotalInvestment != nil || len(seeded.Investment) == 0 || seeded.Investment[0].Planned != nil || seeded.Investment[0].Pace != nil {
		t.Fatalf("the seeded project's investment: %+v; want nulls, not zeros", seeded)
	}

	li := site.SignIn(t, "li", sitetest.Password)
	sitetest.Invest(t, li, 3, sitetest.Investment{Total: "5,000.5", Year: 2023, Planned: "1200.01",
		Completed: map[string]string{"2023-05": "300.1"}})

	var p projectDoc
	getJSON(t, public, "/api/v1/projects/3", &p)
	if p.TotalInvestment == nil || *p.TotalInvestment != "5000.5" {
		t.Errorf("total_investment %v, want \"5000.5\"", p.TotalInvestment)
	}
	var y2023 *investmentDoc
	for i := range p.Investment {
		if p.Investment[i].Year == 2023 {
			y2023 = &p.Investment[i]
		}
	}
	if y2023 == nil || y2023.Planned == nil || *y2023.Planned != "1200.01" || y2023.Completed == nil || *y2023.Completed != "300.1" ||
		y2023.CompletedAsOf != "2023-05" || y2023.Share == nil || *y2023.Share != "25.0" {
		t.Fatalf("2023's investment: %+v", y2023)
	}
	// 25.0% done against 41.7% of the year: 16.7 points behind, yellow.
	if y2023.Pace == nil || y2023.Pace.Light != "yellow" || y2023.Pace.Lag != "16.7" || y2023.Pace.AsOf != "2023-05" {
		t.Errorf("2023's light: %+v", y2023.Pace)
	}

	var y yearDoc
	getJSON(t, public, "/api/v1/years/2023", &y)
	found := false
	for _, target := range y.Targets {
		if target.Investment == nil {
			t.Fatalf("a target of 2023 has no investment: %+v", target)
		}
		if target.Project.ID != 3 {
			if target.Investment.Planned != nil || target.Project.TotalInvestment != nil {
				t.Errorf("project %d has amounts the seed does not give", target.Project.ID)
			}
			continue
		}
		found = true
		if target.Investment.Planned == nil || *target.Investment.Planned != "1200.01" || *target.Project.TotalInvestment != "5000.5" {
			t.Errorf("project 3 in the year's data: %+v", target)
		}
	}
	if !found {
		t.Fatal("project 3 is not in 2023's data")
	}

	for _, lang := range []string{"zh-CN", "en"} {
		b := site.NewBrowser(t)
		b.Header.Set("Accept-Language", lang)
		r := b.Get("/years/2023/table.csv")
		sitetest.WantStatus(t, "the year's CSV", r, http.StatusOK)
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records[0]) != 16 {
			t.Fatalf("%s: %d columns: %q", lang, len(records[0]), records[0])
		}
		for _, rec := range records[1:] {
			got := strings.Join(rec[9:], "|")
			want := "||||||"
			if rec[7] == "3" {
				want = "5000.5|1200.01|300.1|2023-05|25.0|滞后|16.7"
				if lang == "en" {
					want = "5000.5|1200.01|300.1|2023-05|25.0|Behind|16.7"
				}
			}
			if got != want {
				t.Errorf("%s: project %s's investment columns %q, want %q", lang, rec[7], got, want)
			}
		}
	}
}

// TestThePublicReadsOnlyApprovedAmounts: under review before publication
// a plan and a month's report wait for approval, and the open data shows
// none of them meanwhile; staff see them.
func TestThePublicReadsOnlyApprovedAmounts(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	li := site.SignIn(t, "li", sitetest.Password)
	sitetest.Invest(t, li, 3, sitetest.Investment{Total: "5000", Year: 2023, Planned: "1200",
		Completed: map[string]string{"2023-05": "300"}})

	var public projectDoc
	getJSON(t, site.NewBrowser(t), "/api/v1/projects/3", &public)
	if public.TotalInvestment != nil {
		t.Errorf("the public reads an unapproved total %q", *public.TotalInvestment)
	}
	for _, inv := range public.Investment {
		if inv.Planned != nil || inv.Completed != nil || inv.Pace != nil {
			t.Errorf("the public reads unapproved amounts: %+v", inv)
		}
	}
	var y yearDoc
	getJSON(t, site.NewBrowser(t), "/api/v1/years/2023", &y)
	for _, target := range y.Targets {
		if target.Project.ID == 3 && (target.Investment.Planned != nil || target.Investment.Completed != nil) {
			t.Errorf("the year's data shows unapproved amounts: %+v", target.Investment)
		}
	}
	r := site.NewBrowser(t).Get("/years/2023/report?investment=1")
	sitetest.WantStatus(t, "the report", r, http.StatusOK)
	if strings.Contains(r.Body, "1,200 万元") || strings.Contains(r.Body, "300 万元") {
		t.Error("the public report shows unapproved amounts")
	}

	var staff projectDoc
	getJSON(t, li, "/api/v1/projects/3", &staff)
	if staff.TotalInvestment == nil || *staff.TotalInvestment != "5000" {
		t.Errorf("staff read the total as %v", staff.TotalInvestment)
	}
}
