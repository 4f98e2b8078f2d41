package database

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestASharedReadIsNeverOlderThanItsCaller: every caller sees each write
// made before it called, while callers at the same moment share reads.
func TestASharedReadIsNeverOlderThanItsCaller(t *testing.T) {
	var value, reads atomic.Int64
	s := newSharedRead(func(context.Context) (Versions, error) {
		reads.Add(1)
		v := value.Load()
		time.Sleep(200 * time.Microsecond) // a read takes a while, as a query does
		return Versions{Record: v}, nil
	})
	stop := make(chan struct{})
	go func() { // the writer
		for {
			select {
			case <-stop:
				return
			default:
				value.Add(1)
				time.Sleep(50 * time.Microsecond)
			}
		}
	}()
	const callers, each = 32, 200
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				before := value.Load()
				got, err := s.get(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				if got.Record < before {
					t.Errorf("read %d, older than the %d written before the call", got.Record, before)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	t.Logf("%d calls, %d reads", callers*each, reads.Load())
	if reads.Load() >= callers*each/2 {
		t.Errorf("%d reads for %d calls: callers at the same moment should share them", reads.Load(), callers*each)
	}
}

// TestACallerStopsWaitingForASharedRead: a caller whose request ends
// does not wait for the read it joined.
func TestACallerStopsWaitingForASharedRead(t *testing.T) {
	unblock := make(chan struct{})
	s := newSharedRead(func(context.Context) (Versions, error) {
		<-unblock
		return Versions{Record: 1}, nil
	})
	defer close(unblock)
	go s.get(context.Background()) // the running read
	for {
		s.mu.Lock()
		running := s.running
		s.mu.Unlock()
		if running {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.get(ctx); err != context.DeadlineExceeded {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
}
