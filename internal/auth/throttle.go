package auth

import "time"

// ThrottleRule says how failed sign-ins slow down further attempts under one
// key (an account, or a client address).
type ThrottleRule struct {
	// FreeFailures is how many failures pass before any delay.
	FreeFailures int
	// FirstDelay is the wait after the failure that reaches FreeFailures;
	// each further failure doubles it.
	FirstDelay time.Duration
	// MaxDelay caps the wait.
	MaxDelay time.Duration
	// Forget is how long after the last failure the count starts again.
	Forget time.Duration
}

// Delay returns how long sign-in stays refused after the given number of
// failures in a row.
func (r ThrottleRule) Delay(failures int) time.Duration {
	if failures < r.FreeFailures || r.FreeFailures <= 0 {
		return 0
	}
	d := r.FirstDelay
	for i := r.FreeFailures; i < failures; i++ {
		d *= 2
		if d >= r.MaxDelay {
			return r.MaxDelay
		}
	}
	return min(d, r.MaxDelay)
}
