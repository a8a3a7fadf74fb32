package handlers

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
)

// Sessions live in the database (models.Session). The cookie holds a
// random token; the row is keyed by HMAC-SHA256(SESSION_SECRET, token),
// so neither a copy of the table nor a guessed cookie signs anyone in, and
// deleting the row ends the session at the browser's next request.

const (
	sessionCookie = "mf_session"
	// flowCookie carries state, nonce and PKCE verifier of one sign-in
	// from /auth/login to /auth/callback, sealed with AES-GCM.
	flowCookie = "mf_login"
	flowMaxAge = 10 * time.Minute
	keySession = "session"
)

// sessionKeys are the keys derived from SESSION_SECRET, one per purpose.
type sessionKeys struct {
	id   []byte // keys the HMAC of the session token
	flow cipher.AEAD
}

func newSessionKeys(secret []byte) (sessionKeys, error) {
	if len(secret) < 32 {
		return sessionKeys{}, errors.New("the session key (SESSION_SECRET) must be at least 32 characters")
	}
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(purpose))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("mobilityfund login flow"))
	if err != nil {
		return sessionKeys{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sessionKeys{}, err
	}
	return sessionKeys{id: derive("mobilityfund session id"), flow: aead}, nil
}

// randomToken returns 256 random bits as text.
func randomToken() string {
	return rand.Text() + rand.Text()
}

// tokenHash derives the session row's key from the cookie's token.
func (h *Handler) tokenHash(token string) []byte {
	m := hmac.New(sha256.New, h.keys.id)
	m.Write([]byte(token))
	return m.Sum(nil)
}

// setCookie writes a cookie with the attributes every cookie of ours has:
// HttpOnly, SameSite=Lax (Strict would drop it on the way back from the
// provider), Secure in production.
func (h *Handler) setCookie(c *gin.Context, name, value, path string, maxAge time.Duration) {
	ck := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true,
		Secure: h.cfg.Production(), SameSite: http.SameSiteLaxMode}
	if maxAge < 0 {
		ck.MaxAge = -1
	} else {
		ck.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(c.Writer, ck)
}

// cookieHash returns the session key of the browser's session cookie, or
// nil when it has none.
func (h *Handler) cookieHash(c *gin.Context) []byte {
	token, err := c.Cookie(sessionCookie)
	if err != nil || token == "" {
		return nil
	}
	return h.tokenHash(token)
}

// loadSession finds the browser's session; an unknown or timed-out one
// clears the cookie.
//
// A session that does not exist (ended, expired) loses its cookie. Any
// other failure (the database is away) is returned, and the cookie kept:
// the person is still signed in once the database answers again.
func (h *Handler) loadSession(c *gin.Context) (*models.Session, error) {
	hash := h.cookieHash(c)
	if hash == nil {
		return nil, nil
	}
	sess, err := h.store.SessionByHash(c.Request.Context(), hash)
	switch {
	case errors.Is(err, models.ErrNotFound):
		h.setCookie(c, sessionCookie, "", "/", -1)
		return nil, nil
	case err != nil:
		return nil, err
	}
	c.Set(keySession, sess)
	return sess, nil
}

// startSession signs a person in with a new session id, replacing the
// browser's previous session (no fixation).
func (h *Handler) startSession(c *gin.Context, userID int64) error {
	token := randomToken()
	if _, err := h.store.StartSession(c.Request.Context(), userID, h.tokenHash(token), h.cookieHash(c), ""); err != nil {
		return err
	}
	h.setCookie(c, sessionCookie, token, "/", models.SessionLifetime)
	return nil
}

// endSession deletes the browser's session row and cookie and returns
// the ended session (nil when there was none).
func (h *Handler) endSession(c *gin.Context) (*models.Session, error) {
	h.setCookie(c, sessionCookie, "", "/", -1)
	hash := h.cookieHash(c)
	if hash == nil {
		return nil, nil
	}
	sess, err := h.store.EndSession(c.Request.Context(), hash)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	return sess, err
}

// loginFlow is what the callback needs to finish one sign-in.
type loginFlow struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"`
	Next     string    `json:"r"`
	Expires  time.Time `json:"e"`
}

// saveFlow seals the flow into a short-lived cookie sent only to /auth/.
func (h *Handler) saveFlow(c *gin.Context, f loginFlow) error {
	plain, err := json.Marshal(f)
	if err != nil {
		return err
	}
	nonce := make([]byte, h.keys.flow.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := h.keys.flow.Seal(nonce, nonce, plain, []byte(flowCookie))
	h.setCookie(c, flowCookie, base64.RawURLEncoding.EncodeToString(sealed), "/auth/", flowMaxAge)
	return nil
}

// takeFlow reads and removes the flow cookie; it fails when the cookie is
// missing, forged, or older than flowMaxAge.
func (h *Handler) takeFlow(c *gin.Context) (loginFlow, bool) {
	var f loginFlow
	raw, err := c.Cookie(flowCookie)
	if err != nil {
		return f, false
	}
	h.setCookie(c, flowCookie, "", "/auth/", -1)
	sealed, err := base64.RawURLEncoding.DecodeString(raw)
	ns := h.keys.flow.NonceSize()
	if err != nil || len(sealed) < ns {
		return f, false
	}
	plain, err := h.keys.flow.Open(nil, sealed[:ns], sealed[ns:], []byte(flowCookie))
	if err != nil || json.Unmarshal(plain, &f) != nil || !time.Now().Before(f.Expires) {
		return f, false
	}
	return f, true
}
