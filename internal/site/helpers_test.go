package site_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"shuangshi/internal/bench"
	"shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
)

// generatedSite serves a database of n generated projects (the benchmark's
// generator), with its engineer and supervisor.
func generatedSite(t *testing.T, n int) *sitetest.Site {
	t.Helper()
	path := filepath.Join(t.TempDir(), "generated.db")
	if _, err := bench.Generate(context.Background(), path, n, 1, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	return sitetest.Open(t, site.Config{Source: path, AtRiskDays: 30, StaleDays: 30})
}
