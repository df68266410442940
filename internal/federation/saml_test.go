package federation

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
)

// memNonces is the nonce store's contract (storage.Nonces.Use) in memory;
// the SQL stores' own tests cover the real one.
type memNonces struct {
	mu   sync.Mutex
	uses map[string]int
}

func (m *memNonces) Use(_ context.Context, id []byte, _ time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.uses == nil {
		m.uses = map[string]int{}
	}
	m.uses[string(id)]++
	return m.uses[string(id)], nil
}

func selfSigned(t *testing.T, cn string) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

// samlIdP is crewjam/saml's identity provider, serving its SSO endpoint,
// with one signed-in user.
type samlIdP struct {
	idp *saml.IdentityProvider
	srv *httptest.Server
}

type oneSession struct{}

func (oneSession) GetSession(http.ResponseWriter, *http.Request, *saml.IdpAuthnRequest) *saml.Session {
	return &saml.Session{ID: "s1", NameID: "saml-user-7", UserName: "grace", UserEmail: "grace@example.com",
		UserGivenName: "Grace", Groups: []string{"eng", "ops"}, CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour)}
}

type spFromMetadata struct{ ed *saml.EntityDescriptor }

func (s spFromMetadata) GetServiceProvider(_ *http.Request, id string) (*saml.EntityDescriptor, error) {
	if id != s.ed.EntityID {
		return nil, errors.New("unknown service provider " + id)
	}
	return s.ed, nil
}

func newSAMLIdP(t *testing.T, sp *ServiceProvider, encrypt bool) *samlIdP {
	t.Helper()
	key, cert := selfSigned(t, "idp")
	meta, err := SPMetadata(sp)
	if err != nil {
		t.Fatal(err)
	}
	var ed saml.EntityDescriptor
	if err := xml.Unmarshal(meta, &ed); err != nil {
		t.Fatal(err)
	}
	if !encrypt {
		// Without an encryption key the IdP sends the assertion in the
		// clear, so the tests can see and tamper with it.
		var keep []saml.KeyDescriptor
		for _, kd := range ed.SPSSODescriptors[0].KeyDescriptors {
			if kd.Use != "encryption" {
				keep = append(keep, kd)
			}
		}
		ed.SPSSODescriptors[0].KeyDescriptors = keep
	}
	out := &samlIdP{}
	out.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { out.idp.ServeSSO(w, r) }))
	t.Cleanup(out.srv.Close)
	base, _ := url.Parse(out.srv.URL)
	out.idp = &saml.IdentityProvider{
		Key: key, Certificate: cert,
		MetadataURL: *base.JoinPath("metadata"), SSOURL: *base.JoinPath("sso"),
		ServiceProviderProvider: spFromMetadata{&ed}, SessionProvider: oneSession{},
	}
	return out
}

func (i *samlIdP) metadata(t *testing.T) string {
	b, err := xml.Marshal(i.idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var formField = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)

// sso sends the browser to the IdP and returns the form its page posts
// back to the service provider.
func sso(t *testing.T, authURL string) url.Values {
	t.Helper()
	resp, err := http.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := url.Values{}
	for _, m := range formField.FindAllStringSubmatch(string(body), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("SAMLResponse") == "" {
		t.Fatalf("the IdP answered %s: %s", resp.Status, body)
	}
	return form
}

func acsRequest(sp *ServiceProvider, form url.Values) Callback {
	r := httptest.NewRequest(http.MethodPost, sp.ACS, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return Callback{Form: form, Request: r}
}

func testSP(t *testing.T) *ServiceProvider {
	key, cert := selfSigned(t, "urn:amazon:cognito:sp:us-east-1_test")
	return &ServiceProvider{EntityID: EntityID("us-east-1_test"), ACS: "https://auth.example.com/saml2/idpresponse",
		Logout: "https://auth.example.com/saml2/logout", Key: key, Cert: cert}
}

func TestSAMLRoundTrip(t *testing.T) {
	sp := testSP(t)
	idp := newSAMLIdP(t, sp, false)
	f := &Federator{Replay: &memNonces{}}
	p := Provider{Name: "Corp", Type: TypeSAML, Details: map[string]string{"MetadataFile": idp.metadata(t)}}
	ctx := context.Background()
	authURL, pending, err := f.Start(ctx, p, "", sp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(authURL, idp.srv.URL+"/sso?SAMLRequest=") || pending.RequestID == "" {
		t.Fatalf("start: %s %+v", authURL, pending)
	}
	form := sso(t, authURL)
	id, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, form), sp)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "saml-user-7" || id.Attributes["mail"] != "grace@example.com" ||
		id.Attributes["urn:oid:0.9.2342.19200300.100.1.3"] != "grace@example.com" || id.Attributes["givenName"] != "Grace" {
		t.Errorf("identity: %+v", id)
	}

	t.Run("replay", func(t *testing.T) {
		if _, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, form), sp); err == nil {
			t.Error("a replayed assertion was accepted")
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		authURL, pending, _ := f.Start(ctx, p, "", sp)
		fresh := sso(t, authURL)
		xmlDoc, _ := base64.StdEncoding.DecodeString(fresh.Get("SAMLResponse"))
		stripped := regexp.MustCompile(`(?s)<ds:Signature.*?</ds:Signature>`).ReplaceAll(xmlDoc, nil)
		if len(stripped) == len(xmlDoc) || !strings.Contains(string(stripped), "saml-user-7") {
			t.Fatal("the IdP's response carried no signature to strip")
		}
		fresh.Set("SAMLResponse", base64.StdEncoding.EncodeToString(stripped))
		if _, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, fresh), sp); err == nil {
			t.Error("an unsigned response was accepted")
		}
	})
	t.Run("tampered", func(t *testing.T) {
		authURL, pending, _ := f.Start(ctx, p, "", sp)
		fresh := sso(t, authURL)
		xmlDoc, _ := base64.StdEncoding.DecodeString(fresh.Get("SAMLResponse"))
		forged := strings.ReplaceAll(string(xmlDoc), "saml-user-7", "saml-admin-1")
		fresh.Set("SAMLResponse", base64.StdEncoding.EncodeToString([]byte(forged)))
		if _, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, fresh), sp); err == nil {
			t.Error("a response with a changed subject was accepted")
		}
	})
	t.Run("relay state", func(t *testing.T) {
		_, pending, _ := f.Start(ctx, p, "", sp)
		authURL, _, _ := f.Start(ctx, p, "", sp)
		if _, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, sso(t, authURL)), sp); err == nil {
			t.Error("a response to another browser's sign-in was accepted")
		}
	})
	t.Run("idp-initiated", func(t *testing.T) {
		unsolicited := func() url.Values {
			w := httptest.NewRecorder()
			idp.idp.ServeIDPInitiated(w, httptest.NewRequest(http.MethodGet, idp.srv.URL+"/init", nil), sp.EntityID, "")
			form := url.Values{}
			for _, m := range formField.FindAllStringSubmatch(w.Body.String(), -1) {
				form.Set(m[1], html.UnescapeString(m[2]))
			}
			if form.Get("SAMLResponse") == "" {
				t.Fatalf("the IdP answered %d: %s", w.Code, w.Body)
			}
			return form
		}
		if _, err := f.Finish(ctx, p, nil, "", acsRequest(sp, unsolicited()), sp); err == nil {
			t.Error("an unsolicited response was accepted from a provider without IDPInit")
		}
		allowing := Provider{Name: p.Name, Type: TypeSAML, Details: map[string]string{"MetadataFile": p.Details["MetadataFile"], "IDPInit": "true"}}
		form := unsolicited()
		id, err := f.Finish(ctx, allowing, nil, "", acsRequest(sp, form), sp)
		if err != nil || id.Subject != "saml-user-7" {
			t.Fatalf("IdP-initiated sign-in with IDPInit: %v %+v", err, id)
		}
		if _, err := f.Finish(ctx, allowing, nil, "", acsRequest(sp, form), sp); err == nil {
			t.Error("an unsolicited response was accepted twice")
		}
	})
}

// TestSAMLEncrypted signs in with an assertion encrypted to the pool's
// certificate (EncryptedResponses).
func TestSAMLEncrypted(t *testing.T) {
	sp := testSP(t)
	idp := newSAMLIdP(t, sp, true)
	f := &Federator{Replay: &memNonces{}}
	p := Provider{Name: "Corp", Type: TypeSAML, Details: map[string]string{"MetadataFile": idp.metadata(t), "EncryptedResponses": "true"}}
	ctx := context.Background()
	authURL, pending, err := f.Start(ctx, p, "", sp)
	if err != nil {
		t.Fatal(err)
	}
	form := sso(t, authURL)
	xmlDoc, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	if !strings.Contains(string(xmlDoc), "EncryptedAssertion") || strings.Contains(string(xmlDoc), "saml-user-7") {
		t.Fatal("the IdP did not encrypt the assertion")
	}
	id, err := f.Finish(ctx, p, &pending, "", acsRequest(sp, form), sp)
	if err != nil || id.Subject != "saml-user-7" {
		t.Fatalf("%v %+v", err, id)
	}
}

func TestSPMetadata(t *testing.T) {
	sp := testSP(t)
	b, err := SPMetadata(sp)
	if err != nil {
		t.Fatal(err)
	}
	var ed saml.EntityDescriptor
	if err := xml.Unmarshal(b, &ed); err != nil {
		t.Fatal(err)
	}
	if ed.EntityID != "urn:amazon:cognito:sp:us-east-1_test" || len(ed.SPSSODescriptors) != 1 ||
		ed.SPSSODescriptors[0].AssertionConsumerServices[0].Location != sp.ACS {
		t.Errorf("metadata: %s", b)
	}
}
