package auth

import (
	"errors"
	"testing"
	"time"
)

// TestKeysSealAndOpen checks the sealed cookies: a flow opens only under
// its own cookie name, for its own state and before it expires; a
// tampered value opens nothing; provider tokens round-trip; and a short
// secret is refused.
func TestKeysSealAndOpen(t *testing.T) {
	t.Parallel()
	if _, err := NewKeys([]byte("too short")); !errors.Is(err, ErrShortSecret) {
		t.Fatalf("short secret: %v", err)
	}
	k, err := NewKeys([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	f := NewFlow("/applications", now.Add(time.Minute))
	name := "mf_login_" + FlowID(f.State)
	sealed, err := k.SealFlow(name, f)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := k.OpenFlow(name, sealed, f.State, now); !ok || got.Nonce != f.Nonce || got.Verifier != f.Verifier || got.Next != f.Next {
		t.Fatalf("flow did not round-trip: %+v %v", got, ok)
	}
	for what, try := range map[string]func() bool{
		"other name":  func() bool { _, ok := k.OpenFlow(name+"x", sealed, f.State, now); return ok },
		"other state": func() bool { _, ok := k.OpenFlow(name, sealed, f.State+"x", now); return ok },
		"expired":     func() bool { _, ok := k.OpenFlow(name, sealed, f.State, now.Add(time.Hour)); return ok },
		"tampered":    func() bool { _, ok := k.OpenFlow(name, flip(sealed), f.State, now); return ok },
		"garbage":     func() bool { _, ok := k.OpenFlow(name, "%%", f.State, now); return ok },
	} {
		if try() {
			t.Errorf("a flow opened with %s", what)
		}
	}
	tok := ProviderToken{Access: "a", Refresh: "r", Expiry: now.Round(0).UTC()}
	if got, ok := k.OpenToken(k.SealToken(tok)); !ok || got != tok {
		t.Errorf("token did not round-trip: %+v %v", got, ok)
	}
	if _, ok := k.OpenToken(sealed); ok {
		t.Error("a flow cookie opened as a provider token")
	}
	if len(k.TokenHash("x")) != 32 || string(k.TokenHash("x")) == string(k.TokenHash("y")) {
		t.Error("token hash")
	}
}

// flip changes a character in the middle of s to another of the base64
// alphabet (the last one may carry only padding bits).
func flip(s string) string {
	i := len(s) / 2
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}
