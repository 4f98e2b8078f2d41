package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// keySize is the length of one session key: 32 bytes to sign the cookie
// (HMAC-SHA256) and 32 to encrypt it (AES-256).
const keySize = 64

// LoadKeys returns the session keys, newest first. When value is not empty
// (an environment variable) it holds them, separated by commas or
// newlines. Otherwise they are read from the file at path, which is created
// with one new key and mode 0600 when missing. Each key is base64 of 64
// random bytes; cookies are signed with the first and accepted with any, so
// a new key put in front of the old ones signs nobody out.
func LoadKeys(path, value string) ([][]byte, error) {
	if value == "" {
		info, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			if err := writeKeys(path, nil); err != nil {
				return nil, err
			}
			info, err = os.Stat(path)
		}
		if err != nil {
			return nil, fmt.Errorf("session keys: %w", err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("session keys: %s can be read by others (mode %04o); run chmod 600 on it", path, info.Mode().Perm())
		}
		buf, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("session keys: %w", err)
		}
		value = string(buf)
	}
	var keys [][]byte
	for _, line := range strings.Split(value, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, item := range strings.Split(line, ",") {
			if item = strings.TrimSpace(item); item == "" {
				continue
			}
			key, err := base64.StdEncoding.DecodeString(item)
			if err != nil || len(key) != keySize {
				return nil, fmt.Errorf("session keys: each key must be base64 of %d bytes", keySize)
			}
			keys = append(keys, key)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("session keys: none given")
	}
	return keys, nil
}

// RotateKeys puts a new key in front of those in the file at path: new
// sessions are signed with it, existing ones stay valid. Remove an old key
// from the end of the file once the sessions it signed have expired (after
// seven days).
func RotateKeys(path string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("session keys: %w", err)
	}
	return writeKeys(path, old)
}

// writeKeys writes a new key followed by the old contents, atomically and
// readable by the owner only.
func writeKeys(path string, old []byte) error {
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	content := "# Session keys, newest first (see the README). Keep this file secret.\n" +
		base64.StdEncoding.EncodeToString(key) + "\n"
	for _, line := range strings.Split(string(old), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			content += line + "\n"
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("session keys: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".session-keys-*")
	if err != nil {
		return fmt.Errorf("session keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// keyPairs splits each key into the signing and encryption halves that
// gorilla/sessions takes.
func keyPairs(keys [][]byte) [][]byte {
	var pairs [][]byte
	for _, k := range keys {
		pairs = append(pairs, k[:32], k[32:])
	}
	return pairs
}

// randomToken returns 128 bits or more of randomness as text fit for a URL.
func randomToken() string { return rand.Text() }
