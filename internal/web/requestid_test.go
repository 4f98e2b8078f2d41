package web

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestEveryLineOfARequestCarriesItsID: a line logged with a request's
// context gets its id once, even when the caller named it already; a
// line without a request gets none.
func TestEveryLineOfARequestCarriesItsID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(RequestIDs(slog.NewTextHandler(&buf, nil))).With("component", "store")
	ctx := withRequestID(context.Background(), "abc123")
	log.WarnContext(ctx, "slow statement")
	log.InfoContext(ctx, "request", "request_id", "abc123")
	log.Info("background job")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines: %q", len(lines), buf.String())
	}
	for i, want := range []int{1, 1, 0} {
		if got := strings.Count(lines[i], "request_id=abc123"); got != want {
			t.Errorf("line %q has the id %d times, want %d", lines[i], got, want)
		}
	}
	if !strings.Contains(lines[0], "component=store") {
		t.Errorf("the handler's own attributes are lost: %q", lines[0])
	}
}
