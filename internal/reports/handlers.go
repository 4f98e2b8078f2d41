package reports

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/civil"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves the year-end table.
type Handler struct {
	store    *projects.Store
	now      func() time.Time
	location *time.Location
}

// NewHandler returns the handlers of the year-end table; dates are reckoned
// in loc.
func NewHandler(store *projects.Store, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{store: store, now: now, location: loc}
}

// Register adds the routes. The table is public, as the report is.
func (h *Handler) Register(r *web.Router) {
	r.GET("/years/:year/report", h.showReport)
	r.GET("/years/:year/report.xlsx", h.downloadWorkbook)
	r.GET("/years/:year/report.csv", h.downloadCSV)
}

// table returns the year-end table of the year named by :year, as its
// reader may read it: a closed year's as it was kept at the close, an
// open year's as it stands.
func (h *Handler) table(c echo.Context) (projects.Year, []Row, error) {
	y, err := projects.YearFromParam(c, h.store)
	if err != nil {
		return projects.Year{}, nil, err
	}
	if y.State == projects.Closed {
		entries, err := projects.ClosedTable(y.YearList)
		return y, Table(entries), err
	}
	return y, Table(projects.YearEnd(y.Targets)), nil
}

func (h *Handler) asOf(y projects.Year) civil.Date { return civil.DateOf(y.AsOf.In(h.location)) }

func (h *Handler) showReport(c echo.Context) error {
	y, rows, err := h.table(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	years, err := h.store.Years(ctx, projects.AudienceOf(ctx))
	if err != nil {
		return err
	}
	page := views.ReportPage{
		Nav: views.Nav{Years: years, CurrentYear: y.Year}, Year: y.Year,
		Standing: projects.StandingOf(y.YearList, h.location), AsOf: h.asOf(y),
		XLSXURL: views.YearURL(y.Year) + "/report.xlsx", CSVURL: views.YearURL(y.Year) + "/report.csv",
	}
	for _, r := range rows {
		page.Rows = append(page.Rows, views.ReportRow{
			Category: string(r.Category), CategoryRows: r.CategoryRows, Number: r.Number,
			Name: r.Name, List: string(r.List), Progress: r.Progress,
		})
	}
	return web.Render(c, http.StatusOK, views.Report(page))
}

// labels are the words of the table in the reader's language.
func (h *Handler) labels(c echo.Context, year int, asOf civil.Date) Labels {
	ctx := c.Request().Context()
	t := func(id string, args ...any) string { return locale.T(ctx, id, args...) }
	return Labels{
		Title: t("report.title", "Year", year),
		AsOf:  t("date.as_of", "Date", locale.Date(ctx, asOf)),
		Headings: [5]string{t("year.col_category"), t("year.col_number"), t("year.col_name"),
			t("year.col_target"), t("year.col_progress")},
		Category: func(r Row) string { return t("category." + string(r.Category) + ".short") },
		List:     func(r Row) string { return t("list." + string(r.List)) },
	}
}

func (h *Handler) downloadWorkbook(c echo.Context) error {
	y, rows, err := h.table(c)
	if err != nil {
		return err
	}
	body, err := Workbook(rows, h.labels(c, y.Year, h.asOf(y)))
	if err != nil {
		return err
	}
	return web.Download(c, "shuangshi-"+strconv.Itoa(y.Year)+"-report.xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

func (h *Handler) downloadCSV(c echo.Context) error {
	y, rows, err := h.table(c)
	if err != nil {
		return err
	}
	l := h.labels(c, y.Year, h.asOf(y))
	records := [][]string{l.Headings[:]}
	for _, r := range rows {
		records = append(records, []string{l.Category(r), strconv.Itoa(r.Number),
			projects.SpreadsheetText(r.Name), l.List(r), projects.SpreadsheetText(r.Progress)})
	}
	body, err := projects.SpreadsheetCSV(records)
	if err != nil {
		return err
	}
	return web.Download(c, "shuangshi-"+strconv.Itoa(y.Year)+"-report.csv", "text/csv; charset=utf-8", body)
}
