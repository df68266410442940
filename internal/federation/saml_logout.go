package federation

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/beevik/etree"
	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"
)

// SAML single logout, as Cognito does it ("SAML session sign-out" in the
// developer guide). With IDPSignout "true" on the provider, /logout sends
// the browser to the SingleLogoutService of the provider's metadata with
// a LogoutRequest for the SAML session of the sign-in (its NameID and
// SessionIndex), signed with the pool's signing certificate over the query
// (HTTP-Redirect binding, RSA-SHA256); the provider answers with a signed
// LogoutResponse posted to /saml2/logout (HTTP-POST binding). A provider
// may also end the session itself by posting a signed LogoutRequest there;
// it gets a signed LogoutResponse back.

// SAMLSession is the SAML session a sign-in opened at the provider: what a
// LogoutRequest names.
type SAMLSession struct {
	NameID       string `json:"n"`
	Format       string `json:"f,omitempty"`
	SessionIndex string `json:"x,omitempty"`
}

// SAML status codes of a LogoutResponse.
const (
	StatusSuccess   = saml2.StatusCodeSuccess
	StatusRequester = "urn:oasis:names:tc:SAML:2.0:status:Requester"
)

// logoutRequestWindow is how old (by its IssueInstant) an IdP's
// LogoutRequest may be, and how far in the future (clock skew).
const (
	logoutRequestWindow = 5 * time.Minute
	logoutClockSkew     = time.Minute
)

// StartLogout returns the URL of p's single logout service carrying a
// signed LogoutRequest for sess and relayState, and the request's ID,
// which the LogoutResponse must answer. It returns "" when p does not sign
// users out at the provider: IDPSignout is not "true", or its metadata
// lists no HTTP-Redirect SingleLogoutService.
func (f *Federator) StartLogout(ctx context.Context, p Provider, sp *ServiceProvider, sess SAMLSession, relayState string) (string, string, error) {
	if p.Type != TypeSAML || p.Details["IDPSignout"] != "true" || sess.NameID == "" {
		return "", "", nil
	}
	s, meta, err := f.samlSPMeta(ctx, p, sp)
	if err != nil {
		return "", "", err
	}
	if meta.SLOURL == "" {
		return "", "", nil
	}
	if err := checkEndpoint("SingleLogoutService", meta.SLOURL); err != nil {
		return "", "", err
	}
	s.IdentityProviderSLOURL = meta.SLOURL
	s.NameIdFormat = sess.Format
	doc, err := s.BuildLogoutRequestDocumentNoSig(sess.NameID, sess.SessionIndex)
	if err != nil {
		return "", "", err
	}
	root := doc.Root()
	if n := root.SelectElement("NameID"); n != nil && sess.Format == "" {
		n.RemoveAttr("Format")
	}
	if si := root.SelectElement("SessionIndex"); si != nil && sess.SessionIndex == "" {
		root.RemoveChild(si)
	}
	id := root.SelectAttrValue("ID", "")
	u, err := redirectBinding(meta.SLOURL, "SAMLRequest", doc, relayState, s.SigningContext())
	if err != nil {
		return "", "", err
	}
	return u, id, nil
}

// FinishLogout checks p's LogoutResponse (the SAMLResponse field of the
// HTTP-POST binding) to the LogoutRequest requestID: signed by a
// certificate of p's metadata, issued by p's entity id, for this service
// provider's /saml2/logout, answering requestID, with status Success.
func (f *Federator) FinishLogout(ctx context.Context, p Provider, sp *ServiceProvider, encoded, requestID string) error {
	if encoded == "" {
		return invalid("the provider sent no SAML logout response", nil)
	}
	s, _, err := f.samlSPMeta(ctx, p, sp)
	if err != nil {
		return err
	}
	// gosaml2 checks the enveloped signature, the issuer, the version, the
	// status, and the Destination when there is one.
	resp, err := s.ValidateEncodedLogoutResponsePOST(encoded)
	if err != nil {
		return denied("the provider's SAML logout response was refused", err)
	}
	if resp.Destination != sp.Logout {
		return denied("the provider's SAML logout response was refused",
			fmt.Errorf("federation: the logout response is for %q, not %q", resp.Destination, sp.Logout))
	}
	if !constantEqual(resp.InResponseTo, requestID) {
		return denied("the provider's SAML logout response was refused",
			fmt.Errorf("federation: the logout response answers another request"))
	}
	return nil
}

// IdPLogoutRequest is a LogoutRequest the provider sent, verified.
type IdPLogoutRequest struct {
	ID     string
	NameID string
	// SessionIndexes are the sessions it ends; none means every session
	// of NameID.
	SessionIndexes []string
}

// Ends reports whether the request ends sess (SAML core 3.7.1): the same
// NameID and, when the request names sessions, one of them.
func (r *IdPLogoutRequest) Ends(sess *SAMLSession) bool {
	if sess == nil || !constantEqual(sess.NameID, r.NameID) {
		return false
	}
	if len(r.SessionIndexes) == 0 {
		return true
	}
	for _, si := range r.SessionIndexes {
		if constantEqual(si, sess.SessionIndex) {
			return true
		}
	}
	return false
}

// ReadLogoutRequest checks a LogoutRequest p posted (the SAMLRequest field
// of the HTTP-POST binding): signed by a certificate of p's metadata,
// issued by p's entity id, for this service provider's /saml2/logout,
// recent, naming a subject, and accepted once.
func (f *Federator) ReadLogoutRequest(ctx context.Context, p Provider, sp *ServiceProvider, encoded string) (*IdPLogoutRequest, error) {
	if encoded == "" {
		return nil, invalid("the provider sent no SAML logout request", nil)
	}
	if f.Replay == nil {
		return nil, fmt.Errorf("federation: SAML needs a replay cache")
	}
	s, _, err := f.samlSPMeta(ctx, p, sp)
	if err != nil {
		return nil, err
	}
	refused := func(err error) error { return denied("the provider's SAML logout request was refused", err) }
	req, err := s.ValidateEncodedLogoutRequestPOST(encoded)
	if err != nil {
		return nil, refused(err)
	}
	if req.Destination != sp.Logout {
		return nil, refused(fmt.Errorf("federation: the logout request is for %q, not %q", req.Destination, sp.Logout))
	}
	if req.ID == "" || req.NameID == nil || req.NameID.Value == "" {
		return nil, refused(fmt.Errorf("federation: the logout request has no ID or no NameID"))
	}
	now := f.now()
	if req.IssueInstant.Before(now.Add(-logoutRequestWindow)) || req.IssueInstant.After(now.Add(logoutClockSkew)) {
		return nil, refused(fmt.Errorf("federation: the logout request was issued at %s", req.IssueInstant))
	}
	n, err := f.Replay.Use(ctx, []byte("saml-logout:"+p.Name+":"+req.ID), now.Add(logoutRequestWindow+logoutClockSkew))
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, refused(fmt.Errorf("federation: SAML logout request %s was already used", req.ID))
	}
	indexes, err := signedSessionIndexes(s, encoded)
	if err != nil {
		return nil, refused(err)
	}
	return &IdPLogoutRequest{ID: req.ID, NameID: req.NameID.Value, SessionIndexes: indexes}, nil
}

// signedSessionIndexes reads the SessionIndex elements of a LogoutRequest
// that gosaml2 has verified, which it does not return: from what the
// signature covers, as goxmldsig (which gosaml2 verifies with) returns it,
// never from the document around it.
func signedSessionIndexes(s *saml2.SAMLServiceProvider, encoded string) ([]string, error) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil || doc.Root() == nil {
		return nil, fmt.Errorf("federation: the logout request cannot be read: %v", err)
	}
	vc := dsig.NewDefaultValidationContext(s.IDPCertificateStore)
	vc.Clock = s.Clock
	el, err := vc.Validate(doc.Root())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, si := range el.SelectElements("SessionIndex") {
		out = append(out, strings.TrimSpace(si.Text()))
	}
	return out, nil
}

// LogoutResponse is the signed answer, with status, to p's LogoutRequest
// inResponseTo, for p's single logout service: either a page that posts
// it (HTTP-POST binding, the signature in the document) or, when p's
// metadata lists only HTTP-Redirect, a URL (the signature on the query).
func (f *Federator) LogoutResponse(ctx context.Context, p Provider, sp *ServiceProvider, inResponseTo, status, relayState string) (page []byte, redirect string, err error) {
	s, meta, err := f.samlSPMeta(ctx, p, sp)
	if err != nil {
		return nil, "", err
	}
	if meta.SLOResponse == "" {
		return nil, "", invalid("the provider's SAML metadata has no SingleLogoutService", nil)
	}
	if err := checkEndpoint("SingleLogoutService", meta.SLOResponse); err != nil {
		return nil, "", err
	}
	s.IdentityProviderSLOURL = meta.SLOResponse
	if meta.SLOResponseBinding == saml2.BindingHttpPost {
		doc, err := s.BuildLogoutResponseDocument(status, inResponseTo)
		if err != nil {
			return nil, "", err
		}
		page, err := s.BuildLogoutResponseBodyPostFromDocument(relayState, doc)
		return page, "", err
	}
	doc, err := s.BuildLogoutResponseDocumentNoSig(status, inResponseTo)
	if err != nil {
		return nil, "", err
	}
	u, err := redirectBinding(meta.SLOResponse, "SAMLResponse", doc, relayState, s.SigningContext())
	return nil, u, err
}

// redirectBinding is location with the message doc in param (deflated,
// base64), relayState, and the RSA-SHA256 signature of the three, in the
// order the HTTP-Redirect binding signs them (SAML bindings 3.4.4.1),
// after any query location already has.
func redirectBinding(location, param string, doc *etree.Document, relayState string, signer *dsig.SigningContext) (string, error) {
	if signer == nil {
		return "", fmt.Errorf("federation: no key to sign the SAML message with")
	}
	if err := signer.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		return "", err
	}
	raw, err := doc.WriteToBytes()
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.DefaultCompression)
	if err != nil {
		return "", err
	}
	if _, err := fw.Write(raw); err != nil {
		return "", err
	}
	if err := fw.Close(); err != nil {
		return "", err
	}
	q := param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(buf.Bytes()))
	if relayState != "" {
		q += "&RelayState=" + url.QueryEscape(relayState)
	}
	q += "&SigAlg=" + url.QueryEscape(signer.GetSignatureMethodIdentifier())
	sig, err := signer.SignString(q)
	if err != nil {
		return "", err
	}
	q += "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	u, err := url.Parse(location)
	if err != nil {
		return "", err
	}
	if u.RawQuery != "" {
		q = u.RawQuery + "&" + q
	}
	u.RawQuery = q
	return u.String(), nil
}

// LogoutRequestIssuer is the Issuer a posted LogoutRequest names, read
// without any check: only to choose the provider whose certificates must
// then verify it (ReadLogoutRequest). "" when it cannot be read.
func LogoutRequestIssuer(encoded string) string {
	if len(encoded) > metadataMaxBytes {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return ""
	}
	var req struct {
		XMLName xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:protocol LogoutRequest"`
		Issuer  string   `xml:"urn:oasis:names:tc:SAML:2.0:assertion Issuer"`
	}
	if xml.Unmarshal(raw, &req) != nil {
		return ""
	}
	return strings.TrimSpace(req.Issuer)
}

// EntityID is the entity id in p's SAML metadata.
func (f *Federator) EntityID(ctx context.Context, p Provider) (string, error) {
	meta, err := f.idpMetadata(ctx, p)
	if err != nil {
		return "", err
	}
	return meta.EntityID, nil
}
