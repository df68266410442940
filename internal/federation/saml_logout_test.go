package federation

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crewjam/saml"
)

// endingSession is oneSession that a LogoutRequest for it ends.
type endingSession struct {
	oneSession
	ended atomic.Bool
}

func (s *endingSession) InvalidateSession(_ http.ResponseWriter, _ *http.Request, req *saml.IdpLogoutRequest) error {
	s.ended.Store(req.Request.NameID != nil && req.Request.NameID.Value == "saml-user-7")
	return nil
}

var logoutField = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)

// TestSAMLLogout: StartLogout's LogoutRequest is one crewjam/saml's IdP
// verifies and ends its session for; FinishLogout takes its answer, and
// only as the answer to that request. Without IDPSignout, or without a
// single logout service in the IdP's metadata, there is no logout at the
// IdP.
func TestSAMLLogout(t *testing.T) {
	sp := testSP(t)
	idp := newSAMLIdP(t, sp, false)
	sessions := &endingSession{}
	idp.idp.SessionProvider = sessions
	noSLO := idp.metadata(t)
	base, _ := url.Parse(idp.srv.URL)
	idp.idp.LogoutURL = *base.JoinPath("slo")
	idp.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slo" {
			idp.idp.ServeSLO(w, r)
			return
		}
		idp.idp.ServeSSO(w, r)
	})
	f := &Federator{Replay: &memNonces{}}
	ctx := context.Background()
	sess := SAMLSession{NameID: "saml-user-7", Format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", SessionIndex: "idx"}
	p := Provider{Name: "Corp", Type: TypeSAML, Details: map[string]string{"MetadataFile": idp.metadata(t), "IDPSignout": "true"}}

	for name, q := range map[string]Provider{
		"no IDPSignout": {Name: "Corp", Type: TypeSAML, Details: map[string]string{"MetadataFile": idp.metadata(t)}},
		"no SLO":        {Name: "Corp", Type: TypeSAML, Details: map[string]string{"MetadataFile": noSLO, "IDPSignout": "true"}},
	} {
		if to, _, err := f.StartLogout(ctx, q, sp, sess, "r"); to != "" || err != nil {
			t.Errorf("%s: %q %v", name, to, err)
		}
	}

	to, id, err := f.StartLogout(ctx, p, sp, sess, "relay-1")
	if err != nil || id == "" || !strings.HasPrefix(to, idp.srv.URL+"/slo?SAMLRequest=") {
		t.Fatalf("StartLogout: %q %q %v", to, id, err)
	}
	resp, err := http.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := url.Values{}
	for _, m := range logoutField.FindAllStringSubmatch(string(body), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if !sessions.ended.Load() || form.Get("SAMLResponse") == "" || form.Get("RelayState") != "relay-1" {
		t.Fatalf("the IdP (session ended: %v) answered %s: %s", sessions.ended.Load(), resp.Status, body)
	}
	if err := f.FinishLogout(ctx, p, sp, form.Get("SAMLResponse"), "_another"); err == nil {
		t.Error("a LogoutResponse to another request was accepted")
	}
	if err := f.FinishLogout(ctx, p, sp, form.Get("SAMLResponse"), id); err != nil {
		t.Errorf("FinishLogout: %v", err)
	}
	if err := f.FinishLogout(ctx, p, sp, "", id); err == nil {
		t.Error("an empty LogoutResponse was accepted")
	}
}

func TestIdPLogoutRequestEnds(t *testing.T) {
	sess := &SAMLSession{NameID: "u1", SessionIndex: "s1"}
	for _, c := range []struct {
		req  IdPLogoutRequest
		want bool
	}{
		{IdPLogoutRequest{NameID: "u1"}, true},
		{IdPLogoutRequest{NameID: "u1", SessionIndexes: []string{"s0", "s1"}}, true},
		{IdPLogoutRequest{NameID: "u1", SessionIndexes: []string{"s2"}}, false},
		{IdPLogoutRequest{NameID: "u2"}, false},
	} {
		if got := c.req.Ends(sess); got != c.want {
			t.Errorf("%+v ends %+v: %v", c.req, sess, got)
		}
	}
	if (&IdPLogoutRequest{NameID: "u1"}).Ends(nil) {
		t.Error("a request ends no session at all")
	}
}
