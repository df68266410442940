package federation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// TestSocialProviders runs Facebook and Login with Amazon against
// stand-ins of their authorization, token and user-info endpoints,
// checking the requests Cognate sends them.
func TestSocialProviders(t *testing.T) {
	cases := []struct {
		typ, fields, profile string
		attrs                []string
		want                 map[string]string
		// tokenMethod and attrMethod are the token_request_method and
		// attributes_request_method details ("" for none), and the
		// methods the stand-in must see.
		tokenMethod, attrMethod string
		wantToken, wantAttr     string
	}{
		{TypeFacebook, "id,email,name", `{"id":"10158","email":"fb@example.com","name":"Fay"}`, []string{"email", "name"},
			map[string]string{"id": "10158", "email": "fb@example.com", "name": "Fay"}, "GET", "", "GET", "GET"},
		{TypeAmazon, "", `{"user_id":"amzn1.account.X","email":"am@example.com","name":"Amy","postal_code":"98101"}`, nil,
			map[string]string{"user_id": "amzn1.account.X", "email": "am@example.com", "postal_code": "98101"}, "POST", "", "POST", "GET"},
		{TypeAmazon, "", `{"user_id":"amzn1.account.Y","email":"am@example.com"}`, nil,
			map[string]string{"user_id": "amzn1.account.Y"}, "", "POST", "POST", "POST"},
	}
	for _, tc := range cases {
		t.Run(tc.typ+"-"+tc.wantToken+"-"+tc.wantAttr, func(t *testing.T) {
			var gotScope, gotFields, gotAuth, gotTokenMethod, gotAttrMethod string
			var tokenForm url.Values
			mux := http.NewServeMux()
			mux.HandleFunc("GET /auth", func(w http.ResponseWriter, r *http.Request) {
				gotScope = r.URL.Query().Get("scope")
				back, _ := url.Parse(r.URL.Query().Get("redirect_uri"))
				back.RawQuery = url.Values{"code": {"c0de"}, "state": {r.URL.Query().Get("state")}}.Encode()
				http.Redirect(w, r, back.String(), http.StatusFound)
			})
			mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				gotTokenMethod, tokenForm = r.Method, r.Form
				if r.Form.Get("code") != "c0de" || r.Form.Get("client_secret") != "s3cret" {
					w.WriteHeader(http.StatusBadRequest)
					writeJSON(w, map[string]string{"error": "invalid_grant"})
					return
				}
				writeJSON(w, map[string]any{"access_token": "at", "token_type": "bearer", "expires_in": 60})
			})
			mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
				gotAttrMethod = r.Method
				gotFields, gotAuth = r.URL.Query().Get("fields"), r.Header.Get("Authorization")
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.profile))
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			d := map[string]string{
				"client_id": "app", "client_secret": "s3cret", "authorize_scopes": "public_profile email",
				"authorize_url": srv.URL + "/auth", "token_url": srv.URL + "/token", "attributes_url": srv.URL + "/me",
			}
			if tc.tokenMethod != "" {
				d["token_request_method"] = tc.tokenMethod
			}
			if tc.attrMethod != "" {
				d["attributes_request_method"] = tc.attrMethod
			}
			if tc.typ == TypeFacebook {
				d["attributes_url"] = srv.URL + "/me?fields="
				d["attributes_url_add_attributes"] = "true"
			}
			p := Provider{Name: tc.typ, Type: tc.typ, Details: d, Attributes: tc.attrs}
			f := &Federator{}
			ctx := context.Background()
			authURL, pending, err := f.Start(ctx, p, redirectURI, nil)
			if err != nil {
				t.Fatal(err)
			}
			id, err := f.Finish(ctx, p, &pending, redirectURI, Callback{Form: follow(t, authURL)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if id.Attributes[k] != v {
					t.Errorf("attribute %s = %q, want %q", k, id.Attributes[k], v)
				}
			}
			if id.Subject != tc.want[subjectAttribute[tc.typ]] {
				t.Errorf("subject %q", id.Subject)
			}
			if gotAuth != "Bearer at" || gotFields != tc.fields || tokenForm.Get("redirect_uri") != redirectURI {
				t.Errorf("user info asked with %q fields %q; token form %v", gotAuth, gotFields, tokenForm)
			}
			if gotTokenMethod != tc.wantToken || gotAttrMethod != tc.wantAttr {
				t.Errorf("token request by %s, user info by %s; want %s and %s", gotTokenMethod, gotAttrMethod, tc.wantToken, tc.wantAttr)
			}
			if tc.wantToken == http.MethodGet && tokenForm.Get("grant_type") != "authorization_code" {
				t.Errorf("GET token request query %v", tokenForm)
			}
			wantScope := "public_profile email"
			if tc.typ == TypeFacebook {
				wantScope = "public_profile,email"
			}
			if gotScope != wantScope {
				t.Errorf("scope %q, want %q", gotScope, wantScope)
			}
		})
	}
}

func TestSocialEndpointsMustBeHTTPS(t *testing.T) {
	p := Provider{Name: "Facebook", Type: TypeFacebook, Details: map[string]string{
		"client_id": "a", "authorize_url": "http://www.facebook.com/dialog/oauth", "token_url": "https://graph.facebook.com/t",
		"attributes_url": "https://graph.facebook.com/me?fields=",
	}}
	if _, _, err := (&Federator{}).Start(context.Background(), p, redirectURI, nil); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("plain http authorize_url: %v", err)
	}
}

// TestTokenByGETKeepsTheSecretOutOfErrors: a GET token request carries the
// client secret in its query, which a failed request's error (logged)
// must not repeat.
func TestTokenByGETKeepsTheSecretOutOfErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	closed := srv.URL
	srv.Close()
	p := Provider{Name: "Facebook", Type: TypeFacebook, Details: map[string]string{"client_id": "app", "client_secret": "s3cret-value",
		"token_request_method": "GET", "token_url": closed + "/token"}}
	cfg := oauthConfig(p, oauth2.Endpoint{TokenURL: p.Details["token_url"]}, redirectURI)
	_, err := (&Federator{}).exchange(context.Background(), p, cfg, "c0de", "")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v", err)
	}
}
