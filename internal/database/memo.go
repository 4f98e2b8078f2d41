package database

import (
	"context"
	"sync"
)

// Memo keeps what read returns as of one version of the record (see
// DataVersion): what many requests ask and only a change of the record
// changes, such as the years of the lists or the number of changes waiting
// for review, read once per version rather than once per request. Each Get
// reads the version first, a read shared by the requests that ask at the
// same moment, so no value is older than a write already acknowledged, on
// this server or another.
type Memo[T any] struct {
	db   *DB
	read func(context.Context) (T, error)

	mu      sync.Mutex
	version int64
	value   T
	kept    bool
}

// NewMemo returns a memo of read on db.
func NewMemo[T any](db *DB, read func(context.Context) (T, error)) *Memo[T] {
	return &Memo[T]{db: db, read: read}
}

// Get returns the value as of the record's version now: kept, or read and
// kept.
func (m *Memo[T]) Get(ctx context.Context) (T, error) {
	version, err := m.db.DataVersion(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	m.mu.Lock()
	if m.kept && m.version == version {
		value := m.value
		m.mu.Unlock()
		return value, nil
	}
	m.mu.Unlock()
	// Read after the version: the value is of that version or newer,
	// never older. Two reads at once may both read; the newer keeps.
	value, err := m.read(ctx)
	if err != nil {
		return value, err
	}
	m.mu.Lock()
	if !m.kept || version >= m.version {
		m.version, m.value, m.kept = version, value, true
	}
	m.mu.Unlock()
	return value, nil
}
