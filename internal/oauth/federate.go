package oauth

import (
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/cognate-dev/cognate/internal/federation"
	"github.com/cognate-dev/cognate/internal/loginui"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// Federated sign-in: /oauth2/authorize with identity_provider (or
// idp_identifier), or a provider's button on the sign-in page, sends the
// browser to the provider (internal/federation); the provider answers at
// the domain's /oauth2/idpresponse (OAuth 2.0 and OIDC; GET, or POST for
// Sign in with Apple's form_post) or /saml2/idpresponse (SAML HTTP-POST).
// What the answer must match (state, nonce, PKCE verifier, SAML request
// id) and the client's authorization request ride in a cookie sealed with
// the server key, so the answer is bound to the browser that started the
// sign-in (no login CSRF) and nothing is stored on the server.

const (
	idpCookie = "cognate-idp"
	idpAAD    = "federation-pending:"
)

// pendingFederation is the content of the idp cookie.
type pendingFederation struct {
	Pending federation.Pending `json:"p"`
	Req     authRequest        `json:"r"`
}

func toProvider(pc *userpool.ProviderConfig) federation.Provider {
	p := federation.Provider{Name: pc.Name, Type: pc.Type, Details: pc.Details}
	for attr, from := range pc.Mapping {
		if attr != "username" {
			p.Attributes = append(p.Attributes, from)
		}
	}
	slices.Sort(p.Attributes)
	return p
}

// serviceProvider is the pool as a SAML service provider at this domain.
func (s *Server) serviceProvider(r *http.Request) (*federation.ServiceProvider, error) {
	st := siteOf(r)
	key, cert, err := s.Users.SAMLSigner(r.Context(), st.poolID)
	if err != nil {
		return nil, err
	}
	return &federation.ServiceProvider{EntityID: federation.EntityID(st.poolID), ACS: st.base + "/saml2/idpresponse",
		Logout: st.base + "/saml2/logout", Key: key, Cert: cert}, nil
}

// idpCookieFor is the cookie that carries a pending federated sign-in.
// Over https it is SameSite=None, because SAML and Apple answer with a
// cross-site form post that a Lax cookie would not come back with; it is
// sealed, HttpOnly and lives as long as the sign-in may take.
func (s *Server) idpCookieFor(st *site, value string, maxAge int) *http.Cookie {
	c := s.cookie(st, idpCookie, value, maxAge)
	if st.secure {
		c.SameSite = http.SameSiteNoneMode
	}
	return c
}

// federate sends the browser to the external provider named (or
// identified) by the authorization request, for client cl.
func (s *Server) federate(w http.ResponseWriter, r *http.Request, req *authRequest, cl *userpool.OAuthClient, name, identifier string) {
	st := siteOf(r)
	pc, err := s.Users.FederationProvider(r.Context(), st.poolID, name, identifier)
	if err != nil {
		redirectError(w, r, req, "invalid_request", "The identity provider is not a provider of this user pool.")
		return
	}
	if !slices.Contains(cl.Providers, pc.Name) {
		redirectError(w, r, req, "unauthorized_client", "The client does not support identity provider "+pc.Name+".")
		return
	}
	var sp *federation.ServiceProvider
	if pc.Type == federation.TypeSAML {
		if sp, err = s.serviceProvider(r); err != nil {
			s.failPage(w, r, req.Lang, err)
			return
		}
	}
	to, pending, err := s.federator.Start(r.Context(), toProvider(pc), st.base+"/oauth2/idpresponse", sp)
	if err != nil {
		s.federationFailed(w, r, req, err)
		return
	}
	sealed, err := s.Ring.SealJSON(pendingFederation{Pending: pending, Req: *req}, idpAAD+st.poolID, federation.PendingLifetime, s.Now())
	if err != nil {
		s.failPage(w, r, req.Lang, err)
		return
	}
	http.SetCookie(w, s.idpCookieFor(st, sealed, int(federation.PendingLifetime.Seconds())))
	http.Redirect(w, r, to, http.StatusFound)
}

// idpResponse is the provider's answer: /oauth2/idpresponse and
// /saml2/idpresponse.
func (s *Server) idpResponse(w http.ResponseWriter, r *http.Request) {
	st := siteOf(r)
	if err := r.ParseForm(); err != nil {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Title: "error.title", Error: "err.session"})
		return
	}
	var pf pendingFederation
	c, err := r.Cookie(idpCookie)
	if err == nil && s.Ring.OpenJSON(c.Value, idpAAD+st.poolID, s.Now(), &pf) == nil {
		http.SetCookie(w, s.idpCookieFor(st, "", -1))
		st.client = pf.Req.Client
		pc, err := s.Users.FederationProvider(r.Context(), st.poolID, pf.Pending.Provider, "")
		if err != nil {
			redirectError(w, r, &pf.Req, "invalid_request", "The identity provider is not a provider of this user pool.")
			return
		}
		s.finishFederation(w, r, &pf.Req, pc, &pf.Pending)
		return
	}
	if r.Method == http.MethodPost && r.PostForm.Get("SAMLResponse") != "" && r.PostForm.Get("RelayState") != "" {
		s.idpInitiated(w, r)
		return
	}
	// No sign-in was started here by this browser (or it expired).
	s.page(w, r, http.StatusBadRequest, loginui.Page{Title: "error.title", Error: "err.session"})
}

// idpInitiated is an IdP-initiated SAML sign-in, as Cognito takes it: the
// SAML response is posted to /saml2/idpresponse with a RelayState that
// holds the authorization request's parameters (response_type,
// client_id, redirect_uri, identity_provider or idp_identifier, scope,
// state). The provider must allow it (IDPInit) and the client must
// support the provider; the response must answer no request (InResponseTo
// empty) and is accepted once.
func (s *Server) idpInitiated(w http.ResponseWriter, r *http.Request) {
	q, err := url.ParseQuery(r.PostForm.Get("RelayState"))
	if err != nil {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Title: "error.title", Error: "err.session"})
		return
	}
	req, cl, perr, oerr := s.parseAuthRequest(r, q)
	if perr != nil {
		s.page(w, r, http.StatusBadRequest, loginui.Page{Lang: q.Get("lang"), Title: "error.title", Error: perr.key})
		return
	}
	if oerr != nil {
		redirectError(w, r, req, oerr.Code, oerr.Description)
		return
	}
	pc, err := s.Users.FederationProvider(r.Context(), siteOf(r).poolID, q.Get("identity_provider"), q.Get("idp_identifier"))
	if err != nil || pc.Type != federation.TypeSAML || pc.Details["IDPInit"] != "true" {
		redirectError(w, r, req, "invalid_request", "The identity provider does not allow IdP-initiated sign-in.")
		return
	}
	if !slices.Contains(cl.Providers, pc.Name) {
		redirectError(w, r, req, "unauthorized_client", "The client does not support identity provider "+pc.Name+".")
		return
	}
	s.finishFederation(w, r, req, pc, nil)
}

// finishFederation checks the provider's answer (pending is the sign-in
// this browser started; nil for an IdP-initiated one), signs the user in
// and completes the authorization request.
func (s *Server) finishFederation(w http.ResponseWriter, r *http.Request, req *authRequest, pc *userpool.ProviderConfig, pending *federation.Pending) {
	st := siteOf(r)
	var err error
	var sp *federation.ServiceProvider
	if pc.Type == federation.TypeSAML {
		if sp, err = s.serviceProvider(r); err != nil {
			s.failPage(w, r, req.Lang, err)
			return
		}
	}
	id, err := s.federator.Finish(r.Context(), toProvider(pc), pending, st.base+"/oauth2/idpresponse",
		federation.Callback{Form: r.Form, Request: r}, sp)
	if err != nil {
		s.federationFailed(w, r, req, err)
		return
	}
	u, err := s.Users.FederatedSignIn(r.Context(), st.poolID, req.Client, userpool.ExternalIdentity{
		Provider: id.Provider, Subject: id.Subject, Issuer: id.Issuer, Attributes: id.Attributes,
	})
	if err != nil {
		if e := userpool.AsError(err); e != nil {
			redirectError(w, r, req, "invalid_request", e.Message)
			return
		}
		s.failPage(w, r, req.Lang, err)
		return
	}
	s.startSessionFrom(w, st, u.Sub, pc.Name, id.SAML)
	s.complete(w, r, req, u.Sub)
}

// federationFailed passes a provider's refusal (or a failed check of its
// answer) to the client as an OAuth error, and logs why.
func (s *Server) federationFailed(w http.ResponseWriter, r *http.Request, req *authRequest, err error) {
	var fe *federation.Error
	if !errors.As(err, &fe) {
		s.failPage(w, r, req.Lang, err)
		return
	}
	s.Logger.Info("oauth: federated sign-in refused", "pool", siteOf(r).poolID, "reason", fe.Error())
	redirectError(w, r, req, fe.Code, fe.Description)
}

// samlMetadata is GET /saml2/metadata: the pool's service-provider
// metadata at this domain, for the SAML identity provider's set-up.
func (s *Server) samlMetadata(w http.ResponseWriter, r *http.Request) {
	sp, err := s.serviceProvider(r)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	doc, err := federation.SPMetadata(sp)
	if err != nil {
		s.Logger.Error("oauth: SAML metadata", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(doc)
}

// providerLinks are the sign-in page's buttons: the client's providers
// other than COGNITO, each an authorization request naming it.
func (s *Server) providerLinks(r *http.Request, req *authRequest) []loginui.ProviderLink {
	cl, err := s.Users.OAuthClient(r.Context(), req.Client)
	if err != nil {
		return nil
	}
	var out []loginui.ProviderLink
	for _, name := range cl.Providers {
		if name == "COGNITO" {
			continue
		}
		q, _ := url.ParseQuery(req.query())
		q.Set("identity_provider", name)
		out = append(out, loginui.ProviderLink{Name: name, URL: siteOf(r).base + "/oauth2/authorize?" + q.Encode()})
	}
	return out
}
