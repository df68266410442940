// Package federation speaks to the identity providers a user pool
// federates to: OpenID Connect (any issuer, and Google and Sign in with
// Apple, which are OIDC flavours), the OAuth 2.0 social providers
// (Facebook, Login with Amazon) and SAML 2.0.
//
// It knows nothing of users. Start sends the browser to the provider and
// returns a Pending that the caller keeps with the browser's session;
// Finish takes the provider's answer at the redirect URI
// (/oauth2/idpresponse, /saml2/idpresponse) and returns the verified
// Identity: the provider's subject and its attributes. internal/userpool
// maps an Identity onto a user.
//
// Nothing is accepted unverified: OIDC ID tokens are checked for
// signature (the issuer's JWKS), issuer, audience, expiry and nonce; OAuth
// 2.0 answers are read only from the provider's own token and user-info
// endpoints over TLS; SAML responses must be signed by a certificate in
// the provider's metadata, name this service provider as audience and
// recipient, be within their validity window, answer a request this
// browser started (unless the provider allows IdP-initiated sign-in) and
// are accepted once.
package federation

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// The provider types, as CreateIdentityProvider names them.
const (
	TypeOIDC     = "OIDC"
	TypeSAML     = "SAML"
	TypeGoogle   = "Google"
	TypeApple    = "SignInWithApple"
	TypeFacebook = "Facebook"
	TypeAmazon   = "LoginWithAmazon"
)

// PendingLifetime is how long a sign-in started at a provider may take to
// come back.
const PendingLifetime = 15 * time.Minute

// Provider is a user pool's identity provider with its details (secrets
// opened), as CreateIdentityProvider stores them.
type Provider struct {
	Name    string
	Type    string
	Details map[string]string
	// Attributes are the provider attributes the pool maps (its
	// AttributeMapping's values), which Facebook must be asked for by name.
	Attributes []string
}

// Identity is a user as a provider vouches for them.
type Identity struct {
	// Provider is the provider's name in the pool.
	Provider string
	// Type is the provider's type.
	Type string
	// Subject is the provider's stable id for the user: OIDC sub, SAML
	// NameID, Facebook id, Amazon user_id.
	Subject string
	// Issuer is the provider's issuer (OIDC) or entity id (SAML).
	Issuer string
	// Attributes are the provider's claims or SAML attributes, as strings
	// (lists joined with commas, objects as JSON), the names an
	// AttributeMapping refers to.
	Attributes map[string]string
	// SAML is the SAML session the sign-in opened at the provider, which
	// single logout names; nil for other types.
	SAML *SAMLSession
}

// Pending is a sign-in started at a provider: what Finish needs to check
// the answer. The caller keeps it with the browser's session (it holds
// secrets: the state, the nonce and the PKCE verifier), never in a place
// the provider or another browser can read.
type Pending struct {
	Provider  string    `json:"p"`
	State     string    `json:"s"`
	Nonce     string    `json:"n,omitempty"`
	Verifier  string    `json:"v,omitempty"`
	RequestID string    `json:"r,omitempty"`
	Expires   time.Time `json:"e"`
}

// Error is a sign-in the provider refused or that failed a check. Code
// is an OAuth 2.0 error code (RFC 6749 §4.1.2.1) to pass on to the app
// client; Description says what failed, for the page and the log, with no
// secret in it.
type Error struct {
	Code        string
	Description string
	Err         error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Description + ": " + e.Err.Error()
	}
	return e.Description
}

func (e *Error) Unwrap() error { return e.Err }

// ErrUnsupported is a provider type this package does not speak.
var ErrUnsupported = errors.New("federation: unsupported provider type")

func invalid(desc string, err error) *Error {
	return &Error{Code: "invalid_request", Description: desc, Err: err}
}

func denied(desc string, err error) *Error {
	return &Error{Code: "access_denied", Description: desc, Err: err}
}

// Federator starts and finishes sign-ins at providers.
type Federator struct {
	// HTTP makes the server-to-server requests (discovery, JWKS, token,
	// user info, SAML metadata). nil means a client with a 10 s timeout.
	HTTP *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Replay records accepted SAML assertion ids, shared by every node.
	Replay ReplayCache
}

// ReplayCache counts uses of a value until it expires (storage.Nonces).
type ReplayCache interface {
	Use(ctx context.Context, id []byte, expiresAt time.Time) (int, error)
}

func (f *Federator) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Federator) client() *http.Client {
	if f.HTTP != nil {
		return f.HTTP
	}
	return &http.Client{Timeout: 10 * time.Second}
}

// Callback is the provider's answer as it reached the redirect URI: the
// query of a GET, or the form of a POST (Apple's form_post, SAML's
// HTTP-POST binding).
type Callback struct {
	Form url.Values
	// Request is the callback request itself, which SAML needs to check
	// the recipient (its URL) against the assertion.
	Request *http.Request
}

// Start returns the URL to send the browser to and the Pending to keep.
// redirectURI is this pool domain's /oauth2/idpresponse (OAuth and OIDC
// providers). For SAML, sp is the pool's service provider.
func (f *Federator) Start(ctx context.Context, p Provider, redirectURI string, sp *ServiceProvider) (string, Pending, error) {
	pending := Pending{Provider: p.Name, State: random(), Expires: f.now().Add(PendingLifetime)}
	switch p.Type {
	case TypeOIDC, TypeGoogle, TypeApple:
		return f.startOIDC(ctx, p, redirectURI, pending)
	case TypeFacebook, TypeAmazon:
		return f.startOAuth(p, redirectURI, pending)
	case TypeSAML:
		return f.startSAML(ctx, p, sp, pending)
	}
	return "", Pending{}, fmt.Errorf("%w: %s", ErrUnsupported, p.Type)
}

// Finish checks the provider's answer against pending and returns the
// verified identity. pending is nil only for an IdP-initiated SAML
// response, accepted when the provider allows it (IDPInit).
func (f *Federator) Finish(ctx context.Context, p Provider, pending *Pending, redirectURI string, cb Callback, sp *ServiceProvider) (*Identity, error) {
	if pending != nil {
		if pending.Provider != p.Name {
			return nil, invalid("the answer is for another provider", nil)
		}
		if f.now().After(pending.Expires) {
			return nil, invalid("the sign-in at the provider took too long", nil)
		}
	}
	if p.Type != TypeSAML {
		if pending == nil {
			return nil, invalid("no sign-in was started at this provider", nil)
		}
		if code := cb.Form.Get("error"); code != "" {
			return nil, &Error{Code: "access_denied", Description: "the provider refused the sign-in: " + code}
		}
		if subtle.ConstantTimeCompare([]byte(cb.Form.Get("state")), []byte(pending.State)) != 1 {
			return nil, invalid("the state does not match the sign-in this browser started", nil)
		}
		if cb.Form.Get("code") == "" {
			return nil, invalid("the provider sent no code", nil)
		}
	}
	switch p.Type {
	case TypeOIDC, TypeGoogle, TypeApple:
		return f.finishOIDC(ctx, p, pending, redirectURI, cb)
	case TypeFacebook, TypeAmazon:
		return f.finishOAuth(ctx, p, redirectURI, cb)
	case TypeSAML:
		return f.finishSAML(ctx, p, pending, cb, sp)
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, p.Type)
}

// random is 32 bytes of randomness, base64url.
func random() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// checkEndpoint refuses a provider endpoint that is not https, except on
// a loopback address (tests and local set-ups).
func checkEndpoint(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return invalid(fmt.Sprintf("the provider's %s %q is not a URL", what, raw), err)
	}
	if u.Scheme == "https" {
		return nil
	}
	if u.Scheme == "http" && isLoopback(u.Hostname()) {
		return nil
	}
	return invalid(fmt.Sprintf("the provider's %s must be https: %s", what, raw), nil)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
