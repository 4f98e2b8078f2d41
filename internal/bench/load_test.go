package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestDriveCountsWhatTheServerAnswered: every request made in the measured
// time is counted once, as a success or as a failure, and none made in the
// warm-up is.
func TestDriveCountsWhatTheServerAnswered(t *testing.T) {
	var answered atomic.Int64
	measuring := atomic.Bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if measuring.Load() {
			answered.Add(1)
		}
		if r.URL.Query().Get("fail") != "" {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		w.Write([]byte("hello"))
	}))
	defer srv.Close()
	// The first of every five requests of a worker fails: a worker that
	// gets to run at all on a busy machine makes one.
	next := func(_, i int) (*http.Request, error) {
		u := srv.URL
		if i%5 == 0 {
			u += "?fail=1"
		}
		return http.NewRequest(http.MethodGet, u, nil)
	}

	// The warm-up's requests reach the server before measuring starts.
	Drive(context.Background(), srv.Client(), Load{Concurrency: 4, Warmup: 50 * time.Millisecond}, next, nil)
	measuring.Store(true)
	r := Drive(context.Background(), srv.Client(), Load{Concurrency: 4, Duration: time.Second}, next, nil)

	if got := int64(r.Requests + r.Failures); got != answered.Load() {
		t.Errorf("%d requests and failures counted, the server answered %d", got, answered.Load())
	}
	if r.Failures == 0 || r.FirstFail != "500 Internal Server Error" {
		t.Errorf("failures %d (%q), want one in five requests as 500 Internal Server Error", r.Failures, r.FirstFail)
	}
	if r.Bytes != len("hello") || r.P50 <= 0 || r.P99 < r.P50 {
		t.Errorf("bytes %d, p50 %s, p99 %s", r.Bytes, r.P50, r.P99)
	}
}

// TestCombineAddsSpellsUp: a scenario driven in spells reports the sums of
// its requests and time, and percentiles of all its requests together.
func TestCombineAddsSpellsUp(t *testing.T) {
	ms := time.Millisecond
	fast := Result{Elapsed: time.Second, Failures: 1, FirstFail: "first", latencies: []time.Duration{1 * ms, 1 * ms, 2 * ms}}.summarized()
	slow := Result{Elapsed: time.Second, Failures: 2, FirstFail: "second", latencies: []time.Duration{9 * ms}}.summarized()
	r := Combine(fast, slow)
	if r.Requests != 4 || r.Failures != 3 || r.FirstFail != "first" || r.Elapsed != 2*time.Second {
		t.Errorf("combined %+v", r)
	}
	if r.RequestsPerSecond() != 2 || r.P50 != 2*ms || r.P99 != 9*ms || r.Mean != 13*ms/4 {
		t.Errorf("%.1f/s, p50 %s, p99 %s, mean %s; want 2/s, 2ms, 9ms, 3.25ms", r.RequestsPerSecond(), r.P50, r.P99, r.Mean)
	}
}
