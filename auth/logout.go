package auth

import "net/url"

// EndSessionURL is where the browser goes to sign out at the provider
// too (RP-Initiated Logout 1.0 §2: id_token_hint, client_id and
// post_logout_redirect_uri), or "" when the provider offers no
// end_session_endpoint, has not been discovered, or idToken is empty.
// It returns no error: "" means signing out here only.
func (o *OIDC) EndSessionURL(idToken, postLogout string) string {
	if o == nil || idToken == "" {
		return ""
	}
	p := o.ready()
	if p == nil || p.endSession == "" {
		return ""
	}
	u, err := url.Parse(p.endSession)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("id_token_hint", idToken)
	q.Set("client_id", o.cfg.ClientID)
	q.Set("post_logout_redirect_uri", postLogout)
	u.RawQuery = q.Encode()
	return u.String()
}

// FormActionOrigin is the origin of the provider's end-session endpoint,
// which the sign-out form must be allowed to reach; "" when there is none
// (yet) or o is nil. No error.
func (o *OIDC) FormActionOrigin() string {
	if o == nil {
		return ""
	}
	if p := o.ready(); p != nil {
		return p.endSessionOrigin
	}
	return ""
}
