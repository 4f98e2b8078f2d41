package database

import (
	"context"
	"sync"
	"time"
)

// sharedRead lets callers at the same moment share one read of a value
// that any write may change. Each caller gets the result of a read that
// began after it called, so it sees every write committed before; but the
// callers that come while a read is running wait for the next one
// together, so thirty-two callers at once cost two reads, not
// thirty-two.
type sharedRead struct {
	read func(context.Context) (int64, error)

	mu      sync.Mutex
	running bool
	next    *pendingRead // the read that the callers who came during the running one wait for
}

type pendingRead struct {
	done  chan struct{}
	value int64
	err   error
}

// readTimeout bounds a shared read, which no single caller's context may
// cancel for the others.
const readTimeout = 10 * time.Second

func (s *sharedRead) get(ctx context.Context) (int64, error) {
	s.mu.Lock()
	if !s.running {
		// Nobody is reading: read now, in this caller.
		s.running = true
		s.mu.Unlock()
		value, err := s.read(ctx)
		s.finished()
		return value, err
	}
	p := s.next
	if p == nil {
		p = &pendingRead{done: make(chan struct{})}
		s.next = p
	}
	s.mu.Unlock()
	select {
	case <-p.done:
		return p.value, p.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// finished ends the running read, and starts the one that callers are
// waiting for, if any.
func (s *sharedRead) finished() {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.next
	if p == nil {
		s.running = false
		return
	}
	s.next = nil
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		p.value, p.err = s.read(ctx)
		cancel()
		close(p.done)
		s.finished()
	}()
}
