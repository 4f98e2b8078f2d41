package console

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"shuangshi/internal/locale"
	"shuangshi/internal/money"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// The console taken along to a meeting: its rows as the filter and the
// order on the page choose them, every page of both groups, as CSV and
// as an Excel workbook with a title, the day and the filter above.

const (
	csvPath  = OverduePath + ".csv"
	xlsxPath = OverduePath + ".xlsx"
)

// exportURLs are the addresses of the console's rows as a file, with the
// filter and order of the query q.
func exportURLs(q string) (csvURL, xlsxURL string) {
	if q == "" {
		return csvPath, xlsxPath
	}
	return csvPath + "?" + q, xlsxPath + "?" + q
}

// table is the console's rows as a file's: a title, the day and the
// filter, the headings, and a line of text cells for each row.
type table struct {
	title, asOf, filter string
	headings            []string
	lines               [][]string
}

// exported reads the console's rows as the query asks for them, every
// page of both groups, overdue first.
func (h *Handler) exported(c echo.Context) (table, error) {
	ctx := c.Request().Context()
	filter, chosen, err := parseFilter(c.QueryParams())
	if err != nil {
		return table{}, err
	}
	column, descending := c.QueryParam("sort"), c.QueryParam("dir") == "desc"
	if column != "" && !slices.Contains(SortColumns(), column) {
		return table{}, web.BadRequest("error.400")
	}
	snap, err := h.snapshot(ctx)
	if err != nil {
		return table{}, err
	}
	kept, _ := snap.grouped(column, descending, filter)
	tr := func(id string, args ...any) string { return locale.T(ctx, id, args...) }
	out := table{
		title: tr("console.title"), asOf: tr("console.as_of", "Date", locale.Date(ctx, h.today())),
		filter: filterWords(ctx, chosen, snap.engineers),
		headings: []string{tr("year.col_status"), tr("year.col_name"), tr("project.col_year"), tr("console.col_list"),
			tr("project.col_deadline"), tr("console.col_days"), tr("project.unit"), tr("admin.engineers"),
			tr("console.col_updated"), tr("edit.delay_reason"), tr("console.col_comments"), tr("console.col_pace")},
	}
	for _, status := range []projects.Status{projects.StatusOverdue, projects.StatusAtRisk, StatusBehind} {
		for _, r := range kept[status] {
			row := h.consoleRow(*r)
			pace := tr("console.no_plan")
			if row.Pace != nil {
				pace = tr("pace."+row.Pace.Light) + " " + tr("pace.figures_short", "Done", money.PercentText(row.Pace.Done), "Elapsed", money.PercentText(row.Pace.Elapsed))
			}
			out.lines = append(out.lines, []string{
				tr("console.group." + row.Status), row.Name, strconv.Itoa(row.Year), tr("list." + row.List),
				row.Deadline.String(), strconv.Itoa(row.Days), row.Unit, strings.Join(row.Engineers, tr("list.separator")),
				row.LastUpdate.String(), row.DelayReason, strconv.Itoa(row.OpenComments), pace,
			})
		}
	}
	return out, nil
}

// filterWords says what the filter chose, in the reader's words, with an
// engineer by name.
func filterWords(ctx context.Context, f views.ConsoleFilter, engineers []views.Option) string {
	var parts []string
	add := func(label, value string) {
		if value != "" {
			parts = append(parts, locale.T(ctx, label)+": "+value)
		}
	}
	add("project.col_year", f.Year)
	if f.List != "" {
		add("console.col_list", locale.T(ctx, "list."+f.List))
	}
	if f.Category != "" {
		add("project.category", locale.T(ctx, "category."+f.Category))
	}
	add("project.unit", f.Unit)
	if f.Light != "" {
		add("console.col_pace", locale.T(ctx, "pace."+f.Light))
	}
	for _, e := range engineers {
		if e.Value == f.Engineer && f.Engineer != "" {
			add("admin.engineers", e.Label)
		}
	}
	if len(parts) == 0 {
		return locale.T(ctx, "console.filter_none")
	}
	return locale.T(ctx, "console.filter_used", "Filter", strings.Join(parts, locale.T(ctx, "list.separator")))
}

func (h *Handler) downloadCSV(c echo.Context) error {
	tb, err := h.exported(c)
	if err != nil {
		return err
	}
	records := [][]string{tb.headings}
	for _, line := range tb.lines {
		safe := make([]string, len(line))
		for i, cell := range line {
			safe[i] = projects.SpreadsheetText(cell)
		}
		records = append(records, safe)
	}
	body, err := projects.SpreadsheetCSV(records)
	if err != nil {
		return err
	}
	return web.Download(c, "shuangshi-overdue-"+h.today().String()+".csv", "text/csv; charset=utf-8", body)
}

func (h *Handler) downloadXLSX(c echo.Context) error {
	tb, err := h.exported(c)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	head := []struct {
		cell  string
		value string
	}{{"A1", tb.title}, {"A2", tb.asOf}, {"A3", tb.filter}}
	for _, h := range head {
		if err := f.SetCellStr(sheet, h.cell, h.value); err != nil {
			return err
		}
	}
	for i, line := range append([][]string{tb.headings}, tb.lines...) {
		cells := make([]any, len(line))
		for j, v := range line {
			cells[j] = v // as text: a name that starts with "=" stays a name
		}
		cell, err := excelize.CoordinatesToCellName(1, 5+i)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	for col, width := range map[string]float64{"B": 40, "J": 40, "G": 18, "H": 14} {
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	return web.Download(c, "shuangshi-overdue-"+h.today().String()+".xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}
