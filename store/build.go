package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Build creates the database at path whole or not at all. fill runs on a
// fresh store at path+".building" (files left there by an earlier build
// that died are removed first), opened with Options.Bulk, since nobody
// else opens that file; the store is then closed, which
// checkpoints its write-ahead log into the file and deletes the log, the
// file is synced, and only then renamed to path, in one step. A crash or
// an error part-way leaves path as it was and at most the temporary file,
// which the next Build removes; an error removes it at once.
//
// An existing file at path is replaced: the caller has checked that
// nothing in it is worth keeping. It must not be open anywhere: Build
// refuses when path's write-ahead log exists, since that log would be
// replayed onto the new file.
func Build(ctx context.Context, path string, opt Options, fill func(*Store) error) error {
	tmp := path + ".building"
	if err := removeDB(tmp); err != nil {
		return fmt.Errorf("store: build: %w", err)
	}
	if err := checkNotOpen(path); err != nil {
		return err
	}
	if err := buildAt(ctx, tmp, opt, fill); err != nil {
		return errors.Join(err, removeDB(tmp))
	}
	if err := syncFile(tmp); err != nil {
		return errors.Join(fmt.Errorf("store: build: %w", err), removeDB(tmp))
	}
	// A shared-memory index left by the old file describes the old file.
	if err := os.Remove(path + "-shm"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: build: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("store: build: %w", err)
	}
	return syncFile(filepath.Dir(path))
}

// buildAt fills a new store at tmp and closes it, making sure the closed
// file holds everything: no write-ahead log may be left beside it.
func buildAt(ctx context.Context, tmp string, opt Options, fill func(*Store) error) error {
	opt.Bulk = true
	st, err := Open(ctx, tmp, opt)
	if err != nil {
		return err
	}
	if err := fill(st); err != nil {
		st.Close()
		return err
	}
	// The built file is served with a write-ahead log, as Open would set.
	if _, err := st.w.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
		st.Close()
		return fmt.Errorf("store: build: %w", err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("store: build: close: %w", err)
	}
	if info, err := os.Stat(tmp + "-wal"); err == nil && info.Size() > 0 {
		return fmt.Errorf("store: build: %s-wal was not checkpointed into the file", tmp)
	}
	return nil
}

// checkNotOpen refuses a database whose write-ahead log exists, which
// means it is open (or was not closed cleanly); a log without its
// database is a stale leftover and is removed.
func checkNotOpen(path string) error {
	if _, err := os.Stat(path + "-wal"); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return os.Remove(path + "-wal")
	}
	return fmt.Errorf("store: build: %s is open elsewhere or was not closed cleanly (%s-wal exists); stop the other process first", path, path)
}

// removeDB removes a database file with its log and shared-memory index.
func removeDB(path string) error {
	var errs []error
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// syncFile flushes a file or directory to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
