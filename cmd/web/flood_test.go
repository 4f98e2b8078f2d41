package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOneClientCannotTakeEveryConnection holds far more idle keep-alive
// connections from one address than the server has file handles, then asks
// for pages from a second address: they are answered, and /healthz says
// the database is fine. The server's own file limit is set low, so that
// the flood would reach it.
func TestOneClientCannotTakeEveryConnection(t *testing.T) {
	if testing.Short() {
		t.Skip("holds a thousand connections")
	}
	const serverFiles = 512
	flood := 3 * serverFiles
	var own syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &own); err != nil {
		t.Fatal(err)
	}
	if own.Cur < uint64(flood)+256 {
		t.Skipf("this process may open %d files; the flood needs %d", own.Cur, flood+256)
	}
	srv := startChildWithFileLimit(t, filepath.Join(t.TempDir(), "site.db"), serverFiles)
	addr := strings.TrimPrefix(srv.url, "http://")

	// The flood: each connection asks for a page, reads the answer and
	// stays open, as a browser's idle keep-alive connection does.
	attacker := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, Timeout: 2 * time.Second}
	var held []net.Conn
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	answered := 0
	for range flood {
		c, err := attacker.Dial("tcp", addr)
		if err != nil {
			continue // refused by the kernel's backlog or the server
		}
		held = append(held, c)
		if keepAlive(c, addr) {
			answered++
		}
	}
	t.Logf("%d connections from 127.0.0.1 tried, %d answered", flood, answered)
	if answered == 0 {
		t.Fatal("no connection of the flood was answered at all")
	}

	// Another reader, from another address, meanwhile.
	other := &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{DialContext: (&net.Dialer{
			LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 2 * time.Second,
		}).DialContext},
	}
	for _, path := range []string{"/healthz", "/", "/years/2023"} {
		began := time.Now()
		resp, err := other.Get(srv.url + path)
		t.Logf("GET %s from 127.0.0.2: %v", path, time.Since(began))
		if err != nil {
			t.Fatalf("GET %s from a second address while one address holds %d connections: %v", path, len(held), err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s from a second address: status %d, want 200", path, resp.StatusCode)
		}
	}
	if rss := peakMemory(t, srv.cmd.Process.Pid); rss > 150<<20 {
		t.Errorf("the server's peak RSS is %d MB, want under 150 MB", rss>>20)
	} else {
		t.Logf("the server's peak RSS: %d MB", rss>>20)
	}
}

// keepAlive asks for /healthz on c and reads the answer, leaving the
// connection open; it reports whether the answer came.
func keepAlive(c net.Conn, host string) bool {
	c.SetDeadline(time.Now().Add(2 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", host); err != nil {
		return false
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// TestLongAddressesAndHeadersCostTheLogLittle sends megabyte addresses and
// headers, as four clients did at 62 MB of log a second: they are refused
// with 431 before any handler, and what the log keeps of an address that
// is let in is bounded.
func TestLongAddressesAndHeadersCostTheLogLittle(t *testing.T) {
	srv := startServer(t, filepath.Join(t.TempDir(), "site.db"), "-backups", "off")
	before := len(srv.Log.String())
	send := func(path string, header http.Header) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = header
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	huge := strings.Repeat("a", 1<<20)
	for range 4 {
		if got := send("/years/2023?q="+huge, nil); got != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("a 1 MB address: status %d, want 431", got)
		}
		if got := send("/", http.Header{"X-Padding": {huge}}); got != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("a 1 MB header: status %d, want 431", got)
		}
	}
	// Just within the limit on headers: answered, and logged in part.
	if got := send("/years/2023?q="+strings.Repeat("b", 20<<10), nil); got != http.StatusOK {
		t.Errorf("a 20 kB address: status %d, want 200", got)
	}
	if grew := len(srv.Log.String()) - before; grew > 4<<10 {
		t.Errorf("nine requests with 8 MB of address and headers grew the log by %d bytes", grew)
	}
}
