package audit

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/internal/workbook"
	"shuangshi/views"
)

// Handler serves the exports for auditors and their page.
type Handler struct {
	store    *projects.Store
	now      func() time.Time
	location *time.Location
	// exports holds a place for each export being written: the public
	// edition is anyone's to ask for, and each export reads the whole
	// history, so a few at a time are written and the others are asked
	// to come back.
	exports chan struct{}
	// Version is the version of the record, which moves with every change
	// of it: the public edition's validator. Nil gives it none.
	Version func(context.Context) (int64, error)
	// SecurityLogURL is the address of the security log's CSV, for
	// administrators; "" leaves it off the page.
	SecurityLogURL string
	// SecurityLogRows counts the security log's entries.
	SecurityLogRows func(context.Context) (int, error)
}

// concurrentExports is how many exports are written at once.
const concurrentExports = 2

// NewHandler returns the exports of the history in store, with times in
// loc.
func NewHandler(store *projects.Store, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{store: store, now: now, location: loc, exports: make(chan struct{}, concurrentExports)}
}

// Path is the page of the exports, for supervisors and administrators.
const Path = "/audit"

// Register adds the routes: the public edition is open data; the staff
// edition and the page are for those who supervise.
func (h *Handler) Register(r *web.Router) {
	for _, format := range []string{"csv", "xlsx"} {
		r.OpenData(r.GET("/history."+format, h.history(Public, format)))
		r.OpenData(r.GET("/years/:year/history."+format, h.history(Public, format)))
		r.GET(Path+"/history."+format, h.history(Staff, format), auth.Require(auth.Supervise))
		r.GET(Path+"/years/:year/history."+format, h.history(Staff, format), auth.Require(auth.Supervise))
	}
	r.GET(Path, h.showPage, auth.Require(auth.Supervise))
	r.InHeader(web.HeaderLink{Label: "nav.audit", URL: Path, Place: web.HeaderRecord, Shown: auth.Shows(auth.Supervise)})
}

// HistoryURL is the address of the public edition of year's history (all
// of it for 0) in format, "csv" or "xlsx".
func HistoryURL(year int, format string) string { return historyURL(Public, year, format) }

func historyURL(e Edition, year int, format string) string {
	prefix := ""
	if e == Staff {
		prefix = Path
	}
	if year == 0 {
		return prefix + "/history." + format
	}
	return prefix + "/years/" + strconv.Itoa(year) + "/history." + format
}

// audience is whose years an edition's reader may name: staff name a
// draft's year in either edition, as on every public page; the public
// edition holds the public lists' changes alone all the same.
func (e Edition) audience(ctx context.Context) projects.Audience {
	if e == Staff {
		return projects.Staff
	}
	return projects.AudienceOf(ctx)
}

// scope reads the year of the address, if it names one, as a year the
// edition's readers may read.
func (h *Handler) scope(c echo.Context, e Edition) (projects.HistoryScope, error) {
	scope := projects.HistoryScope{Public: e == Public}
	if c.Param("year") == "" {
		return scope, nil
	}
	year, err := projects.YearParam(c)
	if err != nil {
		return scope, err
	}
	years, err := h.store.Years(c.Request().Context(), e.audience(c.Request().Context()))
	if err != nil {
		return scope, err
	}
	if !slices.Contains(years, year) {
		return scope, web.NotFound("error.year_not_found", "Year", year)
	}
	scope.Year = year
	return scope, nil
}

// history answers with the edition's export of the history in format.
func (h *Handler) history(e Edition, format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		scope, err := h.scope(c, e)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		l := locale.FromContext(ctx)
		if e == Public && h.Version != nil {
			// The public edition follows from the public record, whose
			// version moves with every change of it.
			version, err := h.Version(ctx)
			if err != nil {
				return err
			}
			opaque := "history-" + strconv.FormatInt(version, 10) + "-" + strconv.Itoa(scope.Year) + "-" + l.Lang() + "-" + format
			if web.WeakValidator(c, opaque) {
				return nil
			}
		}
		select {
		case h.exports <- struct{}{}:
			defer func() { <-h.exports }()
		default:
			c.Response().Header().Set("Retry-After", "30")
			return &web.Error{Status: http.StatusServiceUnavailable, MessageID: "audit.busy"}
		}
		upTo, err := h.store.NewestChange(ctx)
		if err != nil {
			return err
		}
		rows, err := h.store.CountChanges(ctx, scope, upTo)
		if err != nil {
			return err
		}
		name := fileName(e, scope.Year) + "." + format
		each := func(fn func(projects.ExportedChange) error) error {
			return h.store.EachChange(ctx, scope, upTo, fn)
		}
		if format == "csv" {
			return web.StreamCSV(c, name, e.Headings(l), rows, func(row func([]string) error) error {
				return each(func(ch projects.ExportedChange) error { return row(e.Record(ctx, ch, h.location)) })
			})
		}
		if rows+2 > workbook.MaxRows {
			return &web.Error{Status: http.StatusUnprocessableEntity, MessageID: "audit.too_long_for_xlsx",
				Args: []any{"Rows", views.GroupDigits(int64(rows)), "CSV", historyURL(e, scope.Year, "csv")}}
		}
		title := l.T("audit.title_"+editionName(e), "Scope", scopeName(l, scope.Year), "Rows", rows,
			"AsOf", h.now().In(h.location).Format("2006-01-02 15:04"))
		sheet, err := workbook.NewStream(workbook.Page{
			Sheet: l.T("audit.sheet"), Title: title, Creator: l.T("site.name"), Language: l.Lang(),
			AsOf: h.now(), Landscape: true,
		}, title, e.workbookColumns(l), rows)
		if err != nil {
			return err
		}
		defer sheet.Close()
		progress, err := web.NewProgress(c)
		if err != nil {
			return err
		}
		err = each(func(ch projects.ExportedChange) error {
			if err := progress.Row(); err != nil {
				return err
			}
			return sheet.Row(e.Cells(ctx, ch, h.location))
		})
		if err != nil {
			return err
		}
		web.StartDownload(c, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", rows)
		_, err = sheet.WriteTo(c.Response())
		return err
	}
}

func editionName(e Edition) string {
	if e == Staff {
		return "staff"
	}
	return "public"
}

// fileName is the name an export is saved under, without its extension:
// which edition, which year.
func fileName(e Edition, year int) string {
	name := "shuangshi-history"
	if year != 0 {
		name += "-" + strconv.Itoa(year)
	}
	if e == Staff {
		name += "-staff"
	}
	return name
}

func scopeName(l *locale.Locale, year int) string {
	if year == 0 {
		return l.T("audit.scope_all")
	}
	return l.T("audit.scope_year", "Year", year)
}

// showPage shows the exports with how many rows each holds.
func (h *Handler) showPage(c echo.Context) error {
	ctx := c.Request().Context()
	l := locale.FromContext(ctx)
	years, err := h.store.Years(ctx, projects.Staff)
	if err != nil {
		return err
	}
	public, err := h.store.Years(ctx, projects.ThePublic)
	if err != nil {
		return err
	}
	upTo, err := h.store.NewestChange(ctx)
	if err != nil {
		return err
	}
	page := views.AuditPage{Nav: views.Nav{Years: years}}
	scopes := []int{0} // everything, then each year, the newest first
	for i := len(years) - 1; i >= 0; i-- {
		scopes = append(scopes, years[i])
	}
	for _, year := range scopes {
		row := views.AuditScope{Name: scopeName(l, year)}
		for _, e := range []Edition{Staff, Public} {
			if e == Public && year != 0 && !slices.Contains(public, year) {
				continue // a draft's list: not public yet
			}
			n, err := h.store.CountChanges(ctx, projects.HistoryScope{Year: year, Public: e == Public}, upTo)
			if err != nil {
				return err
			}
			export := views.AuditExport{Rows: n, CSVURL: historyURL(e, year, "csv")}
			if n+2 <= workbook.MaxRows {
				export.XLSXURL = historyURL(e, year, "xlsx")
			}
			if e == Staff {
				row.Staff = export
			} else {
				row.Public = &export
			}
		}
		page.Scopes = append(page.Scopes, row)
	}
	if h.SecurityLogURL != "" && auth.Can(auth.CurrentUser(c), auth.ManageAccounts) {
		n, err := h.SecurityLogRows(ctx)
		if err != nil {
			return err
		}
		page.SecurityLog = &views.AuditExport{Rows: n, CSVURL: h.SecurityLogURL}
	}
	return web.Render(c, http.StatusOK, views.Audit(page))
}
