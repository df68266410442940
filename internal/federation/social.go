package federation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// The OAuth 2.0 social providers: Facebook and Login with Amazon. Neither
// issues ID tokens; the user is who the provider's user-info API
// (attributes_url), called with the access token from the provider's
// token endpoint over TLS, says it is.

// subjectAttribute is the attribute that holds each provider's user id.
var subjectAttribute = map[string]string{TypeFacebook: "id", TypeAmazon: "user_id"}

func socialEndpoint(p Provider) (oauth2.Endpoint, error) {
	ep := oauth2.Endpoint{AuthURL: p.Details["authorize_url"], TokenURL: p.Details["token_url"]}
	for what, u := range map[string]string{"authorize_url": ep.AuthURL, "token_url": ep.TokenURL, "attributes_url": p.Details["attributes_url"]} {
		if err := checkEndpoint(what, u); err != nil {
			return ep, err
		}
	}
	return ep, nil
}

func (f *Federator) startOAuth(p Provider, redirectURI string, pending Pending) (string, Pending, error) {
	ep, err := socialEndpoint(p)
	if err != nil {
		return "", Pending{}, err
	}
	cfg := oauthConfig(p, ep, redirectURI)
	if p.Type == TypeFacebook {
		// Facebook takes its scopes separated by commas.
		return cfg.AuthCodeURL(pending.State, oauth2.SetAuthURLParam("scope", strings.Join(cfg.Scopes, ","))), pending, nil
	}
	return cfg.AuthCodeURL(pending.State), pending, nil
}

func (f *Federator) finishOAuth(ctx context.Context, p Provider, redirectURI string, cb Callback) (*Identity, error) {
	ep, err := socialEndpoint(p)
	if err != nil {
		return nil, err
	}
	cfg := oauthConfig(p, ep, redirectURI)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, f.client())
	tok, err := f.exchange(ctx, p, cfg, cb.Form.Get("code"), "")
	if err != nil {
		return nil, denied("the provider refused the code", err)
	}
	method := http.MethodGet
	if p.Details["attributes_request_method"] == http.MethodPost {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, attributesURL(p), nil)
	if err != nil {
		return nil, invalid("the provider's attributes_url is not a URL", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	attrs, err := f.getJSON(req)
	if err != nil {
		return nil, denied("the provider's user info could not be read", err)
	}
	flat := flatten(attrs)
	sub := flat[subjectAttribute[p.Type]]
	if sub == "" {
		return nil, denied("the provider's user info names no user", errNoSubject)
	}
	return &Identity{Provider: p.Name, Type: p.Type, Subject: sub, Attributes: flat}, nil
}

// exchange redeems code at the provider's token endpoint with the method
// its token_request_method names: POST (RFC 6749 4.1.3, the default), or
// GET with the parameters in the query, as Facebook's endpoint takes them
// and Cognito sends them. verifier is the PKCE verifier, "" for none.
func (f *Federator) exchange(ctx context.Context, p Provider, cfg *oauth2.Config, code, verifier string) (*oauth2.Token, error) {
	if !strings.EqualFold(p.Details["token_request_method"], http.MethodGet) {
		var opts []oauth2.AuthCodeOption
		if verifier != "" {
			opts = append(opts, oauth2.VerifierOption(verifier))
		}
		return cfg.Exchange(ctx, code, opts...)
	}
	q := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {cfg.RedirectURL},
		"client_id": {cfg.ClientID}}
	if cfg.ClientSecret != "" {
		q.Set("client_secret", cfg.ClientSecret)
	}
	if verifier != "" {
		q.Set("code_verifier", verifier)
	}
	u, err := url.Parse(cfg.Endpoint.TokenURL)
	if err != nil {
		return nil, err
	}
	for k, vs := range u.Query() {
		if _, ours := q[k]; !ours {
			q[k] = vs
		}
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.getJSON(req)
	if err != nil {
		// The query holds the client secret: the error must not.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("the token endpoint (GET): %w", err)
	}
	at, _ := resp["access_token"].(string)
	if at == "" {
		return nil, errors.New("the token endpoint's answer has no access_token")
	}
	typ, _ := resp["token_type"].(string)
	return (&oauth2.Token{AccessToken: at, TokenType: typ}).WithExtra(resp), nil
}

// attributesURL is the user-info URL; where the provider asks for the
// attributes by name (attributes_url_add_attributes, Facebook's fields),
// the requested attributes are appended to it with the user id.
func attributesURL(p Provider) string {
	u := p.Details["attributes_url"]
	if p.Details["attributes_url_add_attributes"] != "true" {
		return u
	}
	fields := []string{subjectAttribute[p.Type]}
	for _, a := range p.Attributes {
		if a != "" && !contains(fields, a) {
			fields = append(fields, a)
		}
	}
	return u + url.QueryEscape(strings.Join(fields, ","))
}
