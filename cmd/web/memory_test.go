package main

import (
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"testing"
	"time"

	"shuangshi/internal/auth"
)

// TestTheMemoryLimitMakesRoomForTheHashes: the limit is the site's own
// between sign-ins and while one hash runs, and makes room for an argon2id
// buffer for each further hash at once; the heap is collected before the
// first; under GOMEMLIMIT it is left alone.
func TestTheMemoryLimitMakesRoomForTheHashes(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	oldGC := debug.SetGCPercent(-1)
	debug.SetGCPercent(oldGC)
	t.Cleanup(func() { debug.SetMemoryLimit(old); debug.SetGCPercent(oldGC) })
	limit := func() int64 { return debug.SetMemoryLimit(-1) }

	reserve := tuneMemory(func(string) string { return "" })
	if got := limit(); got != memoryLimit {
		t.Fatalf("memory limit %d MiB between sign-ins, want %d MiB", got>>20, memoryLimit>>20)
	}
	var seen []int64
	hasher := auth.NewHasherWith(auth.HasherLimits{Slots: 2, MaxQueue: 2, MaxWait: time.Second, Reserve: func(b int64) {
		reserve(b)
		seen = append(seen, limit())
	}})
	if _, err := hasher.Hash(t.Context(), "a-good-password-1"); err != nil {
		t.Fatal(err)
	}
	want := []int64{memoryLimit, memoryLimit}
	if !slices.Equal(seen, want) {
		t.Errorf("memory limits during a hash and after: %v MiB, want %v", mib(seen), mib(want))
	}
	// The heap is collected before the first hash at once only.
	forced := func() uint64 {
		sample := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	seen = nil
	var collected []uint64
	for _, hashing := range []int64{auth.HashMemory, 2 * auth.HashMemory, auth.HashMemory, 0, auth.HashMemory, 0} {
		before := forced()
		reserve(hashing)
		seen = append(seen, limit())
		collected = append(collected, forced()-before)
	}
	want = []int64{memoryLimit, memoryLimit + auth.HashMemory, memoryLimit, memoryLimit, memoryLimit, memoryLimit}
	if !slices.Equal(seen, want) {
		t.Errorf("memory limits as one hash, two, one, none, one and none run: %v MiB, want %v", mib(seen), mib(want))
	}
	if want := []uint64{1, 0, 0, 0, 1, 0}; !slices.Equal(collected, want) {
		t.Errorf("collections forced as one hash, two, one, none, one and none run: %v, want %v", collected, want)
	}

	debug.SetMemoryLimit(old)
	if reserve := tuneMemory(func(name string) string { return map[string]string{"GOMEMLIMIT": "1GiB"}[name] }); reserve != nil || limit() != old {
		t.Errorf("under GOMEMLIMIT the limit was changed to %d MiB", limit()>>20)
	}
}

func mib(bytes []int64) []int64 {
	out := make([]int64, len(bytes))
	for i, b := range bytes {
		out[i] = b >> 20
	}
	return out
}
