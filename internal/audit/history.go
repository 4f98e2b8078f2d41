// Package audit is the record for auditors and oversight bodies: the whole
// history of changes, per year or all of it, as CSV and XLSX, in a public
// edition that anyone may take and a staff edition with who made each
// change, why, and the internal fields. Exports stream: however long the
// history, one change at a time is held in memory, and each says how many
// rows it holds.
package audit

import (
	"context"
	"strconv"
	"time"

	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/workbook"
	"shuangshi/views"
)

// Edition is who an export of the history is for.
type Edition int

const (
	// Public is what the projects' public history pages show: no delay
	// reasons or internal notes, nobody's name, no reasons.
	Public Edition = iota
	// Staff is every change, with who made it, why, and whether the
	// public reads it.
	Staff
)

// column is a column of the history's exports.
type column struct {
	heading string // message id
	width   float64
	time    bool
	staff   bool // in the staff edition only
}

var historyColumns = []column{
	{heading: "audit.col_at", width: 20, time: true},
	{heading: "audit.col_project_id", width: 8},
	{heading: "audit.col_project", width: 36},
	{heading: "audit.col_year", width: 8},
	{heading: "audit.col_list", width: 8},
	{heading: "audit.col_field", width: 14},
	{heading: "audit.col_old", width: 36},
	{heading: "audit.col_new", width: 36},
	{heading: "audit.col_who", width: 12, staff: true},
	{heading: "audit.col_reason", width: 30, staff: true},
	{heading: "audit.col_public", width: 10, staff: true},
}

// columns are the edition's columns.
func (e Edition) columns() []column {
	var out []column
	for _, c := range historyColumns {
		if !c.staff || e == Staff {
			out = append(out, c)
		}
	}
	return out
}

// Headings are the edition's column headings in the words of l.
func (e Edition) Headings(l *locale.Locale) []string {
	var out []string
	for _, c := range e.columns() {
		out = append(out, l.T(c.heading))
	}
	return out
}

// workbookColumns are the edition's columns as a streamed sheet lays them
// out.
func (e Edition) workbookColumns(l *locale.Locale) []workbook.Column {
	var out []workbook.Column
	for _, c := range e.columns() {
		out = append(out, workbook.Column{Heading: l.T(c.heading), Width: c.width, Time: c.time})
	}
	return out
}

// Cells are one change as the edition tells it, in its columns' order, in
// the words of the reader of ctx: the time, in loc, as a time.Time, the
// project's number and the target's year as numbers, and text for the
// rest. A text cell that a spreadsheet would take for a
// formula is kept text.
func (e Edition) Cells(ctx context.Context, c projects.ExportedChange, loc *time.Location) []any {
	l := locale.FromContext(ctx)
	staff := e == Staff
	value := func(v projects.ChangeValue) string {
		return projects.SpreadsheetText(views.HistoryValueText(ctx, projects.HistoryValueOf(v, staff)))
	}
	var year any // none for a project's own field
	var list string
	if c.Year != 0 {
		year, list = c.Year, l.T("list."+string(c.List))
	}
	cells := []any{
		c.At.In(loc), c.ProjectID, projects.SpreadsheetText(c.ProjectName), year, list,
		l.T("history.field." + c.Field), value(c.Old()), value(c.New()),
	}
	if staff {
		public := l.T("audit.public_no")
		if c.Public {
			public = l.T("audit.public_yes")
		}
		cells = append(cells, projects.SpreadsheetText(c.UserName), projects.SpreadsheetText(c.Reason), public)
	}
	return cells
}

// Record is one change as a CSV record: Cells, with the time written
// RFC 3339 with its offset, which every program reads back.
func (e Edition) Record(ctx context.Context, c projects.ExportedChange, loc *time.Location) []string {
	cells := e.Cells(ctx, c, loc)
	record := make([]string, len(cells))
	for i, v := range cells {
		switch v := v.(type) {
		case time.Time:
			record[i] = v.Format(time.RFC3339)
		case int64:
			record[i] = strconv.FormatInt(v, 10)
		case int:
			record[i] = strconv.Itoa(v)
		case string:
			record[i] = v
		}
	}
	return record
}
