package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets a test run the real main in a child process, to see its exit
// status and what it prints.
func TestMain(m *testing.M) {
	if os.Getenv("SHUANGSHI_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// logRecorder collects what run logs and tells when it logs its URL.
type logRecorder struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	url  chan string
	sent bool
}

var listeningLine = regexp.MustCompile(`msg=listening url=(\S+)`)

func (r *logRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf.Write(p)
	if m := listeningLine.FindSubmatch(r.buf.Bytes()); m != nil && !r.sent {
		r.sent = true
		r.url <- string(m[1])
	}
	return len(p), nil
}

func (r *logRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String()
}

// server is a run of the command in this process.
type server struct {
	URL  string
	Log  *logRecorder
	stop func() error
}

// startServer runs the command with a database at dbPath (and any other
// flags) on a free port and returns once it listens. Stop it with stop; it
// is stopped at the end of the test otherwise.
func startServer(t *testing.T, dbPath string, flags ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	rec := &logRecorder{url: make(chan string, 1)}
	done := make(chan struct{})
	var runErr error
	go func() {
		args := append([]string{"-addr", "127.0.0.1:0", "-db", dbPath}, flags...)
		runErr = run(ctx, args, func(string) string { return "" }, strings.NewReader(""), rec, nil)
		close(done)
	}()
	stop := func() error {
		cancel()
		select {
		case <-done:
			return runErr
		case <-time.After(20 * time.Second):
			return errors.New("the server did not stop within 20 s")
		}
	}
	t.Cleanup(func() { stop() })
	select {
	case url := <-rec.url:
		return &server{URL: url, Log: rec, stop: stop}
	case <-done:
		t.Fatalf("run returned before listening: %v\n%s", runErr, rec)
	case <-time.After(20 * time.Second):
		t.Fatalf("the server did not listen within 20 s\n%s", rec)
	}
	return nil
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestRunServesTheSeededSiteAndSeedsOnce(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "nested", "shuangshi.db")
	first := startServer(t, dbPath)

	resp, err := http.Get(first.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "2023年区“双十”项目") {
		t.Fatalf("GET /: status %d, want the 2023 page", resp.StatusCode)
	}
	var health map[string]string
	getJSON(t, first.URL+"/healthz", &health)
	if health["status"] != "ok" {
		t.Errorf("/healthz = %v", health)
	}
	var year struct {
		Targets []struct {
			Project struct{ ID int64 } `json:"project"`
		} `json:"targets"`
	}
	getJSON(t, first.URL+"/api/v1/years/2022", &year)
	if len(year.Targets) != 20 {
		t.Fatalf("2022 has %d targets, want 20", len(year.Targets))
	}
	if err := first.stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if !strings.Contains(first.Log.String(), "loaded the seed dataset") || !strings.Contains(first.Log.String(), "shutting down") {
		t.Errorf("the first start should log the seeding and the shutdown:\n%s", first.Log)
	}

	second := startServer(t, dbPath)
	if strings.Contains(second.Log.String(), "loaded the seed dataset") {
		t.Errorf("the second start loaded the seed again:\n%s", second.Log)
	}
	getJSON(t, second.URL+"/api/v1/years/2022", &year)
	if len(year.Targets) != 20 {
		t.Fatalf("after a second start 2022 has %d targets, want 20", len(year.Targets))
	}
	var project struct{ ID int64 }
	getJSON(t, second.URL+"/api/v1/projects/34", &project)
	resp, err = http.Get(second.URL + "/api/v1/projects/35")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if project.ID != 34 || resp.StatusCode != http.StatusNotFound {
		t.Errorf("after two starts there should be exactly 34 projects (project 35: status %d)", resp.StatusCode)
	}
}

func TestParseConfig(t *testing.T) {
	env := map[string]string{"SHUANGSHI_ADDR": ":9000", "SHUANGSHI_DB": "/srv/env.db"}
	tests := []struct {
		name     string
		args     []string
		getenv   func(string) string
		wantAddr string
		wantDB   string
	}{
		{"defaults", nil, func(string) string { return "" }, ":8080", "data/shuangshi.db"},
		{"environment", nil, func(k string) string { return env[k] }, ":9000", "/srv/env.db"},
		{"flags win over the environment", []string{"-addr", "127.0.0.1:1", "-db", "x.db"}, func(k string) string { return env[k] }, "127.0.0.1:1", "x.db"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseConfig(tc.args, tc.getenv, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.addr != tc.wantAddr || cfg.site.Source != tc.wantDB {
				t.Fatalf("got addr %q db %q, want %q %q", cfg.addr, cfg.site.Source, tc.wantAddr, tc.wantDB)
			}
		})
	}
	mail, err := parseConfig([]string{"-public-url", "https://shuangshi.example.gov.cn/", "-smtp-addr", "mail.example.gov.cn:587",
		"-smtp-from", "双十 <shuangshi@example.gov.cn>", "-smtp-user", "shuangshi", "-digest-hour", "7"},
		func(k string) string { return map[string]string{"SHUANGSHI_SMTP_PASSWORD": "secret"}[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if mail.site.PublicURL != "https://shuangshi.example.gov.cn" || mail.site.SMTP.Password != "secret" || mail.site.SMTP.Username != "shuangshi" || mail.site.DigestHour != 7 {
		t.Errorf("mail settings: %+v", mail)
	}
	for _, bad := range [][]string{
		{"-smtp-addr", "mail.example.gov.cn:25", "-smtp-from", "a@example.gov.cn"}, // no -public-url for the links
		{"-public-url", "https://x.example", "-smtp-addr", "mail.example.gov.cn", "-smtp-from", "a@example.gov.cn"},
		{"-public-url", "https://x.example", "-smtp-addr", "mail.example.gov.cn:25", "-smtp-from", "nobody"},
		{"-public-url", "ftp://x.example"},
		{"-public-url", "x.example"},
		{"-digest-hour", "24"},
		{"-digest-hour", "eight"},
		{"-pprof", ":6060"},         // every interface: anyone could profile the server
		{"-pprof", "10.0.0.5:6060"}, // another machine's reach
		{"-pprof", "localhost"},
	} {
		if _, err := parseConfig(bad, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}

	if profiled, err := parseConfig([]string{"-pprof", "127.0.0.1:6060"}, func(string) string { return "" }, io.Discard); err != nil || profiled.pprof != "127.0.0.1:6060" {
		t.Errorf("-pprof 127.0.0.1:6060: %+v, %v", profiled.pprof, err)
	}

	var help bytes.Buffer
	if _, err := parseConfig([]string{"-h"}, func(string) string { return "" }, &help); !errors.Is(err, flag.ErrHelp) || !strings.Contains(help.String(), "SHUANGSHI_DB") {
		t.Errorf("-h: err %v, usage %q", err, help.String())
	}
}

// TestStartFailuresExitWithStatus2 runs the real binary (this test binary,
// re-executed into main) and checks what a person sees on a failed start.
func TestStartFailuresExitWithStatus2(t *testing.T) {
	dir := t.TempDir()
	aFile := filepath.Join(dir, "a-file")
	if err := os.WriteFile(aFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	tests := []struct {
		name     string
		args     []string
		wantText string
	}{
		{"unknown flag", []string{"-port", "80"}, "flag provided but not defined: -port"},
		{"stray argument", []string{"serve"}, `unexpected argument "serve"`},
		{"database under a file", []string{"-db", filepath.Join(aFile, "x.db"), "-addr", "127.0.0.1:0"}, "a-file"},
		{"address in use", []string{"-db", filepath.Join(dir, "ok.db"), "-addr", busy.Addr().String()}, "address already in use"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tc.args...)
			cmd.Env = append(os.Environ(), "SHUANGSHI_RUN_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.Stdout = io.Discard
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("exit: %v, want status 2; stderr:\n%s", err, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.wantText) || !strings.HasPrefix(lines[0], "shuangshi: ") {
				t.Fatalf("stderr = %q, want one line naming %q", stderr.String(), tc.wantText)
			}
		})
	}
}
