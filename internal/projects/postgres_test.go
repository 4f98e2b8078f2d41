package projects

import (
	"testing"

	"shuangshi/internal/database/databasetest"
)

// TestStoreOnPostgres runs the store's tests again on PostgreSQL: the
// seed, the edits with their versions, the lists and their history.
func TestStoreOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"SeedReproducesTheReport":             TestSeedReproducesTheReport,
		"SeedLinksProjectsAcrossRowsAndYears": TestSeedLinksProjectsAcrossRowsAndYears,
		"SeedInventsNoDates":                  TestSeedInventsNoDates,
		"SeedIsLoadedOnce":                    TestSeedIsLoadedOnce,
		"SaveEditRefusesAStaleVersion":        TestSaveEditRefusesAStaleVersion,
		"SeedOutcomesFollowFromTheMilestones": TestSeedOutcomesFollowFromTheMilestones,
		"ListsAreEditedWithTheirHistory":      TestListsAreEditedWithTheirHistory,
	})
}
