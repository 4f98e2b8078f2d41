package views

// SearchPage is the search across every year's lists: the query as
// searched, and the targets found, grouped by year.
type SearchPage struct {
	Nav   Nav
	Query string
	// Category is the category searched in ("" for all), Categories the
	// codes offered.
	Category   string
	Categories []string
	// Asked reports whether the reader asked for anything; Cut, that the
	// query was longer than the search reads and was cut.
	Asked bool
	Cut   bool
	// Total counts the targets found, up to a bound; More reports that
	// there are more than that.
	Total  int
	More   bool
	Groups []SearchGroup
	Pager  Pager
}

// SearchGroup is the targets found of one year, in the order of their 序号.
type SearchGroup struct {
	Year int
	// Draft marks a year whose list is not yet public (staff only).
	Draft bool
	Rows  []TargetRow
}

// ProjectIndexPage is the public index of every project.
type ProjectIndexPage struct {
	Nav    Nav
	Filter []IndexFilterOption
	// Category is the category shown, "" for all.
	Category string
	Rows     []ProjectIndexRow
	Pager    Pager
}

// IndexFilterOption is a category of the index's filter.
type IndexFilterOption struct {
	Category string // "" for all
	URL      string
}

// ProjectIndexRow is a project of the index.
type ProjectIndexRow struct {
	Name     string
	NameEn   string
	URL      string
	Category string
	State    string // planned, started, completed
	Listings []ListLink
}
