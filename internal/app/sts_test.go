package app_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/cognate-dev/cognate/internal/app"
)

// oidcIssuer is an external OpenID Connect provider: a TLS server with its
// own RSA key, publishing discovery and JWKS documents.
type oidcIssuer struct {
	srv *httptest.Server
	key *rsa.PrivateKey
}

func newOIDCIssuer(t testing.TB) *oidcIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &oidcIssuer{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tenant/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": is.url(), "jwks_uri": is.url() + "/jwks"})
	})
	mux.HandleFunc("GET /tenant/jwks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	is.srv = httptest.NewTLSServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

func (is *oidcIssuer) url() string { return is.srv.URL + "/tenant" }

// providerKey is the issuer URL without its scheme, as in the provider ARN
// and the condition keys.
func (is *oidcIssuer) providerKey() string { return strings.TrimPrefix(is.url(), "https://") }

// token signs claims (iss, exp and iat are filled in unless given) with
// key, the issuer's own unless another is given.
func (is *oidcIssuer) token(t testing.TB, claims map[string]any, key *rsa.PrivateKey) string {
	t.Helper()
	if key == nil {
		key = is.key
	}
	now := time.Now()
	full := map[string]any{"iss": is.url(), "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
	for k, v := range claims {
		full[k] = v
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1").WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(full)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := jws.CompactSerialize()
	return tok
}

// startWith is start with app options.
func startWith(t testing.TB, backend string, opts ...app.Option) *server {
	t.Helper()
	cfg := newConfig(t, backend)
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" }, opts...)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	hs := httptest.NewServer(a.Handler())
	s := &server{t: t, app: a, http: hs, cfg: cfg, dataDir: cfg.DataDir}
	id, key := a.RootCredentials()
	s.idp = s.client(id, key)
	t.Cleanup(s.stop)
	return s
}

// federation is a server trusting an external OIDC issuer, with a role
// that users of the issuer's "my-app" whose subject starts with "user-"
// may assume.
type federation struct {
	*server
	issuer      *oidcIssuer
	providerARN string
	roleARN     string
}

func newFederation(t *testing.T, backend string, opts ...app.Option) *federation {
	is := newOIDCIssuer(t)
	s := startWith(t, backend, append(opts, app.WithHTTPClient(is.srv.Client()))...)
	c := s.iamClient(false)
	prov := result(c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(is.url()), ClientIDList: []string{"my-app"},
	})).must(t)
	f := &federation{server: s, issuer: is, providerARN: aws.ToString(prov.OpenIDConnectProviderArn)}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + f.providerARN + `"},
		"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + is.providerKey() + `:aud":"my-app"},
		"StringLike":{"` + is.providerKey() + `:sub":"user-*"}}}]}`
	role := result(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("oidc-role"), AssumeRolePolicyDocument: aws.String(trust)})).must(t)
	f.roleARN = aws.ToString(role.Role.Arn)
	return f
}

// assume calls AssumeRoleWithWebIdentity unsigned, as SDKs do.
func (f *federation) assume(token string, duration int32) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(f.roleARN), RoleSessionName: aws.String("sess"), WebIdentityToken: aws.String(token)}
	if duration > 0 {
		in.DurationSeconds = aws.Int32(duration)
	}
	return f.stsClient("", "", "").AssumeRoleWithWebIdentity(ctx, in, func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} })
}

var accessKeyPattern = regexp.MustCompile(`^ASIA[A-Z0-9]{16}$`)

func TestAssumeRoleWithWebIdentityOIDC(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			f := newFederation(t, backend)
			is := f.issuer
			out := result(f.assume(is.token(t, map[string]any{"sub": "user-1", "aud": "my-app"}, nil), 0)).must(t)
			c := out.Credentials
			if !accessKeyPattern.MatchString(aws.ToString(c.AccessKeyId)) || len(aws.ToString(c.SecretAccessKey)) != 40 || aws.ToString(c.SessionToken) == "" {
				t.Fatalf("credentials = %+v", c)
			}
			if d := time.Until(*c.Expiration); d < 59*time.Minute || d > time.Hour+time.Minute {
				t.Fatalf("expires in %v, want an hour", d)
			}
			if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::000000000000:assumed-role/oidc-role/sess" ||
				!strings.HasPrefix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), "AROA") ||
				!strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":sess") ||
				aws.ToString(out.SubjectFromWebIdentityToken) != "user-1" || aws.ToString(out.Provider) != is.url() || aws.ToString(out.Audience) != "my-app" {
				t.Fatalf("result = %+v %+v", out, out.AssumedRoleUser)
			}

			who := result(f.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)).
				GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})).must(t)
			if aws.ToString(who.Arn) != aws.ToString(out.AssumedRoleUser.Arn) || aws.ToString(who.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) ||
				aws.ToString(who.Account) != "000000000000" {
				t.Fatalf("GetCallerIdentity = %+v", who)
			}
			root := result(f.stsClient("", "", "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})).must(t)
			if aws.ToString(root.Arn) != "arn:aws:iam::000000000000:root" || aws.ToString(root.UserId) != "000000000000" {
				t.Fatalf("root GetCallerIdentity = %+v", root)
			}

			short := result(f.assume(is.token(t, map[string]any{"sub": "user-1", "aud": []string{"other", "my-app"}}, nil), 900)).must(t)
			if d := time.Until(*short.Credentials.Expiration); d > 15*time.Minute+time.Minute || d < 14*time.Minute {
				t.Fatalf("900 s credentials expire in %v", d)
			}

			other, _ := rsa.GenerateKey(rand.Reader, 2048)
			for _, tt := range []struct {
				name     string
				token    string
				duration int32
				code     string
				msg      string
			}{
				{"wrong audience", is.token(t, map[string]any{"sub": "user-1", "aud": "someone-else"}, nil), 0, "InvalidIdentityToken", "Incorrect token audience"},
				{"expired", is.token(t, map[string]any{"sub": "user-1", "aud": "my-app", "exp": time.Now().Add(-time.Minute).Unix()}, nil), 0, "ExpiredTokenException", "Token expired"},
				{"bad signature", is.token(t, map[string]any{"sub": "user-1", "aud": "my-app"}, other), 0, "InvalidIdentityToken", ""},
				{"trust condition fails", is.token(t, map[string]any{"sub": "admin-1", "aud": "my-app"}, nil), 0, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
				{"longer than the role allows", is.token(t, map[string]any{"sub": "user-1", "aud": "my-app"}, nil), 7200, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
				{"not a JWT", "not-a-token", 0, "InvalidIdentityToken", ""},
			} {
				t.Run(tt.name, func(t *testing.T) {
					_, err := f.assume(tt.token, tt.duration)
					wantCode(t, err, tt.code, tt.msg)
				})
			}
			var idt *ststypes.InvalidIdentityTokenException
			if _, err := f.assume(is.token(t, map[string]any{"sub": "user-1", "aud": "nope"}, nil), 0); !errors.As(err, &idt) {
				t.Fatalf("the SDK should type InvalidIdentityToken: %T %v", err, err)
			}
			var expired *ststypes.ExpiredTokenException
			if _, err := f.assume(is.token(t, map[string]any{"sub": "user-1", "aud": "my-app", "exp": 1}, nil), 0); !errors.As(err, &expired) {
				t.Fatalf("the SDK should type ExpiredTokenException: %T %v", err, err)
			}

			_, err := f.stsClient("", "", "").AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String("arn:aws:iam::000000000000:role/nope"), RoleSessionName: aws.String("sess"),
				WebIdentityToken: aws.String(is.token(t, map[string]any{"sub": "user-1", "aud": "my-app"}, nil)),
			}, func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} })
			wantCode(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")

			result(f.iamClient(false).DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(f.providerARN)})).must(t)
			_, err = f.assume(is.token(t, map[string]any{"sub": "user-1", "aud": "my-app"}, nil), 0)
			wantCode(t, err, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for "+is.url())
		})
	}
}

func TestVendedCredentialsRefused(t *testing.T) {
	f := newFederation(t, "sqlite")
	out := result(f.assume(f.issuer.token(t, map[string]any{"sub": "user-1", "aud": "my-app"}, nil), 0)).must(t)
	id, secret, token := aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken)
	other := result(f.assume(f.issuer.token(t, map[string]any{"sub": "user-2", "aud": "my-app"}, nil), 0)).must(t)

	// Flip one character in the middle of the sealed token.
	b := []byte(token)
	if b[len(b)/2] == 'A' {
		b[len(b)/2] = 'B'
	} else {
		b[len(b)/2] = 'A'
	}
	tampered := string(b)

	for _, tt := range []struct {
		name              string
		id, secret, token string
		code, msg         string
	}{
		{"tampered token", id, secret, tampered, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"token of another key", id, secret, aws.ToString(other.Credentials.SessionToken), "InvalidClientTokenId", ""},
		{"key id of another token", aws.ToString(other.Credentials.AccessKeyId), secret, token, "InvalidClientTokenId", ""},
		{"forged secret", id, strings.Repeat("x", 40), token, "SignatureDoesNotMatch", "The request signature we calculated does not match"},
		{"no token", id, secret, "", "InvalidClientTokenId", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.stsClient(tt.id, tt.secret, tt.token).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			wantCode(t, err, tt.code, tt.msg)
		})
	}

	// Vended credentials cannot administer: IAM and the user pool admin
	// API refuse them.
	vendedIAM := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.http.URL), HTTPClient: f.http.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, token)})
	_, err := vendedIAM.ListRoles(ctx, &iam.ListRolesInput{})
	wantCode(t, err, "AccessDenied", "User: arn:aws:sts::000000000000:assumed-role/oidc-role/sess is not authorized to perform: iam:ListRoles")
	vendedIDP := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.http.URL), HTTPClient: f.http.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, token)})
	_, err = vendedIDP.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	wantCode(t, err, "AccessDeniedException", "is not authorized to perform: cognito-idp:ListUserPools")
	_, err = cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.http.URL), HTTPClient: f.http.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, tampered)}).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	wantCode(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")
}

// TestQueryProtocolRouting checks that the JSON and query protocols share
// the endpoint, and that query requests are told apart by content type.
func TestQueryProtocolRouting(t *testing.T) {
	s := newServer(t, "sqlite")
	post := func(ct, target, body string) (int, string) {
		req, _ := http.NewRequest("POST", s.http.URL+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		resp, err := s.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := post("application/x-www-form-urlencoded; charset=utf-8", "", "Action=GetCallerIdentity&Version=2011-06-15")
	if status != 403 || !strings.Contains(body, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>`) {
		t.Fatalf("unsigned query request: %d %s", status, body)
	}
	status, body = post("application/x-amz-json-1.1", "AWSCognitoIdentityProviderService.ListUserPools", `{"MaxResults":1}`)
	if status != 400 || !strings.Contains(body, "MissingAuthenticationTokenException") {
		t.Fatalf("unsigned JSON request: %d %s", status, body)
	}
	resp, err := s.http.Client().Get(s.http.URL + "/?Action=GetCallerIdentity&Version=2011-06-15")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("Content-Type") != "text/xml" {
		t.Fatalf("GET query request: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, err = s.http.Client().Get(s.http.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("GET / without Action: %d", resp.StatusCode)
	}
}

// TestVendedCredentialsExpire checks that credentials stop working when
// they expire, with ExpiredToken on the query protocol and
// ExpiredTokenException on the JSON protocol.
func TestVendedCredentialsExpire(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	f := newFederation(t, "sqlite", app.WithClock(clock))
	out := result(f.assume(f.issuer.token(t, map[string]any{"sub": "user-1", "aud": "my-app"}, nil), 900)).must(t)
	c := out.Credentials
	client := f.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	result(client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})).must(t)

	mu.Lock()
	now = now.Add(15 * time.Minute)
	mu.Unlock()
	_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "ExpiredToken", "The security token included in the request is expired")
	_, err = cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.http.URL), HTTPClient: f.http.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))}).
		ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)})
	wantCode(t, err, "ExpiredTokenException", "The security token included in the request is expired")
}
