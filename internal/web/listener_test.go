package web

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"
)

// TestConnectionLimits accepts connections from two loopback addresses
// through the limits: one address gets its share and no more, the exempt
// network only counts towards the total, and a closed connection gives
// its place back.
func TestConnectionLimits(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxy := &net.IPNet{IP: net.IPv4(127, 0, 0, 3), Mask: net.CIDRMask(32, 32)}
	ln := LimitConnections(inner, ConnLimits{PerClient: 2, Total: 5, Exempt: []*net.IPNet{proxy}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer ln.Close()
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()

	// dial connects from the address and reports whether the server kept
	// the connection: it either hands it to Accept's caller, or closes it
	// at once, which the client reads as the end of the stream. Nothing
	// is sent on an accepted connection, so the client's read waits.
	var clients []net.Conn
	dial := func(from string) (kept bool, server net.Conn) {
		t.Helper()
		c, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}).Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
		closed := make(chan error, 1)
		go func() {
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err := c.Read(make([]byte, 1))
			closed <- err
		}()
		select {
		case s := <-accepted:
			return true, s
		case err := <-closed:
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("a connection from %s was neither accepted nor closed within 10 s", from)
			}
			return false, nil
		}
	}
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()

	steps := []struct {
		from string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.0.0.1", true},
		{"127.0.0.1", false}, // its share is 2
		{"127.0.0.2", true},
		{"127.0.0.3", true}, // the proxy: the total only
		{"127.0.0.3", true},
		{"127.0.0.2", false}, // the total of 5 is reached
	}
	var first net.Conn
	for i, s := range steps {
		kept, server := dial(s.from)
		if kept != s.want {
			t.Fatalf("step %d, from %s: kept %v, want %v", i, s.from, kept, s.want)
		}
		if i == 0 {
			first = server
		}
	}
	first.Close()
	first.Close() // twice: the place is given back once
	if kept, _ := dial("127.0.0.2"); !kept {
		t.Error("after a connection closed, a new one was refused")
	}
	if kept, _ := dial("127.0.0.2"); kept {
		t.Error("a closed connection gave its place back twice")
	}
}

func TestClientNetwork(t *testing.T) {
	for _, tc := range []struct{ ip, want string }{
		{"10.0.0.5", "10.0.0.5/32"},
		{"::ffff:10.0.0.5", "10.0.0.5/32"},
		{"2001:db8:1:2::a", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
	} {
		if got := ClientNetwork(netip.MustParseAddr(tc.ip)).String(); got != tc.want {
			t.Errorf("ClientNetwork(%s) = %s, want %s", tc.ip, got, tc.want)
		}
	}
}
