package auth

import (
	"bytes"
	"strings"
	"testing"
)

func TestNewAPIKeyParsesBackToItsPrefixAndHash(t *testing.T) {
	key, prefix, hash := NewAPIKey()
	if !strings.HasPrefix(key, "dxr_") || len(key) != 47 || !strings.HasPrefix(key, prefix) || len(prefix) != 12 {
		t.Fatalf("key %q prefix %q", key, prefix)
	}
	p, h, ok := ParseAPIKey(key)
	if !ok || p != prefix || !bytes.Equal(h, hash) || len(h) != 32 {
		t.Fatalf("parse: %q %x %v", p, h, ok)
	}
	other, _, _ := NewAPIKey()
	if other == key {
		t.Fatal("two keys alike")
	}
}

// A string that is not a key's shape never reaches a lookup.
func TestParseAPIKeyRefusesWhatIsNoKey(t *testing.T) {
	key, _, _ := NewAPIKey()
	for _, bad := range []string{"", "dxr_", key[:46], key + "A", "xxx_" + key[4:], "dxr_" + strings.Repeat("!", 43),
		"dxr_" + strings.Repeat("A", 42) + "\x00", "Bearer " + key, key[:46] + "="} {
		if _, _, ok := ParseAPIKey(bad); ok {
			t.Errorf("%q parses as a key", bad)
		}
	}
}
