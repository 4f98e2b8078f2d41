package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"shuangshi/internal/backups"
	"shuangshi/internal/web"
)

// Config is one run of the benchmark.
type Config struct {
	Sizes []int // numbers of projects, smallest first
	Seed  uint64
	Load  Load
	// Work holds the binary, the databases and the servers' logs. A
	// database generated earlier with the same size and seed is reused.
	Work string
	Log  *slog.Logger
	Out  io.Writer // the progress and the tables, as they come
	// UploadRounds is how many photos each of the UploadClients uploads
	// in the photo upload scenario, after the others; 0 leaves it out.
	UploadRounds int
	// Profiles, when not "", is a folder for a CPU profile of the server
	// under each scenario's load, taken after the measuring (so that the
	// profiler does not slow what is measured): cpu-<size>-<n>.pprof, n
	// the scenario's place in the table; and heap-<size>.pprof and
	// status-<size>.txt, where the memory was after the measuring.
	Profiles string
}

// profileTime is how long each scenario's CPU profile runs, after
// profileWarmup of the same load: the first request after the writes
// remakes what the pages keep, which is its own question.
const (
	profileTime   = 5 * time.Second
	profileWarmup = 2 * time.Second
)

// Scenario is one kind of request the benchmark drives, with its own
// budgets beside those every page has (see Budgets).
type Scenario struct {
	Name string
	// Ceiling marks the static file the dynamic pages are compared with.
	Ceiling bool
	// Share is the part of the ceiling's throughput the page must reach
	// at every size; 0 for none.
	Share float64
	// P99 bounds the 99th percentile at the largest size, where it is
	// tighter than MaxP99; 0 for MaxP99.
	P99 time.Duration
	// Rate is the requests a second the scenario must reach at the
	// largest size; 0 for none.
	Rate float64
	// Writes marks a scenario that changes the record: driven after the
	// pages, on its own.
	Writes bool
	// Alone marks a scenario driven by one client, one request at a time.
	Alone bool
}

// concurrency is how many clients drive the scenario under load.
func (s Scenario) concurrency(load Load) int {
	if s.Alone {
		return 1
	}
	return load.Concurrency
}

// The scenarios, in the order they are driven and reported, with the
// budgets of issue 19.
var scenarios = []Scenario{
	{Name: "static file (ceiling)", Ceiling: true},
	{Name: "public year page", Share: 0.90},
	{Name: "public project page"},
	{Name: "JSON API, year", Share: 0.90},
	{Name: "overdue console (supervisor)", Share: 0.50, P99: 10 * time.Millisecond},
	{Name: "dashboard with investment (public)"},
	{Name: "search by a street (public)", P99: 20 * time.Millisecond},
	{Name: "review queue (supervisor)"},
	{Name: "monthly report form (engineer)"},
	{Name: "progress update POST (engineer)", Writes: true, P99: 20 * time.Millisecond, Rate: 2500},
	// A progress update, and then the console: the first console after a
	// write, the request measured.
	{Name: "console after a write (supervisor)", Writes: true, Alone: true, P99: 20 * time.Millisecond},
}

// searchedStreet is what the search scenario asks for: one of the
// generated streets, as a resident types it, which a tenth of the
// projects name.
const searchedStreet = "殷行路"

// Measured is one size's results.
type Measured struct {
	Projects int
	StartUp  time.Duration
	PeakRSS  int64    // over the pages and the progress updates
	Results  []Result // by scenario
	// Upload is the photo upload scenario's, when it ran (Requests or
	// Failures not 0): UploadClients at once, each photo of PhotoBytes;
	// UploadPeakRSS is the server's peak resident memory while it ran.
	Upload        Result
	UploadPeakRSS int64
	PhotoBytes    int
}

// Uploaded reports whether the photo upload scenario ran.
func (m Measured) Uploaded() bool { return m.Upload.Requests+m.Upload.Failures > 0 }

// Run generates (or reuses) each size's database, serves it with the real
// binary and drives every scenario against it. It returns what it
// measured; Budgets says whether that is good enough.
func Run(ctx context.Context, cfg Config) ([]Measured, error) {
	if err := os.MkdirAll(cfg.Work, 0o755); err != nil {
		return nil, err
	}
	fmt.Fprintln(cfg.Out, "building the server")
	bin, err := Build(ctx, cfg.Work)
	if err != nil {
		return nil, err
	}
	var all []Measured
	for _, n := range cfg.Sizes {
		m, err := runSize(ctx, cfg, bin, n)
		if err != nil {
			return all, fmt.Errorf("%d projects: %w", n, err)
		}
		all = append(all, m)
		fmt.Fprintln(cfg.Out, SizeTable(m))
	}
	return all, nil
}

func runSize(ctx context.Context, cfg Config, bin string, n int) (Measured, error) {
	m := Measured{Projects: n}
	set, generated, err := dataset(ctx, cfg, n)
	if err != nil {
		return m, err
	}
	// The servers write (sessions, the updates), so each run serves a
	// copy: every run starts from the same record.
	db := filepath.Join(cfg.Work, fmt.Sprintf("serving-%d.db", n))
	for _, stale := range []string{db + "-wal", db + "-shm"} { // an earlier copy's
		if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
			return m, err
		}
	}
	if err := backups.CopyFile(generated, db); err != nil {
		return m, err
	}

	// The ceiling is the year page's own bytes, so a first server hands
	// them over before the measured one starts with them as a file.
	srv, err := Start(ctx, bin, db, filepath.Join(cfg.Work, fmt.Sprintf("server-%d-first.log", n)))
	if err != nil {
		return m, err
	}
	page, err := get(&http.Client{}, srv.URL+yearPath)
	srv.Stop()
	if err != nil {
		return m, err
	}
	ceiling := filepath.Join(cfg.Work, fmt.Sprintf("ceiling-%d.html", n))
	if err := os.WriteFile(ceiling, page, 0o644); err != nil {
		return m, err
	}

	flags := []string{"-bench-ceiling", ceiling}
	var profiler string
	if cfg.Profiles != "" {
		port, err := freePort()
		if err != nil {
			return m, err
		}
		profiler = "127.0.0.1:" + strconv.Itoa(port)
		flags = append(flags, "-pprof", profiler)
	}
	srv, err = Start(ctx, bin, db, filepath.Join(cfg.Work, fmt.Sprintf("server-%d.log", n)), flags...)
	if err != nil {
		return m, err
	}
	defer srv.Stop()
	m.StartUp = srv.StartUp
	fmt.Fprintf(cfg.Out, "%d projects: server up in %s\n", n, srv.StartUp.Round(time.Millisecond))

	transport := &http.Transport{MaxIdleConnsPerHost: cfg.Load.Concurrency, MaxConnsPerHost: cfg.Load.Concurrency, DisableCompression: true}
	public := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	supervisor, _, err := SignIn(transport, srv.URL, SupervisorName)
	if err != nil {
		return m, err
	}
	engineer, csrf, err := SignIn(transport, srv.URL, EngineerName)
	if err != nil {
		return m, err
	}
	forms, err := ReadProgressForms(engineer, srv.URL, set.Edited)
	if err != nil {
		return m, err
	}

	getting := func(path func(i int) string) Request {
		return func(_, i int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+path(i), nil)
			if err == nil {
				req.Header.Set("Accept-Encoding", "gzip") // as every browser does
			}
			return req, err
		}
	}
	fixed := func(p string) func(int) string { return func(int) string { return p } }
	drives := []struct {
		client *http.Client
		next   Request
		check  Check
	}{
		{public, getting(fixed(web.CeilingPath)), nil},
		{public, getting(fixed(yearPath)), nil},
		{public, getting(func(i int) string { return "/projects/" + strconv.FormatInt(set.Sample[i%len(set.Sample)], 10) }), nil},
		{public, getting(fixed("/api/v1/years/" + strconv.Itoa(CurrentYear))), nil},
		{supervisor, getting(fixed("/overdue")), nil},
		{public, getting(fixed(yearPath + "/dashboard")), nil},
		{public, getting(fixed("/search?q=" + url.QueryEscape(searchedStreet))), nil},
		{supervisor, getting(fixed("/review")), nil},
		{engineer, getting(func(i int) string {
			return "/projects/" + strconv.FormatInt(set.Edited[i%len(set.Edited)], 10) + "/monthly"
		}), nil},
		{engineer, forms.Post(srv.URL, csrf), forms.Check},
		{supervisor, afterAWrite(engineer, forms.Post(srv.URL, csrf), forms.Check, getting(fixed("/overdue"))), nil},
	}
	// Each scenario is warmed up. Then the pages are driven in turns, a
	// spell of each per round: whatever slows the machine for a while
	// (another process, the CPU's clock) falls on every page alike, and
	// the share of the ceiling compares requests made at the same time.
	// The updates come last, on their own: each changes the record, and
	// the pages are measured as they serve between changes.
	var pages, writers []int // the scenarios, by index
	for i, sc := range scenarios {
		if sc.Writes {
			writers = append(writers, i)
		} else {
			pages = append(pages, i)
		}
	}
	spells := make([][]Result, len(drives))
	warmup := Load{Concurrency: cfg.Load.Concurrency, Warmup: cfg.Load.Warmup}
	for _, i := range pages {
		Drive(ctx, drives[i].client, warmup, drives[i].next, drives[i].check)
		if err := reportPeak(cfg.Out, srv, "warmed up: "+scenarios[i].Name); err != nil {
			return m, err
		}
	}
	rounds := max(1, int(cfg.Load.Duration/spell))
	spellLoad := Load{Concurrency: cfg.Load.Concurrency, Duration: cfg.Load.Duration / time.Duration(rounds)}
	fmt.Fprintf(cfg.Out, "  the pages: %d rounds of %s each\n", rounds, spellLoad.Duration)
	for round := range rounds {
		// Each round begins one page further on, so that no page always
		// follows the same one (and pays for the garbage it left).
		for j := range pages {
			i := pages[(round+j)%len(pages)]
			spells[i] = append(spells[i], Drive(ctx, drives[i].client, spellLoad, drives[i].next, drives[i].check))
		}
	}
	if err := reportPeak(cfg.Out, srv, "the pages"); err != nil {
		return m, err
	}
	for _, i := range writers { // warmed up and measured in one go
		load := cfg.Load
		load.Concurrency = scenarios[i].concurrency(cfg.Load)
		spells[i] = []Result{Drive(ctx, drives[i].client, load, drives[i].next, drives[i].check)}
		if err := reportPeak(cfg.Out, srv, scenarios[i].Name); err != nil {
			return m, err
		}
	}
	for i := range drives {
		r := Combine(spells[i]...)
		if r.Requests == 0 {
			return m, fmt.Errorf("%s: no request succeeded (%s)", scenarios[i].Name, r.FirstFail)
		}
		m.Results = append(m.Results, r)
	}
	if m.PeakRSS, err = srv.PeakRSS(); err != nil {
		return m, err
	}
	if profiler != "" {
		// Where the memory is, after the pages and the updates: the Go
		// heap's profile, and the process's own account (Go's and
		// SQLite's memory, and the files mapped).
		if err := snapshotMemory(cfg.Profiles, n, profiler, srv); err != nil {
			return m, err
		}
		for i := range drives {
			name := filepath.Join(cfg.Profiles, fmt.Sprintf("cpu-%d-%d.pprof", n, i))
			fmt.Fprintf(cfg.Out, "  profiling: %s, to %s\n", scenarios[i].Name, name)
			if err := profile(ctx, profiler, name, func(ctx context.Context) {
				Drive(ctx, drives[i].client, Load{Concurrency: scenarios[i].concurrency(cfg.Load), Duration: profileWarmup + profileTime + time.Second}, drives[i].next, drives[i].check)
			}); err != nil {
				return m, err
			}
		}
	}
	if cfg.UploadRounds > 0 {
		if err := uploadPhotos(ctx, cfg, srv, engineer, csrf, set, &m); err != nil {
			return m, err
		}
	}
	return m, nil
}

// reportPeak tells the server's peak memory so far after what was done,
// to tell which part of the run raised it.
func reportPeak(out io.Writer, srv *Server, done string) error {
	peak, err := srv.PeakRSS()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  %s (peak RSS so far %d MB)\n", done, peak>>20)
	return nil
}

// snapshotMemory writes heap-<n>.pprof, the server's heap profile, and
// status-<n>.txt, its /proc status, to dir.
func snapshotMemory(dir string, n int, addr string, srv *Server) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	heap, err := get(&http.Client{Timeout: 30 * time.Second}, "http://"+addr+"/debug/pprof/heap")
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("heap-%d.pprof", n)), heap, 0o644); err != nil {
		return err
	}
	status, err := os.ReadFile("/proc/" + strconv.Itoa(srv.cmd.Process.Pid) + "/status")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, fmt.Sprintf("status-%d.txt", n)), status, 0o644)
}

// afterAWrite makes each request of then after a write made by writer
// with write, which must succeed (check) before the request is made.
func afterAWrite(writer *http.Client, write Request, check Check, then Request) Request {
	return func(w, i int) (*http.Request, error) {
		req, err := write(w, i)
		if err != nil {
			return nil, err
		}
		resp, err := writer.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("the write before: %s", resp.Status)
		}
		if err := check(w, resp, body); err != nil {
			return nil, fmt.Errorf("the write before: %w", err)
		}
		return then(w, i)
	}
}

// profile writes to file a CPU profile of the server whose profiler
// answers at addr, taken while load runs, from profileWarmup after it
// began.
func profile(ctx context.Context, addr, file string, load func(context.Context)) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { defer close(done); load(ctx) }()
	defer func() { <-done }()
	select {
	case <-time.After(profileWarmup):
	case <-ctx.Done():
		return ctx.Err()
	}
	client := &http.Client{Timeout: profileTime + 10*time.Second}
	body, err := get(client, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, int(profileTime/time.Second)))
	if err != nil {
		return fmt.Errorf("CPU profile: %w", err)
	}
	return os.WriteFile(file, body, 0o644)
}

// uploadPhotos drives the photo upload scenario: UploadClients engineers
// at once each upload a 12-megapixel photo cfg.UploadRounds times, to the
// projects they keep in turn. The photo is made before the clock starts,
// and the server's peak memory is set back to what it holds now, so that
// UploadPeakRSS is the peak while the photos came in (with the pages it
// keeps from the scenarios before).
func uploadPhotos(ctx context.Context, cfg Config, srv *Server, engineer *http.Client, csrf string, set Dataset, m *Measured) error {
	photo := NoisyJPEG(UploadWidth, UploadHeight, 12, uploadNoise)
	m.PhotoBytes = len(photo)
	form := NewPhotoUpload(photo)
	fmt.Fprintf(cfg.Out, "  photo upload: %d clients × %d rounds of a %d×%d JPEG of %.1f MB\n",
		UploadClients, cfg.UploadRounds, UploadWidth, UploadHeight, float64(len(photo))/(1<<20))
	if err := srv.ResetPeakRSS(); err != nil {
		return err
	}
	m.Upload = DriveUploads(ctx, engineer, srv.URL, csrf, set.Edited, form, UploadClients, cfg.UploadRounds)
	var err error
	m.UploadPeakRSS, err = srv.PeakRSS()
	return err
}

var yearPath = "/years/" + strconv.Itoa(CurrentYear)

// spell is how long a scenario is driven at a time, in turn with the others.
const spell = time.Second

// dataset returns the database of n projects for the seed, generating it
// unless an earlier run left it in the work folder.
func dataset(ctx context.Context, cfg Config, n int) (Dataset, string, error) {
	base := filepath.Join(cfg.Work, fmt.Sprintf("projects-%d-seed-%d-%s", n, cfg.Seed, Format))
	db, described := base+".db", base+".json"
	if raw, err := os.ReadFile(described); err == nil {
		var set Dataset
		if err := json.Unmarshal(raw, &set); err == nil {
			fmt.Fprintf(cfg.Out, "%d projects: reusing %s\n", n, db)
			return set, db, nil
		}
	}
	for _, stale := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
			return Dataset{}, "", err
		}
	}
	began := time.Now()
	set, err := Generate(ctx, db, n, cfg.Seed, cfg.Log)
	if err != nil {
		return set, "", err
	}
	fmt.Fprintf(cfg.Out, "%d projects: generated in %s\n", n, time.Since(began).Round(time.Millisecond))
	raw, err := json.Marshal(set)
	if err != nil {
		return set, "", err
	}
	return set, db, os.WriteFile(described, raw, 0o644)
}

func get(client *http.Client, u string) ([]byte, error) {
	resp, err := client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return body, err
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// SignIn signs in through the sign-in form and returns a client carrying
// the session, and the session's CSRF token.
func SignIn(transport http.RoundTripper, site, username string) (*http.Client, string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, "", err
	}
	client := &http.Client{Transport: transport, Jar: jar, Timeout: 30 * time.Second}
	form, err := get(client, site+"/login")
	if err != nil {
		return nil, "", err
	}
	token := csrfField.FindSubmatch(form)
	if token == nil {
		return nil, "", errors.New("no CSRF token on the sign-in form")
	}
	resp, err := client.PostForm(site+"/login", url.Values{"_csrf": {string(token[1])}, "username": {username}, "password": {Password}})
	if err != nil {
		return nil, "", err
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, "", err
	}
	// The session is renewed at sign-in, and its token with it.
	token = csrfField.FindSubmatch(page)
	if token == nil {
		return nil, "", fmt.Errorf("signing in as %s failed: %s", username, resp.Status)
	}
	return client, string(token[1]), nil
}

// progressForm is the state of one writer's project: the version its next
// update is made from and the target whose progress it updates.
type progressForm struct {
	project, target, version string
	base                     string // the progress as saved
}

// ProgressForms are the writers' projects: writer w updates the project
// at w modulo their number.
type ProgressForms []progressForm

var quickUpdate = regexp.MustCompile(`action="/projects/(\d+)/progress"[\s\S]*?name="version" value="(\d+)"[\s\S]*?name="base-progress-(\d+)" value="([^"]*)"`)

// ReadProgressForms reads the quick update form of each project the
// engineer keeps, from My projects.
func ReadProgressForms(engineer *http.Client, site string, projects []int64) (ProgressForms, error) {
	page, err := get(engineer, site+"/my/projects")
	if err != nil {
		return nil, err
	}
	byProject := map[string]progressForm{}
	for _, m := range quickUpdate.FindAllSubmatch(page, -1) {
		byProject[string(m[1])] = progressForm{project: string(m[1]), version: string(m[2]), target: string(m[3]), base: string(m[4])}
	}
	forms := ProgressForms{}
	for _, id := range projects {
		f, ok := byProject[strconv.FormatInt(id, 10)]
		if !ok {
			return nil, fmt.Errorf("project %d has no quick update form on My projects", id)
		}
		forms = append(forms, f)
	}
	return forms, nil
}

// Post makes writer w's next update: a new progress text on its own
// project, from the version it last saw, as htmx sends it.
func (f ProgressForms) Post(site, csrf string) Request {
	return func(w, i int) (*http.Request, error) {
		pf := f[w%len(f)]
		progress := fmt.Sprintf("基准测试进展：第%d次更新。", i+1)
		body := url.Values{
			"_csrf": {csrf}, "version": {pf.version}, "base-version": {pf.version},
			"base-progress-" + pf.target: {pf.base}, "progress-" + pf.target: {progress},
		}
		req, err := http.NewRequest(http.MethodPost, site+"/projects/"+pf.project+"/progress", strings.NewReader(body.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		return req, nil
	}
}

// Saved returns writer w's project and target, and the progress last saved
// for it.
func (f ProgressForms) Saved(w int) (project, target, progress string) {
	pf := f[w%len(f)]
	return pf.project, pf.target, pf.base
}

var savedCard = regexp.MustCompile(`name="version" value="(\d+)"[\s\S]*?name="base-progress-\d+" value="([^"]*)"`)

// Check takes the saved version and progress from the answer, for the
// writer's next update; an answer without them was not a save.
func (f ProgressForms) Check(w int, resp *http.Response, body []byte) error {
	m := savedCard.FindSubmatch(body)
	if m == nil || !strings.Contains(string(body), `data-testid="quick-saved"`) {
		return errors.New("the update was not saved")
	}
	f[w%len(f)].version, f[w%len(f)].base = string(m[1]), string(m[2])
	return nil
}
