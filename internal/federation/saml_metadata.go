package federation

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"time"

	saml2 "github.com/russellhaering/gosaml2"
	"github.com/russellhaering/gosaml2/types"
	dsigtypes "github.com/russellhaering/goxmldsig/types"
)

// metadataMaxBytes bounds an IdP's metadata document.
const metadataMaxBytes = 1 << 20

// The parts of SAML metadata the service provider reads. They are our
// own structs (not gosaml2's types) so an attribute we do not use, such as
// a validUntil in an unusual format, cannot make a provider unusable.
type (
	mdEntities struct {
		XMLName  xml.Name   `xml:"urn:oasis:names:tc:SAML:2.0:metadata EntitiesDescriptor"`
		Entities []mdEntity `xml:"EntityDescriptor"`
	}
	mdEntity struct {
		XMLName  xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:metadata EntityDescriptor"`
		EntityID string   `xml:"entityID,attr"`
		IDPs     []mdIDP  `xml:"IDPSSODescriptor"`
	}
	mdIDP struct {
		Keys []mdKey      `xml:"KeyDescriptor"`
		SSOs []mdEndpoint `xml:"SingleSignOnService"`
		SLOs []mdEndpoint `xml:"SingleLogoutService"`
	}
	mdKey struct {
		Use   string   `xml:"use,attr"`
		Certs []string `xml:"http://www.w3.org/2000/09/xmldsig# KeyInfo>X509Data>X509Certificate"`
	}
	mdEndpoint struct {
		Binding          string `xml:"Binding,attr"`
		Location         string `xml:"Location,attr"`
		ResponseLocation string `xml:"ResponseLocation,attr"`
	}
)

// idpMetadata is what the service provider needs of an identity
// provider: its entity id, HTTP-Redirect sign-on URL, single logout
// service (HTTP-Redirect for our requests; HTTP-POST, else
// HTTP-Redirect, for our responses) and signing certificates.
type idpMetadata struct {
	EntityID string
	SSOURL   string
	// SLOURL is where LogoutRequests go (HTTP-Redirect); "" for none.
	SLOURL string
	// SLOResponse is where LogoutResponses go, and SLOResponseBinding
	// with which binding.
	SLOResponse, SLOResponseBinding string
	Certs                           []*x509.Certificate
}

// idpMetadata reads the provider's metadata: MetadataFile, or the
// document at MetadataURL.
func (f *Federator) idpMetadata(ctx context.Context, p Provider) (*idpMetadata, error) {
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
func parseMetadata(raw []byte) (*idpMetadata, error) {
	var entities []mdEntity
	var one mdEntity
	if err := xml.Unmarshal(raw, &one); err == nil {
		entities = append(entities, one)
	} else {
		var many mdEntities
		if err := xml.Unmarshal(raw, &many); err == nil {
			entities = many.Entities
		}
	}
	for _, e := range entities {
		if len(e.IDPs) == 0 {
			continue
		}
		out := &idpMetadata{EntityID: e.EntityID}
		for _, idp := range e.IDPs {
			for _, s := range idp.SSOs {
				if s.Binding == saml2.BindingHttpRedirect && out.SSOURL == "" {
					out.SSOURL = s.Location
				}
			}
			for _, s := range idp.SLOs {
				if s.Binding == saml2.BindingHttpRedirect && out.SLOURL == "" {
					out.SLOURL = s.Location
				}
				at := s.ResponseLocation
				if at == "" {
					at = s.Location
				}
				switch {
				case s.Binding == saml2.BindingHttpPost && out.SLOResponseBinding != saml2.BindingHttpPost:
					out.SLOResponse, out.SLOResponseBinding = at, s.Binding
				case s.Binding == saml2.BindingHttpRedirect && out.SLOResponse == "":
					out.SLOResponse, out.SLOResponseBinding = at, s.Binding
				}
			}
			for _, k := range idp.Keys {
				if k.Use != "" && k.Use != "signing" {
					continue
				}
				for _, c := range k.Certs {
					der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c), ""))
					if err != nil {
						return nil, invalid("the provider's SAML metadata has a certificate that is not base64", err)
					}
					cert, err := x509.ParseCertificate(der)
					if err != nil {
						return nil, invalid("the provider's SAML metadata has a certificate that cannot be read", err)
					}
					out.Certs = append(out.Certs, cert)
				}
			}
		}
		if len(out.Certs) == 0 {
			return nil, invalid("the provider's SAML metadata has no signing certificate", nil)
		}
		return out, nil
	}
	return nil, invalid("the provider's SAML metadata describes no identity provider", nil)
}

// spMetadataValidity is how long the metadata we serve stays valid.
const spMetadataValidity = 48 * time.Hour

// SPMetadata is the pool's SAML service-provider metadata for a provider
// (its entity id, assertion consumer service, single logout service and
// signing and encryption certificate).
func SPMetadata(sp *ServiceProvider) ([]byte, error) {
	keyInfo := dsigtypes.KeyInfo{X509Data: dsigtypes.X509Data{X509Certificates: []dsigtypes.X509Certificate{
		{Data: base64.StdEncoding.EncodeToString(sp.Cert.Raw)}}}}
	ed := types.EntityDescriptor{
		ValidUntil: time.Now().UTC().Add(spMetadataValidity).Truncate(time.Second),
		EntityID:   sp.EntityID,
		SPSSODescriptor: &types.SPSSODescriptor{
			AuthnRequestsSigned:        false,
			WantAssertionsSigned:       true,
			ProtocolSupportEnumeration: saml2.SAMLProtocolNamespace,
			KeyDescriptors: []types.KeyDescriptor{
				{Use: "signing", KeyInfo: keyInfo},
				{Use: "encryption", KeyInfo: keyInfo, EncryptionMethods: []types.EncryptionMethod{
					{Algorithm: types.MethodAES128CBC}, {Algorithm: types.MethodAES256CBC},
					{Algorithm: types.MethodAES128GCM}, {Algorithm: types.MethodAES256GCM}}},
			},
			// Cognito takes LogoutResponses (and so LogoutRequests) by
			// HTTP-POST only: the XML signature is in the message.
			SingleLogoutServices:      []types.Endpoint{{Binding: saml2.BindingHttpPost, Location: sp.Logout}},
			NameIDFormats:             []string{saml2.NameIdFormatPersistent, saml2.NameIdFormatEmailAddress, saml2.NameIdFormatUnspecified},
			AssertionConsumerServices: []types.IndexedEndpoint{{Binding: saml2.BindingHttpPost, Location: sp.ACS, Index: 1}},
		},
	}
	b, err := xml.MarshalIndent(ed, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}
