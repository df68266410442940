package app

import (
	"net/http"

	"github.com/cognate-dev/cognate/internal/identitypool"
)

// identityDeps are the identity pool's collaborators that other parts of
// Cognate provide (App.credentials, App.oidc, App.authorizer). They are the
// STS service (sts.go: withDefaults) unless a test sets them through
// NewWithIdentityDeps (export_test.go).
type identityDeps struct {
	credentials identitypool.CredentialIssuer
	oidc        identitypool.OIDCVerifier
	authorizer  identitypool.RequestAuthorizer
}

// openIDJWKS serves the keys of Cognate's identity-pool OpenID tokens.
func (a *App) openIDJWKS(w http.ResponseWriter, r *http.Request) {
	doc, err := a.idpool.JWKS(r.Context())
	if err != nil {
		a.log.Error("identity jwks", "err", err)
		http.Error(w, `{"message":"Internal server error."}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(doc)
}

// openIDDiscovery serves the discovery document of Cognate's identity-pool
// OpenID tokens (issuer <public-url>/cognito-identity).
func (a *App) openIDDiscovery(w http.ResponseWriter, _ *http.Request) {
	doc, err := a.idpool.Discovery()
	if err != nil {
		http.Error(w, `{"message":"Internal server error."}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(doc)
}
