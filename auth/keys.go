package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Keys are the keys derived from SESSION_SECRET, one per purpose: the
// session row's key is HMAC-SHA256 of the cookie's token, so neither a
// copy of the sessions table nor a guessed cookie signs anyone in; the
// sign-in flow cookie and the provider tokens kept with a session are
// sealed with AES-GCM under keys of their own.
type Keys struct {
	id     []byte // keys the HMAC of the session token
	flow   cipher.AEAD
	tokens cipher.AEAD
}

// NewKeys derives the keys from secret. It returns ErrShortSecret when
// secret is shorter than 32 bytes.
func NewKeys(secret []byte) (*Keys, error) {
	if len(secret) < 32 {
		return nil, ErrShortSecret
	}
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(purpose))
		return m.Sum(nil)
	}
	aead := func(purpose string) (cipher.AEAD, error) {
		block, err := aes.NewCipher(derive(purpose))
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(block)
	}
	flow, err := aead("mobilityfund login flow")
	if err != nil {
		return nil, err
	}
	tokens, err := aead("mobilityfund provider tokens")
	if err != nil {
		return nil, err
	}
	return &Keys{id: derive("mobilityfund session id"), flow: flow, tokens: tokens}, nil
}

// TokenHash derives the session row's key from the cookie's token. No
// error.
func (k *Keys) TokenHash(token string) []byte {
	m := hmac.New(sha256.New, k.id)
	m.Write([]byte(token))
	return m.Sum(nil)
}

// FlowID names the flow cookie of the sign-in with state: a hash of it,
// so that the cookie's name does not carry the state itself. No error.
func FlowID(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:8])
}

// SealFlow seals f for the cookie named name (the name is bound to the
// sealed text, so a value moved to another cookie does not open). It
// returns the error of encoding f or of reading random bytes.
func (k *Keys) SealFlow(name string, f Flow) (string, error) {
	return seal(k.flow, name, f)
}

// OpenFlow opens the flow cookie named name with value sealed, for the
// callback with state. It returns false for a forged, tampered or expired
// cookie (at now) or one of another state; no error.
func (k *Keys) OpenFlow(name, sealed, state string, now time.Time) (Flow, bool) {
	var f Flow
	if !open(k.flow, name, sealed, &f) || !now.Before(f.Expires) || !Equal(state, f.State) {
		return Flow{}, false
	}
	return f, true
}

// SealToken seals the provider's tokens for the session row; "" when it
// cannot (no random bytes), which keeps no tokens. No error.
func (k *Keys) SealToken(t ProviderToken) string {
	s, err := seal(k.tokens, "provider token", t)
	if err != nil {
		return ""
	}
	return s
}

// OpenToken opens what SealToken sealed; false when it does not open. No
// error.
func (k *Keys) OpenToken(sealed string) (ProviderToken, bool) {
	var t ProviderToken
	return t, open(k.tokens, "provider token", sealed, &t)
}

// seal encodes v as JSON and seals it with a random nonce, bound to ad.
func seal(a cipher.AEAD, ad string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(a.Seal(nonce, nonce, plain, []byte(ad))), nil
}

// open reverses seal into v; false when anything does not fit.
func open(a cipher.AEAD, ad, sealed string, v any) bool {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	ns := a.NonceSize()
	if err != nil || len(raw) < ns {
		return false
	}
	plain, err := a.Open(nil, raw[:ns], raw[ns:], []byte(ad))
	return err == nil && json.Unmarshal(plain, v) == nil
}
