package federation

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crewjam/saml"
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

// metadataMaxBytes bounds an IdP's metadata document.
const metadataMaxBytes = 1 << 20

// idpMetadata reads the provider's metadata: MetadataFile, or the
// document at MetadataURL.
func (f *Federator) idpMetadata(ctx context.Context, p Provider) (*saml.EntityDescriptor, error) {
	raw := []byte(p.Details["MetadataFile"])
	if len(raw) == 0 {
		u := p.Details["MetadataURL"]
		if err := checkEndpoint("MetadataURL", u); err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, invalid("MetadataURL is not a URL", err)
		}
		resp, err := f.client().Do(req)
		if err != nil {
			return nil, &Error{Code: "server_error", Description: "the provider's SAML metadata could not be read", Err: err}
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, &Error{Code: "server_error", Description: "the provider's SAML metadata could not be read: " + resp.Status}
		}
		if raw, err = io.ReadAll(io.LimitReader(resp.Body, metadataMaxBytes)); err != nil {
			return nil, &Error{Code: "server_error", Description: "the provider's SAML metadata could not be read", Err: err}
		}
	}
	return parseMetadata(raw)
}

// parseMetadata reads an EntityDescriptor, or the first one with an IdP
// role in an EntitiesDescriptor.
func parseMetadata(raw []byte) (*saml.EntityDescriptor, error) {
	var ed saml.EntityDescriptor
	if err := xml.Unmarshal(raw, &ed); err == nil && len(ed.IDPSSODescriptors) > 0 {
		return &ed, nil
	}
	var eds saml.EntitiesDescriptor
	if err := xml.Unmarshal(raw, &eds); err == nil {
		for i := range eds.EntityDescriptors {
			if len(eds.EntityDescriptors[i].IDPSSODescriptors) > 0 {
				return &eds.EntityDescriptors[i], nil
			}
		}
	}
	return nil, invalid("the provider's SAML metadata describes no identity provider", nil)
}

// samlSP is crewjam's service provider for a pool and a provider.
func (f *Federator) samlSP(ctx context.Context, p Provider, sp *ServiceProvider, replay saml.AssertionReplayCache) (*saml.ServiceProvider, error) {
	if sp == nil {
		return nil, errors.New("federation: SAML needs the pool's service provider")
	}
	meta, err := f.idpMetadata(ctx, p)
	if err != nil {
		return nil, err
	}
	acs, err := url.Parse(sp.ACS)
	if err != nil {
		return nil, err
	}
	slo, err := url.Parse(sp.Logout)
	if err != nil {
		return nil, err
	}
	out := &saml.ServiceProvider{
		EntityID: sp.EntityID, Key: sp.Key, Certificate: sp.Cert,
		AcsURL: *acs, SloURL: *slo, IDPMetadata: meta,
		AllowIDPInitiated:                p.Details["IDPInit"] == "true",
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		ReplayCache:                      replay,
		Clock:                            dsig.NewFakeClockAt(f.now()),
	}
	if p.Details["RequestSigningAlgorithm"] == "rsa-sha256" {
		out.SignatureMethod = dsig.RSASHA256SignatureMethod
	}
	return out, nil
}

func (f *Federator) startSAML(ctx context.Context, p Provider, sp *ServiceProvider, pending Pending) (string, Pending, error) {
	s, err := f.samlSP(ctx, p, sp, nil)
	if err != nil {
		return "", Pending{}, err
	}
	sso := s.GetSSOBindingLocation(saml.HTTPRedirectBinding)
	if sso == "" {
		return "", Pending{}, invalid("the provider's SAML metadata has no HTTP-Redirect sign-on service", nil)
	}
	if err := checkEndpoint("SingleSignOnService", sso); err != nil {
		return "", Pending{}, err
	}
	req, err := s.MakeAuthenticationRequest(sso, saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", Pending{}, err
	}
	u, err := req.Redirect(pending.State, s)
	if err != nil {
		return "", Pending{}, err
	}
	pending.RequestID = req.ID
	return u.String(), pending, nil
}

func (f *Federator) finishSAML(ctx context.Context, p Provider, pending *Pending, cb Callback, sp *ServiceProvider) (*Identity, error) {
	if cb.Request == nil || cb.Form.Get("SAMLResponse") == "" {
		return nil, invalid("the provider sent no SAML response", nil)
	}
	var ids []string
	if pending != nil {
		if !constantEqual(cb.Form.Get("RelayState"), pending.State) {
			return nil, invalid("the RelayState does not match the sign-in this browser started", nil)
		}
		ids = []string{pending.RequestID}
	} else if p.Details["IDPInit"] != "true" {
		return nil, invalid("the provider does not allow IdP-initiated sign-in", nil)
	}
	s, err := f.samlSP(ctx, p, sp, replayCache{ctx: ctx, nonces: f.Replay})
	if err != nil {
		return nil, err
	}
	req := cb.Request.Clone(ctx)
	req.PostForm = cb.Form
	req.Form = cb.Form
	assertion, err := s.ParseResponse(req, ids)
	if err != nil {
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) {
			err = ire.PrivateErr
		}
		return nil, denied("the provider's SAML response was refused", err)
	}
	if assertion.Subject == nil || assertion.Subject.NameID == nil || assertion.Subject.NameID.Value == "" {
		return nil, denied("the SAML assertion names no subject", errNoSubject)
	}
	attrs := map[string]string{}
	for _, st := range assertion.AttributeStatements {
		for _, a := range st.Attributes {
			values := make([]string, 0, len(a.Values))
			for _, v := range a.Values {
				values = append(values, v.Value)
			}
			attrs[a.Name] = strings.Join(values, ",")
			if a.FriendlyName != "" {
				if _, ok := attrs[a.FriendlyName]; !ok {
					attrs[a.FriendlyName] = attrs[a.Name]
				}
			}
		}
	}
	issuer := ""
	if assertion.Issuer.Value != "" {
		issuer = assertion.Issuer.Value
	}
	return &Identity{Provider: p.Name, Type: p.Type, Subject: assertion.Subject.NameID.Value, Issuer: issuer, Attributes: attrs}, nil
}

// SPMetadata is the pool's SAML service-provider metadata for a provider
// (its entity id, assertion consumer service and signing certificate).
func SPMetadata(sp *ServiceProvider) ([]byte, error) {
	acs, err := url.Parse(sp.ACS)
	if err != nil {
		return nil, err
	}
	slo, err := url.Parse(sp.Logout)
	if err != nil {
		return nil, err
	}
	s := &saml.ServiceProvider{EntityID: sp.EntityID, Key: sp.Key, Certificate: sp.Cert, AcsURL: *acs, SloURL: *slo,
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding}, MetadataValidDuration: 48 * time.Hour}
	b, err := xml.MarshalIndent(s.Metadata(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}

// replayCache records SAML assertion ids in the shared nonce store, so an
// assertion is accepted once across all nodes.
type replayCache struct {
	ctx    context.Context
	nonces ReplayCache
}

func (r replayCache) Consume(id string, expiresAt time.Time) error {
	if r.nonces == nil {
		return errors.New("federation: no replay cache")
	}
	n, err := r.nonces.Use(r.ctx, []byte("saml-assertion:"+id), expiresAt)
	if err != nil {
		return err
	}
	if n > 1 {
		return fmt.Errorf("%w: %s", saml.ErrAssertionReplayed, id)
	}
	return nil
}
