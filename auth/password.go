package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// NormalizePassword is the one form of a password that is hashed, verified
// and checked against the common-password list: Unicode NFC (NIST SP
// 800-63B §5.1.1.2). A Vietnamese passphrase is the same password whether
// the keyboard sends composed letters ("ậ", Unikey's "Unicode dựng sẵn",
// Windows) or a base letter and combining marks ("a" + U+0323 + U+0302,
// Unikey's "Unicode tổ hợp", macOS). NFC rather than NFKC: it only joins
// what is canonically the same, and never folds look-alikes (full-width
// letters, ligatures) that a user typed on purpose.
func NormalizePassword(pw string) string { return norm.NFC.String(pw) }

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultArgon2 is OWASP's third recommended argon2id setting (m=12 MiB,
// t=3, p=1; OWASP counts its five settings, m=46 MiB t=1 to m=7 MiB t=5,
// equal in defence, trading memory for passes), chosen for the server's
// budget of 200 MB at 68,000 firms under load. Go's collector lets a hash's
// memory be garbage for a while after it ends, so a burst of sign-ups holds
// several times m: on the project machine, a server signing up 64 firms at
// once peaked at 205-212 MB with this setting against 262-302 MB at m=19 MiB,
// t=2 and (128 at once) 676 MB at the former RFC 9106 choice (m=64 MiB, t=1,
// p=2); two hashes alone, 52 MB against 81-100 and 265 MB
// (docs/PERFORMANCE.md, issue 14). A hash costs what m=19 MiB, t=2 costs (36 against 38 MiB of
// passes), 20-60 ms of one core. Hashes made with other parameters keep
// verifying (theirs are in the PHC string) and are made anew at the next
// sign-in (NeedsRehash).
var DefaultArgon2 = Argon2Params{Time: 3, Memory: 12 * 1024, Threads: 1}

// DefaultConcurrency is how many hashes the server runs at once: one per
// core of the project machine, 2 × 12 MiB. One at a time held as little
// memory at m=19 MiB (204 MB) but took twice as long to sign up a burst.
const DefaultConcurrency = 2

// The largest cost a stored hash may ask for: the most the portal has ever
// written (m=64 MiB, the former default), at most 10 passes and 8 lanes.
// A hash asking for more is refused before any memory is taken, so a row
// changed in the database (m=4 GiB) cannot exhaust the server.
const (
	maxStoredMemory  = 64 * 1024 // KiB
	maxStoredTime    = 10
	maxStoredThreads = 8
)

// ErrHashFormat means a stored hash is not a PHC argon2id string.
var ErrHashFormat = errors.New("auth: malformed password hash")

// Hasher hashes and verifies passwords with argon2id. At most its capacity
// of hashes run at once, because each one takes Params.Memory of RAM: a burst
// of logins must queue, not exhaust memory.
type Hasher struct {
	Params Argon2Params
	sem    chan struct{}
}

// NewHasher returns a Hasher running at most concurrency hashes at once.
func NewHasher(p Argon2Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = 1
	}
	return &Hasher{Params: p, sem: make(chan struct{}, concurrency)}
}

// Slots is how many hashes the Hasher runs at once.
func (h *Hasher) Slots() int { return cap(h.sem) }

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the PHC string of pw (NormalizePassword) with a fresh
// 16-byte salt. It waits for a free slot and returns ctx's error if ctx
// ends first.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	pw = NormalizePassword(pw)
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.Params
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the PHC string phc, using the cost
// parameters stored in phc. Comparison is constant-time. pw is tried in
// its normal form (NormalizePassword) and then, when that differs and did
// not match, as typed: a hash made before passwords were normalised, from
// decomposed input, still verifies.
func (h *Hasher) Verify(ctx context.Context, pw, phc string) (bool, error) {
	p, salt, key, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	nfc := NormalizePassword(pw)
	ok, err := h.verify(ctx, nfc, p, salt, key)
	if ok || err != nil || nfc == pw {
		return ok, err
	}
	return h.verify(ctx, pw, p, salt, key)
}

func (h *Hasher) verify(ctx context.Context, pw string, p Argon2Params, salt, key []byte) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether phc, a hash that verified, was made with
// other parameters than h's (or is not one h can read): the caller then
// hashes the password just verified anew and stores it, so every account
// moves to the current parameters at its next sign-in.
func (h *Hasher) NeedsRehash(phc string) bool {
	p, salt, key, err := parsePHC(phc)
	return err != nil || p != h.Params || len(salt) != 16 || len(key) != 32
}

func parsePHC(phc string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, ErrHashFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, ErrHashFormat
	}
	// Bound the stored cost so a tampered row cannot make us allocate gigabytes.
	if p.Time < 1 || p.Time > maxStoredTime || p.Memory < 8 || p.Memory > maxStoredMemory || p.Threads < 1 || p.Threads > maxStoredThreads {
		return p, nil, nil, ErrHashFormat
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, ErrHashFormat
	}
	return p, salt, key, nil
}
