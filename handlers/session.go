package handlers

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
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
	// flowCookie prefixes the cookies that carry state, nonce and PKCE
	// verifier of one sign-in from /auth/login to /auth/callback, sealed
	// with AES-GCM. Each sign-in has its own, named after its state, so
	// that two tabs signing in at once do not overwrite each other.
	flowCookie = "mf_login_"
	flowMaxAge = 10 * time.Minute
	// maxFlows bounds the sign-ins in progress in one browser: starting
	// one more drops those abandoned before it.
	maxFlows   = 4
	keySession = "session"
	// hostPrefix marks a cookie that the browser keeps only when it is
	// Secure, has Path=/ and no Domain: no subdomain or plain-http page
	// can set or shadow it (RFC 6265bis §4.1.3.2). Production only, as
	// development runs on plain http.
	hostPrefix = "__Host-"
)

// sessionKeys are the keys derived from SESSION_SECRET, one per purpose.
type sessionKeys struct {
	id   []byte // keys the HMAC of the session token
	flow cipher.AEAD
	// tokens seals the provider's tokens kept with a session.
	tokens cipher.AEAD
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
	aead := func(purpose string) (cipher.AEAD, error) {
		block, err := aes.NewCipher(derive(purpose))
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(block)
	}
	flow, err := aead("mobilityfund login flow")
	if err != nil {
		return sessionKeys{}, err
	}
	tokens, err := aead("mobilityfund provider tokens")
	if err != nil {
		return sessionKeys{}, err
	}
	return sessionKeys{id: derive("mobilityfund session id"), flow: flow, tokens: tokens}, nil
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

// cookieName is the name a cookie of ours has here: __Host- prefixed in
// production.
func (h *Handler) cookieName(name string) string {
	if h.cfg.Production() {
		return hostPrefix + name
	}
	return name
}

// setCookie writes a cookie with the attributes every cookie of ours has:
// HttpOnly, Path=/, no Domain, SameSite=Lax (Strict would drop it on the
// way back from the provider), and Secure with the __Host- prefix in
// production.
func (h *Handler) setCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	ck := &http.Cookie{Name: h.cookieName(name), Value: value, Path: "/", HttpOnly: true,
		Secure: h.cfg.Production(), SameSite: http.SameSiteLaxMode}
	// A response that signs in or out is for this browser alone.
	c.Header("Cache-Control", "no-store")
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
	token, err := c.Cookie(h.cookieName(sessionCookie))
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
		h.setCookie(c, sessionCookie, "", -1)
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
	h.setCookie(c, sessionCookie, token, models.SessionLifetime)
	return nil
}

// endSession deletes the browser's session row and cookie and returns
// the ended session (nil when there was none).
func (h *Handler) endSession(c *gin.Context) (*models.Session, error) {
	h.setCookie(c, sessionCookie, "", -1)
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

// flowName is the name of the flow cookie of the sign-in with state: a
// hash of it, so that the name does not carry the state itself.
func flowName(state string) string {
	sum := sha256.Sum256([]byte(state))
	return flowCookie + hex.EncodeToString(sum[:8])
}

// saveFlow seals the flow into a short-lived cookie of its own. When the
// browser already holds maxFlows sign-ins in progress, those are dropped:
// they are tabs long abandoned.
func (h *Handler) saveFlow(c *gin.Context, f loginFlow) error {
	plain, err := json.Marshal(f)
	if err != nil {
		return err
	}
	nonce := make([]byte, h.keys.flow.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	var open []string
	for _, ck := range c.Request.Cookies() {
		if strings.HasPrefix(ck.Name, h.cookieName(flowCookie)) {
			open = append(open, strings.TrimPrefix(ck.Name, h.cookieName("")))
		}
	}
	if len(open) >= maxFlows {
		for _, name := range open {
			h.setCookie(c, name, "", -1)
		}
	}
	name := flowName(f.State)
	sealed := h.keys.flow.Seal(nonce, nonce, plain, []byte(name))
	h.setCookie(c, name, base64.RawURLEncoding.EncodeToString(sealed), flowMaxAge)
	return nil
}

// flowStatus says what takeFlow found.
type flowStatus int

const (
	flowFound flowStatus = iota
	// flowNone: the browser has no sign-in in progress (too old, or
	// started in another browser).
	flowNone
	// flowOther: the browser has sign-ins in progress, none with this
	// state (a forged or mixed-up callback); they are left alone.
	flowOther
)

// takeFlow reads and removes the flow cookie of the sign-in with state.
// Only that cookie is consumed: a callback with an unknown state leaves a
// genuine sign-in in progress intact. A forged, tampered or expired cookie
// counts as none.
func (h *Handler) takeFlow(c *gin.Context, state string) (loginFlow, flowStatus) {
	var f loginFlow
	other := flowNone
	for _, ck := range c.Request.Cookies() {
		if strings.HasPrefix(ck.Name, h.cookieName(flowCookie)) {
			other = flowOther
		}
	}
	if state == "" {
		return f, other
	}
	name := flowName(state)
	raw, err := c.Cookie(h.cookieName(name))
	if err != nil {
		return f, other
	}
	h.setCookie(c, name, "", -1)
	sealed, err := base64.RawURLEncoding.DecodeString(raw)
	ns := h.keys.flow.NonceSize()
	if err != nil || len(sealed) < ns {
		return f, flowNone
	}
	plain, err := h.keys.flow.Open(nil, sealed[:ns], sealed[ns:], []byte(name))
	if err != nil || json.Unmarshal(plain, &f) != nil || !time.Now().Before(f.Expires) ||
		subtle.ConstantTimeCompare([]byte(state), []byte(f.State)) != 1 {
		return loginFlow{}, flowNone
	}
	return f, flowFound
}
