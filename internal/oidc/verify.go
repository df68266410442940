package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// maxToken bounds the tokens Verify looks at (STS's limit is 20,000).
const maxToken = 20000

// clockSkew is how far in the future nbf and iat may be.
const clockSkew = time.Minute

// algorithms are the signature algorithms accepted (never "none" or HMAC).
var algorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512,
}

// Claims are the claims of a verified token.
type Claims struct {
	Issuer  string
	Subject string
	// Audience is the aud claim (a string or a list in the token).
	Audience []string
	// AuthorizedParty is the azp claim.
	AuthorizedParty string
	// AMR is the amr claim.
	AMR       []string
	Email     string
	Expiry    time.Time
	IssuedAt  time.Time
	NotBefore time.Time
	// Raw holds every claim as decoded from JSON (numbers as json.Number).
	Raw map[string]any
}

// Provider is what a token is checked against: the issuer (as the iss
// claim must read, scheme included) and the client ids its aud must name.
type Provider struct {
	Issuer    string
	ClientIDs []string
}

// Issuer returns the iss claim of a token without verifying anything, so
// that a caller can find the provider the token claims to come from.
func Issuer(token string) (string, error) {
	if len(token) > maxToken {
		return "", invalid("token too long")
	}
	jws, err := jose.ParseSignedCompact(token, algorithms)
	if err != nil {
		return "", invalid("not a compact JWS: " + err.Error())
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &c); err != nil || c.Iss == "" {
		return "", invalid("no iss claim")
	}
	return c.Iss, nil
}

// Verify checks token against the provider: signature by one of the
// issuer's published keys, iss, aud (or azp) among the client ids, exp,
// nbf and iat. It returns the claims, or an *Error (see the package
// comment). A failure to fetch the issuer's keys is ErrUnreachable.
func (v *Verifier) Verify(ctx context.Context, p Provider, token string) (*Claims, error) {
	if len(token) > maxToken {
		return nil, invalid("token too long")
	}
	jws, err := jose.ParseSignedCompact(token, algorithms)
	if err != nil {
		return nil, invalid("not a compact JWS with an accepted algorithm: " + err.Error())
	}
	if len(jws.Signatures) != 1 {
		return nil, invalid("not exactly one signature")
	}
	header := jws.Signatures[0].Header
	if len(header.ExtraHeaders) > 0 {
		if _, crit := header.ExtraHeaders["crit"]; crit {
			return nil, invalid("crit header not supported")
		}
	}
	c, err := decodeClaims(jws.UnsafePayloadWithoutVerification())
	if err != nil {
		return nil, err
	}
	if c.Issuer != p.Issuer {
		return nil, invalid(fmt.Sprintf("iss %q is not %q", c.Issuer, p.Issuer))
	}

	keys, err := v.keys(ctx, p.Issuer, header.KeyID)
	if err != nil {
		return nil, err
	}
	verified := false
	for _, k := range keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != header.Algorithm {
			continue
		}
		if _, err := jws.Verify(k.Key); err == nil {
			verified = true
			break
		}
	}
	if !verified {
		if len(keys) == 0 {
			return nil, &Error{Kind: ErrInvalidToken, Message: msgNoKey, Detail: fmt.Sprintf("issuer publishes no key %q", header.KeyID)}
		}
		return nil, invalid("bad signature")
	}

	// Only now are the claims trusted.
	if !audienceOK(c, p.ClientIDs) {
		return nil, &Error{Kind: ErrInvalidToken, Message: msgAudience, Detail: fmt.Sprintf("aud %q, azp %q", c.Audience, c.AuthorizedParty)}
	}
	now := v.now()
	switch {
	case c.Expiry.IsZero():
		return nil, invalid("no exp")
	case !now.Before(c.Expiry):
		return nil, &Error{Kind: ErrExpired, Message: fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time %d",
			now.Unix(), c.Expiry.Unix())}
	case !c.NotBefore.IsZero() && now.Add(clockSkew).Before(c.NotBefore):
		return nil, invalid("not valid yet (nbf)")
	case !c.IssuedAt.IsZero() && now.Add(clockSkew).Before(c.IssuedAt):
		return nil, invalid("issued in the future (iat)")
	}
	return c, nil
}

// audienceOK reports whether the token's aud (or its azp) names one of the
// client ids.
func audienceOK(c *Claims, clientIDs []string) bool {
	for _, a := range c.Audience {
		if slices.Contains(clientIDs, a) {
			return true
		}
	}
	return c.AuthorizedParty != "" && slices.Contains(clientIDs, c.AuthorizedParty)
}

// decodeClaims reads the claims Verify checks, and all of them into Raw.
func decodeClaims(payload []byte) (*Claims, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, invalid("claims are not a JSON object")
	}
	c := &Claims{Raw: raw}
	var ok bool
	if c.Issuer, ok = stringClaim(raw, "iss"); !ok {
		return nil, invalid("iss is not a string")
	}
	if c.Subject, ok = stringClaim(raw, "sub"); !ok {
		return nil, invalid("sub is not a string")
	}
	if c.AuthorizedParty, ok = stringClaim(raw, "azp"); !ok {
		return nil, invalid("azp is not a string")
	}
	if c.Email, ok = stringClaim(raw, "email"); !ok {
		c.Email = ""
	}
	if c.Audience, ok = stringsClaim(raw, "aud"); !ok {
		return nil, invalid("aud is not a string or a list of strings")
	}
	if c.AMR, ok = stringsClaim(raw, "amr"); !ok {
		return nil, invalid("amr is not a list of strings")
	}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"exp", &c.Expiry}, {"iat", &c.IssuedAt}, {"nbf", &c.NotBefore}} {
		if *t.dst, ok = timeClaim(raw, t.name); !ok {
			return nil, invalid(t.name + " is not a number")
		}
	}
	return c, nil
}

func stringClaim(raw map[string]any, name string) (string, bool) {
	v, present := raw[name]
	if !present {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

func stringsClaim(raw map[string]any, name string) ([]string, bool) {
	switch v := raw[name].(type) {
	case nil:
		return nil, true
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

func timeClaim(raw map[string]any, name string) (time.Time, bool) {
	v, present := raw[name]
	if !present {
		return time.Time{}, true
	}
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1<<40 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}
