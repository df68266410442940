package app_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"errors"
	"html"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/crewjam/saml"
	"golang.org/x/oauth2"
)

// samlUser is the one user crewjam/saml's identity provider signs in.
type samlUser struct{}

func (samlUser) GetSession(http.ResponseWriter, *http.Request, *saml.IdpAuthnRequest) *saml.Session {
	return &saml.Session{ID: "s1", NameID: "saml-user-7", UserEmail: "grace@corp.example", UserName: "grace",
		CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour)}
}

type knownSP struct{ ed *saml.EntityDescriptor }

func (k knownSP) GetServiceProvider(_ *http.Request, id string) (*saml.EntityDescriptor, error) {
	if id != k.ed.EntityID {
		return nil, errors.New("unknown service provider")
	}
	return k.ed, nil
}

var samlFormPattern = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)

// TestFederationSAML: a SAML 2.0 identity provider (crewjam/saml's, set up
// from the pool's service-provider metadata) signs a user in through the
// pool domain: AuthnRequest by redirect, signed assertion posted to
// /saml2/idpresponse, tokens for Corp_<NameID> at the relying party.
func TestFederationSAML(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	base := s.cfg.PublicURL + "/domains/" + rpDomain

	b := newBrowser(t)
	meta := b.get(base + "/saml2/metadata")
	var spMeta saml.EntityDescriptor
	if err := xml.Unmarshal([]byte(meta.body), &spMeta); err != nil || spMeta.EntityID != "urn:amazon:cognito:sp:"+poolID {
		t.Fatalf("SP metadata (%d): %v\n%s", meta.status, err, meta.body)
	}
	if acs := spMeta.SPSSODescriptors[0].AssertionConsumerServices[0].Location; acs != base+"/saml2/idpresponse" {
		t.Fatalf("ACS %s", acs)
	}

	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "corp idp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	idp := &saml.IdentityProvider{Key: key, Certificate: cert, ServiceProviderProvider: knownSP{&spMeta}, SessionProvider: samlUser{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { idp.ServeSSO(w, r) }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	idp.MetadataURL, idp.SSOURL = *u.JoinPath("metadata"), *u.JoinPath("sso")
	idpMeta, _ := xml.Marshal(idp.Metadata())

	result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: &poolID, ProviderName: aws.String("Corp"), ProviderType: types.IdentityProviderTypeTypeSaml,
		ProviderDetails:  map[string]string{"MetadataFile": string(idpMeta)},
		AttributeMapping: map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3"},
	})).must(t)
	client := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID, ClientName: aws.String("rp"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{rpCallback},
		SupportedIdentityProviders: []string{"Corp"},
	})).must(t).UserPoolClient
	r := newRP(t, s, poolID, *client.ClientId, *client.ClientSecret, "openid", "email")

	verifier, nonce := oauth2.GenerateVerifier(), "n-saml"
	atIdP := b.get(r.conf.AuthCodeURL("st-saml", oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce),
		oauth2.SetAuthURLParam("identity_provider", "Corp")))
	form := url.Values{}
	for _, m := range samlFormPattern.FindAllStringSubmatch(atIdP.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("SAMLResponse") == "" || !strings.HasPrefix(atIdP.url.String(), srv.URL) {
		t.Fatalf("the IdP's page (%d at %s) has no SAML response:\n%s", atIdP.status, atIdP.url, atIdP.body)
	}
	post := func(form url.Values) *page {
		req, _ := http.NewRequest(http.MethodPost, base+"/saml2/idpresponse", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return b.do(req)
	}
	back := post(form).callback(t)
	if back.Get("state") != "st-saml" || back.Get("code") == "" {
		t.Fatalf("callback %v", back)
	}
	_, id := r.exchange(t, back.Get("code"), verifier, nonce)
	var claims struct {
		Username string `json:"cognito:username"`
		Email    string `json:"email"`
	}
	if err := id.Claims(&claims); err != nil || claims.Username != "Corp_saml-user-7" || claims.Email != "grace@corp.example" {
		t.Fatalf("claims %+v %v", claims, err)
	}

	// The same response posted again has no sign-in to answer.
	if p := post(form); p.location != nil || p.status != http.StatusBadRequest {
		t.Errorf("a replayed SAML response: %d %v", p.status, p.location)
	}

	// IdP-initiated, as Cognito takes it: the response posted with a
	// RelayState holding the authorization request's parameters. Refused
	// for a provider without IDPInit; accepted once for one with it.
	result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: &poolID, ProviderName: aws.String("CorpPortal"), ProviderType: types.IdentityProviderTypeTypeSaml,
		ProviderDetails:  map[string]string{"MetadataFile": string(idpMeta), "IDPInit": "true"},
		AttributeMapping: map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3"},
	})).must(t)
	result(s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
		UserPoolId: &poolID, ClientId: client.ClientId, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"openid", "email"},
		CallbackURLs: []string{rpCallback}, SupportedIdentityProviders: []string{"Corp", "CorpPortal"},
	})).must(t)
	unsolicited := func(provider string) url.Values {
		relay := url.Values{"response_type": {"code"}, "client_id": {*client.ClientId}, "redirect_uri": {rpCallback},
			"identity_provider": {provider}, "scope": {"openid email"}, "state": {"from-portal"}}.Encode()
		w := httptest.NewRecorder()
		idp.ServeIDPInitiated(w, httptest.NewRequest(http.MethodGet, srv.URL+"/init", nil), spMeta.EntityID, relay)
		form := url.Values{}
		for _, m := range samlFormPattern.FindAllStringSubmatch(w.Body.String(), -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		if form.Get("SAMLResponse") == "" || form.Get("RelayState") != relay {
			t.Fatalf("the IdP's unsolicited response (%d): %s", w.Code, w.Body)
		}
		return form
	}
	b = newBrowser(t) // no sign-in started in this browser
	if back := post(unsolicited("Corp")).callback(t); back.Get("error") != "invalid_request" {
		t.Errorf("IdP-initiated through a provider without IDPInit: %v", back)
	}
	portal := unsolicited("CorpPortal")
	back = post(portal).callback(t)
	if back.Get("code") == "" || back.Get("state") != "from-portal" {
		t.Fatalf("IdP-initiated sign-in: %v", back)
	}
	tok, err := r.conf.Exchange(r.ctx, back.Get("code"))
	if err != nil {
		t.Fatalf("exchange of the IdP-initiated code: %v", err)
	}
	if claims := jwtClaims(t, tok.Extra("id_token").(string)); claims["cognito:username"] != "CorpPortal_saml-user-7" {
		t.Errorf("IdP-initiated user %v", claims["cognito:username"])
	}
	if back := post(portal).callback(t); back.Get("code") != "" {
		t.Error("an unsolicited response was accepted twice")
	}
}
