package app_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"html"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// sloSessions is the IdP's session store for single logout: one user,
// whose session ends when a valid LogoutRequest names it, and the service
// providers it signed in to (so the IdP can send them LogoutRequests).
type sloSessions struct {
	mu           sync.Mutex
	live         bool
	participants []saml.SessionParticipant
}

func (s *sloSessions) session() *saml.Session {
	return &saml.Session{ID: "idp-s1", Index: "idx-42", NameID: "saml-user-7", NameIDFormat: string(saml.PersistentNameIDFormat),
		UserEmail: "grace@corp.example", UserName: "grace", CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour)}
}

func (s *sloSessions) GetSession(http.ResponseWriter, *http.Request, *saml.IdpAuthnRequest) *saml.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live = true
	return s.session()
}

func (s *sloSessions) InvalidateSession(_ http.ResponseWriter, _ *http.Request, req *saml.IdpLogoutRequest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !req.MatchesSession(s.session()) {
		return fmt.Errorf("the logout request names another session")
	}
	s.live = false
	return nil
}

func (s *sloSessions) AddSessionParticipant(_ *http.Request, _ *saml.Session, p saml.SessionParticipant) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.participants = []saml.SessionParticipant{p}
	return nil
}

func (s *sloSessions) SessionParticipants(_ *http.Request, match func(*saml.Session) bool) ([]saml.SessionParticipant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !match(s.session()) {
		return nil, nil
	}
	return s.participants, nil
}

func (s *sloSessions) isLive() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live
}

// idpLog keeps what crewjam's IdP logs, to see why it refused something.
type idpLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *idpLog) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, v...))
}
func (l *idpLog) Print(v ...any)                 { l.Printf("%s", fmt.Sprint(v...)) }
func (l *idpLog) Println(v ...any)               { l.Print(v...) }
func (l *idpLog) Fatal(v ...any)                 { l.Print(v...) }
func (l *idpLog) Fatalf(format string, v ...any) { l.Printf(format, v...) }
func (l *idpLog) Fatalln(v ...any)               { l.Print(v...) }
func (l *idpLog) Panic(v ...any)                 { l.Print(v...) }
func (l *idpLog) Panicf(format string, v ...any) { l.Printf(format, v...) }
func (l *idpLog) Panicln(v ...any)               { l.Print(v...) }
func (l *idpLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// sloForm is the SAML form a page posts: its action and fields.
func sloForm(t *testing.T, p *page) (string, url.Values) {
	t.Helper()
	form := url.Values{}
	for _, m := range samlMessagePattern.FindAllStringSubmatch(p.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	m := samlActionPattern.FindStringSubmatch(p.body)
	if m == nil || (form.Get("SAMLRequest") == "" && form.Get("SAMLResponse") == "") {
		t.Fatalf("no SAML form on the page (%d at %s):\n%s", p.status, p.url, p.body)
	}
	return html.UnescapeString(m[1]), form
}

func postForm(b *browser, action string, form url.Values) *page {
	req, _ := http.NewRequest(http.MethodPost, action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// resign changes a signed SAML message: mutate edits its root, and the
// message is signed again with key (unsigned when key is nil); with
// keepSignature the old signature stays (a tampered message).
func resign(t *testing.T, encoded string, key *rsa.PrivateKey, cert *x509.Certificate, keepSignature bool, mutate func(*etree.Element)) string {
	t.Helper()
	raw, _ := base64.StdEncoding.DecodeString(encoded)
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	if !keepSignature {
		for _, sig := range root.SelectElements("Signature") {
			root.RemoveChild(sig)
		}
	}
	if mutate != nil {
		mutate(root)
	}
	if key != nil {
		ctx := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}))
		ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
		signed, err := ctx.SignEnveloped(root)
		if err != nil {
			t.Fatal(err)
		}
		doc.SetRoot(signed)
	}
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(out)
}

// TestFederationSAMLLogout: SAML single logout with crewjam/saml's
// identity provider, both ways. /logout for a SAML session of a provider
// with IDPSignout sends a signed LogoutRequest (HTTP-Redirect) that the
// IdP verifies and ends its session for; its LogoutResponse, posted to
// /saml2/logout, sends the browser to the logout_uri; unsigned, tampered,
// misdirected, replayed responses or ones answering another request are
// refused. The IdP's own LogoutRequest ends the pool session and gets a
// signed LogoutResponse the IdP accepts.
func TestFederationSAMLLogout(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	base := s.cfg.PublicURL + "/domains/" + rpDomain

	b := newBrowser(t)
	var spMeta saml.EntityDescriptor
	if err := xml.Unmarshal([]byte(b.get(base+"/saml2/metadata").body), &spMeta); err != nil {
		t.Fatal(err)
	}
	if slo := spMeta.SPSSODescriptors[0].SingleLogoutServices; len(slo) != 1 || slo[0].Location != base+"/saml2/logout" || slo[0].Binding != saml.HTTPPostBinding {
		t.Fatalf("SP metadata SingleLogoutService %+v", slo)
	}

	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(8), Subject: pkix.Name{CommonName: "corp idp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	sessions, log := &sloSessions{}, &idpLog{}
	idp := &saml.IdentityProvider{Key: key, Certificate: cert, ServiceProviderProvider: knownSP{&spMeta}, SessionProvider: sessions,
		LogoutBindings: []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding}, Logger: log}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sso":
			idp.ServeSSO(w, r)
		case "/slo":
			idp.ServeSLO(w, r)
		case "/portal-logout": // the user signs out at the IdP
			idp.StartLogout(w, r, sessions.session(), "http://rp.test/idp-signed-out")
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	idp.MetadataURL, idp.SSOURL, idp.LogoutURL = *u.JoinPath("metadata"), *u.JoinPath("sso"), *u.JoinPath("slo")
	idpMeta, _ := xml.Marshal(idp.Metadata())

	result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: &poolID, ProviderName: aws.String("Corp"), ProviderType: types.IdentityProviderTypeTypeSaml,
		ProviderDetails:  map[string]string{"MetadataFile": string(idpMeta), "IDPSignout": "true"},
		AttributeMapping: map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3"},
	})).must(t)
	client := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID, ClientName: aws.String("rp"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{rpCallback}, LogoutURLs: []string{rpLogout},
		SupportedIdentityProviders: []string{"Corp"},
	})).must(t).UserPoolClient
	authorize := base + "/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {*client.ClientId},
		"redirect_uri": {rpCallback}, "scope": {"openid email"}}.Encode()
	logout := base + "/logout?" + url.Values{"client_id": {*client.ClientId}, "logout_uri": {rpLogout}, "state": {"bye"}}.Encode()

	// signIn signs the browser in through the IdP and checks the session
	// then signs in without the IdP.
	signIn := func() {
		t.Helper()
		action, form := sloForm(t, b.get(authorize+"&identity_provider=Corp"))
		if back := postForm(b, action, form).callback(t); back.Get("code") == "" {
			t.Fatalf("federated sign-in: %v", back)
		}
		if back := b.get(authorize).callback(t); back.Get("code") == "" {
			t.Fatalf("no session after the sign-in: %v", back)
		}
	}
	signedOut := func(what string) {
		t.Helper()
		if p := b.get(authorize); p.location != nil {
			t.Errorf("%s: the session still signs in: %v", what, p.location)
		}
	}
	// startLogout goes to /logout, through the IdP (which verifies the
	// LogoutRequest and ends its session), and returns the IdP's
	// LogoutResponse form, not yet posted.
	startLogout := func() (string, url.Values) {
		t.Helper()
		p := b.get(logout)
		if !strings.HasPrefix(p.url.String(), srv.URL+"/slo?") {
			t.Fatalf("/logout did not go to the IdP's SingleLogoutService: %d at %s\n%s", p.status, p.url, p.body)
		}
		q := p.url.Query()
		if q.Get("SigAlg") != dsig.RSASHA256SignatureMethod || q.Get("Signature") == "" || q.Get("RelayState") == "" {
			t.Errorf("the LogoutRequest's redirect: %v", q)
		}
		if sessions.isLive() {
			t.Fatalf("the IdP did not end its session:\n%s", log)
		}
		action, form := sloForm(t, p)
		if action != base+"/saml2/logout" {
			t.Fatalf("the IdP answers at %s", action)
		}
		return action, form
	}

	// SP-initiated: the whole round trip.
	signIn()
	action, form := startLogout()
	signedOut("after /logout")
	back := postForm(b, action, form)
	if back.status != http.StatusSeeOther || back.location == nil || back.location.String() != rpLogout+"?state=bye" {
		t.Fatalf("the LogoutResponse: %d %v\n%s", back.status, back.location, back.body)
	}
	if p := postForm(b, action, form); p.status != http.StatusBadRequest || p.location != nil {
		t.Errorf("a replayed LogoutResponse: %d %v", p.status, p.location)
	}

	// Each bad LogoutResponse is refused, with the pending sign-out still
	// in the browser; the same response signed again as it was is
	// accepted, so what is refused is the change.
	signIn()
	action, form = startLogout()
	jarURL, _ := url.Parse(base + "/saml2/logout")
	var pending *http.Cookie
	for _, c := range b.client.Jar.Cookies(jarURL) {
		if c.Name == "cognate-slo" {
			pending = &http.Cookie{Name: c.Name, Value: c.Value, Path: "/domains/" + rpDomain}
		}
	}
	if pending == nil {
		t.Fatal("no pending sign-out cookie")
	}
	attr := func(name, value string) func(*etree.Element) {
		return func(e *etree.Element) { e.CreateAttr(name, value) }
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	cases := []struct {
		name string
		msg  string
		want int
	}{
		{"unsigned", resign(t, form.Get("SAMLResponse"), nil, nil, false, nil), http.StatusBadRequest},
		{"tampered", resign(t, form.Get("SAMLResponse"), nil, nil, true, attr("InResponseTo", "_other")), http.StatusBadRequest},
		{"another key", resign(t, form.Get("SAMLResponse"), other, cert, false, nil), http.StatusBadRequest},
		{"another request", resign(t, form.Get("SAMLResponse"), key, cert, false, attr("InResponseTo", "_other")), http.StatusBadRequest},
		{"another destination", resign(t, form.Get("SAMLResponse"), key, cert, false, attr("Destination", srv.URL+"/elsewhere")), http.StatusBadRequest},
		{"no destination", resign(t, form.Get("SAMLResponse"), key, cert, false, func(e *etree.Element) { e.RemoveAttr("Destination") }), http.StatusBadRequest},
		{"failed", resign(t, form.Get("SAMLResponse"), key, cert, false, func(e *etree.Element) {
			e.FindElement(".//StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Responder")
		}), http.StatusBadRequest},
		{"signed again", resign(t, form.Get("SAMLResponse"), key, cert, false, nil), http.StatusSeeOther},
	}
	for _, c := range cases {
		b.client.Jar.SetCookies(jarURL, []*http.Cookie{pending})
		f := url.Values{"SAMLResponse": {c.msg}, "RelayState": {form.Get("RelayState")}}
		if p := postForm(b, action, f); p.status != c.want {
			t.Errorf("%s LogoutResponse: %d, want %d\n%s", c.name, p.status, c.want, p.body)
		}
	}
	b.client.Jar.SetCookies(jarURL, []*http.Cookie{pending})
	if p := postForm(b, action, url.Values{"SAMLResponse": {form.Get("SAMLResponse")}, "RelayState": {"another"}}); p.status != http.StatusBadRequest {
		t.Errorf("a LogoutResponse with another RelayState: %d", p.status)
	}

	// IdP-initiated: the user signs out at the IdP, which posts a
	// LogoutRequest to /saml2/logout; the pool session ends, and the
	// IdP accepts the pool's signed LogoutResponse.
	signIn()
	toSP := b.get(srv.URL + "/portal-logout")
	action, form = sloForm(t, toSP)
	if action != base+"/saml2/logout" || form.Get("SAMLRequest") == "" {
		t.Fatalf("the IdP's LogoutRequest goes to %s: %v", action, form)
	}
	for name, msg := range map[string]string{
		"unsigned": resign(t, form.Get("SAMLRequest"), nil, nil, false, nil),
		"tampered": resign(t, form.Get("SAMLRequest"), nil, nil, true, func(e *etree.Element) { e.FindElement(".//NameID").SetText("someone-else") }),
	} {
		if p := postForm(b, action, url.Values{"SAMLRequest": {msg}}); p.status != http.StatusBadRequest {
			t.Errorf("%s LogoutRequest: %d", name, p.status)
		}
	}
	if p := b.get(authorize); p.location == nil {
		t.Fatal("a refused LogoutRequest ended the session")
	}
	// A valid request for another SessionIndex of the user is answered,
	// and leaves this session.
	otherSession := resign(t, form.Get("SAMLRequest"), key, cert, false, func(e *etree.Element) {
		e.CreateAttr("ID", "id-other-session")
		e.FindElement(".//SessionIndex").SetText("idx-other")
	})
	if p := postForm(b, action, url.Values{"SAMLRequest": {otherSession}}); p.status != http.StatusOK || !strings.Contains(p.body, "SAMLResponse") {
		t.Errorf("a LogoutRequest for another session: %d\n%s", p.status, p.body)
	}
	if p := b.get(authorize); p.location == nil {
		t.Fatal("a LogoutRequest for another SessionIndex ended the session")
	}
	// The IdP's page posts cross-site, so a real browser sends no
	// SameSite=Lax session cookie with it: the session it names ends
	// all the same.
	answer := postForm(newBrowser(t), action, form)
	signedOut("after the IdP's LogoutRequest")
	idpAction, idpForm := sloForm(t, answer)
	if idpAction != srv.URL+"/slo" || idpForm.Get("SAMLResponse") == "" {
		t.Fatalf("the LogoutResponse goes to %s: %v", idpAction, idpForm)
	}
	done := postForm(b, idpAction, idpForm)
	if done.location == nil || done.location.String() != "http://rp.test/idp-signed-out" || strings.Contains(log.String(), "logout response") {
		t.Fatalf("the IdP refused the LogoutResponse: %d %v\n%s", done.status, done.location, log)
	}
	if p := postForm(b, action, form); p.status != http.StatusBadRequest {
		t.Errorf("a replayed LogoutRequest: %d", p.status)
	}

	// Without IDPSignout, /logout ends the session and goes straight to
	// the logout_uri: the IdP's session stays.
	result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: &poolID, ProviderName: aws.String("CorpQuiet"), ProviderType: types.IdentityProviderTypeTypeSaml,
		ProviderDetails: map[string]string{"MetadataFile": string(idpMeta)},
	})).must(t)
	result(s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
		UserPoolId: &poolID, ClientId: client.ClientId, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthScopes: []string{"openid", "email"},
		CallbackURLs: []string{rpCallback}, LogoutURLs: []string{rpLogout}, SupportedIdentityProviders: []string{"Corp", "CorpQuiet"},
	})).must(t)
	action, form = sloForm(t, b.get(authorize+"&identity_provider=CorpQuiet"))
	if back := postForm(b, action, form).callback(t); back.Get("code") == "" {
		t.Fatalf("sign-in through CorpQuiet: %v", back)
	}
	if p := b.get(logout); p.location == nil || p.location.String() != rpLogout+"?state=bye" || !sessions.isLive() {
		t.Errorf("/logout of a provider without IDPSignout: %d %v at %s (IdP session live: %v)", p.status, p.location, p.url, sessions.isLive())
	}
	signedOut("after /logout without IDPSignout")
}

var (
	samlMessagePattern = regexp.MustCompile(`name="(SAMLRequest|SAMLResponse|RelayState)" value="([^"]*)"`)
	samlActionPattern  = regexp.MustCompile(`<form method="(?i:post)" action="([^"]*)"`)
)
