package auth

import (
	"crypto/rand"
	"crypto/subtle"
)

// RandomToken returns 256 random bits as text: session tokens, state and
// nonce. It returns no error (crypto/rand does not fail).
func RandomToken() string {
	return rand.Text() + rand.Text()
}

// Equal compares two secrets without telling by its timing how much of
// them matched. No error.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
