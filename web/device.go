package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"dxready/store"
)

// A device cookie marks a browser that has signed in to an account before
// (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): such a
// browser is not slowed by the failures others cause on that account (see
// throttle.go). The cookie holds up to maxDeviceTokens tokens, one per
// account signed in from this browser (a shared office computer), each
// "nonce.mac" with mac = HMAC-SHA256(key, account email, nonce). The email
// is bound by the MAC, not written in the cookie: the cookie names no one,
// and a token is good only for the account it was made for. The key lives
// in the database (store.MetaDeviceKey), so cookies survive a restart and
// are worthless without the database.

const (
	deviceCookieAge = 180 * 24 * time.Hour
	maxDeviceTokens = 5
	maxDeviceCookie = 1000 // bytes; a longer cookie is not ours
)

func (s *Server) deviceCookieName() string {
	if s.cfg.SecureCookies {
		return "__Host-dxready_device"
	}
	return "dxready_device"
}

// deviceKey returns the signing key, made and stored at first use.
func (s *Server) deviceKey(ctx context.Context) ([]byte, error) {
	s.deviceMu.Lock()
	defer s.deviceMu.Unlock()
	if s.deviceSecret != nil {
		return s.deviceSecret, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	v, err := s.store.MetaOrSet(ctx, store.MetaDeviceKey, hex.EncodeToString(fresh))
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 32 {
		return nil, errBadDeviceKey
	}
	s.deviceSecret = key
	return key, nil
}

var errBadDeviceKey = errors.New("web: the stored device cookie key is not 32 hex bytes")

func deviceMAC(key []byte, email, nonce string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("dxready-device-v1\x00" + email + "\x00" + nonce))
	return m.Sum(nil)
}

// deviceTokens returns the tokens of the request's device cookie.
func (s *Server) deviceTokens(r *http.Request) []string {
	c, err := r.Cookie(s.deviceCookieName())
	if err != nil || c.Value == "" || len(c.Value) > maxDeviceCookie {
		return nil
	}
	return strings.Split(c.Value, "~")
}

// tokenFor reports the nonce of tok when it is a good token for email.
func tokenFor(key []byte, tok, email string) (string, bool) {
	nonce, mac, ok := strings.Cut(tok, ".")
	if !ok || nonce == "" {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	return nonce, err == nil && hmac.Equal(got, deviceMAC(key, email, nonce))
}

// deviceFor returns the nonce of the request's device token for email, or
// "" when the browser has none (or a forged one, or one for another
// account). A key that cannot be read is logged and means no token: the
// browser is then treated as any other.
func (s *Server) deviceFor(r *http.Request, email string) string {
	toks := s.deviceTokens(r)
	if len(toks) == 0 || email == "" {
		return ""
	}
	key, err := s.deviceKey(r.Context())
	if err != nil {
		s.log.Error("device cookie key", "err", err)
		return ""
	}
	for _, tok := range toks {
		if nonce, ok := tokenFor(key, tok, email); ok {
			return nonce
		}
	}
	return ""
}

// rememberDevice gives the browser a fresh token for email after a
// successful sign-in, keeping its tokens for other accounts (the newest
// maxDeviceTokens in all).
func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, email string) error {
	key, err := s.deviceKey(r.Context())
	if err != nil {
		return err
	}
	var keep []string
	for _, tok := range s.deviceTokens(r) {
		if _, mine := tokenFor(key, tok, email); !mine && wellFormed(tok) {
			keep = append(keep, tok)
		}
	}
	if len(keep) > maxDeviceTokens-1 {
		keep = keep[len(keep)-(maxDeviceTokens-1):]
	}
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	nonce := base64.RawURLEncoding.EncodeToString(raw)
	keep = append(keep, nonce+"."+base64.RawURLEncoding.EncodeToString(deviceMAC(key, email, nonce)))
	http.SetCookie(w, &http.Cookie{Name: s.deviceCookieName(), Value: strings.Join(keep, "~"), Path: "/",
		MaxAge: int(deviceCookieAge.Seconds()), HttpOnly: true, Secure: s.cfg.SecureCookies || r.TLS != nil,
		SameSite: http.SameSiteLaxMode})
	return nil
}

// wellFormed reports whether tok looks like a token (for some account):
// anything else in the cookie is dropped when it is rewritten.
func wellFormed(tok string) bool {
	nonce, mac, ok := strings.Cut(tok, ".")
	n, err1 := base64.RawURLEncoding.DecodeString(nonce)
	m, err2 := base64.RawURLEncoding.DecodeString(mac)
	return ok && err1 == nil && err2 == nil && len(n) == 16 && len(m) == sha256.Size
}
