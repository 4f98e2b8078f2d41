// Package backups keeps copies of the SQLite database: the server claims
// its database so that nothing replaces it underneath; it takes a copy a
// day into a folder and keeps the newest few; and a copy can be restored
// once the server has stopped, after it has been checked.
package backups

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"shuangshi/internal/database"
)

// ErrInUse is returned by Restore and Claim while a server uses the
// database.
var ErrInUse = errors.New("a server is using the database: stop it first")

// Claim marks the database at dbPath as used by this process until
// release is called (or the process ends, even by a crash). It returns
// ErrInUse when another process holds it.
func Claim(dbPath string) (release func(), err error) {
	f, err := os.OpenFile(dbPath+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	// flock is released by the kernel when the process ends, however it
	// ends: a killed server leaves no stale claim behind.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrInUse
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}

// Restore replaces the database at dbPath with the copy at from, after
// checking the copy (database.VerifyFile: a copy whose schema is not its
// version's is refused with a *database.SchemaError). It returns ErrInUse
// while a server uses the database. The database it replaces is kept
// beside it, named with the time, and its name is returned ("" when there
// was none). The restored database and the kept one are readable by their
// owner only.
func Restore(ctx context.Context, from, dbPath string, now time.Time) (keptAs string, err error) {
	release, err := Claim(dbPath)
	if err != nil {
		return "", err
	}
	defer release()
	if _, err := database.VerifyFile(ctx, from); err != nil {
		return "", err
	}

	// The copy goes next to the database first, so that the last step is
	// a rename within one folder: the database is the old one or the new
	// one, never half of each.
	incoming := dbPath + ".restoring"
	if err := CopyFile(from, incoming); err != nil {
		os.Remove(incoming)
		return "", err
	}
	if _, err := os.Stat(dbPath); err == nil {
		keptAs = dbPath + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		// The WAL and its index go with the file they belong to.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			err := os.Rename(dbPath+suffix, keptAs+suffix)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return "", fmt.Errorf("keep the current database: %w", err)
			}
			// A database made by an older version may be readable by
			// others; what is kept of it is not.
			if err := os.Chmod(keptAs+suffix, ownerOnly); err != nil {
				return "", fmt.Errorf("keep the current database: %w", err)
			}
		}
	}
	if err := os.Rename(incoming, dbPath); err != nil {
		return keptAs, err
	}
	return keptAs, sync(filepath.Dir(dbPath))
}

// Take writes a copy of the database to dest (which must not exist) while
// it is in use, makes sure the copy and its name are on disk, and checks
// it. It returns the copy's schema version.
func Take(ctx context.Context, db *database.DB, dest string) (int64, error) {
	if err := db.CopyTo(ctx, dest); err != nil {
		return 0, err
	}
	if err := sync(dest); err != nil {
		return 0, err
	}
	if err := sync(filepath.Dir(dest)); err != nil {
		return 0, err
	}
	version, err := database.VerifyFile(ctx, dest)
	if err != nil {
		return 0, fmt.Errorf("the copy %s does not check out: %w", dest, err)
	}
	return version, nil
}

// ownerOnly is the mode of every file that holds the database: it holds
// password hashes and the security log.
const ownerOnly = 0o600

// CopyFile copies a closed database file, or any file, and flushes the
// copy to disk. The copy is readable by its owner only, even when to
// existed with another mode (a copy left by an interrupted restore).
func CopyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, ownerOnly)
	if err != nil {
		return err
	}
	// An existing file keeps its mode through O_TRUNC.
	if err := dst.Chmod(ownerOnly); err != nil {
		dst.Close()
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// sync flushes a file, or a folder's entries, to disk.
func sync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Keeper takes a copy of the database into Dir once every Every, and keeps
// the newest Keep of them.
type Keeper struct {
	DB    *database.DB
	Dir   string
	Keep  int
	Every time.Duration
	Now   func() time.Time
	Log   *slog.Logger
}

// namePrefix and nameSuffix frame the time in a backup's file name; the
// names sort in the order the copies were taken.
const (
	namePrefix = "shuangshi-"
	nameSuffix = ".db"
	nameTime   = "20060102T150405Z"
)

// Run takes the copies until ctx ends, checking every checkInterval
// whether one is due: a copy is due when the newest is older than Every,
// however long the server was down meanwhile.
func (k *Keeper) Run(ctx context.Context, checkInterval time.Duration) {
	tick := time.NewTicker(checkInterval)
	defer tick.Stop()
	for {
		if path, err := k.BackUpIfDue(ctx); err != nil {
			k.Log.Error("daily backup failed; it is tried again later", "dir", k.Dir, "error", err)
		} else if path != "" {
			k.Log.Info("daily backup taken", "file", path)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// BackUpIfDue takes a copy if the newest is older than Every, then removes
// all but the newest Keep. It returns the new copy's path, or "". The
// folder is made, or kept, readable by its owner only (mode 0700), and so
// are the copies in it (0600), those that older versions took included;
// one it cannot change is logged and the copy still taken.
func (k *Keeper) BackUpIfDue(ctx context.Context) (string, error) {
	if err := os.MkdirAll(k.Dir, 0o700); err != nil {
		return "", err
	}
	taken, err := k.Taken()
	if err != nil {
		return "", err
	}
	// A folder that is not the keeper's to change (another owner's) does
	// not stop the copies, which are the owner's only.
	if err := k.tighten(taken); err != nil && k.Log != nil {
		k.Log.Warn("the backup folder or a copy in it can be read by others", "dir", k.Dir, "error", err)
	}
	now := k.Now().UTC()
	if len(taken) > 0 && now.Sub(taken[len(taken)-1].At) < k.Every {
		return "", nil
	}
	path := filepath.Join(k.Dir, namePrefix+now.Format(nameTime)+nameSuffix)
	var drift *database.SchemaError
	switch _, err := Take(ctx, k.DB, path); {
	case errors.As(err, &drift):
		// The copy is the database as it is: the database itself was
		// changed by hand (an index added, say). Copies are still worth
		// keeping, but restore will refuse them until it is put right.
		if k.Log != nil {
			k.Log.Error("the database's schema is not its version's: restore will refuse its copies until the schema is put right",
				"copy", path, "error", err)
		}
	case err != nil:
		return "", err
	}
	taken = append(taken, Copy{Path: path, At: now})
	for len(taken) > max(k.Keep, 1) {
		if err := os.Remove(taken[0].Path); err != nil {
			return path, err
		}
		taken = taken[1:]
	}
	return path, nil
}

// tighten takes from the folder and from the copies any permission for
// others than their owner: the folder and the copies are the keeper's
// own, and a folder that others may read would show them the copies'
// names, a copy they may read every password hash. It returns the first
// error, having tried every path.
func (k *Keeper) tighten(taken []Copy) error {
	paths := []string{k.Dir}
	for _, c := range taken {
		paths = append(paths, c.Path)
	}
	var first error
	for _, path := range paths {
		info, err := os.Stat(path)
		if err == nil && info.Mode().Perm()&0o077 != 0 {
			err = os.Chmod(path, info.Mode().Perm()&0o700)
		}
		if err != nil && first == nil {
			first = fmt.Errorf("make %s readable by its owner only: %w", path, err)
		}
	}
	return first
}

// Copy is one backup in the folder.
type Copy struct {
	Path string
	At   time.Time
}

// Taken lists the copies in the folder, oldest first. Files that are not
// named as the keeper names them are left alone.
func (k *Keeper) Taken() ([]Copy, error) {
	entries, err := os.ReadDir(k.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var copies []Copy
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), namePrefix)
		stamp, ok2 := strings.CutSuffix(stamp, nameSuffix)
		if !ok || !ok2 || !e.Type().IsRegular() {
			continue
		}
		at, err := time.Parse(nameTime, stamp)
		if err != nil {
			continue
		}
		copies = append(copies, Copy{Path: filepath.Join(k.Dir, e.Name()), At: at})
	}
	slices.SortFunc(copies, func(a, b Copy) int { return a.At.Compare(b.At) })
	return copies, nil
}
