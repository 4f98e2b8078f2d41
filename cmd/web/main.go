// Command web serves the 双十 site: it opens (or creates) the SQLite
// database, brings its schema up to date, loads the seed dataset once and
// serves the pages until it is told to stop.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // the district's time zone must be known on any machine

	"shuangshi/data"
	"shuangshi/internal/database"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/static"
)

// seedName names the dataset in data/seed, so that it is loaded once.
const seedName = "yangpu-report-2023-01-04"

// districtTimeZone is where the works are: a deadline passes at midnight there.
const districtTimeZone = "Asia/Shanghai"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, a second one kills the process at once
		// instead of waiting for the graceful shutdown.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "shuangshi:", err)
		var se startError
		if errors.As(err, &se) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// startError is a failure to start: a bad flag, a database that cannot be
// opened, an address in use. The command exits with status 2 for it.
type startError struct{ error }

func (e startError) Unwrap() error { return e.error }

// config is what the command line and the environment decide.
type config struct {
	addr   string
	dbPath string
}

// parseConfig reads the flags; each has an environment variable that sets its
// default, and the flag wins over both.
func parseConfig(args []string, getenv func(string) string, stdout io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("shuangshi", flag.ContinueOnError)
	// The flag package's own messages run to several lines; main prints one.
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.addr, "addr", envOr(getenv, "SHUANGSHI_ADDR", ":8080"), "address to listen on (SHUANGSHI_ADDR)")
	fs.StringVar(&cfg.dbPath, "db", envOr(getenv, "SHUANGSHI_DB", "data/shuangshi.db"), "SQLite database file, created if missing (SHUANGSHI_DB)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprintln(stdout, "Usage: web [flags]")
			fs.PrintDefaults()
			return cfg, err
		}
		return cfg, startError{fmt.Errorf("%w (run with -h for the flags)", err)}
	}
	if fs.NArg() > 0 {
		return cfg, startError{fmt.Errorf("unexpected argument %q (run with -h for the flags)", fs.Arg(0))}
	}
	return cfg, nil
}

func envOr(getenv func(string) string, name, fallback string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return fallback
}

// run starts the site and serves until ctx is done, then shuts down
// gracefully: requests under way finish, new ones are refused, the database
// is closed.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stdout, nil))

	db, err := database.Open(ctx, cfg.dbPath, log)
	if err != nil {
		return startError{err}
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("close database", "error", err)
		}
	}()
	if err := db.Migrate(ctx); err != nil {
		return startError{err}
	}

	store := projects.NewStore(db)
	dataset, err := projects.ReadDataset(data.Seed())
	if err != nil {
		return startError{fmt.Errorf("seed dataset: %w", err)}
	}
	loaded, err := store.Seed(ctx, seedName, dataset)
	if err != nil {
		return startError{err}
	}
	if loaded {
		log.Info("loaded the seed dataset", "name", seedName, "projects", len(dataset))
	}

	catalog, err := locale.NewCatalog()
	if err != nil {
		return startError{err}
	}
	district, err := time.LoadLocation(districtTimeZone)
	if err != nil {
		return startError{err}
	}

	e := web.NewServer(web.Config{Logger: log, Catalog: catalog, Static: static.Files(), Ping: db.Ping})
	projects.NewHandler(store, time.Now, district).Register(e)

	// Listen before serving, so that an address in use fails the start.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return startError{err}
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", "url", siteURL(ln.Addr()), "db", cfg.dbPath)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// siteURL is the address to open in a browser: a server listening on every
// interface is reached at localhost.
func siteURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		port := 0
		if ok {
			port = tcp.Port
		}
		return fmt.Sprintf("http://localhost:%d", port)
	}
	return "http://" + tcp.String()
}
