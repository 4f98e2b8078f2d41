package notify

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// Sealer keeps the robots' keys and secrets unreadable in the database
// (and in its backups and dumps): AES-256-GCM with a key derived (HKDF)
// from each session key. The session keys are the site's one secret
// already kept apart from the database (a file of mode 0600, or
// SHUANGSHI_SESSION_KEYS); a value is sealed with the newest and opened
// with any, so a rotation of the session keys loses nothing as long as the
// server starts once with the new key in front before the old one is
// removed: Outbox.Reseal seals again what an older key sealed.
type Sealer struct {
	aeads []cipher.AEAD // newest first
}

// sealPrefix marks a sealed value and the scheme that sealed it.
const sealPrefix = "v1:"

// ErrUnsealable is a sealed value none of the keys opens: the key that
// sealed it was removed. The robot's key must be entered again.
var ErrUnsealable = errors.New("sealed with a key the site no longer has")

// NewSealer derives a sealing key from each session key, newest first.
// With no keys it seals nothing (values are stored as given): only for
// tests of what does not need it.
func NewSealer(sessionKeys [][]byte) (*Sealer, error) {
	s := &Sealer{}
	for _, k := range sessionKeys {
		derived, err := hkdf.Key(sha256.New, k, nil, "shuangshi notice channel secrets v1", 32)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(derived)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// Seal seals a value for the column named field (so that a value cannot
// be moved to another column and opened there). "" stays "".
func (s *Sealer) Seal(field, value string) string {
	if value == "" || s == nil || len(s.aeads) == 0 {
		return value
	}
	aead := s.aeads[0]
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, []byte(value), []byte(field))
	return sealPrefix + base64.RawURLEncoding.EncodeToString(sealed)
}

// Open opens a value Seal sealed, and reports whether it was sealed with
// an older key than the newest (it should be sealed again). A value stored
// unsealed (no keys when it was stored) comes back as it is. It returns
// ErrUnsealable when no key opens it.
func (s *Sealer) Open(field, stored string) (value string, stale bool, err error) {
	rest, sealed := strings.CutPrefix(stored, sealPrefix)
	if !sealed {
		return stored, s != nil && len(s.aeads) > 0 && stored != "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || s == nil {
		return "", false, ErrUnsealable
	}
	for i, aead := range s.aeads {
		if len(raw) < aead.NonceSize() {
			break
		}
		plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(field))
		if err == nil {
			return string(plain), i > 0, nil
		}
	}
	return "", false, ErrUnsealable
}
