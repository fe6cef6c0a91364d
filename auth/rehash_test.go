package auth

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// A hash made with the former default (m=64 MiB, t=1, p=2) verifies under
// the current hasher (its parameters are in the PHC string) and is marked
// for a new hash; one made with the current parameters is not. Anything
// unreadable also asks for a new hash.
func TestOlderHashesVerifyAndAskForANewHash(t *testing.T) {
	ctx := context.Background()
	former, err := NewHasher(Argon2Params{Time: 1, Memory: 64 * 1024, Threads: 2}, 1).Hash(ctx, "mật khẩu cũ đủ dài")
	if err != nil {
		t.Fatal(err)
	}
	h := NewHasher(DefaultArgon2, DefaultConcurrency)
	if ok, err := h.Verify(ctx, "mật khẩu cũ đủ dài", former); !ok || err != nil {
		t.Fatalf("former default: %v %v", ok, err)
	}
	if !h.NeedsRehash(former) {
		t.Error("a hash of the former default is not marked for a new one")
	}
	current, err := h.Hash(ctx, "mật khẩu cũ đủ dài")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(current, "$argon2id$v=19$m=12288,t=3,p=1$") || h.NeedsRehash(current) {
		t.Errorf("current hash %s", current)
	}
	if !h.NeedsRehash("not a hash") {
		t.Error("an unreadable hash is not marked for a new one")
	}
}

// The attack: a stored hash asking for a cost beyond the bounds (m=4 GiB,
// m=1 GiB, which the former bound of 1 GiB let run, 11 passes, 9 lanes) is
// refused before any memory is taken: verifying it allocates next to
// nothing, where running it would take the gigabyte.
func TestAbsurdStoredCostIsRefusedNotRun(t *testing.T) {
	h := NewHasher(DefaultArgon2, 1)
	const tail = "$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	for _, cost := range []string{"m=4194304,t=1,p=1", "m=1048576,t=1,p=1", "m=65537,t=1,p=1", "m=19456,t=11,p=1", "m=19456,t=2,p=9"} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ok, err := h.Verify(context.Background(), "x", "$argon2id$v=19$"+cost+tail)
		runtime.ReadMemStats(&after)
		if ok || !errors.Is(err, ErrHashFormat) {
			t.Errorf("%s: %v %v", cost, ok, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: %d bytes allocated: the hash ran", cost, grew)
		}
	}
	// At the bound, it runs (the former default's memory).
	if _, err := h.Verify(context.Background(), "x", "$argon2id$v=19$m=65536,t=1,p=2"+tail); err != nil {
		t.Errorf("m=64 MiB refused: %v", err)
	}
}
