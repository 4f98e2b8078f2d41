package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"shuangshi/internal/backups"
	"shuangshi/internal/database"
)

// maintenanceFlags reads the -db flag and one file name of a maintenance
// command.
func maintenanceFlags(name string, args []string, getenv func(string) string) (dbPath, file string, err error) {
	usage := fmt.Errorf("usage: web %s [-db PATH] FILE", name)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", envOr(getenv, "SHUANGSHI_DB", "data/shuangshi.db"), "SQLite database file")
	if err := fs.Parse(args); err != nil {
		return "", "", fmt.Errorf("%w\n%s", err, usage)
	}
	if fs.NArg() != 1 || fs.Arg(0) == "" {
		return "", "", usage
	}
	if database.IsPostgres(*db) {
		return "", "", database.ErrNotSQLite
	}
	return *db, fs.Arg(0), nil
}

// runBackupCommand writes a consistent copy of the database to a new file,
// while a server may be using it.
func runBackupCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	dbPath, dest, err := maintenanceFlags("backup", args, getenv)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("no database to back up: %w", err)
	}
	db, err := database.Open(ctx, dbPath, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer db.Close()
	version, err := backups.Take(ctx, db, dest)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (schema version %d)\n", dbPath, dest, version)
	return nil
}

// runRestoreCommand replaces the database with a copy, once no server uses
// it and the copy checks out.
func runRestoreCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	dbPath, from, err := maintenanceFlags("restore", args, getenv)
	if err != nil {
		return err
	}
	keptAs, err := backups.Restore(ctx, from, dbPath, time.Now())
	if errors.Is(err, backups.ErrInUse) {
		return fmt.Errorf("%s: %w", dbPath, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", dbPath, from)
	if keptAs != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", keptAs)
	}
	return nil
}

// runVersionCommand prints the program's version and the schema versions:
// the newest this program has, and the database's when there is one.
func runVersionCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", envOr(getenv, "SHUANGSHI_DB", "data/shuangshi.db"), "SQLite database file or postgres:// URL")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return errors.New("usage: web version [-db PATH]")
	}
	fmt.Fprintf(stdout, "shuangshi %s\n", programVersion())
	latest, err := database.LatestSchemaVersion()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema version %d (the newest this program has)\n", latest)
	if !database.IsPostgres(*dbPath) {
		if _, err := os.Stat(*dbPath); err != nil {
			fmt.Fprintf(stdout, "no database at %s\n", *dbPath)
			return nil
		}
	}
	db, err := database.Open(ctx, *dbPath, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer db.Close()
	current, _, err := db.SchemaVersions(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s at schema version %d\n", redacted(*dbPath), current)
	return nil
}

// programVersion is the module's version and the commit it was built
// from, as the Go toolchain recorded them.
func programVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	version := info.Main.Version
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", with uncommitted changes"
			}
		}
	}
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		version += " (commit " + revision + modified + ")"
	}
	return version
}
