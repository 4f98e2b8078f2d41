package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Build compiles the site's command into dir and returns the binary's path.
func Build(ctx context.Context, dir string) (string, error) {
	bin := dir + "/shuangshi"
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/web")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/web: %w", err)
	}
	return bin, nil
}

// Server is the site's binary running on a database, as a separate process.
type Server struct {
	URL     string
	cmd     *exec.Cmd
	StartUp time.Duration // from starting the process to the first healthy answer
	log     *os.File
}

// Start runs bin on db at a free loopback port, with extra flags, and
// waits until /healthz answers. Its log goes to logPath.
func Start(ctx context.Context, bin, db, logPath string, extra ...string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	// No daily copy: taking one at start would run beside the measuring.
	args := append([]string{"-db", db, "-addr", addr, "-backups", "off"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	began := time.Now()
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, log: log}
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.StartUp = time.Since(began)
				return s, nil
			}
		}
		if time.Since(began) > 30*time.Second || ctx.Err() != nil {
			s.Stop()
			return nil, fmt.Errorf("the server on %s did not become healthy; its log is %s", db, logPath)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// PeakRSS is the most memory the server process has held resident so far
// (VmHWM), in bytes.
func (s *Server) PeakRSS() (int64, error) {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// ResetPeakRSS sets the process's peak resident memory (VmHWM) back to
// what it holds now (Linux's clear_refs, 5), so that PeakRSS tells the
// peak of what follows.
func (s *Server) ResetPeakRSS() error {
	return os.WriteFile("/proc/"+strconv.Itoa(s.cmd.Process.Pid)+"/clear_refs", []byte("5"), 0)
}

// Stop ends the server with SIGTERM, as a service manager would, and waits.
func (s *Server) Stop() error {
	defer s.log.Close()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		return errors.New("the server did not stop within 20 s of SIGTERM")
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
