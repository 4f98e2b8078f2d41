package search

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// The addresses of the search and of the index of every project.
const (
	Path      = views.SearchPath
	IndexPath = views.IndexURL
)

// IndexPageSize is how many projects a page of the index shows.
const IndexPageSize = 50

// Handler serves the search and the index of every project, to the
// public and to staff alike; each reads what its audience may.
type Handler struct {
	store   *Store
	records *projects.Store
	rule    projects.StatusRule
	// now and location give "today" in the district, which the rows'
	// statuses are as of.
	now      func() time.Time
	location *time.Location
}

// NewHandler returns the handlers on store, with the record's years and
// readable projects from records, and statuses by rule.
func NewHandler(store *Store, records *projects.Store, rule projects.StatusRule, now func() time.Time, loc *time.Location) *Handler {
	return &Handler{store: store, records: records, rule: rule, now: now, location: loc}
}

// Register adds the search and the index. The index is kept for the
// public like the year pages; so is the answer to each query, but apart
// from them, so that a flood of queries cannot push the year pages out.
func (h *Handler) Register(r *web.Router) {
	r.KeptQuery(Path, h.search)
	r.KeptPage(IndexPath, h.showIndex)
}

func (h *Handler) today() civil.Date { return civil.DateOf(h.now().In(h.location)) }

// search answers /search?q=…&category=…&page=…: the targets found,
// grouped by year. An empty query shows the form and says what to type.
func (h *Handler) search(c echo.Context) error {
	ctx := c.Request().Context()
	audience := projects.AudienceOf(ctx)
	category, err := categoryParam(c)
	if err != nil {
		return err
	}
	number, err := projects.PageParam(c)
	if err != nil {
		return err
	}
	years, err := h.records.Years(ctx, audience)
	if err != nil {
		return err
	}
	q := ParseQuery(c.QueryParam("q"))
	number = min(number, MaxResults/PageSize)
	found, err := h.store.Search(ctx, q, category, audience, (number-1)*PageSize, PageSize)
	if err != nil {
		return err
	}
	page := views.SearchPage{
		Nav: views.Nav{Years: years}, Query: q.Text, Category: string(category),
		Asked: !q.Empty(), Cut: q.Cut, Total: found.Total, More: found.More,
	}
	for _, c := range projects.Categories() {
		page.Categories = append(page.Categories, string(c))
	}
	page.Pager, _, _ = views.NewPager(found.Total, number, PageSize, func(n int) string {
		return searchURL(q.Text, category, n)
	})
	today := h.today()
	for _, t := range found.Targets {
		if len(page.Groups) == 0 || page.Groups[len(page.Groups)-1].Year != t.Year {
			page.Groups = append(page.Groups, views.SearchGroup{Year: t.Year, Draft: t.Number == 0})
		}
		g := &page.Groups[len(page.Groups)-1]
		g.Rows = append(g.Rows, projects.Row(t, h.rule, today))
	}
	return web.Render(c, http.StatusOK, views.Search(page))
}

// showIndex answers /projects?category=…&page=…: every project the
// reader may read, newest first, with the lists each was on.
func (h *Handler) showIndex(c echo.Context) error {
	ctx := c.Request().Context()
	audience := projects.AudienceOf(ctx)
	category, err := categoryParam(c)
	if err != nil {
		return err
	}
	number, err := projects.PageParam(c)
	if err != nil {
		return err
	}
	years, err := h.records.Years(ctx, audience)
	if err != nil {
		return err
	}
	ps, total, err := h.store.Index(ctx, category, audience, (number-1)*IndexPageSize, IndexPageSize)
	if err != nil {
		return err
	}
	if ps, err = h.records.Readable(ctx, ps, audience); err != nil {
		return err
	}
	page := views.ProjectIndexPage{Nav: views.Nav{Years: years}, Category: string(category)}
	page.Filter = append(page.Filter, views.IndexFilterOption{URL: IndexPath})
	for _, c := range projects.Categories() {
		page.Filter = append(page.Filter, views.IndexFilterOption{Category: string(c), URL: indexURL(c, 1)})
	}
	page.Pager, _, _ = views.NewPager(total, number, IndexPageSize, func(n int) string { return indexURL(category, n) })
	for _, p := range ps {
		row := views.ProjectIndexRow{Name: p.Name, NameEn: p.NameEn, URL: projects.ProjectURL(p.ID),
			Category: string(p.Category), State: string(p.Milestones.State())}
		for _, t := range p.Targets {
			row.Listings = append(row.Listings, views.ListLink{Year: t.Year, List: string(t.List),
				URL: views.YearURL(t.Year) + "#list-" + string(t.List)})
		}
		page.Rows = append(page.Rows, row)
	}
	return web.Render(c, http.StatusOK, views.ProjectIndex(page))
}

// categoryParam reads the optional ?category= filter, a code ("road") or
// the report's character ("路"): none when empty, 400 when it names no
// category.
func categoryParam(c echo.Context) (projects.Category, error) {
	raw := c.QueryParam("category")
	if raw == "" {
		return "", nil
	}
	category, err := projects.ParseCategory(raw)
	if err != nil {
		if len(raw) > 40 {
			raw = strings.ToValidUTF8(raw[:40], "") + "…"
		}
		return "", web.BadRequest("error.category_unknown", "Category", strings.ToValidUTF8(raw, "�"))
	}
	return category, nil
}

// searchURL is the address of a page of a search's results.
func searchURL(query string, category projects.Category, page int) string {
	q := url.Values{"q": {query}}
	if category != "" {
		q.Set("category", string(category))
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return Path + "?" + q.Encode()
}

// indexURL is the address of a page of the index.
func indexURL(category projects.Category, page int) string {
	q := url.Values{}
	if category != "" {
		q.Set("category", string(category))
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return IndexPath
	}
	return IndexPath + "?" + q.Encode()
}
