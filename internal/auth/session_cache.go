package auth

import (
	"context"
	"sync"
	"time"
)

// sessionCache keeps the sessions read from the database, each with its
// user, while the sessions version (database.Versions.Sessions) stays
// where it was when they were read: every ended session and every changed
// account moves it, on whichever server, so a request is never let in by a
// session ended before it was made. A signed-in request then reads the
// version, which requests at the same moment share, instead of its session.
type sessionCache struct {
	version func(context.Context) (int64, error) // nil reads every session

	mu       sync.Mutex
	at       int64 // the version the sessions were read at
	sessions map[string]sessionAndUser
}

type sessionAndUser struct {
	record sessionRecord
	user   User
}

// maxCachedSessions bounds the sessions kept: a district's staff are far
// fewer; more are read from the database, as before.
const maxCachedSessions = 10_000

func newSessionCache(version func(context.Context) (int64, error)) *sessionCache {
	return &sessionCache{version: version, sessions: map[string]sessionAndUser{}}
}

// session returns the session id and its user, from memory when nothing
// that ends sessions has changed since it was read, or else by read.
func (sc *sessionCache) session(ctx context.Context, id string, read func() (sessionRecord, User, error)) (sessionRecord, User, error) {
	if sc.version == nil {
		return read()
	}
	// Read before the session: a session read after the version is at
	// least as new as the version says.
	version, err := sc.version(ctx)
	if err != nil {
		return sessionRecord{}, User{}, err
	}
	sc.mu.Lock()
	if version == sc.at {
		if known, ok := sc.sessions[id]; ok {
			sc.mu.Unlock()
			return known.record, known.user, nil
		}
	}
	sc.mu.Unlock()

	rec, user, err := read()
	if err != nil {
		return rec, user, err
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if version < sc.at {
		return rec, user, nil
	}
	if version > sc.at || len(sc.sessions) >= maxCachedSessions {
		sc.at, sc.sessions = version, map[string]sessionAndUser{}
	}
	sc.sessions[id] = sessionAndUser{record: rec, user: user}
	return rec, user, nil
}

// seen records that the session made a request at, as the database now
// says too.
func (sc *sessionCache) seen(id string, at time.Time) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if known, ok := sc.sessions[id]; ok {
		known.record.SeenAt = at
		sc.sessions[id] = known
	}
}

// forget drops a session this server has ended: the version its end moved
// is read by the next request, but this server need not wait for it.
func (sc *sessionCache) forget(id string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.sessions, id)
}
