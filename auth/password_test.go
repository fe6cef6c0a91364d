package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
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

// The same Vietnamese passphrase, composed (NFC: Unikey "Unicode dựng sẵn",
// Windows) and decomposed (NFD: base letters and combining marks, Unikey
// "Unicode tổ hợp", macOS).
const (
	passNFC = "m\u1EADt kh\u1EA9u \u0111\u1EE7 d\u00E0i"                 // "mật khẩu đủ dài"
	passNFD = "ma\u0323\u0302t kha\u0302\u0309u \u0111u\u0309 da\u0300i" // the same, decomposed
)

// A passphrase set from one keyboard signs in from the other, both ways.
func TestPasswordIsNormalisedToNFC(t *testing.T) {
	if passNFC == passNFD || NormalizePassword(passNFD) != passNFC {
		t.Fatalf("the pair is not one passphrase in two forms: %q %q", passNFC, passNFD)
	}
	h := NewHasher(cheap, 2)
	ctx := context.Background()
	for _, set := range []string{passNFC, passNFD} {
		phc, err := h.Hash(ctx, set)
		if err != nil {
			t.Fatal(err)
		}
		for _, typed := range []string{passNFC, passNFD} {
			if ok, err := h.Verify(ctx, typed, phc); !ok || err != nil {
				t.Errorf("set as %+q, typed as %+q: refused (%v)", set, typed, err)
			}
		}
		if ok, _ := h.Verify(ctx, "ma\u0323\u0302t kha\u0302\u0309u \u0111u\u0309 da\u0300y", phc); ok {
			t.Errorf("a different decomposed passphrase was accepted")
		}
	}
}

// A hash made before normalisation, from decomposed input as typed, still
// verifies with that input (tried after its NFC form fails).
func TestHashOfRawDecomposedInputStillVerifies(t *testing.T) {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(passNFD), salt, cheap.Time, cheap.Memory, cheap.Threads, 32)
	b64 := base64.RawStdEncoding
	legacy := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, cheap.Memory, cheap.Time, cheap.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
	h := NewHasher(cheap, 1)
	if ok, err := h.Verify(context.Background(), passNFD, legacy); !ok || err != nil {
		t.Fatalf("a legacy hash of NFD input no longer verifies: %v", err)
	}
}

// Length counts letters, not combining marks: nine letters typed
// decomposed (thirteen code points) are still too short, and the list
// check sees the same normal form.
func TestCheckPasswordCountsNormalisedLetters(t *testing.T) {
	nine := "a\u0323\u0302a\u0323\u0302a\u0323\u0302a\u0323\u0302abcde" // "ậậậậabcde"
	if err := CheckPassword(nine, nine); !errors.Is(err, ErrPasswordShort) {
		t.Errorf("nine letters typed decomposed: %v, want ErrPasswordShort", err)
	}
	if err := CheckPassword(passNFD, passNFC); err != nil {
		t.Errorf("the same passphrase typed in two forms does not confirm: %v", err)
	}
	if IsCommonPassword(passNFD) != IsCommonPassword(passNFC) {
		t.Errorf("the list check tells the two forms apart")
	}
}

// A change to the same password, in either Unicode form, is refused; a
// different one, and the other problems first, are not hidden by it.
func TestCheckChangedPasswordRefusesTheCurrentOne(t *testing.T) {
	nfc, nfd := "mật khẩu đủ dài", "ma\u0323\u0302t kha\u0302\u0309u \u0111u\u0309 da\u0300i"
	for _, c := range []struct {
		current, pw, confirm string
		want                 error
	}{
		{nfc, nfc, nfc, ErrPasswordSame},
		{nfc, nfd, nfd, ErrPasswordSame},
		{nfc, "một mật khẩu khác", "một mật khẩu khác", nil},
		{nfc, nfc, "khác", ErrPasswordMismatch},
		{"short", "short", "short", ErrPasswordShort},
	} {
		if got := CheckChangedPassword(c.current, c.pw, c.confirm); got != c.want {
			t.Errorf("CheckChangedPassword(%q, %q, %q) = %v, want %v", c.current, c.pw, c.confirm, got, c.want)
		}
	}
}
