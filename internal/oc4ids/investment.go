package oc4ids

import (
	"encoding/json"
	"strconv"
	"time"

	"shuangshi/internal/money"
	"shuangshi/internal/projects"
)

// Investment in OC4IDS: the total investment (总投资) is the project's
// budget, and each listed year's plan (年度计划投资) a line of its
// budgetBreakdowns, with the year as its period; the monthly reports (月报)
// the public reads are observations of the financialProgress metric (the
// year's investment completed from January to the month's end, as a
// value) and physicalProgressReport documents (the 形象进度 text). Amounts
// are whole yuan in CNY, a JSON number written from the integer: exact.
// completion.finalValue, "the total cost of this project at completion",
// is not published: the record holds each year's completed investment, not
// what the project cost over its whole life.

// Currency is the currency of every amount.
const Currency = "CNY"

// Value is an amount of money.
type Value struct {
	Amount   json.Number `json:"amount"`
	Currency string      `json:"currency"`
}

// Budget is the project's budget: its total and its breakdowns.
type Budget struct {
	Description      string             `json:"description,omitempty"`
	Amount           *Value             `json:"amount,omitempty"`
	BudgetBreakdowns []BudgetBreakdowns `json:"budgetBreakdowns,omitempty"`
}

// BudgetBreakdowns is a group of budget lines by one dimension: here the
// year.
type BudgetBreakdowns struct {
	ID              string            `json:"id"`
	Description     string            `json:"description,omitempty"`
	BudgetBreakdown []BudgetBreakdown `json:"budgetBreakdown"`
}

// BudgetBreakdown is one budget line: a year's planned investment.
type BudgetBreakdown struct {
	ID          string  `json:"id"`
	Description string  `json:"description,omitempty"`
	Amount      *Value  `json:"amount,omitempty"`
	Period      *Period `json:"period,omitempty"`
}

// ValueOf is an amount in CNY, exact to the yuan.
func ValueOf(a money.Amount) *Value {
	return &Value{Amount: json.Number(strconv.FormatInt(int64(a), 10)), Currency: Currency}
}

// budget is the project's budget from its total investment and its plans
// (as the public reads them); nil when neither is given: no budget is
// ever invented as 0.
func (pub Publication) budget(p projects.Project) *Budget {
	if p.TotalInvestment == nil && len(p.Plans) == 0 {
		return nil
	}
	b := &Budget{}
	if p.TotalInvestment != nil {
		b.Description, b.Amount = "总投资", ValueOf(*p.TotalInvestment)
	}
	if len(p.Plans) > 0 {
		group := BudgetBreakdowns{ID: "annual-plans", Description: "年度计划投资"}
		for _, plan := range p.Plans {
			first := time.Date(plan.Year, time.January, 1, 0, 0, 0, 0, pub.Location)
			last := time.Date(plan.Year, time.December, 31, 23, 59, 59, 0, pub.Location)
			group.BudgetBreakdown = append(group.BudgetBreakdown, BudgetBreakdown{
				ID: strconv.Itoa(plan.Year), Description: strconv.Itoa(plan.Year) + "年度计划投资",
				Amount: ValueOf(plan.Planned),
				Period: &Period{StartDate: first.Format(time.RFC3339), EndDate: last.Format(time.RFC3339)},
			})
		}
		b.BudgetBreakdowns = []BudgetBreakdowns{group}
	}
	return b
}

// attachReports adds to each project its approved monthly reports (the
// newest filing of each month, newest first, by project id): the
// financialProgress metric, and a physicalProgressReport document each.
func (pub Publication) attachReports(ps []Project, reports map[int64][]projects.MonthlyReport) {
	index := map[string]int{}
	for i, p := range ps {
		index[p.ID] = i
	}
	for id, rs := range reports {
		i, ok := index[pub.ProjectID(id)]
		if !ok || len(rs) == 0 {
			continue
		}
		metric := Metric{ID: "financialProgress", Title: "财务进度：本年累计完成投资"}
		// Oldest first: observations follow time.
		for j := len(rs) - 1; j >= 0; j-- {
			r := rs[j]
			month := projects.Month{Year: r.Year, Month: r.Month}
			first := time.Date(r.Year, time.January, 1, 0, 0, 0, 0, pub.Location)
			last := time.Date(r.Year, time.Month(r.Month)+1, 1, 0, 0, 0, 0, pub.Location).Add(-time.Second)
			metric.Observations = append(metric.Observations, Observation{
				ID:     month.String(),
				Period: &Period{StartDate: first.Format(time.RFC3339), EndDate: last.Format(time.RFC3339)},
				Value:  ValueOf(r.Completed),
				Notes:  strconv.Itoa(r.Year) + "年1月至" + strconv.Itoa(r.Month) + "月累计完成投资（月报）",
			})
			doc := Document{
				ID: "monthly-report-" + month.String(), DocumentType: "physicalProgressReport",
				Title:       strconv.Itoa(r.Year) + "年" + strconv.Itoa(r.Month) + "月月报：形象进度",
				Description: r.Progress,
				URL:         pub.SiteURL + projects.ProjectURL(id) + "#investment-heading",
				Format:      "text/html", Language: Language, DatePublished: pub.instant(r.FiledAt),
			}
			ps[i].Documents = append(ps[i].Documents, doc)
		}
		ps[i].Metrics = append(ps[i].Metrics, metric)
	}
}
