package federation

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsig "github.com/russellhaering/goxmldsig"
)

// ServiceProvider is a user pool as a SAML service provider.
type ServiceProvider struct {
	// EntityID is the pool's SAML entity id, as Cognito names it:
	// urn:amazon:cognito:sp:<user pool id>.
	EntityID string
	// ACS is the assertion consumer service: the domain's
	// /saml2/idpresponse.
	ACS string
	// Logout is the domain's /saml2/logout.
	Logout string
	// Key and Cert sign the requests (when the provider asks for signed
	// requests) and decrypt encrypted assertions: the pool's signing
	// certificate, as GetSigningCertificate returns it.
	Key  *rsa.PrivateKey
	Cert *x509.Certificate
}

// EntityID is the SAML entity id of a user pool.
func EntityID(poolID string) string { return "urn:amazon:cognito:sp:" + poolID }

// samlReplayFallback is how long an assertion id is remembered when the
// assertion names no expiry of its own.
const samlReplayFallback = time.Hour

// samlSP is gosaml2's service provider for a pool and a provider, with
// the Federator's clock.
func (f *Federator) samlSP(ctx context.Context, p Provider, sp *ServiceProvider) (*saml2.SAMLServiceProvider, error) {
	s, _, err := f.samlSPMeta(ctx, p, sp)
	return s, err
}

// samlSPMeta is samlSP and the provider's metadata it was made from.
func (f *Federator) samlSPMeta(ctx context.Context, p Provider, sp *ServiceProvider) (*saml2.SAMLServiceProvider, *idpMetadata, error) {
	if sp == nil || sp.Key == nil || sp.Cert == nil {
		return nil, nil, errors.New("federation: SAML needs the pool's service provider and its key")
	}
	meta, err := f.idpMetadata(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	out := &saml2.SAMLServiceProvider{
		IdentityProviderSSOURL:      meta.SSOURL,
		IdentityProviderSSOBinding:  saml2.BindingHttpRedirect,
		IdentityProviderIssuer:      meta.EntityID,
		AssertionConsumerServiceURL: sp.ACS,
		ServiceProviderSLOURL:       sp.Logout,
		ServiceProviderIssuer:       sp.EntityID,
		AudienceURI:                 sp.EntityID,
		IDPCertificateStore:         &dsig.MemoryX509CertificateStore{Roots: meta.Certs},
		SPKeyStore:                  dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{sp.Cert.Raw}, PrivateKey: sp.Key}),
		AllowMissingAttributes:      true,
		Clock:                       dsig.NewFakeClockAt(f.now()),
	}
	if p.Details["RequestSigningAlgorithm"] == "rsa-sha256" {
		out.SignAuthnRequests = true
		out.SignAuthnRequestsAlgorithm = dsig.RSASHA256SignatureMethod
	}
	return out, meta, nil
}

func (f *Federator) startSAML(ctx context.Context, p Provider, sp *ServiceProvider, pending Pending) (string, Pending, error) {
	s, err := f.samlSP(ctx, p, sp)
	if err != nil {
		return "", Pending{}, err
	}
	if s.IdentityProviderSSOURL == "" {
		return "", Pending{}, invalid("the provider's SAML metadata has no HTTP-Redirect sign-on service", nil)
	}
	if err := checkEndpoint("SingleSignOnService", s.IdentityProviderSSOURL); err != nil {
		return "", Pending{}, err
	}
	// The signature of a redirect-bound request is on the query string,
	// not in the document (SAML bindings 3.4.4.1).
	doc, err := s.BuildAuthRequestDocumentNoSig()
	if err != nil {
		return "", Pending{}, err
	}
	id := doc.Root().SelectAttrValue("ID", "")
	if id == "" {
		return "", Pending{}, errors.New("federation: the AuthnRequest has no ID")
	}
	u, err := s.BuildAuthURLRedirect(pending.State, doc)
	if err != nil {
		return "", Pending{}, err
	}
	pending.RequestID = id
	out, err := redirectOrder(u)
	if err != nil {
		return "", Pending{}, err
	}
	return out, pending, nil
}

// redirectOrder writes the query of a redirect-bound request in the
// order the binding signs it (SAMLRequest, RelayState, SigAlg,
// Signature), after any the IdP's own URL carries.
func redirectOrder(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	var b strings.Builder
	add := func(k string, vs []string) {
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
		}
	}
	ours := []string{"SAMLRequest", "RelayState", "SigAlg", "Signature"}
	rest := url.Values{}
	for k, vs := range q {
		if !slices.Contains(ours, k) {
			rest[k] = vs
		}
	}
	b.WriteString(rest.Encode())
	for _, k := range ours {
		add(k, q[k])
	}
	u.RawQuery = b.String()
	return u.String(), nil
}

func (f *Federator) finishSAML(ctx context.Context, p Provider, pending *Pending, cb Callback, sp *ServiceProvider) (*Identity, error) {
	encoded := cb.Form.Get("SAMLResponse")
	if encoded == "" {
		return nil, invalid("the provider sent no SAML response", nil)
	}
	expected := ""
	if pending != nil {
		if !constantEqual(cb.Form.Get("RelayState"), pending.State) {
			return nil, invalid("the RelayState does not match the sign-in this browser started", nil)
		}
		if pending.RequestID == "" {
			return nil, invalid("the sign-in this browser started sent no SAML request", nil)
		}
		expected = pending.RequestID
	} else if p.Details["IDPInit"] != "true" {
		return nil, invalid("the provider does not allow IdP-initiated sign-in", nil)
	}
	if f.Replay == nil {
		return nil, errors.New("federation: SAML needs a replay cache")
	}
	s, err := f.samlSP(ctx, p, sp)
	if err != nil {
		return nil, err
	}
	// gosaml2 checks the signature (of the Response or of each Assertion)
	// against the metadata's certificates, decrypts encrypted assertions
	// with our key, and checks the Destination, the issuer, the status, the
	// bearer confirmation's Recipient and NotOnOrAfter.
	resp, err := s.ValidateEncodedResponse(encoded)
	if err != nil {
		return nil, denied("the provider's SAML response was refused", err)
	}
	a, err := checkAssertion(s, resp, expected)
	if err != nil {
		return nil, denied("the provider's SAML response was refused", err)
	}
	n, err := f.Replay.Use(ctx, []byte("saml-assertion:"+a.ID), replayExpiry(a, f.now()))
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, denied("the provider's SAML response was refused", fmt.Errorf("federation: SAML assertion %s was already used", a.ID))
	}
	if a.Subject.NameID == nil || a.Subject.NameID.Value == "" {
		return nil, denied("the SAML assertion names no subject", errNoSubject)
	}
	attrs := map[string]string{}
	if a.AttributeStatement != nil {
		for _, at := range a.AttributeStatement.Attributes {
			values := make([]string, 0, len(at.Values))
			for _, v := range at.Values {
				values = append(values, v.Value)
			}
			attrs[at.Name] = strings.Join(values, ",")
			if at.FriendlyName != "" {
				if _, ok := attrs[at.FriendlyName]; !ok {
					attrs[at.FriendlyName] = attrs[at.Name]
				}
			}
		}
	}
	issuer := ""
	if a.Issuer != nil {
		issuer = a.Issuer.Value
	}
	sess := &SAMLSession{NameID: a.Subject.NameID.Value, Format: a.Subject.NameID.Format}
	if a.AuthnStatement != nil {
		sess.SessionIndex = a.AuthnStatement.SessionIndex
	}
	return &Identity{Provider: p.Name, Type: p.Type, Subject: a.Subject.NameID.Value, Issuer: issuer, Attributes: attrs, SAML: sess}, nil
}

// checkAssertion makes the checks gosaml2 leaves to its caller (it
// reports some as warnings): one signed assertion, inside its time
// window, for our entity id, in response to the request this browser
// sent (expected), or to none for an IdP-initiated sign-in.
func checkAssertion(s *saml2.SAMLServiceProvider, resp *types.Response, expected string) (*types.Assertion, error) {
	if len(resp.Assertions) != 1 {
		return nil, fmt.Errorf("federation: the SAML response has %d assertions, want 1", len(resp.Assertions))
	}
	a := &resp.Assertions[0]
	if !resp.SignatureValidated && !a.SignatureValidated {
		return nil, errors.New("federation: the SAML assertion is not signed")
	}
	if a.ID == "" {
		return nil, errors.New("federation: the SAML assertion has no ID")
	}
	warn, err := s.VerifyAssertionConditions(a)
	if err != nil {
		return nil, err
	}
	if warn.InvalidTime {
		return nil, errors.New("federation: the SAML assertion is outside its validity window")
	}
	if warn.NotInAudience || len(a.Conditions.AudienceRestrictions) == 0 {
		return nil, errors.New("federation: the SAML assertion is not for this service provider")
	}
	if a.Subject == nil || a.Subject.SubjectConfirmation == nil || a.Subject.SubjectConfirmation.SubjectConfirmationData == nil {
		return nil, errors.New("federation: the SAML assertion has no subject confirmation")
	}
	// The confirmation data is inside the signed assertion; the Response's
	// attribute is trusted only when the Response itself is signed.
	got := []string{a.Subject.SubjectConfirmation.SubjectConfirmationData.InResponseTo}
	if resp.SignatureValidated {
		got = append(got, resp.InResponseTo)
	}
	answered := false
	for _, g := range got {
		if g == "" {
			continue
		}
		if expected == "" {
			return nil, errors.New("federation: an IdP-initiated SAML response answers a request")
		}
		if !constantEqual(g, expected) {
			return nil, errors.New("federation: the SAML response answers another request")
		}
		answered = true
	}
	if expected != "" && !answered {
		return nil, errors.New("federation: the SAML response does not answer the request this browser sent")
	}
	return a, nil
}

// replayExpiry is until when an assertion's id must be remembered: the
// latest of its expiries.
func replayExpiry(a *types.Assertion, now time.Time) time.Time {
	out := now.Add(samlReplayFallback)
	for _, s := range []string{a.Conditions.NotOnOrAfter, a.Subject.SubjectConfirmation.SubjectConfirmationData.NotOnOrAfter} {
		if t, err := time.Parse(time.RFC3339, s); err == nil && t.After(out) {
			out = t
		}
	}
	return out
}
