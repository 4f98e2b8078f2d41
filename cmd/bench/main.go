// Command bench measures the site at growing sizes: it builds the server,
// generates databases of the given numbers of projects, serves each with
// the real binary and drives the pages with concurrent requests over
// loopback. It prints a table per size, writes them with the budgets to a
// results file, and exits with status 1 when a budget does not hold.
//
//	go run ./cmd/bench [-sizes 100,10000,100000] [-duration 10s] [-upload-rounds 3] [-out FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"shuangshi/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	sizes := fs.String("sizes", "100,10000,100000", "numbers of projects, comma-separated, smallest first")
	seed := fs.Uint64("seed", 1, "seed of the generated datasets")
	concurrency := fs.Int("concurrency", 32, "requests in flight at once")
	warmup := fs.Duration("warmup", 2*time.Second, "requests made before measuring, per scenario")
	duration := fs.Duration("duration", 10*time.Second, "time measured, per scenario")
	uploadRounds := fs.Int("upload-rounds", 3, "photos each of the 8 uploading clients sends in the photo upload scenario; 0 leaves it out")
	work := fs.String("work", filepath.Join("artifacts", "bench"), "folder for the binary, the datasets (reused by later runs) and the logs")
	profiles := fs.String("profiles", "", "a folder for a CPU profile of the server under each scenario's load, taken after the measuring (go tool pprof reads them)")
	out := fs.String("out", filepath.Join("artifacts", "bench", "results.md"), "the results file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := bench.Config{
		Seed: *seed, Work: *work, Out: os.Stdout, UploadRounds: *uploadRounds, Profiles: *profiles,
		Load: bench.Load{Concurrency: *concurrency, Warmup: *warmup, Duration: *duration},
		Log:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a number of projects", s)
		}
		cfg.Sizes = append(cfg.Sizes, n)
	}
	measured, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	report := bench.Report(cfg, measured, time.Now())
	if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwritten to %s\n", *out)
	failed := 0
	for _, v := range bench.Budgets(measured) {
		if !v.Held {
			fmt.Printf("budget not held: %s (measured %s)\n", v.Budget, v.Measured)
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d budgets not held", failed)
	}
	fmt.Println("every budget held")
	return nil
}
