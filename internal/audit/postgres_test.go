package audit_test

import (
	"testing"

	"shuangshi/internal/database/databasetest"
)

// TestExportsOnPostgres runs the exports again on PostgreSQL, whose
// queries are the same SQL read by another database.
func TestExportsOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"HistoryExportsForAuditors":         TestHistoryExportsForAuditors,
		"LongHistoriesStream":               TestLongHistoriesStream,
		"SecurityLogAsCSVForAdministrators": TestSecurityLogAsCSVForAdministrators,
	})
}
