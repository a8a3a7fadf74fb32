package auth

import (
	"errors"
	"fmt"
)

var (
	// ErrNotReady is returned while discovery has not yet reached the
	// provider: sign-in is unavailable for now.
	ErrNotReady = errors.New("single sign-on provider not discovered yet")
	// ErrNoIDToken is a token response without an id_token.
	ErrNoIDToken = errors.New("no id_token in the token response")
	// ErrNonce is an ID token whose nonce is not the sign-in's.
	ErrNonce = errors.New("nonce does not match")
	// ErrIDToken wraps why an ID token failed verification (signature,
	// issuer, audience, expiry).
	ErrIDToken = errors.New("verify ID token")
	// ErrClaims is an ID token whose claims do not decode.
	ErrClaims = errors.New("claims")
	// ErrUserinfoSubject is a userinfo response about someone other than
	// the ID token's subject; OIDC Core §5.3.2 forbids using it.
	ErrUserinfoSubject = errors.New("userinfo sub does not match the ID token's sub")
	// ErrSignInEnded is a refresh token the provider refused with
	// invalid_grant: it has ended the sign-in, and the session ends too.
	ErrSignInEnded = errors.New("the provider ended the sign-in")
	// ErrNothingToRead is a group re-read with no usable token: no
	// refresh token and an expired access token, or no userinfo endpoint.
	ErrNothingToRead = errors.New("no token to read the groups with")
	// ErrShortSecret is a session secret shorter than 32 bytes.
	ErrShortSecret = errors.New("the session key (SESSION_SECRET) must be at least 32 characters")
)

// ProviderError is a failed request to the provider's token endpoint.
// Refused says the provider answered with an OAuth error (RFC 6749 §5.2,
// Code is its error code, e.g. invalid_grant); otherwise it could not be
// reached or gave no usable answer.
type ProviderError struct {
	Op      string // what was asked: "code exchange", "token refresh"
	Refused bool
	Code    string
	Err     error
}

// Error says what was asked and why it failed.
func (e *ProviderError) Error() string { return fmt.Sprintf("%s: %v", e.Op, e.Err) }

// Unwrap returns the underlying error.
func (e *ProviderError) Unwrap() error { return e.Err }
