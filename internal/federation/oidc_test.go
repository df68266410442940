package federation

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// standinOP is an OpenID provider stand-in that speaks the protocol:
// discovery, JWKS, an authorization endpoint that approves at once, a
// token endpoint that checks the client, the code and the PKCE verifier,
// and a user-info endpoint. It records what it was sent.
type standinOP struct {
	t      *testing.T
	srv    *httptest.Server
	key    *rsa.PrivateKey
	secret string
	sub    string
	// tamper changes the ID token's claims before signing.
	tamper func(map[string]any)
	// checkSecret, when set, decides the client secret instead of a
	// comparison with secret.
	checkSecret func(string) bool

	mu        sync.Mutex
	codes     map[string]url.Values // code -> the authorization request
	tokenForm url.Values
	tokenAuth string
	infoCalls int
}

func newStandinOP(t *testing.T) *standinOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	op := &standinOP{t: t, key: key, secret: "upstream-secret", sub: "upstream-user-1", codes: map[string]url.Values{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{
			"issuer": op.srv.URL, "authorization_endpoint": op.srv.URL + "/authorize",
			"token_endpoint": op.srv.URL + "/token", "userinfo_endpoint": op.srv.URL + "/userinfo",
			"jwks_uri": op.srv.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		code := random()
		op.mu.Lock()
		op.codes[code] = q
		op.mu.Unlock()
		back, _ := url.Parse(q.Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", op.token)
	mux.HandleFunc("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		op.mu.Lock()
		op.infoCalls++
		op.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer access-"+op.sub {
			http.Error(w, "bad token", http.StatusUnauthorized)
			return
		}
		writeJSON(w, map[string]any{"sub": op.sub, "email": "ada@example.com", "email_verified": true, "groups": []string{"a", "b"}})
	})
	op.srv = httptest.NewServer(mux)
	t.Cleanup(op.srv.Close)
	return op
}

func (op *standinOP) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	op.mu.Lock()
	op.tokenForm, op.tokenAuth = r.PostForm, r.Header.Get("Authorization")
	authz, ok := op.codes[r.PostForm.Get("code")]
	delete(op.codes, r.PostForm.Get("code"))
	op.mu.Unlock()
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !ok:
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]string{"error": "invalid_grant"})
		return
	case id != authz.Get("client_id") || (op.checkSecret == nil && secret != op.secret) || (op.checkSecret != nil && !op.checkSecret(secret)):
		w.WriteHeader(http.StatusUnauthorized)
		writeJSON(w, map[string]string{"error": "invalid_client"})
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != authz.Get("code_challenge"):
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]string{"error": "invalid_grant", "error_description": "PKCE"})
		return
	}
	claims := map[string]any{
		"iss": op.srv.URL, "sub": op.sub, "aud": id, "exp": time.Now().Add(time.Hour).Unix(),
		"iat": time.Now().Unix(), "nonce": authz.Get("nonce"), "name": "Ada Lovelace",
	}
	if op.tamper != nil {
		op.tamper(claims)
	}
	writeJSON(w, map[string]any{"access_token": "access-" + op.sub, "token_type": "Bearer", "expires_in": 3600,
		"id_token": op.sign(claims)})
}

func (op *standinOP) sign(claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: op.key, KeyID: "k1"}}, nil)
	if err != nil {
		op.t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		op.t.Fatal(err)
	}
	s, _ := jws.CompactSerialize()
	return s
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

const redirectURI = "http://127.0.0.1:9/domains/d/oauth2/idpresponse"

// follow starts a sign-in, lets the browser go to the provider and come
// back, and returns the callback the provider sent.
func follow(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirectURI) {
		t.Fatalf("provider sent the browser to %q", resp.Header.Get("Location"))
	}
	return loc.Query()
}

func oidcProviderFor(op *standinOP) Provider {
	return Provider{Name: "Upstream", Type: TypeOIDC, Details: map[string]string{
		"client_id": "cognate", "client_secret": op.secret, "authorize_scopes": "openid email profile",
		"oidc_issuer": op.srv.URL, "attributes_request_method": "GET",
	}}
}

func TestOIDCRoundTrip(t *testing.T) {
	op := newStandinOP(t)
	f := &Federator{}
	p := oidcProviderFor(op)
	ctx := context.Background()
	authURL, pending, err := f.Start(ctx, p, redirectURI, nil)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.Parse(authURL)
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Query().Get(k) == "" {
			t.Errorf("authorization request without %s: %s", k, authURL)
		}
	}
	if q.Query().Get("code_challenge_method") != "S256" || !strings.Contains(q.Query().Get("scope"), "openid") {
		t.Errorf("authorization request: %s", authURL)
	}
	cb := follow(t, authURL)
	id, err := f.Finish(ctx, p, &pending, redirectURI, Callback{Form: cb}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != op.sub || id.Issuer != op.srv.URL || id.Attributes["email"] != "ada@example.com" ||
		id.Attributes["name"] != "Ada Lovelace" || id.Attributes["email_verified"] != "true" || id.Attributes["groups"] != "a,b" {
		t.Errorf("identity: %+v", id)
	}
	if op.tokenAuth == "" || op.tokenForm.Get("client_secret") != "" {
		t.Errorf("an OIDC client secret goes in the Authorization header: form %v", op.tokenForm)
	}

	// A second use of the same answer fails at the provider (the code is
	// spent), and a forged state never reaches it.
	if _, err := f.Finish(ctx, p, &pending, redirectURI, Callback{Form: cb}, nil); err == nil {
		t.Error("a spent code was accepted")
	}
	forged := url.Values{"code": {"x"}, "state": {"forged"}}
	var fe *Error
	if _, err := f.Finish(ctx, p, &pending, redirectURI, Callback{Form: forged}, nil); !errors.As(err, &fe) || fe.Code != "invalid_request" {
		t.Errorf("forged state: %v", err)
	}
}

func TestOIDCRefusesBadTokens(t *testing.T) {
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	cases := map[string]func(op *standinOP) func(map[string]any){
		"wrong nonce":    func(*standinOP) func(map[string]any) { return func(c map[string]any) { c["nonce"] = "other" } },
		"wrong audience": func(*standinOP) func(map[string]any) { return func(c map[string]any) { c["aud"] = "someone-else" } },
		"wrong issuer": func(*standinOP) func(map[string]any) {
			return func(c map[string]any) { c["iss"] = "https://evil.example" }
		},
		"expired": func(*standinOP) func(map[string]any) {
			return func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }
		},
		"wrong key": func(op *standinOP) func(map[string]any) {
			return func(map[string]any) { op.key = other }
		},
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			op := newStandinOP(t)
			op.tamper = tamper(op)
			f := &Federator{}
			p := oidcProviderFor(op)
			ctx := context.Background()
			authURL, pending, err := f.Start(ctx, p, redirectURI, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Finish(ctx, p, &pending, redirectURI, Callback{Form: follow(t, authURL)}, nil)
			var fe *Error
			if !errors.As(err, &fe) || fe.Code != "access_denied" {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
}

func TestEndpointsMustBeHTTPS(t *testing.T) {
	f := &Federator{}
	for _, issuer := range []string{"http://idp.example.com", "ftp://127.0.0.1", "not a url"} {
		p := Provider{Name: "X", Type: TypeOIDC, Details: map[string]string{"client_id": "c", "oidc_issuer": issuer, "authorize_scopes": "openid"}}
		if _, _, err := f.Start(context.Background(), p, redirectURI, nil); err == nil {
			t.Errorf("issuer %s accepted", issuer)
		}
	}
	for _, ok := range []string{"https://idp.example.com/x", "http://127.0.0.1:8080", "http://localhost", "http://[::1]:1"} {
		if err := checkEndpoint("issuer", ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestAppleClientSecret(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	now := time.Unix(1_800_000_000, 0)
	s, err := appleClientSecret(map[string]string{"private_key": pemKey, "key_id": "KEY123", "team_id": "TEAM", "client_id": "com.example.web"}, now)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := jose.ParseSignedCompact(s, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := jws.Verify(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	_ = json.Unmarshal(payload, &c)
	if jws.Signatures[0].Header.KeyID != "KEY123" || c["iss"] != "TEAM" || c["sub"] != "com.example.web" ||
		c["aud"] != "https://appleid.apple.com" || c["exp"].(float64) != float64(now.Add(appleClientSecretLifetime).Unix()) {
		t.Errorf("client secret: header %+v claims %v", jws.Signatures[0].Header, c)
	}
	if _, err := appleClientSecret(map[string]string{"private_key": "nope"}, now); err == nil {
		t.Error("a bad key signed")
	}
}

func TestAppleUser(t *testing.T) {
	c := map[string]any{}
	addAppleUser(c, `{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"a@b.c"}`)
	if c["firstName"] != "Ada" || c["lastName"] != "Lovelace" || c["name"] != "Ada Lovelace" {
		t.Errorf("%v", c)
	}
}

// TestGoogleAndApple runs the OIDC-flavoured social providers against the
// stand-in: Google as plain OIDC, Apple with its signed client secret
// (checked by the stand-in's token endpoint), form_post and the user's
// name posted beside the code.
func TestGoogleAndApple(t *testing.T) {
	t.Run("Google", func(t *testing.T) {
		op := newStandinOP(t)
		p := Provider{Name: "Google", Type: TypeGoogle, Details: map[string]string{
			"client_id": "g-app", "client_secret": op.secret, "authorize_scopes": "profile email openid", "oidc_issuer": op.srv.URL,
			// Cognito's defaults for Google; discovery at oidc_issuer wins.
			"authorize_url": "https://accounts.google.com/o/oauth2/v2/auth", "token_url": "https://www.googleapis.com/oauth2/v4/token",
		}}
		f := &Federator{}
		authURL, pending, err := f.Start(context.Background(), p, redirectURI, nil)
		if err != nil || !strings.HasPrefix(authURL, op.srv.URL+"/authorize?") {
			t.Fatalf("start: %s %v", authURL, err)
		}
		id, err := f.Finish(context.Background(), p, &pending, redirectURI, Callback{Form: follow(t, authURL)}, nil)
		if err != nil || id.Subject != op.sub || id.Attributes["email"] != "ada@example.com" {
			t.Fatalf("%v %+v", err, id)
		}
	})
	t.Run("SignInWithApple", func(t *testing.T) {
		op := newStandinOP(t)
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		// The stand-in accepts only a client secret signed by the key.
		op.checkSecret = func(secret string) bool {
			jws, err := jose.ParseSignedCompact(secret, []jose.SignatureAlgorithm{jose.ES256})
			if err != nil {
				return false
			}
			_, err = jws.Verify(&key.PublicKey)
			return err == nil
		}
		p := Provider{Name: "SignInWithApple", Type: TypeApple, Details: map[string]string{
			"client_id": "com.example.web", "team_id": "TEAM", "key_id": "K1", "authorize_scopes": "email name",
			"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "oidc_issuer": op.srv.URL,
		}}
		f := &Federator{}
		authURL, pending, err := f.Start(context.Background(), p, redirectURI, nil)
		if err != nil {
			t.Fatal(err)
		}
		if u, _ := url.Parse(authURL); u.Query().Get("response_mode") != "form_post" {
			t.Errorf("Apple asked for the name and email without form_post: %s", authURL)
		}
		cb := follow(t, authURL)
		cb.Set("user", `{"name":{"firstName":"Ada","lastName":"Lovelace"}}`)
		id, err := f.Finish(context.Background(), p, &pending, redirectURI, Callback{Form: cb}, nil)
		if err != nil || id.Attributes["firstName"] != "Ada" || id.Attributes["name"] != "Ada Lovelace" {
			t.Fatalf("%v %+v", err, id)
		}
		if op.infoCalls != 0 {
			t.Error("Apple has no user-info endpoint to call")
		}
	})
}
