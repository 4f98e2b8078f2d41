package database_test

import (
	"context"
	"testing"
	"time"

	"shuangshi/internal/database"
	"shuangshi/internal/database/databasetest"
)

// A memo reads once per version of the record, and again once a write
// moves the version on: never a value older than the write.
func TestMemoReadsOncePerVersion(t *testing.T) {
	db := databasetest.Open(t)
	ctx := context.Background()
	reads := 0
	projects := database.NewMemo(db, func(ctx context.Context) (int64, error) {
		reads++
		var n int64
		err := db.Read.WithContext(ctx).Raw("SELECT COUNT(*) FROM projects").Scan(&n).Error
		return n, err
	})
	get := func() int64 {
		t.Helper()
		n, err := projects.Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	first, second := get(), get()
	if first != 0 || second != 0 || reads != 1 {
		t.Fatalf("an unchanged record: %d and %d projects, read %d times; want 0, read once", first, second, reads)
	}
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	if err := db.Write.WithContext(ctx).Exec("INSERT INTO projects (id, name, category, created_at, updated_at) VALUES (1, '甲路新建工程', 'road', ?, ?)", now, now).Error; err != nil {
		t.Fatal(err)
	}
	if n := get(); n != 1 || reads != 2 {
		t.Errorf("after a write: %d projects, %d reads; want 1 and a second read", n, reads)
	}
	if get(); reads != 2 {
		t.Errorf("%d reads, want the second kept", reads)
	}
}
