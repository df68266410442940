package federation

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	dsig "github.com/russellhaering/goxmldsig"
)

// TestSAMLSignedRequest: with RequestSigningAlgorithm rsa-sha256 the
// redirect carries SigAlg and a Signature by the pool's key over the
// query (SAML bindings 3.4.4.1), and the AuthnRequest names the pool, the
// ACS and the request id the sign-in remembers.
func TestSAMLSignedRequest(t *testing.T) {
	sp := testSP(t)
	idp := newSAMLIdP(t, sp, false)
	f := &Federator{Replay: &memNonces{}}
	p := Provider{Name: "Corp", Type: TypeSAML, Details: map[string]string{"MetadataFile": idp.metadata(t), "RequestSigningAlgorithm": "rsa-sha256"}}
	ctx := context.Background()
	authURL, pending, err := f.Start(ctx, p, "", sp)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	if q.Get("SigAlg") != dsig.RSASHA256SignatureMethod || q.Get("RelayState") != pending.State {
		t.Fatalf("query: %s", u.RawQuery)
	}
	signed := u.RawQuery[:strings.Index(u.RawQuery, "&Signature=")]
	if !strings.HasPrefix(signed, "SAMLRequest=") {
		t.Fatalf("query order: %s", u.RawQuery)
	}
	sig, err := base64.StdEncoding.DecodeString(q.Get("Signature"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(signed))
	if err := rsa.VerifyPKCS1v15(sp.Cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("the request signature does not verify with the pool's certificate: %v", err)
	}
	deflated, _ := base64.StdEncoding.DecodeString(q.Get("SAMLRequest"))
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(deflated)))
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		ID     string `xml:"ID,attr"`
		ACS    string `xml:"AssertionConsumerServiceURL,attr"`
		Issuer string `xml:"Issuer"`
	}
	if err := xml.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	if req.ID != pending.RequestID || req.ACS != sp.ACS || req.Issuer != sp.EntityID {
		t.Errorf("AuthnRequest: %s", raw)
	}
	id, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, sso(t, authURL)), sp)
	if err != nil || id.Subject != "saml-user-7" {
		t.Fatalf("%v %+v", err, id)
	}
}

// TestSAMLChecks: the checks gosaml2 leaves to us refuse a response, and
// the same response passes once the check is met (so each refusal is for
// the reason named).
func TestSAMLChecks(t *testing.T) {
	sp := testSP(t)
	idp := newSAMLIdP(t, sp, false)
	nonces := &memNonces{}
	f := &Federator{Replay: nonces}
	p := Provider{Name: "Corp", Type: TypeSAML, Details: map[string]string{"MetadataFile": idp.metadata(t), "IDPInit": "true"}}
	ctx := context.Background()
	refused := func(t *testing.T, err error, why string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("want a refusal for %q, got %v", why, err)
		}
	}

	t.Run("time window", func(t *testing.T) {
		authURL, pending, _ := f.Start(ctx, p, "", sp)
		form := sso(t, authURL)
		late := &Federator{Replay: nonces, Now: func() time.Time { return time.Now().Add(10 * time.Minute) }}
		_, err := late.Finish(ctx, p, &pending, "", acsRequest(sp, form), sp)
		refused(t, err, "NotOnOrAfter")
		early := &Federator{Replay: nonces, Now: func() time.Time { return time.Now().Add(-10 * time.Minute) }}
		_, err = early.Finish(ctx, p, &pending, "", acsRequest(sp, form), sp)
		refused(t, err, "validity window")
		if _, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, form), sp); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("audience", func(t *testing.T) {
		authURL, pending, _ := f.Start(ctx, p, "", sp)
		form := sso(t, authURL)
		other := *sp
		other.EntityID = EntityID("us-east-1_other")
		_, err := f.Finish(ctx, p, &pending, "", acsRequest(&other, form), &other)
		refused(t, err, "not for this service provider")
		if _, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, form), sp); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("in response to", func(t *testing.T) {
		authURL, pending, _ := f.Start(ctx, p, "", sp)
		form := sso(t, authURL)
		_, other, _ := f.Start(ctx, p, "", sp)
		swapped := Pending{Provider: pending.Provider, State: pending.State, RequestID: other.RequestID, Expires: pending.Expires}
		_, err := f.Finish(ctx, p, &swapped, "", acsRequest(sp, form), sp)
		refused(t, err, "answers another request")
		_, err = f.Finish(ctx, p, nil, "", acsRequest(sp, form), sp)
		refused(t, err, "IdP-initiated SAML response answers a request")
		if _, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, form), sp); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSAMLMetadataShapes: the IdP may be inside an EntitiesDescriptor
// beside other entities; metadata with no signing certificate is refused
// (nothing could be verified with it).
func TestSAMLMetadataShapes(t *testing.T) {
	sp := testSP(t)
	idp := newSAMLIdP(t, sp, false)
	one := idp.metadata(t)
	spMeta, err := SPMetadata(sp)
	if err != nil {
		t.Fatal(err)
	}
	spEntity := strings.TrimPrefix(string(spMeta), xml.Header)
	many := `<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` + spEntity + one + `</EntitiesDescriptor>`
	meta, err := parseMetadata([]byte(many))
	if err != nil {
		t.Fatal(err)
	}
	if meta.EntityID != idp.idp.Metadata().EntityID || meta.SSOURL != idp.srv.URL+"/sso" || len(meta.Certs) == 0 ||
		!meta.Certs[0].Equal(idp.idp.Certificate) {
		t.Errorf("metadata: %+v", meta)
	}
	f := &Federator{Replay: &memNonces{}}
	p := Provider{Name: "Corp", Type: TypeSAML, Details: map[string]string{"MetadataFile": many}}
	authURL, pending, err := f.Start(context.Background(), p, "", sp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Finish(context.Background(), p, &pending, "", acsRequest(sp, sso(t, authURL)), sp); err != nil {
		t.Fatal(err)
	}
	if _, err := parseMetadata(spMeta); err == nil {
		t.Error("an SP's metadata was read as an identity provider's")
	}
	noKeys := regexp.MustCompile(`(?s)<KeyDescriptor.*?</KeyDescriptor>`).ReplaceAllString(one, "")
	if noKeys == one {
		t.Fatal("the IdP metadata had no KeyDescriptor to remove")
	}
	if _, err := parseMetadata([]byte(noKeys)); err == nil || !strings.Contains(err.Error(), "no signing certificate") {
		t.Errorf("metadata without certificates: %v", err)
	}
}
