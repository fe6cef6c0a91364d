package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Meta keys.
const (
	MetaDemo = "demo" // set to the demo seed when the demo province is loaded
	// MetaDeviceKey is the secret (hex) that signs sign-in device cookies;
	// made at the first sign-in, kept across restarts so the cookies stay good.
	MetaDeviceKey = "device_cookie_key"
)

// SetMeta stores a key's value.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.w.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	return mapErr("set meta "+key, err)
}

// MetaOrSet returns key's value, storing value first when key is unset:
// the first caller's value wins, and every caller gets it.
func (s *Store) MetaOrSet(ctx context.Context, key, value string) (string, error) {
	if _, err := s.w.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, value); err != nil {
		return "", mapErr("set meta "+key, err)
	}
	var v string
	err := s.w.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	return v, mapErr("meta "+key, err)
}

// Meta returns a key's value, or "" when unset.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, mapErr("meta "+key, err)
}

// Empty reports whether the registry holds no firms and no users: a new
// database that the demo may be seeded into.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM firms) + (SELECT COUNT(*) FROM users)").Scan(&n)
	return n == 0, mapErr("empty", err)
}

// Backup writes a consistent copy of the live database to out (which must
// not exist) with VACUUM INTO a temporary name, checks the copy with
// PRAGMA integrity_check, and only then renames it into place.
func (s *Store) Backup(ctx context.Context, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("store: backup: %s already exists", out)
	}
	tmp := out + ".partial"
	os.Remove(tmp)
	if _, err := s.r.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := checkIntegrity(ctx, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, out)
}

func checkIntegrity(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("store: integrity check of backup: %s", res)
	}
	return nil
}
