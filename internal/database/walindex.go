package database

import (
	"bytes"
	"errors"
	"os"
	"sync"
)

// walIndex watches the header of SQLite's WAL-index, the -shm file beside
// the database, which every commit rewrites, in whatever process it is
// made. While the header is as it was before the versions were last read,
// nothing was committed since, and the versions are as that read found
// them: a page that is kept can be answered without a statement, where
// the read of the versions was the tenth of a kept page's time.
//
// The header is SQLite's, described for the unix VFS in "WAL-mode File
// Format" (https://sqlite.org/walformat.html, 2.1 The WAL-Index Header):
// two copies of 48 bytes at the start of the file, the second written
// before the first on every change, so that a reader who finds them equal
// (and isInit, byte 12, set) has read a whole header. A header read while
// it changes, or not read at all, is no answer: the versions are then
// read as before. The file stays the same while the database is open:
// SQLite deletes it only when the last connection to the database
// closes, and the checkpoints' connection is held open until Close.
type walIndex struct {
	file *os.File

	mu       sync.Mutex
	header   [walIndexHeaderSize]byte // as it was before versions were read
	versions Versions
	known    bool
}

// walIndexHeaderSize is the two copies of the WAL-index header.
const walIndexHeaderSize = 2 * 48

// watchWALIndex opens the WAL-index of the SQLite database at path, which
// its open connections have made; nil when it cannot be read.
func watchWALIndex(path string) *walIndex {
	f, err := os.Open(path + "-shm")
	if err != nil {
		return nil
	}
	return &walIndex{file: f}
}

// readHeader reads the header as it is now; ok is false when it was not
// read whole.
func (w *walIndex) readHeader() (header [walIndexHeaderSize]byte, ok bool) {
	if _, err := w.file.ReadAt(header[:], 0); err != nil {
		return header, false
	}
	first, second := header[:48], header[48:]
	const isInit = 12
	return header, first[isInit] == 1 && bytes.Equal(first, second)
}

// unchanged returns the versions last remembered, when the header is the
// one they were remembered with.
func (w *walIndex) unchanged(header [walIndexHeaderSize]byte) (Versions, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.versions, w.known && w.header == header
}

// remember keeps versions read after the header was read: they are as new
// as the state the header stands for, or newer.
func (w *walIndex) remember(header [walIndexHeaderSize]byte, versions Versions) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.header, w.versions, w.known = header, versions, true
}

// Close closes the WAL-index. It must come after SQLite's connections to
// the database are closed: closing a descriptor of a file releases all
// the POSIX locks the process holds on it, SQLite's included (see
// DB.Close).
func (w *walIndex) Close() error {
	if err := w.file.Close(); !errors.Is(err, os.ErrClosed) { // DB.Close may be called again
		return err
	}
	return nil
}
