package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenIssuer is the iss claim of the service's tokens; tokens of other issuers are refused.
const tokenIssuer = "openrpc-go/examples/auth"

// minKeyBytes is the shortest secret key accepted: HS256 wants at least its hash size.
const minKeyBytes = 32

// clockSkew is how far the clocks of instances sharing a key may disagree.
const clockSkew = 5 * time.Second

// tokens issues and verifies the service's access tokens: JWTs signed with HS256 whose
// subject is the account id. Ids are never reused, so a token never outlives its account:
// after the account is deleted, the token names no one, even when the name is signed up
// again.
type tokens struct {
	key    []byte
	ttl    time.Duration
	parser *jwt.Parser
}

func newTokens(key []byte, ttl time.Duration) (*tokens, error) {
	if len(key) < minKeyBytes {
		return nil, fmt.Errorf("the secret key has %d bytes, want at least %d", len(key), minKeyBytes)
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("token lifetime %v: want a positive duration", ttl)
	}
	return &tokens{
		key: key,
		ttl: ttl,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), // no "none", no key confusion
			jwt.WithExpirationRequired(),
			jwt.WithNotBeforeRequired(),
			jwt.WithIssuedAt(), // not issued in the future
			jwt.WithIssuer(tokenIssuer),
			jwt.WithLeeway(clockSkew),
			jwt.WithStrictDecoding(),
		),
	}, nil
}

// issue returns a token for the account a, valid from now for the token lifetime.
func (t *tokens) issue(a Account, now time.Time) (string, error) {
	var jti [16]byte
	rand.Read(jti[:])
	now = now.Truncate(time.Second)
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Issuer:    tokenIssuer,
		Subject:   strconv.FormatInt(a.ID, 10),
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
		ID:        hex.EncodeToString(jti[:]),
	}).SignedString(t.key)
}

// verify checks a token's signature (HS256 with the service's key, nothing else), issuer,
// expiry, not-before and issued-at, and returns the account id it names and when it
// expires.
func (t *tokens) verify(token string) (id int64, expires time.Time, err error) {
	var c jwt.RegisteredClaims
	if _, err := t.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.key, nil }); err != nil {
		return 0, time.Time{}, err
	}
	// Issued-at sanity: present, before expiry, and no longer-lived than this service issues.
	switch {
	case c.IssuedAt == nil:
		return 0, time.Time{}, errors.New("token has no iat claim")
	case !c.ExpiresAt.After(c.IssuedAt.Time):
		return 0, time.Time{}, errors.New("token expires before it was issued")
	case c.ExpiresAt.Sub(c.IssuedAt.Time) > t.ttl+clockSkew:
		return 0, time.Time{}, fmt.Errorf("token lifetime %v exceeds the service's %v", c.ExpiresAt.Sub(c.IssuedAt.Time), t.ttl)
	}
	id, err = strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, time.Time{}, fmt.Errorf("token subject %q is not an account id", c.Subject)
	}
	return id, c.ExpiresAt.Time, nil
}

// generateKey returns a new random secret key.
func generateKey() ([]byte, error) {
	key := make([]byte, minKeyBytes)
	_, err := rand.Read(key)
	return key, err
}

// parseKey decodes AUTH_SECRET_KEY: hex, at least minKeyBytes bytes.
func parseKey(s string) ([]byte, error) {
	key, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("AUTH_SECRET_KEY is not hex: %w", err)
	}
	if len(key) < minKeyBytes {
		return nil, fmt.Errorf("AUTH_SECRET_KEY has %d bytes, want at least %d (%d hex digits); make one with: openssl rand -hex %d",
			len(key), minKeyBytes, 2*minKeyBytes, minKeyBytes)
	}
	return key, nil
}
