package database

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

func TestOnlyFailedAndSlowStatementsAreWrittenOut(t *testing.T) {
	cfg := logger.Config{SlowThreshold: 200 * time.Millisecond, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true, ParameterizedQueries: true}
	cases := []struct {
		name    string
		took    time.Duration
		err     error
		debug   bool
		written bool
	}{
		{name: "fast and fine", took: time.Millisecond},
		{name: "no row found", took: time.Millisecond, err: gorm.ErrRecordNotFound},
		{name: "failed", took: time.Millisecond, err: errors.New("disk I/O error"), written: true},
		{name: "slow", took: time.Second, written: true},
		{name: "fast under db.Debug()", took: time.Millisecond, debug: true, written: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			var log logger.Interface = newStatementLog(logger.NewSlogLogger(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})), cfg), cfg)
			if c.debug {
				log = log.LogMode(logger.Info)
			}
			asked := false
			log.Trace(context.Background(), time.Now().Add(-c.took), func() (string, int64) {
				asked = true
				return "UPDATE projects SET name = ?", 1
			}, c.err)
			if written := strings.Contains(out.String(), "UPDATE projects"); written != c.written {
				t.Errorf("written out: %v, want %v (log %q)", written, c.written, out.String())
			}
			if asked != c.written {
				t.Errorf("the statement's text was made: %v, want only when written out", asked)
			}
		})
	}
}

func TestTheStatementLogKeepsValuesOut(t *testing.T) {
	cfg := logger.Config{LogLevel: logger.Warn, ParameterizedQueries: true}
	var log logger.Interface = newStatementLog(logger.NewSlogLogger(slog.New(slog.DiscardHandler), cfg), cfg)
	filter, ok := log.(gorm.ParamsFilter)
	if !ok {
		t.Fatal("the statement log does not filter values: GORM would write them out")
	}
	if _, values := filter.ParamsFilter(context.Background(), "SELECT ?", "wang@example.org"); values != nil {
		t.Errorf("values kept for the log: %v", values)
	}
}
