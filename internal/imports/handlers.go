package imports

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/lists"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves the import of a year's list from a spreadsheet.
type Handler struct {
	projects *projects.Store
	uploads  *Store
	now      func() time.Time
	location *time.Location
}

// NewHandler returns the import's handlers.
func NewHandler(p *projects.Store, uploads *Store, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{projects: p, uploads: uploads, now: now, location: loc}
}

// UploadPath is the address the file is posted to.
const UploadPath = "/admin/import"

// uploadMegabytes is the body an upload may send: more than MaxFileSize,
// so that a file too large is refused by the import's own page, which
// says what the limit is, not by the frame.
const uploadMegabytes = 8

// Register adds the routes, for administrators only.
func (h *Handler) Register(r *web.Router) {
	admin := auth.Require(auth.ManageRecord)
	r.GET(UploadPath, h.showUpload, admin)
	r.Upload(UploadPath, uploadMegabytes, h.upload, admin)
	r.GET(UploadPath+"/:id", h.showPreview, admin)
	r.POST(UploadPath+"/:id", h.confirm, admin)
}

// YearUploadURL is the upload page with the year chosen: what a year's
// list editor offers.
func YearUploadURL(year int) string { return UploadPath + "?year=" + strconv.Itoa(year) }

func uploadURL(id int64) string { return UploadPath + "/" + strconv.FormatInt(id, 10) }

func (h *Handler) nav(ctx context.Context) (views.Nav, error) {
	years, err := h.projects.Years(ctx, projects.AudienceOf(ctx))
	return views.Nav{Years: years}, err
}

func (h *Handler) showUpload(c echo.Context) error {
	year := strings.TrimSpace(c.QueryParam("year"))
	if year == "" {
		year = strconv.Itoa(civil.DateOf(h.now().In(h.location)).Year + 1)
	}
	return h.renderUpload(c, http.StatusOK, year, nil)
}

func (h *Handler) renderUpload(c echo.Context, status int, year string, problems map[string]string) error {
	nav, err := h.nav(c.Request().Context())
	if err != nil {
		return err
	}
	page := views.ImportUploadPage{Nav: nav, ListsURL: lists.YearsPath, Year: year, Errors: views.FieldErrors{}, MaxMB: MaxFileSize >> 20, MaxRows: MaxRows}
	for k, v := range problems {
		page.Errors[k] = v
	}
	for _, col := range Columns() {
		page.Headings = append(page.Headings, views.ImportHeading{
			Column: string(col), Headings: Headings(col), Required: col == ListColumn || col == NameColumn,
		})
	}
	return web.Render(c, status, views.ImportUpload(page))
}

// parseErrorMessage is the message, by the file field, of a file that
// cannot be read as a list: its id and arguments, as locale.T takes them.
func parseErrorMessage(err error) (id string, args []any) {
	var cell *CellError
	switch {
	case errors.Is(err, ErrTooLarge):
		return "import.error.too_large", []any{"MaxMB", MaxFileSize >> 20}
	case errors.Is(err, ErrEmpty):
		return "import.error.empty", nil
	case errors.Is(err, ErrLegacyExcel):
		return "import.error.legacy_excel", nil
	case errors.Is(err, ErrNotSpreadsheet):
		return "import.error.not_spreadsheet", nil
	case errors.Is(err, ErrNoHeader):
		return "import.error.no_header", []any{"Rows", HeaderSearchRows}
	case errors.Is(err, ErrTooManyRows):
		return "import.error.too_many_rows", []any{"Max", MaxRows}
	case errors.As(err, &cell) && errors.Is(err, ErrBeyondColumns):
		return "import.error.beyond_columns", []any{"Cell", cell.Cell, "Last", LastColumn}
	case errors.Is(err, ErrTooManyCells):
		return "import.error.too_many_cells", []any{"Max", MaxCells}
	case errors.Is(err, ErrTooManyMerges):
		return "import.error.too_many_merges", []any{"Max", MaxMerges}
	case errors.Is(err, ErrTooMuchText):
		return "import.error.too_much_text", []any{"MaxMB", MaxTextMB}
	case errors.Is(err, ErrTooSlow):
		return "import.error.too_slow", []any{"Seconds", int(ParseTime / time.Second)}
	}
	return "import.error.not_spreadsheet", nil
}

func (h *Handler) upload(c echo.Context) error {
	ctx := c.Request().Context()
	typedYear := strings.TrimSpace(c.FormValue("year"))
	problems := map[string]string{}
	year, err := strconv.Atoi(typedYear)
	if err != nil || year < civil.MinYear || year > civil.MaxYear {
		problems["year"] = locale.T(ctx, "lists.year_malformed", "Min", civil.MinYear, "Max", civil.MaxYear)
	}
	var content []byte
	var name string
	var sheet Sheet
	switch file, err := c.FormFile("file"); {
	case web.BodyTooLarge(err):
		// The body went past the limit as it was read (it came in
		// chunks, without a length to refuse it by).
		problems["file"] = locale.T(ctx, "import.error.too_large", "MaxMB", MaxFileSize>>20)
		return h.renderUpload(c, http.StatusRequestEntityTooLarge, typedYear, problems)
	case err != nil:
		problems["file"] = locale.T(ctx, "import.error.no_file")
	case file.Size > MaxFileSize:
		problems["file"] = locale.T(ctx, "import.error.too_large", "MaxMB", MaxFileSize>>20)
	default:
		name = filepath.Base(file.Filename)
		f, err := file.Open()
		if err != nil {
			return err
		}
		content, err = io.ReadAll(io.LimitReader(f, MaxFileSize+1))
		f.Close()
		if err != nil {
			return err
		}
		sheet, err = Parse(ctx, name, content)
		switch {
		case errors.Is(err, context.Canceled):
			return err // the request was abandoned: no one reads the answer
		case err != nil:
			id, args := parseErrorMessage(err)
			problems["file"] = locale.T(ctx, id, args...)
		}
	}
	if len(problems) > 0 {
		return h.renderUpload(c, http.StatusUnprocessableEntity, typedYear, problems)
	}
	var by *int64
	if u := auth.CurrentUser(c); u != nil {
		by = &u.ID
	}
	saved, err := h.uploads.Save(ctx, Upload{Year: year, FileName: name, Sheet: &sheet, CreatedBy: by})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, uploadURL(saved.ID))
}

// preview works out what importing an upload's rows into its year would
// do now, against the projects and lists as they are.
func (h *Handler) preview(ctx context.Context, u Upload) ([]Line, []Listed, error) {
	all, err := h.projects.All(ctx)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, 0, len(all))
	for _, p := range all {
		ids = append(ids, p.ID)
	}
	withTargets, err := h.projects.ProjectsWithTargets(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	candidates := make([]Candidate, 0, len(withTargets))
	archived := map[int64]bool{}
	for _, p := range withTargets {
		candidates = append(candidates, CandidateOf(p))
		archived[p.ID] = p.ArchivedAt != nil
	}
	current, err := h.projects.Year(ctx, u.Year, projects.Staff)
	if err != nil && !errors.Is(err, projects.ErrNotFound) {
		return nil, nil, err
	}
	listed := make([]Listed, 0, len(current.Targets))
	for _, t := range current.Targets {
		listed = append(listed, Listed{ProjectID: t.ProjectID, List: t.List})
	}
	lines := Preview(u.Year, u.Sheet.Rows, candidates, listed)
	for i, l := range lines {
		// An archived project is offered for no list: restore it first.
		if l.Match != nil && archived[l.Match.Candidate.ProjectID] && (l.Action == ActionExisting || l.Action == ActionPropose) {
			lines[i].Action = ActionError
			lines[i].Problems = append(lines[i].Problems, Problem{Row: l.Row.Number, Code: ArchivedProject, Column: NameColumn, Value: l.Name})
		}
	}
	return lines, listed, nil
}

// ArchivedProject is a row naming an archived project, which must be
// restored before it goes on a list.
const ArchivedProject Code = "archived_project"

// uploadOf reads the :id parameter and returns its upload, with its sheet.
func (h *Handler) uploadOf(c echo.Context) (Upload, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return Upload{}, err
	}
	ctx := c.Request().Context()
	u, err := h.uploads.Upload(ctx, id)
	if err != nil || u.Sheet != nil {
		return u, err
	}
	// An upload kept before sheets were kept has its file: it is read
	// now, once, with the bounds uploads have today, and its sheet kept
	// in the file's place. A file those bounds refuse is answered as its
	// upload would be now.
	sheet, err := Parse(ctx, u.FileName, u.Content)
	if errors.Is(err, context.Canceled) {
		return u, err
	} else if err != nil {
		id, args := parseErrorMessage(err)
		return u, &web.Error{Status: http.StatusUnprocessableEntity, MessageID: id, Args: args, Err: err}
	}
	if err := h.uploads.KeepSheet(ctx, u.ID, sheet); err != nil {
		return u, err
	}
	u.Sheet, u.Content = &sheet, nil
	return u, nil
}

func (h *Handler) showPreview(c echo.Context) error {
	u, err := h.uploadOf(c)
	if err != nil {
		return err
	}
	lines, listed, err := h.preview(c.Request().Context(), u)
	if err != nil {
		return err
	}
	return h.renderPreview(c, http.StatusOK, u, lines, listed, nil, "")
}

func (h *Handler) renderPreview(c echo.Context, status int, u Upload, lines []Line, listed []Listed, answers map[int]bool, problem string) error {
	ctx := c.Request().Context()
	nav, err := h.nav(ctx)
	if err != nil {
		return err
	}
	summary := Summarize(lines, listed)
	page := views.ImportPreviewPage{
		Nav: nav, Year: u.Year, FileName: u.FileName, Action: uploadURL(u.ID), ListURL: lists.ListURL(u.Year),
		Applied: u.AppliedAt != nil, Errors: summary.Errors, Proposals: summary.Proposals, Size: ListSize,
	}
	if problem != "" {
		page.Problem = locale.T(ctx, problem)
	}
	for _, ls := range summary.Lists {
		page.Lists = append(page.Lists, views.ImportListSummary{
			List: string(ls.List), New: ls.New, Existing: ls.Existing, Proposed: ls.Proposed, Listed: ls.Listed,
			Total: ls.Total, Warn: ls.Total != ListSize,
		})
	}
	for _, l := range lines {
		il := views.ImportLine{
			Row: l.Row.Number, List: string(l.List), Name: l.Name, Category: string(l.Category),
			CategoryInferred: l.CategoryInferred, Action: string(l.Action),
		}
		if l.Match != nil {
			il.MatchName = l.Match.Candidate.Name
			il.MatchURL = projects.ProjectURL(l.Match.Candidate.ProjectID)
			il.MatchScore = int(math.Round(l.Match.Score * 100))
		}
		if yes, ok := answers[l.Row.Number]; ok {
			il.Answer = map[bool]string{true: "yes", false: "no"}[yes]
		}
		for _, pr := range l.Problems {
			il.Problems = append(il.Problems, problemMessage(ctx, pr))
		}
		page.Lines = append(page.Lines, il)
	}
	return web.Render(c, status, views.ImportPreview(page))
}

// problemMessage says what is wrong with a row, in the reader's words.
func problemMessage(ctx context.Context, p Problem) string {
	return locale.T(ctx, "import.problem."+string(p.Code),
		"Column", locale.T(ctx, "import.column."+string(p.Column)), "Value", p.Value, "Earlier", p.Earlier)
}

func (h *Handler) confirm(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := h.uploadOf(c)
	if err != nil {
		return err
	}
	lines, listed, err := h.preview(ctx, u)
	if err != nil {
		return err
	}
	if u.AppliedAt != nil {
		return h.renderPreview(c, http.StatusConflict, u, lines, listed, nil, "import.already_applied")
	}
	answers := map[int]bool{}
	for _, l := range lines {
		switch c.FormValue("match-" + strconv.Itoa(l.Row.Number)) {
		case "yes":
			answers[l.Row.Number] = true
		case "no":
			answers[l.Row.Number] = false
		}
	}
	if Summarize(lines, listed).Errors > 0 {
		return h.renderPreview(c, http.StatusUnprocessableEntity, u, lines, listed, answers, "import.fix_first")
	}
	confirmed, err := Confirm(lines, listed, answers)
	if errors.Is(err, ErrUnanswered) {
		return h.renderPreview(c, http.StatusUnprocessableEntity, u, lines, listed, answers, "import.unanswered")
	} else if err != nil {
		return err
	}
	if Summarize(confirmed, listed).Errors > 0 {
		// An answer made two rows the same project on the same list.
		return h.renderPreview(c, http.StatusUnprocessableEntity, u, confirmed, listed, answers, "import.fix_first")
	}
	var items []projects.ImportItem
	for _, l := range confirmed {
		target := projects.NewTarget{Year: u.Year, List: l.List, ListedName: l.Name, Deadline: l.Deadline}
		switch l.Action {
		case ActionNew:
			items = append(items, projects.ImportItem{Target: target, New: projects.Project{
				Name: l.Name, Category: l.Category, Extent: l.Extent, Unit: l.Unit,
				Milestones: projects.Milestones{PlannedStart: l.PlannedStart, PlannedCompletion: l.PlannedCompletion},
			}})
		case ActionExisting:
			items = append(items, projects.ImportItem{Target: target, Existing: l.Match.Candidate.ProjectID})
		}
	}
	user := auth.CurrentUser(c)
	err = h.projects.ImportList(ctx, items, auth.ActorOf(user, c.RealIP()))
	if errors.Is(err, projects.ErrNameTaken) || errors.Is(err, projects.ErrAlreadyListed) || errors.Is(err, projects.ErrArchived) {
		// The record changed since the preview was drawn: draw it again.
		if lines, listed, err = h.preview(ctx, u); err != nil {
			return err
		}
		return h.renderPreview(c, http.StatusConflict, u, lines, listed, answers, "import.changed")
	} else if err != nil {
		return err
	}
	if err := h.uploads.MarkApplied(ctx, u.ID, &user.ID); err != nil {
		return err
	}
	auth.Flash(c, "flash.imported")
	return c.Redirect(http.StatusSeeOther, lists.ListURL(u.Year))
}
