package views

import (
	"shuangshi/internal/civil"
	"shuangshi/internal/money"
)

// ReportPage is the year-end table in the layout of the report's Table 5,
// to print.
type ReportPage struct {
	Nav      Nav
	Year     int
	Standing Standing
	AsOf     civil.Date // the year's one as-of: for a closed year, its close
	Rows     []ReportRow
	XLSXURL  string
	CSVURL   string
	// HistoryCSVURL and HistoryXLSXURL are the public record of the
	// year's changes; "" for a list the public does not read.
	HistoryCSVURL, HistoryXLSXURL string
	// Investment is set when the table has its investment part; Total is
	// then its total row. The two addresses are the table with and
	// without it.
	Investment           bool
	Total                *ReportTotal
	WithInvestmentURL    string
	WithoutInvestmentURL string
}

// ReportMoney is a row's investment part.
type ReportMoney struct {
	// Planned and Completed are nil while not given.
	Planned   *money.Amount
	Completed *money.Amount
	Rate      *int64 // tenths of a point; nil without both amounts
	Light     string // "green", "yellow", "red"; "" without one
	// SameAs is the 序号 of the row with the project's figures, on a
	// project's second row.
	SameAs int
}

// ReportTotal is the investment part's total row: exact sums (nil when
// nothing was given) and the lights counted.
type ReportTotal struct {
	Planned   *money.Amount
	Completed *money.Amount
	Rate      *int64
	Lights    []LightCount // green, yellow, red
	NoLight   int
}

// LightCount is how many projects have a light.
type LightCount struct {
	Light string
	Count int
}

// ReportRow is one row of the year-end table; CategoryRows is the span of
// the category cell on the first row of a category, 0 on the others.
type ReportRow struct {
	Category     string
	CategoryRows int
	Number       int
	Name         string
	List         string
	Progress     string
	Money        *ReportMoney // with the investment part only
}
