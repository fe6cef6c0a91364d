package store_test

import (
	"bytes"
	"errors"
	"testing"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// Issue and revoke are written with their audit entries; the secret is
// nowhere in the database, only its hash and prefix; a revoked key leaves
// the live list and cannot be revoked twice.
func TestAPIKeyIssueRevokeAndAudit(t *testing.T) {
	s, fx := storetest.Open(t)
	key, prefix, hash := auth.NewAPIKey()
	k := &store.APIKey{Prefix: prefix, Hash: hash, Name: "IOC", Owner: "Sở KH&CN", Scope: auth.ScopeIndicatorsRead, CreatedBy: fx.Admin.ID}
	if err := s.CreateAPIKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	live, err := s.LiveAPIKeys(ctx)
	if err != nil || len(live) != 1 || !bytes.Equal(live[0].Hash, hash) || live[0].CreatorEmail != fx.Admin.Email || live[0].Revoked() {
		t.Fatalf("live keys %+v, %v", live, err)
	}
	dup := *k
	dup.Name = "again"
	if err := s.CreateAPIKey(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("the same prefix twice: %v", err)
	}
	bad := &store.APIKey{Prefix: "dxr_other", Hash: hash[:5], Name: "x", Scope: auth.ScopeIndicatorsRead}
	if err := s.CreateAPIKey(ctx, bad); err == nil {
		t.Error("a hash of 5 bytes was stored")
	}
	other := &store.APIKey{Prefix: "dxr_abcdefgh", Hash: make([]byte, 32), Name: "x", Scope: "indicators:write"}
	if err := s.CreateAPIKey(ctx, other); err == nil {
		t.Error("a key of another scope was stored")
	}
	if err := s.RevokeAPIKey(ctx, k.ID, fx.Admin.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, k.ID, fx.Admin.ID); !errors.Is(err, store.ErrConflict) {
		t.Errorf("revoked twice: %v", err)
	}
	if err := s.RevokeAPIKey(ctx, 999, fx.Admin.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking no key: %v", err)
	}
	if live, _ := s.LiveAPIKeys(ctx); len(live) != 0 {
		t.Errorf("a revoked key is live: %+v", live)
	}
	all, _ := s.APIKeys(ctx)
	if len(all) != 1 || !all[0].Revoked() {
		t.Errorf("keys %+v", all)
	}
	for _, action := range []string{"apikey.issue", "apikey.revoke"} {
		es, err := s.AuditEntries(ctx, action, 10)
		if err != nil || len(es) != 1 || es[0].UserID != fx.Admin.ID || bytes.Contains([]byte(es[0].Detail), []byte(key[len(prefix):])) {
			t.Errorf("audit of %s: %+v, %v", action, es, err)
		}
	}
	if err := s.TouchAPIKey(ctx, k.ID, fx.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.APIKeys(ctx); !all[0].LastUsedAt.IsZero() {
		t.Error("a revoked key's use was recorded")
	}
}
