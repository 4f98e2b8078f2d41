// Package clocktest is a clock that tests move by hand, for code that
// takes its time from a func() time.Time. It imports nothing of the site,
// so that any package's tests may use it.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a clock stopped at a time until a test moves it. Requests may
// read it while the test moves it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New is a clock stopped at now.
func New(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set stops the clock at now.
func (c *Clock) Set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}
