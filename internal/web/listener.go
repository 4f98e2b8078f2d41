package web

import (
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"
)

// ConnLimits bounds the connections a server keeps open, so that no client
// can take every file handle the process has: each connection is one, and
// the database needs its own.
type ConnLimits struct {
	// PerClient bounds the connections open from one client's network
	// (see ClientNetwork).
	PerClient int
	// Total bounds the connections open from everyone.
	Total int
	// Exempt are the networks whose connections count only towards the
	// total: the trusted reverse proxies, through which every reader comes.
	Exempt []*net.IPNet
}

// LimitConnections returns a listener that accepts from ln only within the
// limits. A connection over a limit is closed at once, before anything is
// read from it; the first of those, and then a count at most once a
// minute, is logged.
func LimitConnections(ln net.Listener, limits ConnLimits, log *slog.Logger) net.Listener {
	return &limitedListener{Listener: ln, limits: limits, log: log, open: map[netip.Prefix]int{}}
}

type limitedListener struct {
	net.Listener
	limits ConnLimits
	log    *slog.Logger

	mu    sync.Mutex
	open  map[netip.Prefix]int // by client, for the clients that are not exempt
	total int
	// refused counts the connections closed over a limit since the last
	// log line about them, which was at loggedAt.
	refused  int
	loggedAt time.Time
}

// refusalLogEvery is how often, at most, refused connections are logged.
const refusalLogEvery = time.Minute

func (l *limitedListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		client, exempt := l.clientOf(conn.RemoteAddr())
		if l.admit(client, exempt) {
			return &countedConn{Conn: conn, release: func() { l.release(client, exempt) }}, nil
		}
		conn.Close()
	}
}

// clientOf is the client a connection is counted under, and whether it is
// exempt from the limit per client.
func (l *limitedListener) clientOf(addr net.Addr) (client netip.Prefix, exempt bool) {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return netip.Prefix{}, true // not a network client: a Unix socket
	}
	for _, n := range l.limits.Exempt {
		if n.Contains(tcp.IP) {
			return netip.Prefix{}, true
		}
	}
	ip, _ := netip.AddrFromSlice(tcp.IP)
	return ClientNetwork(ip), false
}

// ClientNetwork is the part of a client's address that one party controls:
// the whole IPv4 address, or the /64 network of an IPv6 address, since
// anyone with one IPv6 address has the 2^64 around it.
func ClientNetwork(ip netip.Addr) netip.Prefix {
	ip = ip.Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	network, _ := ip.Prefix(bits)
	return network
}

func (l *limitedListener) admit(client netip.Prefix, exempt bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	over := ""
	switch {
	case l.total >= l.limits.Total:
		over = "total"
	case !exempt && l.open[client] >= l.limits.PerClient:
		over = "per client"
	}
	if over == "" {
		l.total++
		if !exempt {
			l.open[client]++
		}
		return true
	}
	l.refused++
	if now := time.Now(); l.loggedAt.IsZero() || now.Sub(l.loggedAt) >= refusalLogEvery {
		l.log.Warn("connections refused over the limit", "limit", over, "client", client.Addr().String(),
			"refused", l.refused, "open", l.total, "per_client_limit", l.limits.PerClient, "total_limit", l.limits.Total)
		l.refused, l.loggedAt = 0, now
	}
	return false
}

func (l *limitedListener) release(client netip.Prefix, exempt bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if exempt {
		return
	}
	if l.open[client]--; l.open[client] <= 0 {
		delete(l.open, client)
	}
}

// countedConn gives its place back when it is closed, once.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite lets net/http half-close a TCP connection before closing it,
// so that an answer to a refused request is not lost to a reset.
func (c *countedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
