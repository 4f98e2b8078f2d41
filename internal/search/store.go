package search

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"shuangshi/internal/database"
	"shuangshi/internal/projects"
)

// MaxResults bounds what one search counts and pages through: a query
// that finds more says so and asks for more words, rather than making
// every reader of a city's record wait for a count of everything.
const MaxResults = 1000

// MaxProjects bounds the projects a search of words alone reads the
// targets of: the newest that have the words.
const MaxProjects = 2000

// PageSize is how many targets a page of results shows.
const PageSize = 50

// Store finds targets and projects in the record. It reads what
// migration 00018 keeps: project_search, the text of each project.
type Store struct {
	read     *gorm.DB
	postgres bool
	// review makes the public read each project's approved version (see
	// projects.Project.Public), as the site's review before publication
	// does.
	review bool
}

// NewStore returns a store on db; review says whether the site reviews
// changes before the public reads them.
func NewStore(db *database.DB, review bool) *Store {
	return &Store{read: db.Read, postgres: db.Read.Dialector.Name() == "postgres", review: review}
}

// Found is a page of a search's targets.
type Found struct {
	// Targets are the page's targets, each with its project, newest year
	// first, then the start list before the completion list, in the order
	// of their 序号.
	Targets []projects.Target
	// Total counts every target found, up to MaxResults; More reports
	// that there are more than that.
	Total int
	More  bool
	// Public are the years whose lists are public; a target of another
	// year is a draft's, which only staff read.
	Public []int
}

// Search returns the targets of q, at most limit of them from offset on,
// in category when it is not "", as audience may read them: the public
// reads published and closed years only, under review as last approved;
// staff read drafts too. An empty query finds nothing.
func (s *Store) Search(ctx context.Context, q Query, category projects.Category, audience projects.Audience, offset, limit int) (Found, error) {
	db := s.read.WithContext(ctx)
	var found Found
	if err := db.Model(&projects.YearList{}).Where("state IN ?", []projects.ListState{projects.Published, projects.Closed}).
		Pluck("year", &found.Public).Error; err != nil {
		return Found{}, fmt.Errorf("search: public years: %w", err)
	}
	if q.Empty() {
		return found, nil
	}
	// First the ids of every target found, up to the bound, in the
	// order shown: sorting small rows; then the page's targets with their
	// projects.
	tx := db.Model(&projects.Target{})
	// With words, the targets are reached from the projects found, and
	// nothing else may lead: "+" keeps SQLite from reading the targets
	// by year (every public year is nearly all of them) and testing
	// each; the category is tested on those reached.
	year := "targets.year"
	if len(q.Terms) > 0 {
		// Words alone that many projects have (路, 工程) are read from the
		// newest MaxProjects of those projects only: sorting the targets
		// of every project found would make such a search cost what
		// scanning the record does. A year or a category narrows the
		// search first, and takes every project found.
		m := s.matching(db, q.Terms)
		if len(q.Years) == 0 && category == "" {
			m = m.Order("1 DESC").Limit(MaxProjects + 1)
			capped := s.matching(db, q.Terms).Select("1").Offset(MaxProjects).Limit(1)
			var over []int
			if err := capped.Scan(&over).Error; err != nil {
				return Found{}, fmt.Errorf("search: %w", err)
			}
			found.More = len(over) > 0
		}
		tx, year = tx.Where("targets.project_id IN (?)", m), "+targets.year"
	}
	if category != "" {
		tx = tx.Where("(SELECT category FROM projects WHERE projects.id = targets.project_id) = ?", category)
	}
	if len(q.Years) > 0 {
		tx = tx.Where(year+" IN ?", q.Years)
	}
	if audience != projects.Staff {
		tx = tx.Where(year+" IN ?", found.Public) // none public: IN (NULL), nothing
	}
	var ids []int64
	if err := tx.Order("targets.year DESC, targets.position").Limit(MaxResults+1).Pluck("targets.id", &ids).Error; err != nil {
		return Found{}, fmt.Errorf("search: %w", err)
	}
	found.Total, found.More = min(len(ids), MaxResults), found.More || len(ids) > MaxResults
	if offset >= found.Total {
		return found, nil
	}
	ids = ids[offset:min(offset+limit, found.Total)]
	var page []projects.Target
	if err := db.Joins("Project").Where("targets.id IN ?", ids).Find(&page).Error; err != nil {
		return Found{}, fmt.Errorf("search: targets: %w", err)
	}
	byID := map[int64]projects.Target{}
	for _, t := range page {
		byID[t.ID] = t
	}
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			found.Targets = append(found.Targets, t)
		}
	}
	for i, t := range found.Targets {
		if !slices.Contains(found.Public, t.Year) {
			continue // a draft's numbers still move: it has none yet
		}
		t.Number = t.Position
		if audience != projects.Staff && s.review {
			var err error
			if t, err = approved(t); err != nil {
				return Found{}, err
			}
		}
		found.Targets[i] = t
	}
	return found, nil
}

// matching is the ids of the projects whose text has every term in it.
// SQLite reads them from project_grams (see migration 00018), PostgreSQL
// with a LIKE '%…%' that its trigram index answers.
func (s *Store) matching(db *gorm.DB, terms []string) *gorm.DB {
	if !s.postgres {
		return db.Table("project_grams").Select("docid").Where("project_grams MATCH ?", GramQuery(terms))
	}
	m := db.Table("project_search").Select("project_id")
	for _, term := range terms {
		m = m.Where(`body LIKE ? ESCAPE '\'`, "%"+escapeLike(term)+"%")
	}
	return m
}

// GramQuery is the FTS4 query that finds in project_grams the texts
// holding every term: each term the phrase of its character pairs, in
// hex as the index writes them; a term of one character, the prefix of
// the pairs it begins (UTF-8 being prefix-free, no other character's).
func GramQuery(terms []string) string {
	var phrases []string
	for _, term := range terms {
		r := []rune(term)
		if len(r) == 1 {
			phrases = append(phrases, strings.ToUpper(hex.EncodeToString([]byte(term)))+"*")
			continue
		}
		pairs := make([]string, 0, len(r)-1)
		for i := 0; i+1 < len(r); i++ {
			pairs = append(pairs, strings.ToUpper(hex.EncodeToString([]byte(string(r[i:i+2])))))
		}
		phrases = append(phrases, `"`+strings.Join(pairs, " ")+`"`)
	}
	return strings.Join(phrases, " ")
}

// escapeLike makes a term's LIKE wildcards stand for themselves.
func escapeLike(term string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(term)
}

// approved returns target t, with its project, as the public reads them
// under review: as last approved (see projects.Project.Public).
func approved(t projects.Target) (projects.Target, error) {
	p := t.Project
	p.Targets = []projects.Target{t}
	public, err := p.Public()
	if err != nil {
		return projects.Target{}, err
	}
	t = public.Targets[0]
	public.Targets = nil
	t.Project = public
	return t, nil
}

// Index returns a page of every project audience may read, in category
// when it is not "", newest first, with how many there are: for the
// public, the projects on a published or closed list. The projects come
// without their targets (see projects.Store.Readable for those).
func (s *Store) Index(ctx context.Context, category projects.Category, audience projects.Audience, offset, limit int) ([]projects.Project, int, error) {
	db := s.read.WithContext(ctx)
	tx := db.Model(&projects.Project{})
	if audience != projects.Staff {
		tx = tx.Where(`EXISTS (SELECT 1 FROM targets JOIN year_lists ON year_lists.year = targets.year
			WHERE targets.project_id = projects.id AND targets.removed_at IS NULL AND year_lists.state IN ?)`,
			[]projects.ListState{projects.Published, projects.Closed})
	}
	if category != "" {
		tx = tx.Where("category = ?", category)
	}
	var total int64
	if err := tx.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("index: count: %w", err)
	}
	var ps []projects.Project
	err := tx.Preload("Targets", func(db *gorm.DB) *gorm.DB { return db.Order("year, position") }).
		Order("projects.id DESC").Offset(offset).Limit(limit).Find(&ps).Error
	if err != nil {
		return nil, 0, fmt.Errorf("index: %w", err)
	}
	return ps, int(total), nil
}
