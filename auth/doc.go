// Package auth is the single sign-on client and the cookie cryptography
// the web layer signs people in with. The OIDC client discovers its
// provider (with retry while it is down), builds the authorization URL
// with PKCE, state and nonce, exchanges the code, verifies the ID token,
// completes its claims from userinfo, maps them to a models.Identity, and
// reads a session's groups again with its provider tokens. Keys derives
// one key per purpose from SESSION_SECRET and seals what travels in
// cookies or is kept with a session.
//
// auth knows nothing of HTTP routing: handlers reads the request, calls
// auth, and decides status, page, audit and log from the typed results
// and errors here. It may import models and config, never gin or
// handlers.
package auth
