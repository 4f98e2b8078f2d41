package database

import "gorm.io/gorm"

// Each runs q and calls fn with each row it finds, read into a T one at a
// time: an export of millions of rows holds one in memory. It stops at
// fn's first error.
func Each[T any](q *gorm.DB, fn func(T) error) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var row T
		if err := q.ScanRows(rows, &row); err != nil {
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rows.Err()
}
