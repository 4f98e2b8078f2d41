package sitetest

import (
	"net/http"
	"net/url"
	"testing"
)

// Investment is what Invest gives a project: its total investment and the
// year's plan in 万元 as typed ("" leaves them as they are), and the
// year's completed investment reported for months ("2023-05": "120.5").
type Investment struct {
	Total     string
	Year      int
	Planned   string
	Completed map[string]string
}

// Invest saves a project's investment through its edit page and files its
// monthly reports through their form, as b (who may edit the project).
// The seed has no amounts: a test that needs some gives them.
func Invest(t *testing.T, b *Browser, projectID int64, inv Investment) {
	t.Helper()
	path := "/projects/" + ID(projectID)
	form := EditForm(t, b.Get(path+"/edit"))
	if inv.Total != "" {
		form.Set("total_investment", inv.Total)
	}
	if inv.Planned != "" {
		form.Set("planned_investment-"+itoa(inv.Year), inv.Planned)
	}
	WantStatus(t, "the investment of project "+ID(projectID)+" saved", b.Post(path+"/edit", form), http.StatusSeeOther)
	for month, completed := range inv.Completed {
		b.Get(path + "/monthly")
		filed := b.Post(path+"/monthly", url.Values{"month": {month}, "completed": {completed}, "progress": {"现场施工中，" + month}})
		WantStatus(t, "the report of "+month+" filed", filed, http.StatusSeeOther)
	}
}

func itoa(n int) string { return ID(int64(n)) }
