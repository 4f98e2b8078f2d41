package console_test

import (
	"testing"

	"shuangshi/internal/database/databasetest"
)

// TestConsoleOnPostgres runs the console's page tests again on
// PostgreSQL: its rows and the paces read with one statement a chunk of
// targets, joined to their newest filing.
func TestConsoleOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"ListsFiltersAndSorts":                TestConsoleListsFiltersAndSorts,
		"ShowsTheYearsPaceAndTheMonthsFiling": TestTheConsoleShowsTheYearsPaceAndTheMonthsFiling,
	})
}
