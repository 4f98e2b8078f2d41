package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"shuangshi/internal/bench"
	"shuangshi/internal/database"
	"shuangshi/internal/site/sitetest"
)

// acknowledged collects the updates the server answered as saved.
type acknowledged struct {
	mu    sync.Mutex
	saves []save
}

type save struct{ project, target, progress string }

// recording wraps the writers' check: an update that checks out is
// acknowledged, with what the server said it saved.
func (a *acknowledged) recording(forms bench.ProgressForms) bench.Check {
	return func(w int, resp *http.Response, body []byte) error {
		if err := forms.Check(w, resp, body); err != nil {
			return err
		}
		project, target, progress := forms.Saved(w)
		a.mu.Lock()
		a.saves = append(a.saves, save{project, target, progress})
		a.mu.Unlock()
		return nil
	}
}

// count is the number of updates acknowledged so far.
func (a *acknowledged) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.saves)
}

// missing returns the acknowledged updates that are not in the history of
// the database at dbPath, and how many it checked.
func (a *acknowledged) missing(t *testing.T, dbPath string) ([]save, int) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a.mu.Lock()
	defer a.mu.Unlock()
	var lost []save
	for _, s := range a.saves {
		var n int
		err := db.QueryRow(`SELECT count(*) FROM changes WHERE project_id = ? AND target_id = ? AND field = 'progress' AND new_value = ?`,
			s.project, s.target, s.progress).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			lost = append(lost, s)
		}
	}
	return lost, len(a.saves)
}

func integrityCheck(t *testing.T, dbPath string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&verdict); err != nil {
		t.Fatal(err)
	}
	return verdict
}

// signInWriters signs the generated record's engineer in at site and reads
// the update forms of the projects the writers will keep.
func signInWriters(t *testing.T, transport http.RoundTripper, site string, projects []int64) (*http.Client, string, bench.ProgressForms) {
	t.Helper()
	engineer, csrf, err := bench.SignIn(transport, site, bench.EngineerName)
	if err != nil {
		t.Fatal(err)
	}
	forms, err := bench.ReadProgressForms(engineer, site, projects)
	if err != nil {
		t.Fatal(err)
	}
	return engineer, csrf, forms
}

// generatedDatabase writes a generated record of n projects at dbPath.
func generatedDatabase(t *testing.T, dbPath string, n int) bench.Dataset {
	t.Helper()
	set, err := bench.Generate(context.Background(), dbPath, n, 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// durationFromEnv is the duration in the environment variable, or short.
func durationFromEnv(t *testing.T, name string, short time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return short
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q is not a duration", name, v)
	}
	return d
}

// TestSoak drives the real server on a real SQLite file with 50 writers
// and 200 readers at once. Afterwards: no answer but 2xx, no "database is
// locked" in the log, and every update acknowledged is in the database.
// CI runs it for 5 s; the soak task for 60 (SHUANGSHI_SOAK=60s).
func TestSoak(t *testing.T) {
	duration := durationFromEnv(t, "SHUANGSHI_SOAK", 5*time.Second)
	const writers, readers = 50, 200
	dbPath := filepath.Join(t.TempDir(), "soak.db")
	set := generatedDatabase(t, dbPath, 1000)
	// The soak's 250 clients all come from 127.0.0.1, which one client's
	// share of the connections would not hold.
	srv := startServer(t, dbPath, "-conns-per-client", strconv.Itoa(2*(writers+readers)))

	transport := &http.Transport{MaxIdleConnsPerHost: writers + readers, DisableCompression: true}
	engineer, csrf, forms := signInWriters(t, transport, srv.URL, set.Edited[:writers])
	var acks acknowledged
	year := strconv.Itoa(bench.CurrentYear)
	pages := []string{"/years/" + year, "/api/v1/years/" + year, "/", "/years/" + year + "/dashboard"}
	for _, id := range set.Sample {
		pages = append(pages, "/projects/"+strconv.FormatInt(id, 10))
	}
	reading := func(_, i int) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, srv.URL+pages[i%len(pages)], nil)
	}

	var written, read bench.Result
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		written = bench.Drive(context.Background(), engineer, bench.Load{Concurrency: writers, Duration: duration}, forms.Post(srv.URL, csrf), acks.recording(forms))
	}()
	go func() {
		defer wg.Done()
		read = bench.Drive(context.Background(), &http.Client{Transport: transport, Timeout: time.Minute}, bench.Load{Concurrency: readers, Duration: duration}, reading, nil)
	}()
	wg.Wait()
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}

	t.Logf("%s: %d updates (%.0f/s, p99 %s), %d reads (%.0f/s, p99 %s)", duration,
		written.Requests, written.RequestsPerSecond(), written.P99, read.Requests, read.RequestsPerSecond(), read.P99)
	if written.Failures > 0 || read.Failures > 0 {
		t.Errorf("%d updates and %d reads failed; the first: %q, %q", written.Failures, read.Failures, written.FirstFail, read.FirstFail)
	}
	if written.Requests == 0 || read.Requests == 0 {
		t.Fatal("nothing was done")
	}
	if log := srv.Log.String(); strings.Contains(log, "database is locked") || strings.Contains(log, "status=5") {
		t.Errorf("the log has a locked database or a 5xx answer")
	}
	if verdict := integrityCheck(t, dbPath); verdict != "ok" {
		t.Errorf("integrity check: %s", verdict)
	}
	lost, checked := acks.missing(t, dbPath)
	if len(lost) > 0 {
		t.Errorf("%d of %d acknowledged updates are not in the database, such as %+v", len(lost), checked, lost[0])
	}
	if checked != written.Requests {
		t.Errorf("%d updates acknowledged, %d recorded", written.Requests, checked)
	}
}

// TestKilledWhileWriting kills the server (SIGKILL, no shutdown) while 20
// writers are saving, three times over, restarting it each time on the
// same file. After each kill SQLite's integrity check passes and every
// update the server had acknowledged is in the database. The durability
// that makes this hold is synchronous=FULL in WAL mode: a commit is
// answered only after the WAL is on disk.
func TestKilledWhileWriting(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the server three times")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "crash.db")
	set := generatedDatabase(t, dbPath, 200)
	const writers = 20
	var acks acknowledged
	for round := range 3 {
		child := startChild(t, dbPath)
		transport := &http.Transport{MaxIdleConnsPerHost: writers}
		engineer, csrf, forms := signInWriters(t, transport, child.url, set.Edited[:writers])
		ctx, cancel := context.WithCancel(context.Background())
		writing := make(chan bench.Result, 1)
		go func() {
			writing <- bench.Drive(ctx, engineer, bench.Load{Concurrency: writers, Duration: time.Minute}, forms.Post(child.url, csrf), acks.recording(forms))
		}()
		// Each round is killed later than the one before: once every
		// writer has had round+1 updates acknowledged in it.
		for want, deadline := acks.count()+writers*(round+1), time.Now().Add(time.Minute); acks.count() < want && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		if err := child.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		child.cmd.Wait()
		cancel()
		r := <-writing
		t.Logf("round %d: %d updates acknowledged before the kill, %d cut off", round+1, r.Requests, r.Failures)
		if r.Requests == 0 {
			t.Fatalf("round %d: nothing was saved before the kill", round+1)
		}

		if verdict := integrityCheck(t, dbPath); verdict != "ok" {
			t.Fatalf("round %d: integrity check after the kill: %s", round+1, verdict)
		}
		if lost, checked := acks.missing(t, dbPath); len(lost) > 0 {
			t.Fatalf("round %d: %d of %d acknowledged updates lost, such as %+v", round+1, len(lost), checked, lost[0])
		}
	}
	if _, err := database.VerifyFile(context.Background(), dbPath); err != nil {
		t.Error(err)
	}
}

// child is the server running as a process of its own: this test binary,
// which runs main when SHUANGSHI_RUN_MAIN is set (see TestMain).
type child struct {
	cmd *exec.Cmd
	url string
}

func startChild(t *testing.T, dbPath string) child {
	t.Helper()
	return startChildWithFileLimit(t, dbPath, 0)
}

// startChildWithFileLimit is startChild with the child's limit on open
// files set to fileLimit (soft and hard), unless it is 0.
func startChildWithFileLimit(t *testing.T, dbPath string, fileLimit int) child {
	t.Helper()
	// The free port is found by listening on it and letting it go, so
	// another process may take it before the child does: then the child
	// says so and exits, and it is started again on another.
	for attempt := 1; ; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		args := []string{"-db", dbPath, "-addr", addr, "-backups", "off"}
		cmd := exec.Command(os.Args[0], args...)
		if fileLimit > 0 {
			// The shell sets the limit, then becomes the server.
			cmd = exec.Command("/bin/sh", append([]string{"-c", `ulimit -n ` + strconv.Itoa(fileLimit) + ` && exec "$0" "$@"`, os.Args[0]}, args...)...)
		}
		cmd.Env = append(os.Environ(), "SHUANGSHI_RUN_MAIN=1")
		stderr := &sitetest.LockedBuffer{}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		url := "http://" + addr
		for deadline := time.Now().Add(20 * time.Second); ; {
			resp, err := http.Get(url + "/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
					return child{cmd: cmd, url: url}
				}
			}
			if strings.Contains(stderr.String(), "address already in use") && attempt < 3 {
				cmd.Wait()
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("the server on %s did not answer within 20 s: %v\n%s", addr, err, stderr)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestShutdownFinishesRequestsUnderWay sends SIGTERM to the server while
// an update is half sent. The update completes and is saved, a new
// connection is refused meanwhile, and the server exits with status 0
// having closed the database (SQLite removes the WAL when the last
// connection closes cleanly).
func TestShutdownFinishesRequestsUnderWay(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "shutdown.db")
	set := generatedDatabase(t, dbPath, 100)
	server := startChild(t, dbPath)
	engineer, csrf, forms := signInWriters(t, &http.Transport{}, server.url, set.Edited[:1])
	req, err := forms.Post(server.url, csrf)(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The server says when its handler starts reading the body.
	req.Header.Set("Expect", "100-continue")
	for _, c := range engineer.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	var raw bytes.Buffer
	if err := req.Write(&raw); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sent := raw.Bytes()
	if _, err := conn.Write(sent[:len(sent)-10]); err != nil {
		t.Fatal(err)
	}
	answers := bufio.NewReader(conn)
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if interim, err := answers.ReadString('\n'); err != nil || !strings.HasPrefix(interim, "HTTP/1.1 100 ") {
		t.Fatalf("the server did not start reading the body: %q, %v", interim, err)
	}
	if _, err := answers.ReadString('\n'); err != nil { // the blank line that ends the interim answer
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Time{})

	if err := server.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	refused := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", req.URL.Host); err != nil {
			refused = true
			break
		} else {
			c.Close()
		}
	}
	if !refused {
		t.Error("new connections were still taken after SIGTERM")
	}

	if _, err := conn.Write(sent[len(sent)-10:]); err != nil {
		t.Fatalf("the rest of the update could not be sent: %v", err)
	}
	resp, err := http.ReadResponse(answers, req)
	if err != nil {
		t.Fatalf("the update under way got no answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the update under way: %s", resp.Status)
	}
	var acks acknowledged
	if err := acks.recording(forms)(0, resp, body); err != nil {
		t.Fatal(err)
	}

	exited := make(chan error, 1)
	go func() { exited <- server.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the server exited with %v, want status 0", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not exit within 20 s of SIGTERM")
	}
	if _, err := os.Stat(dbPath + "-wal"); !os.IsNotExist(err) {
		t.Errorf("the WAL is still there (%v): the database was not closed cleanly", err)
	}
	if lost, _ := acks.missing(t, dbPath); len(lost) > 0 {
		t.Errorf("the update answered during shutdown is not in the database: %+v", lost[0])
	}
}

// TestWritesOnAFullDiskOrAReadOnlyDatabase: when the database refuses
// writes (a read-only file; a full disk, made by capping the file at its
// size), an update answers 503 with a page that says what happened and a
// log line, nothing of it is stored, and the pages still read.
func TestWritesOnAFullDiskOrAReadOnlyDatabase(t *testing.T) {
	for _, c := range []struct {
		name, pragma, message, logged string
	}{
		{"read-only", "PRAGMA query_only = ON", "数据库现在只能读取", "readonly"},
		{"full disk", "PRAGMA max_page_count = %d", "存储空间已满", "database or disk is full"},
	} {
		t.Run(c.name, func(t *testing.T) {
			site := sitetest.NewEditing(t)
			li := site.SignIn(t, "li", sitetest.Password)
			db := site.Site.DB
			var pages int64
			if err := db.Read.Raw("PRAGMA page_count").Scan(&pages).Error; err != nil {
				t.Fatal(err)
			}
			pragma := c.pragma
			if strings.Contains(pragma, "%d") {
				pragma = fmt.Sprintf(pragma, pages)
			}
			// On the writer's one connection: the one every write takes.
			if err := db.Write.Exec(pragma).Error; err != nil {
				t.Fatal(err)
			}

			var refused sitetest.Response
			var lastSaved, refusedText string
			for i := range 300 {
				form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
				text := fmt.Sprintf("第%d次：%s", i, strings.Repeat("进展", 200))
				for name := range form {
					if strings.HasPrefix(name, "progress-") {
						form.Set(name, text)
					}
				}
				r := li.Post("/projects/3/edit", form)
				if r.StatusCode == http.StatusSeeOther {
					lastSaved = text
					continue
				}
				refused, refusedText = r, text
				break
			}
			if refused.Response == nil {
				t.Fatal("every write was taken")
			}
			sitetest.WantStatus(t, "the refused write", refused, http.StatusServiceUnavailable)
			if !strings.Contains(sitetest.Text(refused.Doc.Find("main")), c.message) {
				t.Errorf("the page says %q, want %q in it", sitetest.Text(refused.Doc.Find("main")), c.message)
			}
			if !strings.Contains(site.Logs.String(), c.logged) {
				t.Errorf("no log line says %q", c.logged)
			}
			for _, path := range []string{"/projects/3", "/years/2023", "/projects/3/history"} {
				sitetest.WantStatus(t, path, li.Get(path), http.StatusOK)
			}
			page := li.Get("/projects/3")
			if strings.Contains(page.Body, refusedText[:30]) {
				t.Error("the refused progress is on the project page")
			}
			if lastSaved != "" && !strings.Contains(page.Body, lastSaved[:30]) {
				t.Error("the last progress saved is not on the project page")
			}
			var n int64
			if err := db.Read.Raw("SELECT count(*) FROM changes WHERE new_value = ?", refusedText).Scan(&n).Error; err != nil || n != 0 {
				t.Errorf("the refused write is in the history (%d, %v)", n, err)
			}
		})
	}
}
