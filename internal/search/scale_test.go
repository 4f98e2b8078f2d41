package search_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"shuangshi/internal/bench"
	"shuangshi/internal/database"
	"shuangshi/internal/projects"
	"shuangshi/internal/search"
)

// TestSearchTimeAtScale times searches on a generated record of
// SHUANGSHI_SEARCH_PROJECTS projects (100,000 when unset; the test is
// skipped with -short): the slowest of the searches a reader makes must
// stay within the budget the benchmark holds the site's pages to.
func TestSearchTimeAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("generating a large record takes a while")
	}
	n := 100_000
	if v := os.Getenv("SHUANGSHI_SEARCH_PROJECTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "scale.db")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	began := time.Now()
	if _, err := bench.Generate(ctx, path, n, 1, log); err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d projects in %v", n, time.Since(began))
	db, err := database.Open(ctx, path, log)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := search.NewStore(db, true)
	queries := []string{"军工", "大道", "军工路", "杨树浦路 2020", "营口路（国定路", "变电站", "路", "(12345)", "新建工程 2026", "shunping", "不存在的名字"}
	for _, audience := range []projects.Audience{projects.ThePublic, projects.Staff} {
		for _, raw := range queries {
			q := search.ParseQuery(raw)
			var took []time.Duration
			var found search.Found
			for range 30 {
				start := time.Now()
				if found, err = store.Search(ctx, q, "", audience, 0, search.PageSize); err != nil {
					t.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			t.Logf("audience %d %q: %d found (more %v), median %v, slowest %v", audience, raw, found.Total, found.More, took[len(took)/2], took[len(took)-1])
		}
	}
}
