package projects

import (
	"context"

	"gorm.io/gorm"

	"shuangshi/internal/database"
)

// HistoryScope picks the changes an export of the history holds.
type HistoryScope struct {
	// Year picks the record of one year's list: the changes of its
	// targets, and of its projects' own fields (dates, progress, money),
	// whenever they were made. 0 picks every change.
	Year int
	// Public picks what the public reads on the projects' history pages:
	// the changes of public fields (no delay reason, no internal note) of
	// the projects and targets on published or closed lists.
	Public bool
}

// ExportedChange is one change as an export tells it, with its project and
// target.
type ExportedChange struct {
	Change
	ProjectName string
	// Year and List are the target's; zero for a project's own field.
	Year int
	List List
}

// NewestChange returns the newest change's id, 0 for none. An export
// counts the changes up to it (CountChanges) and then reads up to it
// (EachChange): the history only grows, so the rows it writes are the rows
// it counted, however many saves are made meanwhile.
func (s *Store) NewestChange(ctx context.Context) (int64, error) {
	var upTo int64
	err := s.read.WithContext(ctx).Table("changes").Select("COALESCE(MAX(id), 0)").Scan(&upTo).Error
	return upTo, err
}

// CountChanges returns how many changes the scope holds up to the id upTo.
func (s *Store) CountChanges(ctx context.Context, scope HistoryScope, upTo int64) (int, error) {
	var n int64
	err := s.exported(s.read.WithContext(ctx), scope, upTo).Count(&n).Error
	return int(n), err
}

// EachChange calls fn with each change of the scope up to the id upTo,
// oldest first, reading them one at a time: an export of millions of
// changes holds one in memory. It stops at fn's first error.
func (s *Store) EachChange(ctx context.Context, scope HistoryScope, upTo int64, fn func(ExportedChange) error) error {
	q := s.exported(s.read.WithContext(ctx), scope, upTo).
		Select("changes.*, projects.name AS project_name, targets.year, targets.list").Order("changes.id")
	return database.Each(q, fn)
}

// exported is the query of the changes of scope up to the id upTo.
func (s *Store) exported(db *gorm.DB, scope HistoryScope, upTo int64) *gorm.DB {
	q := db.Table("changes").
		Joins("JOIN projects ON projects.id = changes.project_id").
		Joins("LEFT JOIN targets ON targets.id = changes.target_id").
		Where("changes.id <= ?", upTo)
	if scope.Year != 0 {
		q = q.Where(`(changes.target_id IS NOT NULL AND targets.year = ?) OR (changes.target_id IS NULL AND
			EXISTS (SELECT 1 FROM targets listed WHERE listed.project_id = changes.project_id AND listed.year = ?))`,
			scope.Year, scope.Year)
	}
	if scope.Public {
		public := ThePublic.states()
		// As the history page shows it: a target's change when its list
		// is public, a project's own when the project is on a public
		// list.
		q = q.Where("changes.public").Where(`(changes.target_id IS NOT NULL AND
			targets.year IN (SELECT year FROM year_lists WHERE state IN ?)) OR (changes.target_id IS NULL AND
			EXISTS (SELECT 1 FROM targets listed JOIN year_lists ON year_lists.year = listed.year AND year_lists.state IN ?
				WHERE listed.project_id = changes.project_id AND listed.removed_at IS NULL))`, public, public)
	}
	return q
}
