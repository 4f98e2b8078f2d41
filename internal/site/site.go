// Package site builds the 双十 site from its configuration: it opens and
// migrates the database, loads the seed once, and wires every feature's
// stores, handlers and routes into one HTTP handler. The command in
// cmd/web owns what a process owns (flags, subcommands, signals, the
// listener); tests build the same site with site.Open.
package site

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"

	"shuangshi/data"
	"shuangshi/internal/accounts"
	"shuangshi/internal/audit"
	"shuangshi/internal/auth"
	"shuangshi/internal/backups"
	"shuangshi/internal/civil"
	"shuangshi/internal/console"
	"shuangshi/internal/dashboard"
	"shuangshi/internal/database"
	"shuangshi/internal/documents"
	"shuangshi/internal/feed"
	"shuangshi/internal/imports"
	"shuangshi/internal/lists"
	"shuangshi/internal/locale"
	"shuangshi/internal/metrics"
	"shuangshi/internal/notify"
	"shuangshi/internal/oc4ids"
	"shuangshi/internal/photos"
	"shuangshi/internal/projects"
	"shuangshi/internal/reports"
	"shuangshi/internal/review"
	"shuangshi/internal/search"
	"shuangshi/internal/web"
	"shuangshi/static"
)

// DistrictTimeZone is where the works are: a deadline passes at midnight there.
const DistrictTimeZone = "Asia/Shanghai"

// Config is what the site is built from.
type Config struct {
	// Source is the database: a SQLite file, or a postgres:// URL for
	// servers that share one database.
	Source        string
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed.
	TrustedProxies []*net.IPNet
	// SessionKeys, from SHUANGSHI_SESSION_KEYS, replace the key file
	// beside a SQLite database (see SessionKeyFile).
	SessionKeys string
	// AtRiskDays: a target whose deadline is this close is at risk.
	AtRiskDays int
	// StaleDays: a project not updated for this long is flagged stale.
	StaleDays int
	// Review makes every change to a project's public fields wait for a
	// supervisor's or an administrator's approval before the public reads
	// it (信息公开审核); off, the public reads every save at once.
	Review bool
	// PublicURL is the site's address as its readers reach it, for the
	// links in e-mails and feeds; "" takes it from each request.
	PublicURL string
	// SMTP is the mail server the daily digests go through; Addr "" sends
	// none (the digest is still on its page).
	SMTP notify.SMTP
	// DigestHour is the hour of the day, in the district, from which the
	// day's digests are sent.
	DigestHour int
	// Robots are the WeCom and DingTalk robot services the notices go
	// through; the zero value is the services' own addresses. Tests point
	// them at local fakes (notify/notifytest); administrators give only a
	// robot's key, never an address.
	Robots notify.Robots
	// Ceiling, when not nil, is served as a static file at
	// web.CeilingPath, for the benchmark to compare the dynamic pages with.
	Ceiling []byte
	// MetricsFrom are the networks that may read /metrics without signing
	// in: the Prometheus server's.
	MetricsFrom []*net.IPNet
	// BackupDir receives a copy of the SQLite database a day, of which
	// the newest BackupKeep are kept; "" takes none.
	BackupDir  string
	BackupKeep int
	// SecurityLogDays is how long the security log is kept.
	SecurityLogDays int
	// ReserveForHashes, when not nil, is told the memory the password
	// hashes under way hold, to keep the process's memory limit making
	// room for them.
	ReserveForHashes func(bytes int64)
	// Log receives the site's log; Now is its clock.
	Log *slog.Logger
	Now func() time.Time
}

// versionsOncePerRead has a request that only reads (GET, and HEAD, which
// is routed as GET) read the versions of the data once: its session, its
// kept page and the console are all as of when it came. A request that
// writes reads them again after its write.
func versionsOncePerRead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodGet {
			c.SetRequest(c.Request().WithContext(database.ReadVersionsOnce(c.Request().Context())))
		}
		return next(c)
	}
}

// SessionKeyFile is where the session keys of a SQLite database are kept:
// beside it.
func SessionKeyFile(source string) string {
	return strings.TrimSuffix(source, ".db") + ".session-keys"
}

// The memory the kept pages take is bounded: the public pages, the answers
// to the public's queries (a search), and the staff's pages (one set per
// session).
const (
	pageCacheBytes  = 32 << 20
	queryCacheBytes = 8 << 20
	staffCacheBytes = 16 << 20
)

// securityLogFlush is how often the counted sign-in failures are written to
// the security log, and old entries removed.
const securityLogFlush = 10 * time.Second

// backupCheck is how often the daily copy is looked for: a server that
// slept through midnight takes it within this.
const backupCheck = 10 * time.Minute

// Site is everything the server is made of, wired together.
type Site struct {
	// DB is the site's database, for the command's maintenance and for
	// tests that look at what is stored.
	DB       *database.DB
	router   *web.Router
	setup    *auth.Setup // nil when an active administrator exists
	digester *notify.Digester
	outbox   *notify.Outbox
	// escalations tell of the 督办 found late, once each.
	escalations *projects.Escalations
	// tally holds the counted sign-in failures until they are written.
	tally *auth.Tally
	cfg   Config
}

// Open opens and migrates the database, loads the seed once, and builds
// the stores, handlers and routes. Close the site when done with it.
func Open(ctx context.Context, cfg Config) (*Site, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	db, err := database.Open(ctx, cfg.Source, cfg.Log)
	if err != nil {
		return nil, err
	}
	s, err := wire(ctx, db, cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Handler is the site's HTTP handler.
func (s *Site) Handler() http.Handler { return s.router }

// Routes lists every route the site answers, for tests that walk them all.
func (s *Site) Routes() []*echo.Route { return s.router.Routes() }

// SetupPath is the one-time link that creates the first administrator, or
// "" when an active administrator exists.
func (s *Site) SetupPath() string {
	if s.setup == nil {
		return ""
	}
	return s.setup.Path()
}

// SendDueDigests e-mails the digests due at now, as the background work
// does each hour, and returns how many were sent.
func (s *Site) SendDueDigests(ctx context.Context, now time.Time) (int, error) {
	return s.digester.SendDue(ctx, now)
}

// DeliverNotices does one round of the notices' work, as the background
// loop does: the queued notices and the chats' digests due at the site's
// time are sent. It returns how many messages went out.
func (s *Site) DeliverNotices(ctx context.Context) (int, error) {
	return s.outbox.Deliver(ctx)
}

// EscalateLateCases escalates the 督办 late today not escalated yet, as
// the site's background work does every quarter hour, and reports how
// many.
func (s *Site) EscalateLateCases(ctx context.Context) (int, error) {
	return s.escalations.Sweep(ctx)
}

// Announcer is where the site's notices are queued, for tests that queue
// one as a feature would.
func (s *Site) Announcer() *notify.Outbox { return s.outbox }

// Run does the site's background work until ctx is done: the daily
// digests, writing the security log, and the daily copies of a SQLite
// database. It returns once all of it has stopped, the security log's
// last counts written.
func (s *Site) Run(ctx context.Context) {
	var jobs sync.WaitGroup
	jobs.Go(func() { s.digester.Run(ctx, s.cfg.Now) })
	jobs.Go(func() { s.outbox.Run(ctx) })
	jobs.Go(func() { s.escalations.Run(ctx) })
	jobs.Go(func() {
		s.tally.Run(ctx, securityLogFlush, time.Duration(s.cfg.SecurityLogDays)*24*time.Hour)
	})
	if s.cfg.BackupDir != "" && !database.IsPostgres(s.cfg.Source) {
		keeper := &backups.Keeper{DB: s.DB, Dir: s.cfg.BackupDir, Keep: s.cfg.BackupKeep,
			Every: 24 * time.Hour, Now: s.cfg.Now, Log: s.cfg.Log}
		jobs.Go(func() { keeper.Run(ctx, backupCheck) })
	}
	jobs.Wait()
}

// Close closes the database.
func (s *Site) Close() error { return s.DB.Close() }

func wire(ctx context.Context, db *database.DB, cfg Config) (*Site, error) {
	log, now := cfg.Log, cfg.Now
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	store := projects.NewStore(db, now)
	store.ReviewBeforePublication = cfg.Review
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
	installation, err := db.Installation(ctx)
	if err != nil {
		return nil, err
	}
	identity := web.NewIdentity(cfg.PublicURL, installation.Name, installation.CreatedOn)
	district, err := time.LoadLocation(DistrictTimeZone)
	if err != nil {
		return nil, err
	}
	// The years of the seed, or of a database made before lists had a
	// life cycle, take theirs.
	if err := store.AdoptYears(ctx, civil.DateOf(now().In(district))); err != nil {
		return nil, fmt.Errorf("adopt the yearly lists: %w", err)
	}
	keys, err := auth.LoadKeys(SessionKeyFile(cfg.Source), cfg.SessionKeys)
	if err != nil {
		return nil, err
	}
	hashing := auth.DefaultHasherLimits()
	hashing.Reserve = cfg.ReserveForHashes
	hasher := auth.NewHasherWith(hashing)
	users := auth.NewStore(db, now)
	if err := warnOfUnreachableUsernames(ctx, users, log); err != nil {
		return nil, err
	}
	// The features put their links in the header as they register.
	header := &web.Header{}
	sessions := auth.NewSessions(users, auth.SessionConfig{
		Keys: keys, SecureCookies: cfg.SecureCookies, Now: now,
		IdleTimeout: auth.DefaultIdleTimeout, Lifetime: auth.DefaultLifetime,
		SessionsVersion: db.SessionsVersion, Header: header,
	})
	tally := auth.NewTally(users, log)
	authenticator := auth.NewAuthenticator(users, hasher, auth.DefaultThrottle(), tally)
	devices := auth.NewDevices(keys, cfg.SecureCookies)
	var setup *auth.Setup
	if admins, err := users.CountActiveAdmins(ctx); err != nil {
		return nil, err
	} else if admins == 0 {
		setup = auth.NewSetup()
	}

	// The public pages are made once per change of the record and kept
	// for every reader who is not signed in.
	today := func() string { return civil.DateOf(now().In(district)).String() }
	pageCache := web.NewPageCache(db.DataVersion, db.DataChanged, auth.Shared, today, pageCacheBytes)
	queryCache := web.NewPageCache(db.DataVersion, db.DataChanged, auth.Shared, today, queryCacheBytes)
	// The staff's pages too, for each session that asks again.
	staffCache := web.NewPageCache(db.DataVersion, db.DataChanged, auth.Personal, today, staffCacheBytes)
	staffCache.Compression = gzip.BestSpeed // made for one reader, again after every change
	var commits func() (int64, int64)       // group commit is SQLite's writer's
	if !database.IsPostgres(cfg.Source) {
		commits = db.GroupCommits
	}
	measured := metrics.New(db.Pools(), commits)
	r := web.NewServer(web.Config{
		Observe: measured.Observe,
		Explain: explainStorageProblem,
		Logger:  log, Catalog: catalog, Static: static.All(), Ping: db.Ping,
		TrustedProxies: cfg.TrustedProxies,
		HTTPSOnly:      cfg.SecureCookies,
		PageMiddleware: []echo.MiddlewareFunc{versionsOncePerRead, sessions.Middleware, auth.RequireCSRF},
		Ceiling:        cfg.Ceiling,
		PageCache:      pageCache, QueryCache: queryCache, StaffCache: staffCache,
		Header: header,
	})
	// Within each part of the header, links stand in the order the
	// features register: the lists before the projects.
	rule := projects.StatusRule{AtRiskDays: cfg.AtRiskDays}
	// A feature links to another's pages with the paths that one builds.
	yearLists := lists.NewHandler(store, now, district)
	yearLists.ImportURL = imports.YearUploadURL
	yearLists.Register(r)
	var sender notify.Sender
	if cfg.SMTP.Addr != "" {
		sender = cfg.SMTP
	}
	digester := notify.NewDigester(store, users, notify.NewStore(db, now), catalog, notify.DigesterConfig{
		Rule: rule, StaleDays: cfg.StaleDays, Location: district, SiteURL: cfg.PublicURL,
		Hour: cfg.DigestHour, Sender: sender, Log: log,
	})
	// announcer queues what staff are told at once (a new 督办, an answer,
	// an escalation, a change returned by the review) for the outbox to
	// send by e-mail, WeCom and DingTalk.
	announcer, err := notify.NewOutbox(notify.NewStore(db, now), digester, notify.OutboxConfig{
		Robots: cfg.Robots, Mail: sender, SessionKeys: keys, Log: log, Now: now,
	})
	if err != nil {
		return nil, err
	}
	if err := announcer.Reseal(ctx); err != nil {
		return nil, fmt.Errorf("notice channels: %w", err)
	}
	record := projects.NewHandler(store, users, rule, now, district)
	record.ListsURL, record.ListURL = lists.YearsPath, lists.ListURL
	record.AssignURL, record.UnassignURL = accounts.ProjectEngineersURL, accounts.ProjectEngineerURL
	record.Announcer, record.Log = announcer, log
	photoStore := photos.NewStore(db, now, cfg.Review)
	sitePhotos := photos.NewHandler(photoStore, store, users,
		photos.NewProcessor(photos.DefaultPixelBudget, district), now, district)
	record.Photos = sitePhotos.Timeline
	documentStore := documents.NewStore(db, now)
	documentStore.ReviewBeforePublication = cfg.Review
	documentPages := documents.NewHandler(documentStore, store, users)
	record.Documents = documentPages.Section
	record.Register(r)
	sitePhotos.Register(r)
	documentPages.Register(r)
	console.NewHandler(store, users, db.Versions, rule, cfg.StaleDays, now, district).Register(r)
	dashboard.NewHandler(store, rule, now, district).Register(r)
	search.NewHandler(search.NewStore(db, cfg.Review), store, rule, now, district).Register(r)
	accountPages := accounts.NewHandler(users, hasher, tally, store, district)
	accountPages.Register(r)
	signIn := auth.NewHandler(users, sessions, authenticator, hasher, devices, setup, now, log)
	signIn.Mailing = cfg.SMTP.Addr != ""
	signIn.Register(r)
	yearEnd := reports.NewHandler(store, now, district)
	yearEnd.HistoryURL = audit.HistoryURL
	yearEnd.Register(r)
	auditors := audit.NewHandler(store, now, district)
	auditors.Version = db.DataVersion
	auditors.SecurityLogURL, auditors.SecurityLogRows = accounts.EventsCSVPath, accountPages.CountEvents
	auditors.Register(r)
	imports.NewHandler(store, imports.NewStore(db, now), now, district).Register(r)
	openData := oc4ids.NewHandler(store, cfg.PublicURL, now, district)
	openData.Publication.Publisher = catalog.For("zh-CN").T("site.name")
	openData.Documents = documentStore.PublicOf
	openData.Photos = photoStore.PublicOf
	openData.Register(r)
	notify.NewHandler(digester, identity, now).Register(r)
	notify.NewChannelHandler(announcer).Register(r)
	feed.NewHandler(store, catalog, cfg.PublicURL, identity, now).Register(r)
	if cfg.Review {
		reviews := review.NewHandler(store, district)
		reviews.Announcer, reviews.Users, reviews.Log = announcer, users, log
		reviews.Photos = sitePhotos.Queue()
		reviews.Register(r)
	}
	r.GET("/metrics", measured.Handler(), metrics.Guard(cfg.MetricsFrom, auth.Require(auth.ViewInternal)))
	measured.Declare(r.Routes())
	escalations := projects.NewEscalations(store, users, announcer, now, district, log)
	return &Site{DB: db, router: r, setup: setup, digester: digester, outbox: announcer, escalations: escalations, tally: tally, cfg: cfg}, nil
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

// warnOfUnreachableUsernames logs each account whose username was stored
// before usernames were normalized and checked as they are now (a
// full-width or look-alike name): no sign-in reaches it under that name,
// and an administrator should see whether it imitates another account.
func warnOfUnreachableUsernames(ctx context.Context, users *auth.Store, log *slog.Logger) error {
	all, err := users.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range all {
		if err := auth.CheckStoredUsername(u.Username); err != nil {
			log.Warn("an account's username does not meet the rules usernames are now kept by, and no one can sign in under it: if it imitates another account, disable it; otherwise add the person again under a new name",
				"user_id", u.ID, "username", u.Username, "role", u.Role, "active", u.Active, "reason", err)
		}
	}
	return nil
}
