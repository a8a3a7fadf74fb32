// Package oidctest runs an OpenID Connect provider inside a test process:
// mockoidc, which signs real RS256 ID tokens, with people whose claims a
// test chooses (and may break), a discovery document that also names an
// end_session_endpoint, an end-session endpoint (RP-Initiated Logout 1.0)
// and a record of the authorization and end-session requests it got.
package oidctest

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

// User is a person at the provider. Groups go in the "groups" claim and
// Unit in "ou". Tamper, when set, changes the standard claims of an
// otherwise valid ID token (nonce, audience, issuer, expiry).
//
// UserinfoOnly keeps name and email out of the ID token and gives them
// only from the userinfo endpoint, as providers that follow OIDC Core
// §5.4 do. UserinfoSubject, when set, is the "sub" userinfo answers with
// instead of Subject (a provider mixing people up).
type User struct {
	Subject, Email, Name, Unit string
	Groups                     []string
	Tamper                     func(*mockoidc.IDTokenClaims)
	UserinfoOnly               bool
	UserinfoSubject            string
}

type claims struct {
	*mockoidc.IDTokenClaims
	Email  string   `json:"email,omitempty"`
	Name   string   `json:"name,omitempty"`
	Groups []string `json:"groups,omitempty"`
	Unit   string   `json:"ou,omitempty"`
}

// ID returns the subject.
func (u *User) ID() string { return u.Subject }

// Userinfo returns the subject and, for a UserinfoOnly person, name and
// email; the groups and unit too, so that a refresh can read them.
func (u *User) Userinfo([]string) ([]byte, error) {
	info := map[string]any{"sub": u.Subject}
	if u.UserinfoSubject != "" {
		info["sub"] = u.UserinfoSubject
	}
	if u.UserinfoOnly {
		info["email"], info["name"] = u.Email, u.Name
	}
	if len(u.Groups) > 0 {
		info["groups"] = u.Groups
	}
	if u.Unit != "" {
		info["ou"] = u.Unit
	}
	return json.Marshal(info)
}

// Claims returns the ID token's claims, tampered with if asked. It never
// fails.
func (u *User) Claims(_ []string, c *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.Tamper != nil {
		u.Tamper(c)
	}
	out := &claims{IDTokenClaims: c, Email: u.Email, Name: u.Name, Groups: u.Groups, Unit: u.Unit}
	if u.UserinfoOnly {
		out.Email, out.Name = "", ""
	}
	return out, nil
}

// EndSessionPath is the end_session_endpoint's path under the issuer.
const EndSessionPath = "/logout"

// Provider is a running test provider: mockoidc with an end-session
// endpoint, recording the requests that a browser sends it.
type Provider struct {
	*mockoidc.MockOIDC
	srv *http.Server

	mu       sync.Mutex
	requests []url.URL
	// tokens are the token endpoint's exchanges: what was asked (the
	// form) and answered (the JSON), so that a test knows every secret
	// of a sign-in.
	tokens []TokenExchange
}

// TokenExchange is one request to the token endpoint and its answer.
type TokenExchange struct {
	Form     url.Values
	Response map[string]any
}

// Tokens returns the token endpoint's exchanges, oldest first.
func (p *Provider) Tokens() []TokenExchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]TokenExchange(nil), p.tokens...)
}

// Requests returns the query of every request the provider got at path
// (mockoidc.AuthorizationEndpoint, EndSessionPath, …, under the issuer's
// path), oldest first.
func (p *Provider) Requests(path string) []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	issuer, _ := url.Parse(p.Issuer())
	var out []url.Values
	for _, r := range p.requests {
		if r.Path == issuer.Path+path || r.Path == path {
			out = append(out, r.Query())
		}
	}
	return out
}

// New starts a provider on a free port, shut down when the test ends.
func New(t testing.TB) *Provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := Unstarted(t)
	Start(t, p, ln)
	return p
}

// Unstarted returns a provider that does not listen yet (its client ID
// and secret are known); Start starts it.
func Unstarted(t testing.TB) *Provider {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	// mockoidc's discovery document lacks end_session_endpoint.
	_ = m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != mockoidc.DiscoveryEndpoint {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var doc map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &doc)
			doc["end_session_endpoint"] = m.Issuer() + EndSessionPath
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(doc)
		})
	})
	return &Provider{MockOIDC: m}
}

// Start serves p on ln until the test ends. mockoidc builds its own
// router and serves it on a listener it is given; it is given one that
// never accepts, and p serves ln with that router behind its own end-
// session endpoint and request log.
func Start(t testing.TB, p *Provider, ln net.Listener) {
	t.Helper()
	idle := &idleListener{addr: ln.Addr(), closed: make(chan struct{})}
	if err := p.MockOIDC.Start(idle, nil); err != nil {
		t.Fatal(err)
	}
	inner := p.Server.Handler
	endSession := p.Issuer() + EndSessionPath
	end, _ := url.Parse(endSession)
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.requests = append(p.requests, *r.URL)
		p.mu.Unlock()
		if r.URL.Path == end.Path {
			endSessionHandler(w, r)
			return
		}
		if r.URL.Path != mockoidc.TokenEndpoint {
			inner.ServeHTTP(w, r)
			return
		}
		// mockoidc parses the form again; a parsed form is kept.
		_ = r.ParseForm()
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, r)
		ex := TokenExchange{Form: r.PostForm}
		_ = json.Unmarshal(rec.Body.Bytes(), &ex.Response)
		p.mu.Lock()
		p.tokens = append(p.tokens, ex)
		p.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})}
	go func() { _ = p.srv.Serve(ln) }()
	t.Cleanup(func() { _ = p.Shutdown() })
}

// Shutdown stops the provider: it refuses connections from now on.
func (p *Provider) Shutdown() error {
	err := p.MockOIDC.Shutdown()
	if p.srv != nil {
		if e := p.srv.Shutdown(context.Background()); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// endSessionHandler ends the session at the provider (there is none to
// keep here) and, as RP-Initiated Logout 1.0 §3 has it, sends the browser
// to post_logout_redirect_uri with the state it was given, or says it
// signed out when none was given.
func endSessionHandler(w http.ResponseWriter, r *http.Request) {
	back := r.URL.Query().Get("post_logout_redirect_uri")
	if back == "" || r.URL.Query().Get("id_token_hint") == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("signed out at the provider"))
		return
	}
	u, err := url.Parse(back)
	if err != nil {
		http.Error(w, "bad post_logout_redirect_uri", http.StatusBadRequest)
		return
	}
	if s := r.URL.Query().Get("state"); s != "" {
		q := u.Query()
		q.Set("state", s)
		u.RawQuery = q.Encode()
	}
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// idleListener is a listener that accepts nothing until it is closed.
type idleListener struct {
	addr   net.Addr
	once   sync.Once
	closed chan struct{}
}

func (l *idleListener) Accept() (net.Conn, error) {
	<-l.closed
	return nil, net.ErrClosed
}

func (l *idleListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *idleListener) Addr() net.Addr { return l.addr }
