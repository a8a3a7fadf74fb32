package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"mobilityfund/config"
	"mobilityfund/models"
)

// OIDC is the single sign-on client. Discovery may fail while the provider
// is down; until it succeeds the application runs and the sign-in page
// says that sign-in is unavailable right now.
type OIDC struct {
	cfg    config.OIDC
	rules  []models.GroupRole
	client *http.Client

	mu       sync.RWMutex
	provider *oidcProvider
}

// oidcProvider is what discovery found.
type oidcProvider struct {
	provider *oidc.Provider
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	// endSession is the end_session_endpoint (RP-Initiated Logout 1.0
	// §2.1), "" when the provider has none; endSessionOrigin its origin,
	// which the pages' CSP lets the sign-out form go to.
	endSession, endSessionOrigin string
	// userinfo reports whether the provider has a userinfo_endpoint.
	userinfo bool
}

// NewOIDC checks the single sign-on settings and returns a client that has
// not yet met its provider: call Discover or DiscoverWithRetry. It returns
// an error when the issuer or client ID is missing or OIDC_GROUP_ROLES is
// malformed.
func NewOIDC(cfg config.OIDC) (*OIDC, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" {
		return nil, errors.New("OIDC_ISSUER and OIDC_CLIENT_ID are both needed for single sign-on")
	}
	rules, err := models.ParseGroupRoles(cfg.GroupRoles)
	if err != nil {
		return nil, err
	}
	if len(rules) > 0 && cfg.ClaimGroups == "" {
		return nil, errors.New("OIDC_GROUP_ROLES is set but OIDC_CLAIM_GROUPS is not: name the claim that holds the groups")
	}
	return &OIDC{cfg: cfg, rules: rules, client: &http.Client{Timeout: 10 * time.Second}}, nil
}

// Discover fetches the provider's metadata once. It returns the error of
// the fetch, or one saying the issuer in the metadata differs from
// OIDC_ISSUER (which must match exactly, trailing slash and all).
func (o *OIDC) Discover(ctx context.Context) error {
	ctx = oidc.ClientContext(ctx, o.client)
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return err
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
		Userinfo   string `json:"userinfo_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return fmt.Errorf("provider metadata: %w", err)
	}
	var origin string
	if meta.EndSession != "" {
		u, err := url.Parse(meta.EndSession)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return fmt.Errorf("provider metadata: end_session_endpoint %q is not an http(s) URL", meta.EndSession)
		}
		origin = u.Scheme + "://" + u.Host
	}
	scopes := o.cfg.Scopes
	if !strings.Contains(" "+strings.Join(scopes, " ")+" ", " "+oidc.ScopeOpenID+" ") {
		scopes = append([]string{oidc.ScopeOpenID}, scopes...)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.provider = &oidcProvider{
		provider: p,
		oauth: oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret,
			Endpoint: p.Endpoint(), RedirectURL: o.cfg.RedirectURL, Scopes: scopes},
		verifier:   p.VerifierContext(ctx, &oidc.Config{ClientID: o.cfg.ClientID}),
		endSession: meta.EndSession, endSessionOrigin: origin,
		userinfo: meta.Userinfo != "",
	}
	return nil
}

// DiscoverWithRetry calls Discover until it succeeds or ctx ends, waiting
// 1 s, 2 s, 4 s … (at most a minute) between attempts and logging each
// failure. It returns nil on success and ctx.Err() when cancelled.
func (o *OIDC) DiscoverWithRetry(ctx context.Context, log *slog.Logger) error {
	wait := time.Second
	for {
		err := o.Discover(ctx)
		if err == nil {
			log.Info("single sign-on ready", "issuer", o.cfg.Issuer)
			return nil
		}
		log.Warn("single sign-on provider unavailable; retrying", "issuer", o.cfg.Issuer, "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

// ready returns what discovery found, or nil while the provider has not
// answered yet.
func (o *OIDC) ready() *oidcProvider {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.provider
}

// formActionOrigin is the origin of the provider's end-session endpoint,
// which the sign-out form must be allowed to reach; "" when there is
// none (yet).
func (o *OIDC) formActionOrigin() string {
	if o == nil {
		return ""
	}
	if p := o.ready(); p != nil {
		return p.endSessionOrigin
	}
	return ""
}

// identity reads the person from the claims (the verified ID token's,
// completed from userinfo) with the configured claim names. The subject
// is always the ID token's "sub".
func (o *OIDC) identity(idt *oidc.IDToken, claims map[string]any) models.Identity {
	str := func(name string) string {
		if name == "" {
			return ""
		}
		s, _ := claims[name].(string)
		return strings.TrimSpace(s)
	}
	id := models.Identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: str(o.cfg.ClaimEmail), Name: str(o.cfg.ClaimName)}
	if id.Name == "" {
		id.Name = str("preferred_username")
	}
	if id.Name == "" {
		id.Name = id.Email
	}
	id.Groups = o.groupsOf(claims)
	if o.cfg.ClaimUnit != "" {
		id.UnitClaim, id.UnitCode = true, str(o.cfg.ClaimUnit)
	}
	return id
}

// groupsOf reads the group names from the configured claim: a list, or
// names separated by spaces.
func (o *OIDC) groupsOf(claims map[string]any) []string {
	var out []string
	switch g := claims[o.cfg.ClaimGroups].(type) {
	case []any:
		for _, v := range g {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		out = strings.Fields(g)
	}
	return out
}
