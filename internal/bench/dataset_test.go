package bench

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"shuangshi/internal/database"
)

type yearCount struct {
	Year, Targets, Open int
}

func generated(t *testing.T, n int) (Dataset, []yearCount, string) {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	path := filepath.Join(t.TempDir(), "bench.db")
	set, err := Generate(ctx, path, n, 7, log)
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(ctx, path, log)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var years []yearCount
	if err := db.Read.Raw(`SELECT year, COUNT(*) AS targets, SUM(outcome IN ('pending', 'partial')) AS open
		FROM targets GROUP BY year ORDER BY year`).Scan(&years).Error; err != nil {
		t.Fatal(err)
	}
	var fingerprint string
	if err := db.Read.Raw(`SELECT group_concat(year || list || position || outcome || listed_name, '|') FROM
		(SELECT * FROM targets ORDER BY id)`).Scan(&fingerprint).Error; err != nil {
		t.Fatal(err)
	}
	var projects, withoutTargets int
	db.Read.Raw(`SELECT COUNT(*) FROM projects`).Scan(&projects)
	db.Read.Raw(`SELECT COUNT(*) FROM projects WHERE id NOT IN (SELECT project_id FROM targets)`).Scan(&withoutTargets)
	if projects != n || withoutTargets != 0 {
		t.Errorf("%d projects, %d without a target; want %d, all on a list", projects, withoutTargets, n)
	}
	return set, years, fingerprint
}

func TestGenerateSpreadsProjectsOverTheYears(t *testing.T) {
	const n = 2000
	set, years, fingerprint := generated(t, n)
	if len(years) != CurrentYear-FirstYear+1 {
		t.Fatalf("targets in %d years, want %d: %v", len(years), CurrentYear-FirstYear+1, years)
	}
	for _, y := range years {
		// About n/20 start targets a year, and completions of about half of
		// the year before's.
		if y.Targets < n/20/2 || y.Targets > n/20*2 {
			t.Errorf("%d: %d targets, want about %d", y.Year, y.Targets, n/20*3/2)
		}
		if y.Year < CurrentYear-1 && y.Open > y.Targets/4 {
			t.Errorf("%d: %d of %d targets still open; the past is mostly settled", y.Year, y.Open, y.Targets)
		}
	}
	if last := years[len(years)-1]; last.Open < last.Targets/3 {
		t.Errorf("%d: %d of %d targets open; the current year is mostly open", last.Year, last.Open, last.Targets)
	}
	if len(set.Edited) != EditedProjects || len(set.Sample) == 0 {
		t.Errorf("%d edited projects, %d sampled", len(set.Edited), len(set.Sample))
	}

	// The same seed makes the same record.
	_, _, again := generated(t, n)
	if again != fingerprint {
		t.Error("two databases generated from the same seed differ")
	}
}
