package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
)

// passwordParams are OWASP's recommended argon2id settings (Password
// Storage Cheat Sheet): 19 MiB of memory, 2 iterations, 1 lane.
var passwordParams = argon2id.Params{
	Memory:      19 * 1024,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// HashMemory is the memory one password hash holds while it runs, in bytes:
// argon2id's memory parameter.
const HashMemory = int64(19 << 20)

// ErrBusy refuses a password check or hash when every hashing slot is
// taken and the queue for them is full, or the wait for one ran out. It is
// answered at once with 503 and Retry-After rather than queued further.
var ErrBusy = errors.New("password hashing is busy")

// Priority says who goes first when every hashing slot is taken.
type Priority int

// The priorities: a browser that has signed in to the account before, or a
// user who is signed in, goes before a sign-in from anywhere else, so that
// a flood of guesses from strangers does not hold up the staff.
const (
	Ordinary Priority = iota
	Preferred
)

// HasherLimits bound the hashing work: how many hashes run at once, how many
// requests of each priority may wait for a slot, and how long one waits.
type HasherLimits struct {
	Slots    int
	MaxQueue int
	MaxWait  time.Duration
	// Reserve, when set, is told the memory the hashes under way hold
	// (HashMemory each) whenever it changes, so that the process's memory
	// limit can make room for them while they run and only then.
	Reserve func(bytes int64)
}

// DefaultHasherLimits runs one hash per CPU the Go runtime uses, up to
// maxHashSlots, and lets four requests per slot wait up to a second: at
// tens of milliseconds a hash, a request let into the queue is served
// within a fraction of a second, and one that is not is told so at once.
func DefaultHasherLimits() HasherLimits {
	slots := min(runtime.GOMAXPROCS(0), maxHashSlots)
	return HasherLimits{Slots: slots, MaxQueue: 4 * slots, MaxWait: time.Second}
}

// maxHashSlots bounds the hashes that run at once on a machine of many
// CPUs: four sign-ins at a time serve a district's staff many times over,
// and each holds 19 MiB while it runs.
const maxHashSlots = 4

// Hasher hashes and checks passwords. Each hash takes 19 MiB and tens of
// milliseconds by design, so hashes run in a few slots; a request waits for
// a free slot in a bounded queue, for a bounded time, and is refused with
// ErrBusy beyond either.
type Hasher struct {
	limits HasherLimits
	mu     sync.Mutex
	free   int
	// waiting holds, for each priority, a channel per waiting request,
	// oldest first; closing it hands that request a slot.
	waiting [2][]chan struct{}
}

// unknownAccount is the hash a sign-in that names no account is checked
// against, so that an unknown username costs as long as a wrong password
// and the timing does not tell which accounts exist. It is the hash of a
// random password, thrown away, with passwordParams (which
// TestTheUnknownAccountHashCostsWhatAPasswordDoes holds it to). Made once
// here rather than at every start: a hash at start held 19 MiB, a fifth
// of the server's peak memory in the benchmark.
const unknownAccount = "$argon2id$v=19$m=19456,t=2,p=1$3CwO1MEMXx9GAKU35Jz7cQ$J9DwK4J8RS7QvoezEMkJOiqtCMZd+wKuRxoi+JuNpJ4"

// NewHasher returns a hasher with DefaultHasherLimits.
func NewHasher() *Hasher { return NewHasherWith(DefaultHasherLimits()) }

// NewHasherWith returns a hasher with the given limits.
func NewHasherWith(limits HasherLimits) *Hasher {
	limits.Slots = max(limits.Slots, 1)
	return &Hasher{limits: limits, free: limits.Slots}
}

// acquire takes a slot: at once if one is free and nobody waits, else after
// waiting in the queue of its priority. It returns ErrBusy when that queue
// is full or the wait runs out, and the context's error when it ends first.
func (h *Hasher) acquire(ctx context.Context, p Priority) error {
	h.mu.Lock()
	if h.free > 0 && len(h.waiting[Preferred])+len(h.waiting[Ordinary]) == 0 {
		h.free--
		h.reserve()
		h.mu.Unlock()
		return nil
	}
	if len(h.waiting[p]) >= h.limits.MaxQueue {
		h.mu.Unlock()
		return ErrBusy
	}
	ready := make(chan struct{})
	h.waiting[p] = append(h.waiting[p], ready)
	h.mu.Unlock()

	timer := time.NewTimer(h.limits.MaxWait)
	defer timer.Stop()
	var err error
	select {
	case <-ready:
		return nil
	case <-timer.C:
		err = ErrBusy
	case <-ctx.Done():
		err = ctx.Err()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-ready:
		// The slot came at the same moment as the refusal: take it.
		return nil
	default:
	}
	if i := slices.Index(h.waiting[p], ready); i >= 0 {
		h.waiting[p] = slices.Delete(h.waiting[p], i, i+1)
	}
	return err
}

// release hands the slot to the oldest waiting request of the highest
// priority, or frees it.
func (h *Hasher) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, p := range []Priority{Preferred, Ordinary} {
		if q := h.waiting[p]; len(q) > 0 {
			close(q[0]) // the slot goes to it as it is
			h.waiting[p] = slices.Delete(q, 0, 1)
			return
		}
	}
	h.free++
	h.reserve()
}

// reserve tells Reserve what the hashes under way hold. The caller holds
// h.mu, so that the calls come in the order the slots changed.
func (h *Hasher) reserve() {
	if h.limits.Reserve != nil {
		h.limits.Reserve(int64(h.limits.Slots-h.free) * HashMemory)
	}
}

// Hash returns the PHC-format argon2id hash of password with a fresh salt.
// A new password comes from a signed-in user, the setup link or the command
// line, so it goes before sign-ins from strangers. It returns ErrBusy when
// no slot came free in time.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx, Preferred); err != nil {
		return "", err
	}
	defer h.release()
	p := passwordParams
	hash, err := argon2id.CreateHash(password, &p)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}

// Verify reports whether password matches hash. An empty hash stands for an
// unknown account: the check runs against unknownAccount and fails. It
// returns ErrBusy when no slot came free in time.
func (h *Hasher) Verify(ctx context.Context, password, hash string, p Priority) (bool, error) {
	if err := h.acquire(ctx, p); err != nil {
		return false, err
	}
	defer h.release()
	return h.verify(password, hash)
}

// verify is Verify with a slot already held.
func (h *Hasher) verify(password, hash string) (bool, error) {
	known := hash != ""
	if !known {
		hash = unknownAccount
	}
	match, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return false, fmt.Errorf("check password: %w", err)
	}
	return match && known, nil
}
