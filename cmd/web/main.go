// Command web serves the 双十 site: it reads its flags, builds the site
// (internal/site) on a SQLite file, created if missing, or a PostgreSQL
// database, listens, and serves until it is told to stop. Its subcommands
// manage staff accounts, session keys, backups and restores from the
// command line, and print the program's and the schema's versions.
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
	"net/http/pprof"
	"net/mail"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the district's time zone must be known on any machine

	"shuangshi/internal/auth"
	"shuangshi/internal/backups"
	"shuangshi/internal/console"
	"shuangshi/internal/database"
	"shuangshi/internal/projects"
	"shuangshi/internal/site"
	"shuangshi/internal/web"
)

func main() {
	reserveForHashes := tuneMemory(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, a second one kills the process at once
		// instead of waiting for the graceful shutdown.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, reserveForHashes)
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

// The garbage collector's settings, unless GOGC or GOMEMLIMIT say
// otherwise. The kept pages and the console's snapshot are a heap of
// long-lived pointers that each collection marks again; at Go's default
// pace (GOGC=100) a collection ran every few dozen requests, and the
// requests that paid for it were the slowest (the console's p99 was 142 ms
// against a p50 of 16 ms). So the collector runs less often, within a
// memory limit. The limit bounds the Go runtime's memory only: with the
// binary's own pages (31 MB) and SQLite's, 48 MiB keeps the server under
// 100 MB at 100,000 projects, where making the console holds 37 MB live at
// most.
const (
	gcPercent   = 400
	memoryLimit = 48 << 20
)

// tuneMemory sets the collector's pace and the memory limit, unless GOGC
// and GOMEMLIMIT say otherwise. It returns what keeps the limit making
// room for the password hashes under way (nil under GOMEMLIMIT), told
// what they hold whenever that changes: each holds an argon2id buffer of
// 19 MiB while it runs.
//
// The first hash's buffer comes on top of whatever the heap holds, the
// pages' garbage included, and raised the server's peak by up to 19 MiB
// at a sign-in. So before it the heap is collected and what it no longer
// uses given back (a sign-in is rare, and the collection takes a few
// milliseconds against the hash's tens), and the limit holds that hash
// with the site's live memory. For each further hash at once the limit
// makes room: without it the hashes alone would hold the heap at the
// limit, and the collector would run after every few of them.
func tuneMemory(getenv func(string) string) (reserveForHashes func(bytes int64)) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") != "" {
		return nil
	}
	debug.SetMemoryLimit(memoryLimit)
	var under int64 // what the hashes under way held when last told
	return func(hashing int64) {
		if under == 0 && hashing > 0 {
			debug.FreeOSMemory()
		}
		under = hashing
		debug.SetMemoryLimit(memoryLimit + max(0, hashing-auth.HashMemory))
	}
}

// startError is a failure to start: a bad flag, a database that cannot be
// opened, an address in use. The command exits with status 2 for it.
type startError struct{ error }

func (e startError) Unwrap() error { return e.error }

// config is what the command line and the environment decide: the site's
// configuration, and what the command itself does with the listener.
type config struct {
	addr string
	// connsPerClient bounds the connections one client address may hold
	// open (see web.ConnLimits).
	connsPerClient int
	// benchCeiling is a file served as a static file at web.CeilingPath,
	// for the benchmark to compare the dynamic pages with.
	benchCeiling string
	// pprof is a loopback address at which Go's profiler answers, for
	// finding where the time goes under load; "" serves none.
	pprof string
	site  site.Config
}

// defaultBackupDir is where the daily copies go unless -backups says
// otherwise: beside the database.
func defaultBackupDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "backups")
}

// parseConfig reads the flags; each has an environment variable that sets its
// default, and the flag wins over both.
func parseConfig(args []string, getenv func(string) string, stdout io.Writer) (config, error) {
	cfg := config{site: site.Config{SessionKeys: getenv("SHUANGSHI_SESSION_KEYS")}}
	cfg.site.SMTP.Password = getenv("SHUANGSHI_SMTP_PASSWORD")
	fs := flag.NewFlagSet("shuangshi", flag.ContinueOnError)
	// The flag package's own messages run to several lines; main prints one.
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.addr, "addr", envOr(getenv, "SHUANGSHI_ADDR", ":8080"), "address to listen on (SHUANGSHI_ADDR)")
	fs.StringVar(&cfg.site.Source, "db", envOr(getenv, "SHUANGSHI_DB", "data/shuangshi.db"),
		"SQLite database file, created if missing, or a postgres:// URL for servers that share one database (SHUANGSHI_DB)")
	fs.BoolVar(&cfg.site.SecureCookies, "secure-cookies", getenv("SHUANGSHI_SECURE_COOKIES") == "true",
		"mark every cookie Secure, for a site served only over HTTPS (SHUANGSHI_SECURE_COOKIES=true)")
	fs.BoolVar(&cfg.site.Review, "review", getenv("SHUANGSHI_REVIEW") != "false",
		"review before publication (信息公开审核): the public reads a project's progress, outcomes and dates once a supervisor approves them; -review=false publishes every save at once (SHUANGSHI_REVIEW=false)")
	atRisk := fs.String("at-risk-days", envOr(getenv, "SHUANGSHI_AT_RISK_DAYS", strconv.Itoa(projects.DefaultAtRiskDays)),
		"a target whose deadline is this many days away or fewer is at risk (SHUANGSHI_AT_RISK_DAYS)")
	stale := fs.String("stale-days", envOr(getenv, "SHUANGSHI_STALE_DAYS", strconv.Itoa(console.DefaultStaleDays)),
		"a project not updated for this many days is flagged stale (SHUANGSHI_STALE_DAYS)")
	fs.StringVar(&cfg.site.PublicURL, "public-url", getenv("SHUANGSHI_PUBLIC_URL"),
		"the site's address as readers reach it, such as https://shuangshi.example.gov.cn, for links in e-mails and feeds (SHUANGSHI_PUBLIC_URL)")
	fs.StringVar(&cfg.site.SMTP.Addr, "smtp-addr", getenv("SHUANGSHI_SMTP_ADDR"),
		"host:port of the mail server for the daily digests; none are e-mailed without it (SHUANGSHI_SMTP_ADDR)")
	fs.StringVar(&cfg.site.SMTP.From, "smtp-from", getenv("SHUANGSHI_SMTP_FROM"), "sender address of the digests (SHUANGSHI_SMTP_FROM)")
	fs.StringVar(&cfg.site.SMTP.Username, "smtp-user", getenv("SHUANGSHI_SMTP_USER"),
		"user name on the mail server; the password is read from SHUANGSHI_SMTP_PASSWORD only, never a flag (SHUANGSHI_SMTP_USER)")
	digestHour := fs.String("digest-hour", envOr(getenv, "SHUANGSHI_DIGEST_HOUR", "8"),
		"hour of the day, district time, from which the daily digests are e-mailed (SHUANGSHI_DIGEST_HOUR)")
	fs.StringVar(&cfg.benchCeiling, "bench-ceiling", "",
		"for the benchmark: serve this file at "+web.CeilingPath+" the way static files are served")
	fs.StringVar(&cfg.pprof, "pprof", "",
		"a loopback address (127.0.0.1:6060) at which to serve Go's profiler, /debug/pprof/, for finding where the time goes under load")
	fs.StringVar(&cfg.site.BackupDir, "backups", getenv("SHUANGSHI_BACKUPS"),
		"folder for the daily copies of a SQLite database, or off for none; the default is backups/ beside the database (SHUANGSHI_BACKUPS)")
	backupKeep := fs.String("backup-keep", envOr(getenv, "SHUANGSHI_BACKUP_KEEP", "14"),
		"how many daily copies to keep, the newest (SHUANGSHI_BACKUP_KEEP)")
	connsPerClient := fs.String("conns-per-client", envOr(getenv, "SHUANGSHI_CONNS_PER_CLIENT", strconv.Itoa(defaultConnsPerClient)),
		"connections one client address may hold open at once; trusted proxies are not limited (SHUANGSHI_CONNS_PER_CLIENT)")
	metricsFrom := fs.String("metrics-from", getenv("SHUANGSHI_METRICS_FROM"),
		"comma-separated addresses or CIDR ranges that may read /metrics without signing in, such as the Prometheus server's; staff may always (SHUANGSHI_METRICS_FROM)")
	securityLogDays := fs.String("security-log-days", envOr(getenv, "SHUANGSHI_SECURITY_LOG_DAYS", strconv.Itoa(defaultSecurityLogDays)),
		"how many days the security log (sign-ins, refusals, changes to accounts) is kept; China's Cybersecurity Law asks for at least 180 (SHUANGSHI_SECURITY_LOG_DAYS)")
	proxies := fs.String("trusted-proxy", getenv("SHUANGSHI_TRUSTED_PROXY"),
		"comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (SHUANGSHI_TRUSTED_PROXY)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprintln(stdout, "Usage: web [flags]\n       web user add|passwd|disable|enable|list [flags] [USERNAME]\n       web session-keys rotate [-db PATH]\n"+
				"       web backup [-db PATH] FILE\n       web restore [-db PATH] FILE\n       web version [-db PATH]")
			fs.PrintDefaults()
			return cfg, err
		}
		return cfg, startError{fmt.Errorf("%w (run with -h for the flags)", err)}
	}
	if fs.NArg() > 0 {
		return cfg, startError{fmt.Errorf("unexpected argument %q (run with -h for the flags)", fs.Arg(0))}
	}
	var err error
	if cfg.site.TrustedProxies, err = parseNetworks(*proxies); err != nil {
		return cfg, startError{err}
	}
	if cfg.site.MetricsFrom, err = parseNetworks(*metricsFrom); err != nil {
		return cfg, startError{fmt.Errorf("-metrics-from: %w", err)}
	}
	if cfg.site.AtRiskDays, err = strconv.Atoi(*atRisk); err != nil || cfg.site.AtRiskDays < 0 || cfg.site.AtRiskDays > 365 {
		return cfg, startError{fmt.Errorf("-at-risk-days: %q is not a number of days from 0 to 365", *atRisk)}
	}
	if cfg.site.StaleDays, err = strconv.Atoi(*stale); err != nil || cfg.site.StaleDays < 1 || cfg.site.StaleDays > 365 {
		return cfg, startError{fmt.Errorf("-stale-days: %q is not a number of days from 1 to 365", *stale)}
	}
	if cfg.site.BackupKeep, err = strconv.Atoi(*backupKeep); err != nil || cfg.site.BackupKeep < 1 || cfg.site.BackupKeep > 1000 {
		return cfg, startError{fmt.Errorf("-backup-keep: %q is not a number of copies from 1 to 1000", *backupKeep)}
	}
	if cfg.connsPerClient, err = strconv.Atoi(*connsPerClient); err != nil || cfg.connsPerClient < 1 || cfg.connsPerClient > 100_000 {
		return cfg, startError{fmt.Errorf("-conns-per-client: %q is not a number of connections from 1 to 100000", *connsPerClient)}
	}
	if cfg.site.SecurityLogDays, err = strconv.Atoi(*securityLogDays); err != nil || cfg.site.SecurityLogDays < 1 || cfg.site.SecurityLogDays > 3650 {
		return cfg, startError{fmt.Errorf("-security-log-days: %q is not a number of days from 1 to 3650", *securityLogDays)}
	}
	switch {
	case database.IsPostgres(cfg.site.Source):
		cfg.site.BackupDir = "" // PostgreSQL has pg_dump
	case cfg.site.BackupDir == "off":
		cfg.site.BackupDir = ""
	case cfg.site.BackupDir == "":
		cfg.site.BackupDir = defaultBackupDir(cfg.site.Source)
	}
	if cfg.site.DigestHour, err = strconv.Atoi(*digestHour); err != nil || cfg.site.DigestHour < 0 || cfg.site.DigestHour > 23 {
		return cfg, startError{fmt.Errorf("-digest-hour: %q is not an hour from 0 to 23", *digestHour)}
	}
	if cfg.site.PublicURL != "" {
		u, err := url.Parse(cfg.site.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return cfg, startError{fmt.Errorf("-public-url: %q is not an address such as https://shuangshi.example.gov.cn", cfg.site.PublicURL)}
		}
		cfg.site.PublicURL = strings.TrimSuffix(cfg.site.PublicURL, "/")
	}
	if cfg.pprof != "" {
		// The profiler tells what the server is doing, to anyone who can
		// reach it: this machine only.
		host, _, err := net.SplitHostPort(cfg.pprof)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return cfg, startError{fmt.Errorf("-pprof: %q is not a loopback address such as 127.0.0.1:6060", cfg.pprof)}
		}
	}
	if database.IsPostgres(cfg.site.Source) && cfg.site.SessionKeys == "" {
		// Servers sharing a database must share the keys their session
		// cookies are signed with, or a session started on one is a
		// stranger to the next.
		return cfg, startError{errors.New("with a PostgreSQL database, set SHUANGSHI_SESSION_KEYS to the same keys on every server " +
			"(base64 of 64 random bytes, comma-separated; `openssl rand -base64 64 | tr -d '\\n'` makes one)")}
	}
	if cfg.site.SMTP.Addr != "" {
		// An e-mail's links must open from wherever it is read.
		if cfg.site.PublicURL == "" {
			return cfg, startError{errors.New("-smtp-addr needs -public-url, for the links in the e-mails")}
		}
		if _, _, err := net.SplitHostPort(cfg.site.SMTP.Addr); err != nil {
			return cfg, startError{fmt.Errorf("-smtp-addr: %q is not host:port", cfg.site.SMTP.Addr)}
		}
		if _, err := mail.ParseAddress(cfg.site.SMTP.From); err != nil {
			return cfg, startError{fmt.Errorf("-smtp-from: %q is not an e-mail address", cfg.site.SMTP.From)}
		}
	}
	return cfg, nil
}

// parseNetworks reads a comma-separated list of addresses and CIDR ranges.
func parseNetworks(list string) ([]*net.IPNet, error) {
	var networks []*net.IPNet
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			if ip := net.ParseIP(item); ip != nil && ip.To4() != nil {
				item += "/32"
			} else {
				item += "/128"
			}
		}
		_, n, err := net.ParseCIDR(item)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxy: %q is not an address or a CIDR range", item)
		}
		networks = append(networks, n)
	}
	return networks, nil
}

func envOr(getenv func(string) string, name, fallback string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return fallback
}

// run starts the site and serves until ctx is done, then shuts down
// gracefully: requests under way finish, new ones are refused, the database
// is closed. With "user", "session-keys", "backup", "restore" or "version"
// first it runs that command instead.
// reserveForHashes, when not nil, keeps the process's memory limit making
// room for the password hashes under way (see tuneMemory).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer, reserveForHashes func(bytes int64)) error {
	if len(args) > 0 {
		switch args[0] {
		case "user":
			return runUserCommand(ctx, args[1:], getenv, stdin, stdout)
		case "session-keys":
			return runSessionKeysCommand(args[1:], getenv, stdout)
		case "backup":
			return runBackupCommand(ctx, args[1:], getenv, stdout)
		case "restore":
			return runRestoreCommand(ctx, args[1:], getenv, stdout)
		case "version":
			return runVersionCommand(ctx, args[1:], getenv, stdout)
		}
	}
	cfg, err := parseConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	cfg.site.ReserveForHashes = reserveForHashes
	log := slog.New(web.RequestIDs(slog.NewTextHandler(stdout, nil)))
	cfg.site.Log, cfg.site.Now = log, time.Now
	if cfg.benchCeiling != "" {
		if cfg.site.Ceiling, err = os.ReadFile(cfg.benchCeiling); err != nil {
			return startError{err}
		}
	}

	if !database.IsPostgres(cfg.site.Source) {
		// Restore refuses to replace a database a server is using.
		if err := os.MkdirAll(filepath.Dir(cfg.site.Source), 0o750); err != nil {
			return startError{err}
		}
		release, err := backups.Claim(cfg.site.Source)
		if err != nil {
			return startError{fmt.Errorf("%s: %w", cfg.site.Source, err)}
		}
		defer release()
	}
	s, err := site.Open(ctx, cfg.site)
	if err != nil {
		return startError{err}
	}
	defer func() {
		if err := s.Close(); err != nil {
			log.Error("close database", "error", err)
		}
	}()

	// Listen before serving, so that an address in use fails the start.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return startError{err}
	}
	soft, hard := fileLimits()
	limits := connLimits(soft, cfg)
	log.Info("file and connection limits", "files_soft", soft, "files_hard", hard,
		"connections", limits.Total, "connections_per_client", limits.PerClient)
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		// An idle connection is kept for a reader's next click, not for
		// minutes: each one is a file handle.
		IdleTimeout: 30 * time.Second,
		// The request line and headers: far more than any browser sends,
		// far less than what a client could make the log keep.
		MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(web.LimitConnections(ln, limits, log)) }()
	if cfg.pprof != "" {
		profiler, err := net.Listen("tcp", cfg.pprof)
		if err != nil {
			return startError{fmt.Errorf("-pprof: %w", err)}
		}
		defer profiler.Close()
		// net/http/pprof's handlers, on their own listener and mux: the
		// site's router never serves them.
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		go func() { _ = http.Serve(profiler, mux) }()
		log.Info("profiler", "url", "http://"+profiler.Addr().String()+"/debug/pprof/")
	}
	// The background work stops after the last request has been answered,
	// and before the database closes.
	jobsCtx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	defer func() { stopJobs(); <-jobsDone }()
	go func() { defer close(jobsDone); s.Run(jobsCtx) }()
	url := siteURL(ln.Addr())
	log.Info("listening", "url", url, "db", redacted(cfg.site.Source))
	if setup := s.SetupPath(); setup != "" {
		log.Warn("there is no active administrator: open this link, once, to create one; it works until it is used or the server restarts",
			"setup_url", url+setup)
	}

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

// maxHeaderBytes bounds a request's line and headers together.
const maxHeaderBytes = 32 << 10

// defaultConnsPerClient is how many connections one client address may
// hold open: a browser opens six, and an office's readers may share one
// address.
const defaultConnsPerClient = 128

// filesReserved are the file handles kept from connections: the
// database's files for each of its connections, the backups, the logs.
const filesReserved = 512

// maxConnections bounds the open connections whatever the file limit: an
// idle connection costs some 20 kB, and a district's site never needs
// more at once.
const maxConnections = 4096

// fileLimits returns the process's limits on open files. Go has raised the
// soft one to (about) the hard one at start, on every Unix: a server that
// started with 1,024 has 19,999 of a hard 20,000. Zero means they could not
// be read.
func fileLimits() (soft, hard uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, 0
	}
	return lim.Cur, lim.Max
}

// connLimits keeps the connections below the file limit with room for the
// database, and one client to its share.
func connLimits(fileLimit uint64, cfg config) web.ConnLimits {
	total := maxConnections
	if fileLimit > 0 && fileLimit < maxConnections+filesReserved {
		// On a low limit, half the handles stay the database's.
		total = int(fileLimit) - min(filesReserved, int(fileLimit)/2)
	}
	return web.ConnLimits{PerClient: min(cfg.connsPerClient, total), Total: total, Exempt: cfg.site.TrustedProxies}
}

// defaultSecurityLogDays keeps the security log for a year.
const defaultSecurityLogDays = 365

// redacted is the database's source for the log: a PostgreSQL URL without
// its password.
func redacted(source string) string {
	if u, err := url.Parse(source); err == nil && database.IsPostgres(source) {
		return u.Redacted()
	}
	return source
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
