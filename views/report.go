package views

import "shuangshi/internal/civil"

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
}
