package dashboard

import (
	"context"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
	"shuangshi/views"
)

// The dashboard's money: a year's planned investment against what was
// completed, by category and beside the years before, with the projects
// counted by their 序时进度 light. Each project counts once, in its
// category, whatever the number of its targets; the sums are exact
// (projects.SumInvestment), so the rows add up to the total.

// moneyRow is the view of investment totals.
func moneyRow(t projects.InvestmentTotals) views.MoneyRow {
	row := views.MoneyRow{Planned: t.Planned, Completed: t.Completed, NoLight: t.NoLight,
		Green: t.Lights[projects.LightGreen], Yellow: t.Lights[projects.LightYellow], Red: t.Lights[projects.LightRed]}
	if rate, ok := t.Rate(); ok {
		row.Rate = &rate
	}
	return row
}

// yearMoney returns the investment of year y's projects as the reader of
// ctx may read it: by category, in the district's order of categories,
// and for the whole year.
func (h *Handler) yearMoney(ctx context.Context, y projects.Year, settings projects.Settings, today civil.Date) ([]views.MoneyRow, views.MoneyRow, error) {
	byProject, err := h.projects.InvestmentOfYear(ctx, y, projects.AudienceOf(ctx), settings, today)
	if err != nil {
		return nil, views.MoneyRow{}, err
	}
	byCategory := map[projects.Category][]projects.YearInvestment{}
	var all []projects.YearInvestment
	seen := map[int64]bool{}
	for _, t := range y.Targets {
		if seen[t.ProjectID] {
			continue
		}
		seen[t.ProjectID] = true
		inv := byProject[t.ProjectID]
		byCategory[t.Project.Category] = append(byCategory[t.Project.Category], inv)
		all = append(all, inv)
	}
	var rows []views.MoneyRow
	for _, c := range projects.Categories() {
		if len(byCategory[c]) == 0 {
			continue
		}
		row := moneyRow(projects.SumInvestment(byCategory[c]))
		row.Category = string(c)
		rows = append(rows, row)
	}
	total := moneyRow(projects.SumInvestment(all))
	total.Year = y.Year
	return rows, total, nil
}
