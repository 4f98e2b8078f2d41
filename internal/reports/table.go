// Package reports produces the year-end progress table that supervisors
// hand in, in the layout of Table 5 of the district's report: 类别 (one
// merged cell per category), 序号, 项目名称, 年度目标, 推进情况. It comes as a
// page that prints on A4, as an Excel workbook and as CSV.
package reports

import (
	"slices"

	"shuangshi/internal/projects"
)

// Row is one row of the year-end table.
type Row struct {
	Category projects.Category
	// CategoryRows is the number of rows the category cell spans, on the
	// first row of its category; 0 on the others.
	CategoryRows int
	Number       int // 序号: the row's number in the table
	Name         string
	List         projects.List
	Progress     string
}

// Table lays out a year's targets (each with its project) as the year-end
// table: grouped by category in the district's order, by list position
// within a category, and numbered from 1 down the table. For a year whose
// list is already grouped so, such as 2022 in the report, the numbers are
// the list's own.
func Table(targets []projects.Target) []Row {
	sorted := slices.Clone(targets)
	slices.SortStableFunc(sorted, func(a, b projects.Target) int {
		if c := a.Project.Category.Rank() - b.Project.Category.Rank(); c != 0 {
			return c
		}
		return a.Position - b.Position
	})
	rows := make([]Row, len(sorted))
	for i, t := range sorted {
		rows[i] = Row{Category: t.Project.Category, Number: i + 1, Name: t.ListedName, List: t.List, Progress: t.Progress}
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
