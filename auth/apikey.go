package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// API keys let a machine (the province's Intelligent Operations Center)
// read open data's indicators under /api/v1. A key is "dxr_" followed by
// 32 random bytes in unpadded base64url (43 characters). Only its SHA-256
// is stored: a key carries 256 bits of entropy, so no one can guess it
// and a stolen table of hashes cannot be searched back to keys; the slow,
// salted hash that passwords need (argon2id) only defends low-entropy
// secrets, and would cost every API request tens of milliseconds. Its
// first APIKeyPrefixLen characters after "dxr_" are kept apart: they name
// the key in lists and find its row, and leave 208 bits unknown.

// APIKeyPrefix starts every API key.
const APIKeyPrefix = "dxr_"

// APIKeyPrefixLen is how many characters of the key's random part are
// kept in clear to identify it.
const APIKeyPrefixLen = 8

// apiKeyBytes is the random part's length before encoding.
const apiKeyBytes = 32

// apiKeyLen is a key's whole length.
var apiKeyLen = len(APIKeyPrefix) + base64.RawURLEncoding.EncodedLen(apiKeyBytes)

// ScopeIndicatorsRead is the one scope an API key has: read-only access
// to open data's indicators and datasets.
const ScopeIndicatorsRead = "indicators:read"

// NewAPIKey returns a fresh key, its non-secret prefix (to store and
// show) and its SHA-256 (to store).
func NewAPIKey() (key, prefix string, hash []byte) {
	b := make([]byte, apiKeyBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	key = APIKeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	prefix, hash, _ = ParseAPIKey(key)
	return key, prefix, hash
}

// ParseAPIKey returns key's prefix and SHA-256 when it has the shape of a
// key (not whether such a key was issued); ok is false otherwise.
func ParseAPIKey(key string) (prefix string, hash []byte, ok bool) {
	if len(key) != apiKeyLen || !strings.HasPrefix(key, APIKeyPrefix) {
		return "", nil, false
	}
	body := key[len(APIKeyPrefix):]
	if _, err := base64.RawURLEncoding.Strict().DecodeString(body); err != nil {
		return "", nil, false
	}
	sum := sha256.Sum256([]byte(key))
	return APIKeyPrefix + body[:APIKeyPrefixLen], sum[:], true
}
