package app

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/cognate-dev/cognate/internal/awsproto"
)

var poolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)

// routes mounts the AWS APIs and the plain HTTP endpoints. Both protocols
// share the endpoint: query-protocol requests (STS, IAM: form-encoded POST
// without X-Amz-Target, or GET with an Action) go to query, the rest to
// the JSON mux api.
func (a *App) routes(api, query http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /{$}", byProtocol(api, query))
	mux.Handle("GET /{$}", byProtocol(http.NotFoundHandler(), query))
	mux.Handle("OPTIONS /{$}", api)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.ready)
	if a.cfg.MetricsListen == "" && a.metrics != nil {
		mux.Handle("GET /metrics", a.metrics.Handler())
	}
	// Identity-pool OpenID tokens: issuer <public-url>/cognito-identity.
	mux.HandleFunc("GET /cognito-identity/.well-known/jwks.json", a.openIDJWKS)
	mux.HandleFunc("GET /cognito-identity/.well-known/openid-configuration", a.openIDDiscovery)
	mux.HandleFunc("GET /{pool}/.well-known/jwks.json", a.jwks)
	mux.HandleFunc("GET /{pool}/.well-known/openid-configuration", a.openIDConfiguration)
	mux.HandleFunc("GET /{pool}/ui-customization/{client}/logo", a.uiLogo)
	a.mountImports(mux)
	// User pool domains: OAuth 2.0 endpoints and managed login pages, in
	// the path form (before the mux: /{pool}/... would claim /domains/...)
	// and by Host header.
	domains := a.oauth.PathHandler()
	return a.oauth.ByHost(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/domains/") {
			domains.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// byProtocol sends query-protocol requests to query and the rest to other.
func byProtocol(other, query http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if awsproto.IsQueryRequest(r) {
			query.ServeHTTP(w, r)
			return
		}
		other.ServeHTTP(w, r)
	})
}

// jwks serves a pool's published signing keys.
func (a *App) jwks(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("pool")
	if !a.poolExists(r, poolID) {
		notFound(w)
		return
	}
	doc, err := a.tokens.JWKS(r.Context(), poolID)
	if err != nil {
		a.log.Error("jwks", "pool", poolID, "err", err)
		http.Error(w, `{"message":"Internal server error."}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(doc)
}

// openIDConfiguration serves the pool's OpenID Connect discovery document.
func (a *App) openIDConfiguration(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("pool")
	if !a.poolExists(r, poolID) {
		notFound(w)
		return
	}
	issuer := a.cfg.PublicURL + "/" + poolID
	doc := map[string]any{
		"issuer":                                issuer,
		"jwks_uri":                              issuer + "/.well-known/jwks.json",
		"response_types_supported":              []string{"code", "token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token", "implicit", "client_credentials"},
		"code_challenge_methods_supported":      []string{"S256"},
		"claims_supported": []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
			"cognito:username", "cognito:groups", "email", "email_verified", "phone_number", "phone_number_verified"},
	}
	if ep := a.oauth.PoolEndpoints(r.Context(), poolID); ep != nil {
		doc["authorization_endpoint"], doc["token_endpoint"] = ep.Authorize, ep.Token
		doc["userinfo_endpoint"], doc["revocation_endpoint"], doc["end_session_endpoint"] = ep.UserInfo, ep.Revoke, ep.Logout
	} else {
		// No domain, no endpoints: Cognito then names them with empty
		// strings, so the members OpenID Connect Discovery 1.0 requires
		// are still there.
		doc["authorization_endpoint"], doc["token_endpoint"], doc["userinfo_endpoint"] = "", "", ""
	}
	if scopes, err := a.users.PoolScopes(r.Context(), poolID); err == nil && len(scopes) > 0 {
		doc["scopes_supported"] = append(doc["scopes_supported"].([]string), scopes...)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_ = json.NewEncoder(w).Encode(doc)
}

func (a *App) poolExists(r *http.Request, poolID string) bool {
	if !poolIDPattern.MatchString(poolID) {
		return false
	}
	ok, err := a.users.UserPoolExists(r.Context(), poolID)
	return err == nil && ok
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(`{"message":"User pool not found"}`))
}
