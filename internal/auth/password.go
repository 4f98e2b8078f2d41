package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime"

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

// Hasher hashes and checks passwords. Each hash takes 19 MiB and tens of
// milliseconds by design, so a burst of sign-ins waits for a free slot
// instead of taking the server's memory.
type Hasher struct {
	slots chan struct{}
	// dummy is a hash of a random password, checked when a sign-in names
	// no account, so that an unknown username costs as long as a wrong
	// password and the timing does not tell which accounts exist.
	dummy string
}

// NewHasher returns a hasher that runs at most one hash per CPU at a time.
func NewHasher() (*Hasher, error) {
	h := &Hasher{slots: make(chan struct{}, runtime.NumCPU())}
	dummy, err := h.Hash(context.Background(), rand.Text())
	if err != nil {
		return nil, err
	}
	h.dummy = dummy
	return h, nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC-format argon2id hash of password with a fresh salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
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
// unknown account: the check runs against the dummy hash and fails.
func (h *Hasher) Verify(ctx context.Context, password, hash string) (bool, error) {
	known := hash != ""
	if !known {
		hash = h.dummy
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	match, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return false, fmt.Errorf("check password: %w", err)
	}
	return match && known, nil
}
