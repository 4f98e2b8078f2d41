package bench

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Load is how hard and how long a scenario is driven.
type Load struct {
	Concurrency int
	Warmup      time.Duration // requests made and not counted
	Duration    time.Duration // requests counted
}

// Request makes the next request of one worker; worker is its number,
// from 0, and i counts its requests.
type Request func(worker, i int) (*http.Request, error)

// Check looks at an answer; an error counts the request as failed. body
// is the whole body as sent (still compressed, if it was).
type Check func(worker int, resp *http.Response, body []byte) error

// Result is what one scenario measured.
type Result struct {
	Requests  int
	Failures  int
	FirstFail string // what the first failure was, to tell why
	Elapsed   time.Duration
	P50, P99  time.Duration
	Mean      time.Duration
	Bytes     int // the size of a response body, as sent

	latencies []time.Duration // of the counted requests, sorted
}

// RequestsPerSecond is the throughput of the counted requests.
func (r Result) RequestsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Drive runs load.Concurrency workers, each making requests one after
// another on its own kept-alive connection, for the warm-up and then for
// the measured duration. Every answer must be 2xx and pass check.
func Drive(ctx context.Context, client *http.Client, load Load, next Request, check Check) Result {
	workers := make([]Result, load.Concurrency) // each worker's, combined at the end
	start := time.Now()
	measureFrom := start.Add(load.Warmup)
	end := measureFrom.Add(load.Duration)
	var wg sync.WaitGroup
	for w := range load.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &workers[w]
			s.latencies = make([]time.Duration, 0, 1<<16)
			// One buffer per worker, reused: the load generator shares the
			// machine's two cores with the server, and its garbage is the
			// server's lost time.
			var buf bytes.Buffer
			for i := 0; ; i++ {
				if time.Now().After(end) || ctx.Err() != nil {
					return
				}
				failure := ""
				// What next does to make the request (such as a write the
				// request is to follow) is not the request's time.
				req, err := next(w, i)
				began := time.Now()
				var body []byte
				if err == nil {
					var resp *http.Response
					resp, err = client.Do(req.WithContext(ctx))
					if err == nil {
						buf.Reset()
						_, err = buf.ReadFrom(resp.Body)
						body = buf.Bytes()
						resp.Body.Close()
						if err == nil && (resp.StatusCode < 200 || resp.StatusCode > 299) {
							failure = resp.Status
						} else if err == nil && check != nil {
							err = check(w, resp, body)
						}
					}
				}
				if err != nil {
					failure = err.Error()
				}
				took := time.Since(began)
				if began.Before(measureFrom) {
					continue
				}
				if failure != "" {
					s.Failures++
					if s.FirstFail == "" {
						s.FirstFail = failure
					}
					continue
				}
				s.latencies = append(s.latencies, took)
				s.Bytes = len(body)
			}
		}()
	}
	wg.Wait()
	r := Combine(workers...)
	r.Elapsed = time.Since(measureFrom) // the workers ran side by side, not one after another
	return r
}

// Combine adds up the results of one scenario driven in several spells.
func Combine(spells ...Result) Result {
	var r Result
	for _, s := range spells {
		r.latencies = append(r.latencies, s.latencies...)
		r.Failures += s.Failures
		if r.FirstFail == "" {
			r.FirstFail = s.FirstFail
		}
		r.Elapsed += s.Elapsed
		r.Bytes = max(r.Bytes, s.Bytes)
	}
	return r.summarized()
}

// summarized fills in the figures computed from the latencies.
func (r Result) summarized() Result {
	r.Requests = len(r.latencies)
	if r.Requests == 0 {
		return r
	}
	slices.Sort(r.latencies)
	var sum time.Duration
	for _, d := range r.latencies {
		sum += d
	}
	r.Mean = sum / time.Duration(r.Requests)
	r.P50 = r.latencies[r.Requests*50/100]
	r.P99 = r.latencies[min(r.Requests-1, r.Requests*99/100)]
	return r
}
