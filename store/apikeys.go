package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// APIKey is a key of the IOC feed (auth/apikey.go): its secret is never
// stored, only its SHA-256 (Hash) and its first characters (Prefix).
type APIKey struct {
	ID           int64
	Prefix       string // "dxr_" and 8 characters: names the key, finds its row
	Hash         []byte
	Name         string
	Owner        string // who it is for, a note
	Scope        string // auth.ScopeIndicatorsRead
	CreatedBy    int64  // 0: the command line
	CreatorEmail string
	CreatedAt    time.Time
	LastUsedAt   time.Time // zero: never
	RevokedAt    time.Time // zero: live
}

// Revoked reports whether the key no longer opens the API.
func (k *APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

const apiKeyCols = `k.id, k.prefix, k.secret_hash, k.name, k.owner, k.scope, COALESCE(k.created_by, 0), COALESCE(u.email, ''),
	k.created_at, k.last_used_at, k.revoked_at FROM api_keys k LEFT JOIN users u ON u.id = k.created_by `

func scanAPIKey(row interface{ Scan(...any) error }) (*APIKey, error) {
	var k APIKey
	var used, revoked sql.NullTime
	if err := row.Scan(&k.ID, &k.Prefix, &k.Hash, &k.Name, &k.Owner, &k.Scope, &k.CreatedBy, &k.CreatorEmail,
		&k.CreatedAt, &used, &revoked); err != nil {
		return nil, err
	}
	k.CreatedAt, k.LastUsedAt, k.RevokedAt = k.CreatedAt.UTC(), used.Time.UTC(), revoked.Time.UTC()
	if !used.Valid {
		k.LastUsedAt = time.Time{}
	}
	if !revoked.Valid {
		k.RevokedAt = time.Time{}
	}
	return &k, nil
}

// CreateAPIKey stores k (Prefix, Hash, Name, Owner, Scope, CreatedBy) and
// audits its issue in the same transaction ("apikey.issue", with the
// prefix, name and owner: never the secret). It fills k.ID and
// k.CreatedAt. ErrConflict if its prefix or hash is taken.
func (s *Store) CreateAPIKey(ctx context.Context, k *APIKey) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var by any
		if k.CreatedBy != 0 {
			by = k.CreatedBy
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO api_keys (prefix, secret_hash, name, owner, scope, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, k.Prefix, k.Hash, k.Name, k.Owner, k.Scope, by, now)
		if err != nil {
			return mapErr("create api key", err)
		}
		if k.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		k.CreatedAt = now
		return writeAudit(ctx, tx, now, []AuditEntry{{UserID: k.CreatedBy, Action: "apikey.issue",
			Subject: "apikey:" + strconv.FormatInt(k.ID, 10), Detail: fmt.Sprintf("%s %q for %q (%s)", k.Prefix, k.Name, k.Owner, k.Scope)}})
	})
}

// RevokeAPIKey revokes key id for good and audits it ("apikey.revoke") in
// the same transaction. ErrNotFound when there is no such key;
// ErrConflict when it is revoked already.
func (s *Store) RevokeAPIKey(ctx context.Context, id, by int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var prefix string
		var revoked sql.NullTime
		err := tx.QueryRowContext(ctx, "SELECT prefix, revoked_at FROM api_keys WHERE id = ?", id).Scan(&prefix, &revoked)
		if err != nil {
			return mapErr(fmt.Sprintf("revoke api key %d", id), err)
		}
		if revoked.Valid {
			return fmt.Errorf("store: api key %d revoked already: %w", id, ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE api_keys SET revoked_at = ? WHERE id = ?", now, id); err != nil {
			return mapErr("revoke api key", err)
		}
		return writeAudit(ctx, tx, now, []AuditEntry{{UserID: by, Action: "apikey.revoke",
			Subject: "apikey:" + strconv.FormatInt(id, 10), Detail: prefix}})
	})
}

// APIKeys lists every key, live or revoked, newest first.
func (s *Store) APIKeys(ctx context.Context) ([]*APIKey, error) {
	return s.findAPIKeys(ctx, "ORDER BY k.id DESC")
}

// LiveAPIKeys lists the keys that are not revoked: what the API accepts.
func (s *Store) LiveAPIKeys(ctx context.Context) ([]*APIKey, error) {
	return s.findAPIKeys(ctx, "WHERE k.revoked_at IS NULL ORDER BY k.id")
}

func (s *Store) findAPIKeys(ctx context.Context, where string) ([]*APIKey, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+apiKeyCols+where)
	if err != nil {
		return nil, mapErr("api keys", err)
	}
	var out []*APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			rows.Close()
			return nil, mapErr("api keys", err)
		}
		out = append(out, k)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// TouchAPIKey records that key id was used at at. The API calls it at
// most once a minute a key, never once a request.
func (s *Store) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	_, err := s.w.ExecContext(ctx, "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL", at.UTC(), id)
	if err != nil {
		return fmt.Errorf("store: touch api key %d: %w", id, err)
	}
	return nil
}
