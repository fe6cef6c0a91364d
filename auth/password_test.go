package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cheap parameters keep the tests fast; the format and logic are the same.
var cheap = Argon2Params{Time: 1, Memory: 64, Threads: 1}

func TestHashVerify(t *testing.T) {
	h := NewHasher(cheap, 2)
	ctx := context.Background()
	phc, err := h.Hash(ctx, "mật khẩu rất dài")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("phc = %s", phc)
	}
	if ok, err := h.Verify(ctx, "mật khẩu rất dài", phc); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := h.Verify(ctx, "mật khẩu rất dàI", phc); ok {
		t.Fatal("wrong password accepted")
	}
	phc2, _ := h.Hash(ctx, "mật khẩu rất dài")
	if phc2 == phc {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	h := NewHasher(cheap, 1)
	for _, phc := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=64,t=1,p=1$!!$a2V5"} {
		if _, err := h.Verify(context.Background(), "x", phc); !errors.Is(err, ErrHashFormat) {
			t.Errorf("Verify(%q) err = %v", phc, err)
		}
	}
}

func TestHasherCapsConcurrency(t *testing.T) {
	h := NewHasher(Argon2Params{Time: 1, Memory: 4 * 1024, Threads: 1}, 2)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := h.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			running.Add(-1)
			h.release()
		})
	}
	wg.Wait()
	if peak.Load() != 2 {
		t.Fatalf("peak concurrency %d, want 2", peak.Load())
	}
	// A full hasher gives up when the caller's context ends.
	h.sem <- struct{}{}
	h.sem <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "abcdefghijk"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckPasswordAndEmail(t *testing.T) {
	if CheckPassword("short", "short") != ErrPasswordShort ||
		CheckPassword(strings.Repeat("a", 201), strings.Repeat("a", 201)) != ErrPasswordLong ||
		CheckPassword("long enough 1", "long enough 2") != ErrPasswordMismatch ||
		CheckPassword("đủ dài rồi nhé", "đủ dài rồi nhé") != nil {
		t.Fatal("password policy")
	}
	if e, err := NormalizeEmail("  An@Example.VN "); err != nil || e != "an@example.vn" {
		t.Fatalf("NormalizeEmail = %q %v", e, err)
	}
	for _, bad := range []string{"", "an", "an@", "An <an@x.vn>", "a b@x.vn"} {
		if _, err := NormalizeEmail(bad); err != ErrEmailInvalid {
			t.Errorf("NormalizeEmail(%q) err = %v", bad, err)
		}
	}
}

func BenchmarkHashDefault(b *testing.B) {
	h := NewHasher(DefaultArgon2, 2)
	for b.Loop() {
		if _, err := h.Hash(context.Background(), "correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}
