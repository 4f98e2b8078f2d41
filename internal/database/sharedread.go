package database

import (
	"context"
	"sync"
	"time"
)

// sharedRead lets callers at the same moment share one read of a value
// that any write may change. Each caller gets the result of a read that
// began after it called, so it sees every write committed before; but
// callers that come while a read is running, or about to begin, wait for
// the same next one.
type sharedRead struct {
	read func(context.Context) (Versions, error)
	now  func() time.Time

	mu        sync.Mutex
	running   bool
	next      *pendingRead // the read that begins next, which new callers join
	lastBegan time.Time
}

type pendingRead struct {
	done  chan struct{}
	value Versions
	err   error
}

const (
	// readTimeout bounds a shared read, which no single caller's context
	// may cancel for the others.
	readTimeout = 10 * time.Second
	// When callers come often (a read began less than busyWithin ago),
	// the first waits gather before reading, for others to join: at 32
	// requests at once, a read then served four callers instead of one
	// and a third with 50 µs, and the kept pages gained a twentieth of
	// the static file's throughput with 200 µs (issue 19). An idle server
	// reads at once.
	gather     = 200 * time.Microsecond
	busyWithin = time.Millisecond
)

func newSharedRead(read func(context.Context) (Versions, error)) *sharedRead {
	return &sharedRead{read: read, now: time.Now}
}

func (s *sharedRead) get(ctx context.Context) (Versions, error) {
	s.mu.Lock()
	if p := s.next; p != nil {
		s.mu.Unlock()
		return p.wait(ctx)
	}
	p := &pendingRead{done: make(chan struct{})}
	s.next = p
	if s.running {
		// It begins when the running one ends.
		s.mu.Unlock()
		return p.wait(ctx)
	}
	s.running = true
	busy := s.now().Sub(s.lastBegan) < busyWithin
	s.mu.Unlock()
	if busy {
		time.Sleep(gather)
	}
	s.begin(ctx, p)
	return p.value, p.err
}

// begin makes the next read, in the caller's goroutine, and then starts
// the one that callers are waiting for by then, if any.
func (s *sharedRead) begin(ctx context.Context, p *pendingRead) {
	s.mu.Lock()
	s.next = nil // callers from now on wait for a later read
	s.lastBegan = s.now()
	s.mu.Unlock()

	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readTimeout)
	p.value, p.err = s.read(readCtx)
	cancel()
	close(p.done)

	s.mu.Lock()
	defer s.mu.Unlock()
	if next := s.next; next != nil {
		go s.begin(ctx, next)
		return
	}
	s.running = false
}

func (p *pendingRead) wait(ctx context.Context) (Versions, error) {
	select {
	case <-p.done:
		return p.value, p.err
	case <-ctx.Done():
		return Versions{}, ctx.Err()
	}
}
