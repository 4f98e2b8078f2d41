// Package reports produces the year-end progress table that supervisors
// hand in, in the layout of Table 5 of the district's report: 类别 (one
// merged cell per category), 序号, 项目名称, 年度目标, 推进情况. It comes as a
// page that prints on A4, as an Excel workbook and as CSV.
package reports

import "shuangshi/internal/projects"

// Row is one row of the year-end table.
type Row struct {
	Category projects.Category
	// CategoryRows is the number of rows the category cell spans, on the
	// first row of its category; 0 on the others.
	CategoryRows int
	Number       int // 序号: the row's number in the table
	ProjectID    int64
	Name         string
	List         projects.List
	Progress     string
	// Investment is the row's investment part, when the table has one
	// (AddInvestment); nil otherwise.
	Investment *Investment
}

// Table lays out a year's year-end entries, in the order of their 序号
// (projects.Number), as the year-end table: each row with its number, and
// the category cell spanning each run of rows of one category. A draft's
// numbers group the rows by category in the district's order, as Table 5
// does; a target added to a published list comes last, in a cell of its
// own.
func Table(entries []projects.YearEndEntry) []Row {
	rows := make([]Row, len(entries))
	for i, e := range entries {
		rows[i] = Row{Category: e.Category, Number: e.Number, ProjectID: e.ProjectID, Name: e.Name, List: e.List, Progress: e.Progress}
	}
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].Category == rows[i].Category {
			j++
		}
		rows[i].CategoryRows = j - i
		i = j
	}
	return rows
}
