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
	// HistoryURL is the address of the public record of a year's changes
	// in a format ("csv", "xlsx"); nil leaves the links off.
	HistoryURL func(year int, format string) string
}

// NewHandler returns the handlers of the year-end table; dates are reckoned
// in loc.
func NewHandler(store *projects.Store, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{store: store, now: now, location: loc}
}

// Register adds the routes. The table is public, as the report is, and
// kept for every reader without a session as the year's page is.
func (h *Handler) Register(r *web.Router) {
	r.KeptPage("/years/:year/report", h.showReport, r.ReadsAWholeYear)
	r.OpenData(r.GET("/years/:year/report.xlsx", h.downloadWorkbook, r.ReadsAWholeYear))
	r.OpenData(r.GET("/years/:year/report.csv", h.downloadCSV, r.ReadsAWholeYear))
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

// withInvestment reads the switch of the investment part, ?investment=1:
// absent or 0 is off, 1 on, anything else a 400.
func withInvestment(c echo.Context) (bool, error) {
	switch raw := c.QueryParam("investment"); raw {
	case "", "0":
		return false, nil
	case "1":
		return true, nil
	default:
		return false, web.BadRequest("report.investment_malformed")
	}
}

// investment gives the rows of year y their investment part, as the
// reader may read it, and returns the total row; nil when the switch is
// off. A closed year's figures are the record's, which the close froze
// (see projects.Store.InvestmentOfYear).
func (h *Handler) investment(c echo.Context, y projects.Year, rows []Row) (*Totals, error) {
	on, err := withInvestment(c)
	if err != nil || !on {
		return nil, err
	}
	ctx := c.Request().Context()
	settings, err := h.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	today := civil.DateOf(h.now().In(h.location))
	byProject, err := h.store.InvestmentOfYear(ctx, y, projects.AudienceOf(ctx), settings, today)
	if err != nil {
		return nil, err
	}
	totals := AddInvestment(rows, byProject)
	return &totals, nil
}

// suffix is the query of the table's links that keep the switch.
func suffix(totals *Totals) string {
	if totals == nil {
		return ""
	}
	return "?investment=1"
}

func (h *Handler) showReport(c echo.Context) error {
	y, rows, err := h.table(c)
	if err != nil {
		return err
	}
	totals, err := h.investment(c, y, rows)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	years, err := h.store.Years(ctx, projects.AudienceOf(ctx))
	if err != nil {
		return err
	}
	base := views.YearURL(y.Year) + "/report"
	page := views.ReportPage{
		Nav: views.Nav{Years: years, CurrentYear: y.Year}, Year: y.Year,
		Standing: projects.StandingOf(y.YearList, h.location), AsOf: h.asOf(y),
		XLSXURL: base + ".xlsx" + suffix(totals), CSVURL: base + ".csv" + suffix(totals),
		Investment: totals != nil, WithInvestmentURL: base + "?investment=1", WithoutInvestmentURL: base,
	}
	if h.HistoryURL != nil && y.Public() {
		page.HistoryCSVURL, page.HistoryXLSXURL = h.HistoryURL(y.Year, "csv"), h.HistoryURL(y.Year, "xlsx")
	}
	for _, r := range rows {
		row := views.ReportRow{
			Category: string(r.Category), CategoryRows: r.CategoryRows, Number: r.Number,
			Name: r.Name, List: string(r.List), Progress: r.Progress,
		}
		if inv := r.Investment; inv != nil {
			row.Money = &views.ReportMoney{Planned: inv.Planned, Completed: inv.Completed, Rate: inv.Rate,
				Light: string(inv.Light), SameAs: inv.SameAs}
		}
		page.Rows = append(page.Rows, row)
	}
	if totals != nil {
		page.Total = &views.ReportTotal{Planned: totals.Planned, Completed: totals.Completed, NoLight: totals.NoLight}
		if rate, ok := totals.Rate(); ok {
			page.Total.Rate = &rate
		}
		for _, light := range projects.Lights() {
			page.Total.Lights = append(page.Total.Lights, views.LightCount{Light: string(light), Count: totals.Lights[light]})
		}
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
		Sheet:    t("report.sheet", "Year", year),
		Creator:  t("site.name"),
		Language: locale.Lang(ctx),
		Category: func(r Row) string { return t("category." + string(r.Category) + ".short") },
		List:     func(r Row) string { return t("list." + string(r.List)) },
	}
}

// investmentLabels are the words of the investment part in the reader's
// language. A spreadsheet's column holds one unit: 万元 in both languages.
func investmentLabels(c echo.Context) *InvestmentLabels {
	ctx := c.Request().Context()
	t := func(id string, args ...any) string { return locale.T(ctx, id, args...) }
	return &InvestmentLabels{
		Headings: [4]string{t("report.col_plan_wan"), t("report.col_completed_wan"), t("report.col_rate_percent"), t("report.col_pace")},
		Total:    t("report.total"),
		NotGiven: t("monthly.not_given"),
		Light:    func(l projects.Light) string { return t("pace." + string(l)) },
		SameAs:   func(n int) string { return t("report.same_as", "Number", n) },
		Lights: func(totals Totals) string {
			s := t("report.lights", "Green", totals.Lights[projects.LightGreen],
				"Yellow", totals.Lights[projects.LightYellow], "Red", totals.Lights[projects.LightRed])
			if totals.NoLight > 0 {
				s += t("report.lights_none", "Count", totals.NoLight)
			}
			return s
		},
	}
}

func (h *Handler) downloadWorkbook(c echo.Context) error {
	y, rows, err := h.table(c)
	if err != nil {
		return err
	}
	totals, err := h.investment(c, y, rows)
	if err != nil {
		return err
	}
	l := h.labels(c, y.Year, h.asOf(y))
	l.Updated = y.AsOf
	name := "-report"
	if totals != nil {
		l.Investment, name = investmentLabels(c), "-report-investment"
	}
	body, err := Workbook(rows, totals, l)
	if err != nil {
		return err
	}
	return web.Download(c, "shuangshi-"+strconv.Itoa(y.Year)+name+".xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

func (h *Handler) downloadCSV(c echo.Context) error {
	y, rows, err := h.table(c)
	if err != nil {
		return err
	}
	totals, err := h.investment(c, y, rows)
	if err != nil {
		return err
	}
	l := h.labels(c, y.Year, h.asOf(y))
	name := "-report"
	if totals != nil {
		l.Investment, name = investmentLabels(c), "-report-investment"
	}
	body, err := projects.SpreadsheetCSV(CSV(rows, totals, l))
	if err != nil {
		return err
	}
	return web.Download(c, "shuangshi-"+strconv.Itoa(y.Year)+name+".csv", "text/csv; charset=utf-8", body)
}

// CSV is the table as CSV records: the headings, the rows, and with the
// investment part (l.Investment set) its four columns and the total row.
// Amounts are in 万元, exact, as money.Read reads them back.
func CSV(rows []Row, totals *Totals, l Labels) [][]string {
	headings := l.Headings[:]
	if l.Investment != nil {
		headings = append(headings[:len(headings):len(headings)], l.Investment.Headings[:]...)
	}
	records := [][]string{headings}
	for _, r := range rows {
		record := []string{l.Category(r), strconv.Itoa(r.Number),
			projects.SpreadsheetText(r.Name), l.List(r), projects.SpreadsheetText(r.Progress)}
		if l.Investment != nil {
			record = append(record, investmentCells(r.Investment, *l.Investment)...)
		}
		records = append(records, record)
	}
	if l.Investment != nil && totals != nil {
		records = append(records, append([]string{l.Investment.Total, "", "", "", ""}, totalCells(*totals, *l.Investment)...))
	}
	return records
}
