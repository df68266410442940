package token

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// maxTokenLen bounds the tokens Verify and Peek look at.
const maxTokenLen = 64 << 10

// clockSkew is how far in the future nbf and iat may be, for nodes whose
// clocks differ a little. exp gets no grace.
const clockSkew = time.Minute

// b64 decodes JWS segments: base64url, no padding, no stray bits.
var b64 = base64.RawURLEncoding.Strict()

// parseHeader reads alg and kid from a JOSE header. Member names match
// exactly (encoding/json alone would also take "ALG"), and a crit member is
// refused since this package understands no extensions.
func parseHeader(raw []byte) (alg, kid string, err error) {
	if alg, kid, ok := ownHeader(raw); ok {
		return alg, kid, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", "", fmt.Errorf("%w: header: %w", ErrInvalid, err)
	}
	if _, ok := m["crit"]; ok {
		return "", "", fmt.Errorf("%w: crit header not supported", ErrInvalid)
	}
	if err := json.Unmarshal(m["alg"], &alg); err != nil {
		return "", "", fmt.Errorf("%w: header alg", ErrInvalid)
	}
	if err := json.Unmarshal(m["kid"], &kid); err != nil || kid == "" {
		return "", "", fmt.Errorf("%w: header kid", ErrInvalid)
	}
	return alg, kid, nil
}

// ownHeader recognises the header this package writes (newSigner),
// {"kid":"<kid>","alg":"<alg>"} with a base64url kid, byte for byte, and
// returns its members without a JSON decode. Any other header, however
// equivalent, goes through the general parser; both give the same answer
// for this one.
func ownHeader(raw []byte) (alg, kid string, ok bool) {
	const kidPrefix, algPart = `{"kid":"`, `","alg":"`
	rest, found := bytes.CutPrefix(raw, []byte(kidPrefix))
	if !found {
		return "", "", false
	}
	i := bytes.Index(rest, []byte(algPart))
	if i <= 0 || !isBase64URL(rest[:i]) {
		return "", "", false
	}
	a, found := bytes.CutSuffix(rest[i+len(algPart):], []byte(`"}`))
	if !found {
		return "", "", false
	}
	if _, known := algorithms[string(a)]; !known {
		return "", "", false
	}
	return string(a), string(rest[:i]), true
}

func isBase64URL(b []byte) bool {
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// timeClaims are the registered claims Verify checks.
type timeClaims struct {
	Exp *float64 `json:"exp"`
	Nbf *float64 `json:"nbf"`
	Iat *float64 `json:"iat"`
}

// Verify checks token against the pool's published keys and its exp, nbf
// and iat claims, then unmarshals its claims into dst. It fails with an
// error wrapping ErrInvalid (malformed, unsupported or mismatched alg,
// unknown kid, bad signature, missing exp, not yet valid) or ErrExpired.
// It does not check iss, aud, client_id or token_use: the caller does.
func (i *Issuer) Verify(ctx context.Context, poolID, token string, dst any) error {
	return i.verify(ctx, poolID, "", token, dst)
}

// VerifyUse is Verify that also requires the token to be signed by one of
// the pool's keys for use, so an ID token cannot pass as an access token
// (they are signed with different keys).
func (i *Issuer) VerifyUse(ctx context.Context, poolID, use, token string, dst any) error {
	return i.verify(ctx, poolID, use, token, dst)
}

func (i *Issuer) verify(ctx context.Context, poolID, use, token string, dst any) error {
	if len(token) > maxTokenLen {
		return fmt.Errorf("%w: too long", ErrInvalid)
	}
	h64, rest, ok1 := strings.Cut(token, ".")
	p64, s64, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(s64, ".") {
		return fmt.Errorf("%w: not a compact JWS", ErrInvalid)
	}
	rawHeader, err := b64.DecodeString(h64)
	if err != nil {
		return fmt.Errorf("%w: header encoding", ErrInvalid)
	}
	alg, kid, err := parseHeader(rawHeader)
	if err != nil {
		return err
	}
	if _, ok := algorithms[alg]; !ok {
		return fmt.Errorf("%w: alg %q not accepted", ErrInvalid, alg)
	}

	now := i.now()
	key, err := i.lookup(ctx, poolID, kid, now)
	if err != nil {
		return err
	}
	if key.alg != alg {
		return fmt.Errorf("%w: alg %q does not match key %s", ErrInvalid, alg, key.kid)
	}
	if use != "" && key.use != use {
		return fmt.Errorf("%w: key %s is not for %q tokens", ErrInvalid, key.kid, use)
	}
	sig, err := b64.DecodeString(s64)
	if err != nil || len(sig) != key.pub.Size() {
		return fmt.Errorf("%w: signature encoding", ErrInvalid)
	}
	digest := key.hash.New()
	digest.Write([]byte(token[:len(h64)+1+len(p64)]))
	if err := rsa.VerifyPKCS1v15(key.pub, key.hash, digest.Sum(nil), sig); err != nil {
		return fmt.Errorf("%w: bad signature", ErrInvalid)
	}

	// Only now is the payload trusted.
	payload, err := b64.DecodeString(p64)
	if err != nil {
		return fmt.Errorf("%w: payload encoding", ErrInvalid)
	}
	var tc timeClaims
	if err := json.Unmarshal(payload, &tc); err != nil {
		return fmt.Errorf("%w: claims: %w", ErrInvalid, err)
	}
	switch {
	case tc.Exp == nil:
		return fmt.Errorf("%w: no exp", ErrInvalid)
	case !now.Before(numericDate(*tc.Exp)):
		return ErrExpired
	case tc.Nbf != nil && now.Add(clockSkew).Before(numericDate(*tc.Nbf)):
		return fmt.Errorf("%w: not valid yet (nbf)", ErrInvalid)
	case tc.Iat != nil && now.Add(clockSkew).Before(numericDate(*tc.Iat)):
		return fmt.Errorf("%w: issued in the future (iat)", ErrInvalid)
	}
	if err := json.Unmarshal(payload, dst); err != nil {
		return fmt.Errorf("%w: claims: %w", ErrInvalid, err)
	}
	return nil
}

// lookup finds a key the pool publishes at now, reloading the pool's keys
// (rate-limited) once if kid is unknown.
func (i *Issuer) lookup(ctx context.Context, poolID, kid string, now time.Time) (*verifyKey, error) {
	s, err := i.snapshot(ctx, poolID, false)
	if err != nil {
		return nil, err
	}
	key := s.keys[kid]
	if key == nil {
		if s, err = i.snapshot(ctx, poolID, true); err != nil {
			return nil, err
		}
		key = s.keys[kid]
	}
	if key == nil || !key.published(now) {
		return nil, fmt.Errorf("%w: unknown kid", ErrInvalid)
	}
	return key, nil
}

// numericDate turns a JWT NumericDate (seconds since the epoch) into a time,
// saturating far outside the representable range.
func numericDate(f float64) time.Time {
	const limit = 1 << 40 // about 34,000 years
	switch {
	case math.IsNaN(f) || f < -limit:
		return time.Unix(-limit, 0)
	case f > limit:
		return time.Unix(limit, 0)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// JWKS returns the pool's published keys as a JSON Web Key Set:
// {"keys":[{"alg","e","kid","kty","n","use":"sig"}, ...]}, newest first,
// every key whose RetireAt has not passed.
func (i *Issuer) JWKS(ctx context.Context, poolID string) ([]byte, error) {
	s, err := i.snapshot(ctx, poolID, false)
	if err != nil {
		return nil, err
	}
	now := i.now()
	set := struct {
		Keys []jwk `json:"keys"`
	}{Keys: []jwk{}}
	for _, k := range s.published {
		if k.published(now) {
			set.Keys = append(set.Keys, k.jwk)
		}
	}
	out, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("token: marshal jwks: %w", err)
	}
	return out, nil
}

// Peek unmarshals the claims of a compact JWS into dst without verifying
// anything. Use it only to route a token (for example to find the pool from
// iss), never to trust it. Errors wrap ErrInvalid.
func Peek(token string, dst any) error {
	if len(token) > maxTokenLen {
		return fmt.Errorf("%w: too long", ErrInvalid)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("%w: not a compact JWS", ErrInvalid)
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		return fmt.Errorf("%w: payload encoding", ErrInvalid)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(payload), []byte("{")) {
		return fmt.Errorf("%w: payload is not a JSON object", ErrInvalid)
	}
	if err := json.Unmarshal(payload, dst); err != nil {
		return fmt.Errorf("%w: claims: %w", ErrInvalid, err)
	}
	return nil
}
