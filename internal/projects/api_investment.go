package projects

import (
	"context"
	"encoding/json"
	"strconv"

	"shuangshi/internal/locale"
	"shuangshi/internal/money"
)

// The investment of the open data (/api/v1 and the year's CSV). Amounts
// are strings of 万元 written exactly, as the district's plans state them
// ("647.4", "0.01"; "6474000" yuan is "647.4"), never a JSON number that
// a reader's float could round; null while not given, never 0. Shares and
// points are JSON numbers with one decimal.

// yearInvestmentDocument is a project's investment in one year.
type yearInvestmentDocument struct {
	Year int `json:"year"`
	// Planned is the year's 年度计划投资, in 万元.
	Planned *string `json:"planned"`
	// OriginalPlanned is the first plan, kept since a re-baseline; on a
	// project's document only.
	OriginalPlanned *string `json:"original_planned,omitempty"`
	// Completed is the year's investment completed to the end of
	// CompletedAsOf ("2023-05"), in 万元.
	Completed     *string `json:"completed"`
	CompletedAsOf string  `json:"completed_as_of,omitempty"`
	// CompletedShare is Completed as a percentage of Planned.
	CompletedShare *json.Number  `json:"completed_share"`
	Pace           *paceDocument `json:"pace"`
}

// paceDocument is the 序时进度 light as of a month: the share of the plan
// done and of the year gone by, in percent, and how many points Done is
// behind Elapsed (negative: ahead).
type paceDocument struct {
	Light   Light       `json:"light"`
	AsOf    string      `json:"as_of"`
	Done    json.Number `json:"done"`
	Elapsed json.Number `json:"elapsed"`
	Lag     json.Number `json:"lag"`
}

// amountDocument is an amount as the open data writes it; nil for none.
func amountDocument(a *money.Amount) *string {
	if a == nil {
		return nil
	}
	s := a.String()
	return &s
}

// tenthsNumber writes tenths of a point as a JSON number: 972 is 97.2.
func tenthsNumber(n int64) json.Number {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return json.Number(sign + strconv.FormatInt(n/10, 10) + "." + strconv.FormatInt(n%10, 10))
}

func newYearInvestmentDocument(inv YearInvestment) *yearInvestmentDocument {
	doc := &yearInvestmentDocument{Year: inv.Year, Planned: amountDocument(inv.Planned), Completed: amountDocument(inv.Completed)}
	if inv.Completed != nil {
		doc.CompletedAsOf = inv.AsOf.String()
	}
	if rate, ok := inv.Rate(); ok {
		n := tenthsNumber(rate)
		doc.CompletedShare = &n
	}
	if p := inv.Pace; p != nil {
		doc.Pace = &paceDocument{Light: p.Light, AsOf: p.AsOf.String(),
			Done: tenthsNumber(p.Done), Elapsed: tenthsNumber(p.Elapsed), Lag: tenthsNumber(p.Lag)}
	}
	return doc
}

// yearInvestment reads the investment of year y's projects for the open
// data, as the reader of ctx may read it.
func (h *Handler) yearInvestment(ctx context.Context, y Year) (map[int64]YearInvestment, error) {
	settings, err := h.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	return h.store.InvestmentOfYear(ctx, y, AudienceOf(ctx), settings, h.today())
}

// projectInvestment reads project p's investment of each year for the
// open data, as the reader of ctx may read it.
func (h *Handler) projectInvestment(ctx context.Context, p Project) ([]yearInvestmentDocument, error) {
	settings, err := h.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	years, err := h.store.ProjectInvestment(ctx, p, AudienceOf(ctx), settings, h.today())
	if err != nil {
		return nil, err
	}
	docs := make([]yearInvestmentDocument, 0, len(years))
	for _, inv := range years {
		doc := newYearInvestmentDocument(inv)
		if plan, ok := p.PlanFor(inv.Year); ok {
			doc.OriginalPlanned = amountDocument(plan.OriginalPlanned)
		}
		docs = append(docs, *doc)
	}
	return docs, nil
}

// investmentColumns are the year CSV's investment columns of a target:
// the project's total, the year's plan, completed and the month it is as
// of, the share, the light in words and the lag in points. A project's
// amounts stand on its first row of the year only (a project on both
// lists has two), so that a column sums to the year's total; the cells of
// what was not given are empty.
func investmentColumns(ctx context.Context, inv YearInvestment, first bool) []string {
	cells := make([]string, 7)
	if !first {
		return cells
	}
	amount := func(a *money.Amount) string {
		if a == nil {
			return ""
		}
		return a.String()
	}
	cells[0], cells[1], cells[2] = amount(inv.Total), amount(inv.Planned), amount(inv.Completed)
	if inv.Completed != nil {
		cells[3] = inv.AsOf.String()
	}
	if rate, ok := inv.Rate(); ok {
		cells[4] = string(tenthsNumber(rate))
	}
	if p := inv.Pace; p != nil {
		cells[5], cells[6] = locale.T(ctx, "pace."+string(p.Light)), string(tenthsNumber(p.Lag))
	}
	return cells
}

// investmentHeadings are the headings of investmentColumns.
func investmentHeadings(ctx context.Context) []string {
	return []string{locale.T(ctx, "csv.col_total_investment"), locale.T(ctx, "report.col_plan_wan"),
		locale.T(ctx, "report.col_completed_wan"), locale.T(ctx, "csv.col_completed_as_of"),
		locale.T(ctx, "report.col_rate_percent"), locale.T(ctx, "report.col_pace"), locale.T(ctx, "csv.col_lag")}
}
