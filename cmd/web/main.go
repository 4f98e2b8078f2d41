// Command web serves the 双十 site: it opens (or creates) the SQLite
// database, brings its schema up to date, loads the seed dataset once and
// serves the pages until it is told to stop. Its user subcommands manage
// staff accounts from the command line.
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

	"github.com/labstack/echo/v4"

	"shuangshi/data"
	"shuangshi/internal/accounts"
	"shuangshi/internal/auth"
	"shuangshi/internal/backups"
	"shuangshi/internal/civil"
	"shuangshi/internal/console"
	"shuangshi/internal/database"
	"shuangshi/internal/imports"
	"shuangshi/internal/lists"
	"shuangshi/internal/locale"
	"shuangshi/internal/metrics"
	"shuangshi/internal/notify"
	"shuangshi/internal/oc4ids"
	"shuangshi/internal/projects"
	"shuangshi/internal/reports"
	"shuangshi/internal/web"
	"shuangshi/static"
)

// districtTimeZone is where the works are: a deadline passes at midnight there.
const districtTimeZone = "Asia/Shanghai"

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
// against a p50 of 16 ms). Collecting less often, within a memory limit,
// keeps the server under 150 MB at 100,000 projects.
const (
	gcPercent   = 400
	memoryLimit = 100 << 20
)

// tuneMemory sets the collector's pace and the memory limit, unless GOGC
// and GOMEMLIMIT say otherwise. It returns what keeps the limit making
// room for the password hashes under way (nil under GOMEMLIMIT): each
// holds an argon2id buffer of 19 MiB while it runs, and without the room
// the hashes alone would hold the heap at the limit and the collector
// would run after every few of them. Between sign-ins the limit is the
// site's own.
func tuneMemory(getenv func(string) string) (reserveForHashes func(bytes int64)) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") != "" {
		return nil
	}
	debug.SetMemoryLimit(memoryLimit)
	return func(hashing int64) { debug.SetMemoryLimit(memoryLimit + hashing) }
}

// startError is a failure to start: a bad flag, a database that cannot be
// opened, an address in use. The command exits with status 2 for it.
type startError struct{ error }

func (e startError) Unwrap() error { return e.error }

// config is what the command line and the environment decide.
type config struct {
	addr           string
	dbPath         string
	secureCookies  bool
	trustedProxies []*net.IPNet
	// sessionKeys, from SHUANGSHI_SESSION_KEYS, replace the key file.
	sessionKeys string
	// atRiskDays: a target whose deadline is this close is at risk.
	atRiskDays int
	// staleDays: a project not updated for this long is flagged stale.
	staleDays int
	// publicURL is the site's address as its readers reach it, for the
	// links in e-mails and feeds; "" takes it from each request.
	publicURL string
	// smtp is the mail server the daily digests go through; Addr "" sends
	// none (the digest is still on its page).
	smtp notify.SMTP
	// digestHour is the hour of the day, in the district, from which the
	// day's digests are sent.
	digestHour int
	// benchCeiling is a file served as a static file at web.CeilingPath,
	// for the benchmark to compare the dynamic pages with.
	benchCeiling string
	// metricsFrom are the networks that may read /metrics without signing
	// in: the Prometheus server's.
	metricsFrom []*net.IPNet
	// backupDir receives a copy of the SQLite database a day, of which
	// the newest backupKeep are kept; "off" takes none.
	backupDir  string
	backupKeep int
	// connsPerClient bounds the connections one client address may hold
	// open (see web.ConnLimits).
	connsPerClient int
	// securityLogDays is how long the security log is kept.
	securityLogDays int
	// reserveForHashes, when not nil, is told the memory the password
	// hashes under way hold (see tuneMemory).
	reserveForHashes func(bytes int64)
}

// backupDir is where the daily copies go unless -backups says otherwise:
// beside the database.
func defaultBackupDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "backups")
}

// sessionKeyFile is where the session keys are kept: beside the database.
func (c config) sessionKeyFile() string {
	return strings.TrimSuffix(c.dbPath, ".db") + ".session-keys"
}

// parseConfig reads the flags; each has an environment variable that sets its
// default, and the flag wins over both.
func parseConfig(args []string, getenv func(string) string, stdout io.Writer) (config, error) {
	cfg := config{sessionKeys: getenv("SHUANGSHI_SESSION_KEYS")}
	cfg.smtp.Password = getenv("SHUANGSHI_SMTP_PASSWORD")
	fs := flag.NewFlagSet("shuangshi", flag.ContinueOnError)
	// The flag package's own messages run to several lines; main prints one.
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.addr, "addr", envOr(getenv, "SHUANGSHI_ADDR", ":8080"), "address to listen on (SHUANGSHI_ADDR)")
	fs.StringVar(&cfg.dbPath, "db", envOr(getenv, "SHUANGSHI_DB", "data/shuangshi.db"),
		"SQLite database file, created if missing, or a postgres:// URL for servers that share one database (SHUANGSHI_DB)")
	fs.BoolVar(&cfg.secureCookies, "secure-cookies", getenv("SHUANGSHI_SECURE_COOKIES") == "true",
		"mark every cookie Secure, for a site served only over HTTPS (SHUANGSHI_SECURE_COOKIES=true)")
	atRisk := fs.String("at-risk-days", envOr(getenv, "SHUANGSHI_AT_RISK_DAYS", strconv.Itoa(projects.DefaultAtRiskDays)),
		"a target whose deadline is this many days away or fewer is at risk (SHUANGSHI_AT_RISK_DAYS)")
	stale := fs.String("stale-days", envOr(getenv, "SHUANGSHI_STALE_DAYS", strconv.Itoa(console.DefaultStaleDays)),
		"a project not updated for this many days is flagged stale (SHUANGSHI_STALE_DAYS)")
	fs.StringVar(&cfg.publicURL, "public-url", getenv("SHUANGSHI_PUBLIC_URL"),
		"the site's address as readers reach it, such as https://shuangshi.example.gov.cn, for links in e-mails and feeds (SHUANGSHI_PUBLIC_URL)")
	fs.StringVar(&cfg.smtp.Addr, "smtp-addr", getenv("SHUANGSHI_SMTP_ADDR"),
		"host:port of the mail server for the daily digests; none are e-mailed without it (SHUANGSHI_SMTP_ADDR)")
	fs.StringVar(&cfg.smtp.From, "smtp-from", getenv("SHUANGSHI_SMTP_FROM"), "sender address of the digests (SHUANGSHI_SMTP_FROM)")
	fs.StringVar(&cfg.smtp.Username, "smtp-user", getenv("SHUANGSHI_SMTP_USER"),
		"user name on the mail server; the password is read from SHUANGSHI_SMTP_PASSWORD only, never a flag (SHUANGSHI_SMTP_USER)")
	digestHour := fs.String("digest-hour", envOr(getenv, "SHUANGSHI_DIGEST_HOUR", "8"),
		"hour of the day, district time, from which the daily digests are e-mailed (SHUANGSHI_DIGEST_HOUR)")
	fs.StringVar(&cfg.benchCeiling, "bench-ceiling", "",
		"for the benchmark: serve this file at "+web.CeilingPath+" the way static files are served")
	fs.StringVar(&cfg.backupDir, "backups", getenv("SHUANGSHI_BACKUPS"),
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
	if cfg.trustedProxies, err = parseNetworks(*proxies); err != nil {
		return cfg, startError{err}
	}
	if cfg.metricsFrom, err = parseNetworks(*metricsFrom); err != nil {
		return cfg, startError{fmt.Errorf("-metrics-from: %w", err)}
	}
	if cfg.atRiskDays, err = strconv.Atoi(*atRisk); err != nil || cfg.atRiskDays < 0 || cfg.atRiskDays > 365 {
		return cfg, startError{fmt.Errorf("-at-risk-days: %q is not a number of days from 0 to 365", *atRisk)}
	}
	if cfg.staleDays, err = strconv.Atoi(*stale); err != nil || cfg.staleDays < 1 || cfg.staleDays > 365 {
		return cfg, startError{fmt.Errorf("-stale-days: %q is not a number of days from 1 to 365", *stale)}
	}
	if cfg.backupKeep, err = strconv.Atoi(*backupKeep); err != nil || cfg.backupKeep < 1 || cfg.backupKeep > 1000 {
		return cfg, startError{fmt.Errorf("-backup-keep: %q is not a number of copies from 1 to 1000", *backupKeep)}
	}
	if cfg.connsPerClient, err = strconv.Atoi(*connsPerClient); err != nil || cfg.connsPerClient < 1 || cfg.connsPerClient > 100_000 {
		return cfg, startError{fmt.Errorf("-conns-per-client: %q is not a number of connections from 1 to 100000", *connsPerClient)}
	}
	if cfg.securityLogDays, err = strconv.Atoi(*securityLogDays); err != nil || cfg.securityLogDays < 1 || cfg.securityLogDays > 3650 {
		return cfg, startError{fmt.Errorf("-security-log-days: %q is not a number of days from 1 to 3650", *securityLogDays)}
	}
	if cfg.backupDir == "" {
		cfg.backupDir = defaultBackupDir(cfg.dbPath)
	}
	if database.IsPostgres(cfg.dbPath) {
		cfg.backupDir = "off" // PostgreSQL has pg_dump
	}
	if cfg.digestHour, err = strconv.Atoi(*digestHour); err != nil || cfg.digestHour < 0 || cfg.digestHour > 23 {
		return cfg, startError{fmt.Errorf("-digest-hour: %q is not an hour from 0 to 23", *digestHour)}
	}
	if cfg.publicURL != "" {
		u, err := url.Parse(cfg.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return cfg, startError{fmt.Errorf("-public-url: %q is not an address such as https://shuangshi.example.gov.cn", cfg.publicURL)}
		}
		cfg.publicURL = strings.TrimSuffix(cfg.publicURL, "/")
	}
	if database.IsPostgres(cfg.dbPath) && cfg.sessionKeys == "" {
		// Servers sharing a database must share the keys their session
		// cookies are signed with, or a session started on one is a
		// stranger to the next.
		return cfg, startError{errors.New("with a PostgreSQL database, set SHUANGSHI_SESSION_KEYS to the same keys on every server " +
			"(base64 of 64 random bytes, comma-separated; `openssl rand -base64 64 | tr -d '\\n'` makes one)")}
	}
	if cfg.smtp.Addr != "" {
		// An e-mail's links must open from wherever it is read.
		if cfg.publicURL == "" {
			return cfg, startError{errors.New("-smtp-addr needs -public-url, for the links in the e-mails")}
		}
		if _, _, err := net.SplitHostPort(cfg.smtp.Addr); err != nil {
			return cfg, startError{fmt.Errorf("-smtp-addr: %q is not host:port", cfg.smtp.Addr)}
		}
		if _, err := mail.ParseAddress(cfg.smtp.From); err != nil {
			return cfg, startError{fmt.Errorf("-smtp-from: %q is not an e-mail address", cfg.smtp.From)}
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
// is closed. With "user" or "session-keys" first it runs that command.
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
	cfg.reserveForHashes = reserveForHashes
	log := slog.New(web.RequestIDs(slog.NewTextHandler(stdout, nil)))

	if !database.IsPostgres(cfg.dbPath) {
		// Restore refuses to replace a database a server is using.
		if err := os.MkdirAll(filepath.Dir(cfg.dbPath), 0o750); err != nil {
			return startError{err}
		}
		release, err := backups.Claim(cfg.dbPath)
		if err != nil {
			return startError{fmt.Errorf("%s: %w", cfg.dbPath, err)}
		}
		defer release()
	}
	site, err := newSite(ctx, cfg, log, time.Now)
	if err != nil {
		return startError{err}
	}
	defer func() {
		if err := site.db.Close(); err != nil {
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
		Handler:           site.echo,
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
	digestsDone := make(chan struct{})
	digestCtx, stopDigests := context.WithCancel(ctx)
	defer func() { stopDigests(); <-digestsDone }()
	go func() { defer close(digestsDone); site.digester.Run(digestCtx, time.Now) }()
	tallyCtx, stopTally := context.WithCancel(ctx)
	tallyDone := make(chan struct{})
	defer func() { stopTally(); <-tallyDone }()
	go func() { defer close(tallyDone); site.tally.Run(tallyCtx, securityLogFlush, site.securityLogKeep) }()
	if cfg.backupDir != "off" {
		keeper := &backups.Keeper{DB: site.db, Dir: cfg.backupDir, Keep: cfg.backupKeep, Every: 24 * time.Hour, Now: time.Now, Log: log}
		backupCtx, stopBackups := context.WithCancel(ctx)
		backupsDone := make(chan struct{})
		defer func() { stopBackups(); <-backupsDone }()
		go func() { defer close(backupsDone); keeper.Run(backupCtx, 10*time.Minute) }()
	}
	url := siteURL(ln.Addr())
	log.Info("listening", "url", url, "db", redacted(cfg.dbPath))
	if site.setup != nil {
		log.Warn("there is no active administrator: open this link, once, to create one; it works until it is used or the server restarts",
			"setup_url", url+site.setup.Path())
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
	return web.ConnLimits{PerClient: min(cfg.connsPerClient, total), Total: total, Exempt: cfg.trustedProxies}
}

// explainStorageProblem answers a write that the disk or the database file
// refused (full, read-only) with a page that says so, rather than a
// general error; the error handler logs it.
func explainStorageProblem(err error) *web.Error {
	switch database.StorageProblem(err) {
	case database.ErrStorageFull:
		return &web.Error{Status: http.StatusServiceUnavailable, MessageID: "error.storage_full", Err: err}
	case database.ErrStorageReadOnly:
		return &web.Error{Status: http.StatusServiceUnavailable, MessageID: "error.storage_read_only", Err: err}
	}
	return nil
}

// pageCacheBytes bounds the memory the kept public pages take.
const pageCacheBytes = 32 << 20

// defaultSecurityLogDays keeps the security log for a year.
const defaultSecurityLogDays = 365

// securityLogFlush is how often the counted sign-in failures are written to
// the security log, and old entries removed.
const securityLogFlush = 10 * time.Second

// site is everything the server is made of, wired together.
type site struct {
	db       *database.DB
	echo     *echo.Echo
	setup    *auth.Setup // nil when an active administrator exists
	digester *notify.Digester
	// tally holds the counted sign-in failures until they are written;
	// securityLogKeep is how long the log keeps its entries.
	tally           *auth.Tally
	securityLogKeep time.Duration
}

// newSite opens and migrates the database, loads the seed once, and builds
// the stores, handlers and routes. The clock now is the site's time.
func newSite(ctx context.Context, cfg config, log *slog.Logger, now func() time.Time) (*site, error) {
	db, err := database.Open(ctx, cfg.dbPath, log)
	if err != nil {
		return nil, err
	}
	s, err := wire(ctx, db, cfg, log, now)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func wire(ctx context.Context, db *database.DB, cfg config, log *slog.Logger, now func() time.Time) (*site, error) {
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	store := projects.NewStore(db, now)
	dataset, err := projects.ReadDataset(data.Seed())
	if err != nil {
		return nil, fmt.Errorf("seed dataset: %w", err)
	}
	loaded, err := store.Seed(ctx, data.SeedName, dataset)
	if err != nil {
		return nil, err
	}
	if loaded {
		log.Info("loaded the seed dataset", "name", data.SeedName, "projects", len(dataset))
	}

	catalog, err := locale.NewCatalog()
	if err != nil {
		return nil, err
	}
	district, err := time.LoadLocation(districtTimeZone)
	if err != nil {
		return nil, err
	}
	keys, err := auth.LoadKeys(cfg.sessionKeyFile(), cfg.sessionKeys)
	if err != nil {
		return nil, err
	}
	hashing := auth.DefaultHasherLimits()
	hashing.Reserve = cfg.reserveForHashes
	hasher, err := auth.NewHasherWith(hashing)
	if err != nil {
		return nil, err
	}
	users := auth.NewStore(db, now)
	if err := warnOfUnreachableUsernames(ctx, users, log); err != nil {
		return nil, err
	}
	sessions := auth.NewSessions(users, auth.SessionConfig{
		Keys: keys, SecureCookies: cfg.secureCookies, Now: now,
		IdleTimeout: auth.DefaultIdleTimeout, Lifetime: auth.DefaultLifetime,
	})
	tally := auth.NewTally(users, log)
	authenticator := auth.NewAuthenticator(users, hasher, auth.DefaultThrottle(), tally)
	devices := auth.NewDevices(keys, cfg.secureCookies)
	var setup *auth.Setup
	if admins, err := users.CountActiveAdmins(ctx); err != nil {
		return nil, err
	} else if admins == 0 {
		setup = auth.NewSetup()
	}

	var ceiling []byte
	if cfg.benchCeiling != "" {
		if ceiling, err = os.ReadFile(cfg.benchCeiling); err != nil {
			return nil, err
		}
	}
	// The public pages are made once per change of the record and kept
	// for every reader who is not signed in.
	pageCache := web.NewPageCache(db.DataVersion, db.DataChanged, auth.Shared,
		func() string { return civil.DateOf(now().In(district)).String() }, pageCacheBytes)
	var commits func() (int64, int64) // group commit is SQLite's writer's
	if !database.IsPostgres(cfg.dbPath) {
		commits = db.GroupCommits
	}
	measured := metrics.New(db.Pools(), commits)
	e := web.NewServer(web.Config{
		Observe: measured.Observe,
		Explain: explainStorageProblem,
		Logger:  log, Catalog: catalog, Static: static.All(), Ping: db.Ping,
		TrustedProxies: cfg.trustedProxies,
		HTTPSOnly:      cfg.secureCookies,
		PageMiddleware: []echo.MiddlewareFunc{sessions.Middleware, auth.RequireCSRF},
		Uploads:        []string{imports.UploadPath},
		Ceiling:        ceiling,
		PageCache:      pageCache,
		Cached: []string{
			"/", "/years/:year", "/years/:year/table.csv", "/years/:year/dashboard", "/years/:year/timeline",
			"/projects/:id", "/projects/:id/history", "/feed.atom",
			"/api/v1/years/:year", "/api/v1/projects/:id", "/api/v1/oc4ids/years/:year", "/api/v1/oc4ids/projects/:id",
		},
	})
	rule := projects.StatusRule{AtRiskDays: cfg.atRiskDays}
	projects.NewHandler(store, users, rule, now, district).Register(e)
	auth.NewHandler(users, sessions, authenticator, hasher, devices, setup, now, log).Register(e)
	accounts.NewHandler(users, hasher, tally, store, district).Register(e)
	console.NewHandler(store, users, db.DataVersion, rule, cfg.staleDays, now, district).Register(e)
	reports.NewHandler(store, now, district).Register(e)
	lists.NewHandler(store, now, district).Register(e)
	imports.NewHandler(store, imports.NewStore(db, now), now, district).Register(e)
	openData := oc4ids.NewHandler(store, cfg.publicURL, now, district)
	openData.Publication.Publisher = catalog.For("zh-CN").T("site.name")
	openData.Register(e)
	var sender notify.Sender
	if cfg.smtp.Addr != "" {
		sender = cfg.smtp
	}
	digester := notify.NewDigester(store, users, notify.NewStore(db, now), catalog, notify.DigesterConfig{
		Rule: rule, StaleDays: cfg.staleDays, Location: district, SiteURL: cfg.publicURL,
		Hour: cfg.digestHour, Sender: sender, Log: log,
	})
	notify.NewHandler(digester, now).Register(e)
	e.GET("/metrics", measured.Handler(), metrics.Guard(cfg.metricsFrom, auth.Require(auth.ViewInternal)))
	return &site{db: db, echo: e, setup: setup, digester: digester,
		tally: tally, securityLogKeep: time.Duration(cfg.securityLogDays) * 24 * time.Hour}, nil
}

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
