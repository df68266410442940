package federation

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// defaultIssuers are the issuers of the OIDC-flavoured social providers.
var defaultIssuers = map[string]string{
	TypeGoogle: "https://accounts.google.com",
	TypeApple:  "https://appleid.apple.com",
}

// oidcProvider finds an OIDC provider's endpoints: from the details when
// an OIDC provider was configured by hand (authorize_url, token_url and
// jwks_uri all given, as Cognito allows), else by discovery at
// oidc_issuer (always for Google and Apple, whose endpoints their
// discovery documents name).
func (f *Federator) oidcProvider(ctx context.Context, p Provider) (*oidc.Provider, error) {
	issuer := p.Details["oidc_issuer"]
	if issuer == "" {
		issuer = defaultIssuers[p.Type]
	}
	if err := checkEndpoint("issuer", issuer); err != nil {
		return nil, err
	}
	ctx = oidc.ClientContext(ctx, f.client())
	d := p.Details
	if p.Type == TypeOIDC && d["authorize_url"] != "" && d["token_url"] != "" && d["jwks_uri"] != "" {
		cfg := &oidc.ProviderConfig{IssuerURL: issuer, AuthURL: d["authorize_url"], TokenURL: d["token_url"],
			UserInfoURL: d["attributes_url"], JWKSURL: d["jwks_uri"]}
		for what, u := range map[string]string{"authorize_url": cfg.AuthURL, "token_url": cfg.TokenURL, "jwks_uri": cfg.JWKSURL} {
			if err := checkEndpoint(what, u); err != nil {
				return nil, err
			}
		}
		if cfg.UserInfoURL != "" {
			if err := checkEndpoint("attributes_url", cfg.UserInfoURL); err != nil {
				return nil, err
			}
		}
		return cfg.NewProvider(ctx), nil
	}
	op, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return nil, &Error{Code: "server_error", Description: "the provider's discovery document could not be read", Err: err}
	}
	ep := op.Endpoint()
	for what, u := range map[string]string{"authorization_endpoint": ep.AuthURL, "token_endpoint": ep.TokenURL} {
		if err := checkEndpoint(what, u); err != nil {
			return nil, err
		}
	}
	return op, nil
}

// oauthConfig is the OAuth 2.0 client configuration for a provider.
func oauthConfig(p Provider, ep oauth2.Endpoint, redirectURI string) *oauth2.Config {
	ep.AuthStyle = oauth2.AuthStyleInParams
	if p.Details["client_secret"] != "" && p.Type == TypeOIDC {
		ep.AuthStyle = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{
		ClientID: p.Details["client_id"], ClientSecret: p.Details["client_secret"],
		Endpoint: ep, RedirectURL: redirectURI, Scopes: scopes(p.Details["authorize_scopes"]),
	}
}

// scopes splits authorize_scopes, which Cognito takes separated by
// spaces or commas.
func scopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}

func (f *Federator) startOIDC(ctx context.Context, p Provider, redirectURI string, pending Pending) (string, Pending, error) {
	op, err := f.oidcProvider(ctx, p)
	if err != nil {
		return "", Pending{}, err
	}
	pending.Nonce = random()
	pending.Verifier = oauth2.GenerateVerifier()
	opts := []oauth2.AuthCodeOption{oidc.Nonce(pending.Nonce), oauth2.S256ChallengeOption(pending.Verifier)}
	cfg := oauthConfig(p, op.Endpoint(), redirectURI)
	if !contains(cfg.Scopes, oidc.ScopeOpenID) {
		cfg.Scopes = append([]string{oidc.ScopeOpenID}, cfg.Scopes...)
	}
	if p.Type == TypeApple && (contains(cfg.Scopes, "email") || contains(cfg.Scopes, "name")) {
		// Apple sends the answer of a request for the user's name or
		// email as a form post only.
		opts = append(opts, oauth2.SetAuthURLParam("response_mode", "form_post"))
	}
	return cfg.AuthCodeURL(pending.State, opts...), pending, nil
}

func (f *Federator) finishOIDC(ctx context.Context, p Provider, pending *Pending, redirectURI string, cb Callback) (*Identity, error) {
	op, err := f.oidcProvider(ctx, p)
	if err != nil {
		return nil, err
	}
	if p.Type == TypeApple {
		secret, err := appleClientSecret(p.Details, f.now())
		if err != nil {
			return nil, &Error{Code: "server_error", Description: "the Sign in with Apple key cannot sign a client secret", Err: err}
		}
		p.Details = withDetail(p.Details, "client_secret", secret)
	}
	cfg := oauthConfig(p, op.Endpoint(), redirectURI)
	ctx = oidc.ClientContext(ctx, f.client())
	tok, err := f.exchange(ctx, p, cfg, cb.Form.Get("code"), pending.Verifier)
	if err != nil {
		return nil, denied("the provider refused the code", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, denied("the provider's token response has no ID token", nil)
	}
	idt, err := op.VerifierContext(ctx, &oidc.Config{ClientID: cfg.ClientID, Now: f.now}).Verify(ctx, raw)
	if err != nil {
		return nil, denied("the provider's ID token does not verify", err)
	}
	if !constantEqual(idt.Nonce, pending.Nonce) {
		return nil, denied("the provider's ID token does not carry this sign-in's nonce", nil)
	}
	if err := checkAccessTokenHash(idt, tok.AccessToken); err != nil {
		return nil, denied("the ID token's at_hash does not match the access token", err)
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, denied("the provider's ID token has unreadable claims", err)
	}
	if info := op.UserInfoEndpoint(); info != "" && p.Type != TypeApple {
		extra, err := f.userInfo(ctx, info, p.Details["attributes_request_method"], tok.AccessToken)
		if err != nil {
			return nil, denied("the provider's user info could not be read", err)
		}
		if sub, _ := extra["sub"].(string); sub != idt.Subject {
			return nil, denied("the provider's user info is for another subject", nil)
		}
		for k, v := range extra {
			if _, ok := claims[k]; !ok {
				claims[k] = v
			}
		}
	}
	if p.Type == TypeApple {
		addAppleUser(claims, cb.Form.Get("user"))
	}
	return &Identity{Provider: p.Name, Type: p.Type, Subject: idt.Subject, Issuer: idt.Issuer, Attributes: flatten(claims)}, nil
}

// userInfo reads the user-info endpoint by GET or POST
// (attributes_request_method) with the access token as a bearer token.
func (f *Federator) userInfo(ctx context.Context, endpoint, method, accessToken string) (map[string]any, error) {
	if method != http.MethodPost {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	return f.getJSON(req)
}

// getJSON does a request and decodes a JSON object answer of at most 1 MiB.
func (f *Federator) getJSON(req *http.Request) (map[string]any, error) {
	resp, err := f.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", req.URL.Host, resp.Status)
	}
	out := map[string]any{}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("%s answered something other than a JSON object: %w", req.URL.Host, err)
	}
	return out, nil
}

// checkAccessTokenHash checks at_hash when the ID token carries one.
func checkAccessTokenHash(idt *oidc.IDToken, accessToken string) error {
	if idt.AccessTokenHash == "" {
		return nil
	}
	return idt.VerifyAccessToken(accessToken)
}

// addAppleUser adds the name Apple posts (only at a user's first sign-in)
// as firstName, lastName and name.
func addAppleUser(claims map[string]any, raw string) {
	if raw == "" {
		return
	}
	var u struct {
		Name struct {
			FirstName string `json:"firstName"`
			LastName  string `json:"lastName"`
		} `json:"name"`
	}
	if json.Unmarshal([]byte(raw), &u) != nil {
		return
	}
	if u.Name.FirstName != "" {
		claims["firstName"] = u.Name.FirstName
	}
	if u.Name.LastName != "" {
		claims["lastName"] = u.Name.LastName
	}
	if n := strings.TrimSpace(u.Name.FirstName + " " + u.Name.LastName); n != "" {
		claims["name"] = n
	}
}

// flatten turns claims into strings: strings as they are, numbers and
// booleans as JSON, lists of strings joined by commas, the rest as JSON.
func flatten(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		switch v := v.(type) {
		case string:
			out[k] = v
		case nil:
		case []any:
			parts := make([]string, 0, len(v))
			all := true
			for _, e := range v {
				s, ok := e.(string)
				all = all && ok
				parts = append(parts, s)
			}
			if all {
				out[k] = strings.Join(parts, ",")
				continue
			}
			b, _ := json.Marshal(v)
			out[k] = string(b)
		default:
			b, _ := json.Marshal(v)
			out[k] = string(b)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func withDetail(d map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(d)+1)
	for key, val := range d {
		out[key] = val
	}
	out[k] = v
	return out
}

func constantEqual(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return a != "" && b != "" && ha == hb
}

// errNoSubject is an answer without the provider's user id.
var errNoSubject = errors.New("the provider's answer names no user")

// b64 is base64url without padding, as JWS uses it.
var b64 = base64.RawURLEncoding
