package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Flow is what the callback needs to finish one sign-in: the state,
// nonce and PKCE verifier sent with the authorization request, the local
// page to return to, and when the sign-in expires. It travels sealed in
// a cookie of its own (Keys.SealFlow).
type Flow struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"`
	Next     string    `json:"r"`
	Expires  time.Time `json:"e"`
}

// NewFlow starts a sign-in that returns to next and expires at expires:
// state and nonce are 256 random bits each, the verifier one of RFC 7636
// §4.1. It returns no error.
func NewFlow(next string, expires time.Time) Flow {
	return Flow{State: RandomToken(), Nonce: RandomToken(), Verifier: oauth2.GenerateVerifier(), Next: next, Expires: expires}
}

// AuthURL is the provider's authorization URL for f: the authorization
// code flow with state, nonce and PKCE (S256). It returns ErrNotReady
// before discovery.
func (o *OIDC) AuthURL(f Flow) (string, error) {
	p := o.ready()
	if p == nil {
		return "", ErrNotReady
	}
	return p.oauth.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// SignIn is a verified ID token with the tokens of its response.
type SignIn struct {
	// Issuer and Subject name the person the provider vouched for.
	Issuer, Subject string
	// RawIDToken is the ID token as sent, kept with the session for
	// id_token_hint at sign-out.
	RawIDToken string
	// Token is the provider's access and refresh token.
	Token ProviderToken

	idt *oidc.IDToken
	tok *oauth2.Token
}

// Exchange redeems code with f's PKCE verifier and verifies the ID token
// of the answer (signature, issuer, audience and expiry by go-oidc; the
// nonce against f's here).
//
// It returns ErrNotReady before discovery; a *ProviderError when the
// token endpoint refused the code (Refused) or could not be reached;
// ErrNoIDToken, an error wrapping ErrIDToken, or ErrNonce for an answer
// that does not sign anyone in.
func (o *OIDC) Exchange(ctx context.Context, code string, f Flow) (*SignIn, error) {
	p := o.ready()
	if p == nil {
		return nil, ErrNotReady
	}
	ctx = o.context(ctx)
	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return nil, providerError("code exchange", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, ErrNoIDToken
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrIDToken, err)
	}
	if !Equal(idt.Nonce, f.Nonce) {
		return nil, ErrNonce
	}
	return &SignIn{Issuer: idt.Issuer, Subject: idt.Subject, RawIDToken: raw, Token: tokenOf(tok), idt: idt, tok: tok}, nil
}

// providerError classifies an error of the token endpoint.
func providerError(op string, err error) *ProviderError {
	pe := &ProviderError{Op: op, Err: err}
	var rerr *oauth2.RetrieveError
	if errors.As(err, &rerr) {
		pe.Refused, pe.Code = true, rerr.ErrorCode
	}
	return pe
}
