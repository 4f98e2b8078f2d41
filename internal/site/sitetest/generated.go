package sitetest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"shuangshi/internal/bench"
)

// Generated is a site on a database of n projects made by the benchmark's
// generator, with its engineer and supervisor (bench.EngineerName and
// bench.SupervisorName, whose password is bench.Password), for tests of
// what a large record does to the pages. The site's clock is at Start.
func Generated(t *testing.T, n int) (*Site, bench.Dataset) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "generated.db")
	set, err := bench.Generate(context.Background(), path, n, 1, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config(t)
	cfg.Source = path
	return Open(t, cfg), set
}
