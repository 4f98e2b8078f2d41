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

// DefaultAccountThrottle slows guessing at one account: five tries, then 1,
// 2, 4 … minutes up to an hour.
var DefaultAccountThrottle = ThrottleRule{FreeFailures: 5, FirstDelay: time.Minute, MaxDelay: time.Hour, Forget: 24 * time.Hour}

// DefaultAddressThrottle slows one address trying many accounts. It allows
// more, because a whole office may sign in from one address.
var DefaultAddressThrottle = ThrottleRule{FreeFailures: 20, FirstDelay: time.Minute, MaxDelay: time.Hour, Forget: 24 * time.Hour}

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
