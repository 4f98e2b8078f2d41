package console

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"shuangshi/internal/locale"
	"shuangshi/internal/money"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/internal/workbook"
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
// filter, the headings, and a line of text cells for each row; the
// sheet's name, the site's name and the language for the workbook.
type table struct {
	title, asOf, filter      string
	sheet, creator, language string
	headings                 []string
	lines                    [][]string
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
		sheet:  tr("console.title"), creator: tr("site.name"), language: locale.Lang(ctx),
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
	body, err := tb.workbook(h.now())
	if err != nil {
		return err
	}
	return web.Download(c, "shuangshi-overdue-"+h.today().String()+".xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

// workbook writes the table as an Excel workbook: the title, the day and
// the filter across the top, the headings in bold with borders, the rows
// as text that wraps (a name that starts with "=" stays a name), on A4
// landscape one page wide, dated at, when the rows stood.
func (tb table) workbook(at time.Time) ([]byte, error) {
	f, err := workbook.New(tb.sheet)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := tb.sheet
	last, err := excelize.ColumnNumberToName(len(tb.headings))
	if err != nil {
		return nil, err
	}
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: workbook.Font, Size: size, Bold: bold}
	}
	styles := make([]int, 4)
	for i, st := range []excelize.Style{
		{Font: font(14, true), Alignment: &excelize.Alignment{Vertical: "center"}},               // the title
		{Font: font(11, false), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}, // the day and the filter
		{Font: font(11, true), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", // the headings
			Vertical: "center", WrapText: true}},
		{Font: font(11, false), Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}, // the rows
	} {
		if styles[i], err = f.NewStyle(&st); err != nil {
			return nil, err
		}
	}
	for i, v := range []string{tb.title, tb.asOf, tb.filter} {
		line := strconv.Itoa(1 + i)
		if err := f.SetCellStr(s, "A"+line, v); err != nil {
			return nil, err
		}
		if err := f.MergeCell(s, "A"+line, last+line); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(s, "A"+line, last+line, styles[min(i, 1)]); err != nil {
			return nil, err
		}
	}
	for i, line := range append([][]string{tb.headings}, tb.lines...) {
		cells := make([]any, len(line))
		for j, v := range line {
			cells[j] = v // as text: a name that starts with "=" stays a name
		}
		row := strconv.Itoa(5 + i)
		if err := f.SetSheetRow(s, "A"+row, &cells); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(s, "A"+row, last+row, styles[min(2+i, 3)]); err != nil {
			return nil, err
		}
	}
	widths := []float64{10, 36, 6, 8, 11, 6, 18, 12, 11, 30, 8, 16}
	for i, width := range widths[:min(len(widths), len(tb.headings))] {
		col, err := excelize.ColumnNumberToName(1 + i)
		if err != nil {
			return nil, err
		}
		if err := f.SetColWidth(s, col, col, width); err != nil {
			return nil, err
		}
	}
	return workbook.Finish(f, workbook.Page{
		Sheet: s, Title: tb.title, Creator: tb.creator, Language: tb.language, AsOf: at,
		Landscape: true, Headings: 5, LastCell: last + strconv.Itoa(5+len(tb.lines)),
	})
}
