package auth

import (
	"testing"

	"shuangshi/internal/database/databasetest"
)

// TestStoreOnPostgres runs the account store's tests again on PostgreSQL.
func TestStoreOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"StoreKeepsOneActiveAdmin":              TestStoreKeepsOneActiveAdmin,
		"StoreChangesEndSessionsAndAreLogged":   TestStoreChangesEndSessionsAndAreLogged,
		"StoreAssignments":                      TestStoreAssignments,
		"ThrottleLocksAndForgets":               TestThrottleLocksAndForgets,
		"AttemptsAtOnceAreCountedBeforeChecked": TestAttemptsAtOnceAreCountedBeforeTheyAreChecked,
		"UnknownUsernamesAreNotStored":          TestUnknownUsernamesAreNotStored,
		"AddressThrottleAndIPv6Networks":        TestAddressThrottleAndIPv6Networks,
		"ADeviceGetsPastTheLockOnTheAccount":    TestADeviceGetsPastTheLockOnTheAccount,
		"ARefusedAttemptWritesNothing":          TestARefusedAttemptWritesNothing,
		"TallyCountsAFloodInOneEntry":           TestTallyCountsAFloodInOneEntry,
		"PruneEventsRemovesABoundedBatch":       TestPruneEventsRemovesABoundedBatchOfTheOldest,
	})
}
