package reports

import (
	"strconv"
	"strings"

	"shuangshi/internal/money"
	"shuangshi/internal/projects"
)

// The year-end table's investment part, on request (?investment=1): four
// columns after the report's five, 年度计划投资（万元）, 本年累计完成（万元）,
// 完成率 and the 序时进度 light, and a total row whose sums are the exact
// sums of the rows. A project is on the table once per target: one on
// both lists of a year has two rows, and its figures stand on the first
// only (the second names it), so that every column adds up to its total.

// Investment is a row's investment part.
type Investment struct {
	// Planned and Completed are nil while not given.
	Planned   *money.Amount
	Completed *money.Amount
	// Rate is Completed as a share of Planned, in tenths of a point; nil
	// without both.
	Rate *int64
	// Light is the 序时进度 light, "" without one.
	Light projects.Light
	// SameAs is the 序号 of the row that carries the project's figures,
	// on a project's second row; 0 on the others.
	SameAs int
}

// Totals are the investment part's total row.
type Totals = projects.InvestmentTotals

// AddInvestment gives each row its project's investment in the year (by
// project id; a project missing from it has none given) and returns the
// total row: the exact sums over the projects, each counted once.
func AddInvestment(rows []Row, byProject map[int64]projects.YearInvestment) Totals {
	first := map[int64]int{} // project id: the 序号 of its first row
	var counted []projects.YearInvestment
	for i := range rows {
		r := &rows[i]
		if n, seen := first[r.ProjectID]; seen {
			r.Investment = &Investment{SameAs: n}
			continue
		}
		first[r.ProjectID] = r.Number
		inv := byProject[r.ProjectID]
		counted = append(counted, inv)
		r.Investment = &Investment{Planned: inv.Planned, Completed: inv.Completed}
		if rate, ok := inv.Rate(); ok {
			r.Investment.Rate = &rate
		}
		if inv.Pace != nil {
			r.Investment.Light = inv.Pace.Light
		}
	}
	return projects.SumInvestment(counted)
}

// InvestmentLabels are the words of the investment part, in the reader's
// language.
type InvestmentLabels struct {
	Headings [4]string // plan, completed, rate, light
	Total    string    // 合计
	NotGiven string    // 未填报
	Light    func(projects.Light) string
	SameAs   func(number int) string // 见序号 1
	Lights   func(Totals) string     // 正常 3，滞后 1，严重滞后 0
}

// amountCell is an amount as a CSV or a workbook writes it: 万元, exact,
// without grouping; "" for none.
func amountCell(a *money.Amount) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// rateText writes tenths of a point as a percentage number: 972 is "97.2".
func rateText(tenths int64) string {
	sign := ""
	if tenths < 0 {
		sign, tenths = "-", -tenths
	}
	return sign + strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10)
}

// rateFraction writes tenths of a point as the fraction a spreadsheet's
// percentage format shows: 972 is "0.972", exactly.
func rateFraction(tenths int64) string {
	sign := ""
	if tenths < 0 {
		sign, tenths = "-", -tenths
	}
	s := strconv.FormatInt(tenths/1000, 10) + "." + strings.TrimRight(pad3(tenths%1000), "0")
	return sign + strings.TrimSuffix(s, ".")
}

func pad3(n int64) string {
	s := strconv.FormatInt(n, 10)
	return strings.Repeat("0", 3-len(s)) + s
}

// investmentCells are a row's four investment cells as text, for the CSV:
// amounts in 万元, the rate in percent, the light in words.
func investmentCells(inv *Investment, l InvestmentLabels) []string {
	if inv == nil {
		return []string{"", "", "", ""}
	}
	if inv.SameAs > 0 {
		// The amounts stand on the project's first row only, so that the
		// columns add up; this row names it.
		return []string{"", "", "", l.SameAs(inv.SameAs)}
	}
	cells := []string{l.NotGiven, l.NotGiven, "", ""}
	if inv.Planned != nil {
		cells[0] = amountCell(inv.Planned)
	}
	if inv.Completed != nil {
		cells[1] = amountCell(inv.Completed)
	}
	if inv.Rate != nil {
		cells[2] = rateText(*inv.Rate)
	}
	if inv.Light != "" {
		cells[3] = l.Light(inv.Light)
	}
	return cells
}

// totalCells are the total row's four investment cells as text.
func totalCells(t Totals, l InvestmentLabels) []string {
	cells := []string{l.NotGiven, l.NotGiven, "", l.Lights(t)}
	if t.Planned != nil {
		cells[0] = amountCell(t.Planned)
	}
	if t.Completed != nil {
		cells[1] = amountCell(t.Completed)
	}
	if rate, ok := t.Rate(); ok {
		cells[2] = rateText(rate)
	}
	return cells
}
