package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/identitypool"
	"github.com/cognate-dev/cognate/internal/secret"
)

// fakeIssuer stands in for the STS service's credential minting until it
// is merged: it refuses roles whose name contains "untrusted" (as a trust
// policy would) and records what it was asked, so tests can assert the
// role chosen and the identity and user the credentials name.
type fakeIssuer struct {
	mu   sync.Mutex
	reqs []identitypool.CredentialRequest
}

func (f *fakeIssuer) IssueCredentials(_ context.Context, req identitypool.CredentialRequest) (*identitypool.Credentials, error) {
	if strings.Contains(req.RoleARN, "untrusted") {
		return nil, fmt.Errorf("%w: trust policy denies %s", identitypool.ErrRoleRefused, req.RoleARN)
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	return &identitypool.Credentials{
		AccessKeyID: "ASIA" + secret.RandomString(16, secret.UpperAlnum), SecretAccessKey: secret.RandomString(40, secret.Alnum),
		SessionToken: secret.RandomString(64, secret.Alnum), Expiration: time.Now().Add(time.Hour).UTC().Truncate(time.Second),
	}, nil
}

// last returns the newest request the issuer served.
func (f *fakeIssuer) last(t *testing.T) identitypool.CredentialRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reqs) == 0 {
		t.Fatal("no credentials were issued")
	}
	return f.reqs[len(f.reqs)-1]
}

// fakeOIDC stands in for the external-OIDC verifier until it is merged:
// "valid:<sub>" is a good token (expiring fakeOIDCLifetime from now),
// "down" an unreachable provider, anything else an invalid token.
type fakeOIDC struct{}

const fakeOIDCLifetime = 5 * time.Minute

func (fakeOIDC) VerifyOIDC(_ context.Context, arn, tok string) (*identitypool.OIDCToken, error) {
	switch {
	case strings.HasPrefix(tok, "valid:"):
		sub := strings.TrimPrefix(tok, "valid:")
		return &identitypool.OIDCToken{Issuer: "https://" + strings.SplitN(arn, "oidc-provider/", 2)[1], Subject: sub,
			Audience: []string{"partner-app"}, Claims: map[string]any{"sub": sub, "aud": "partner-app", "tier": "gold",
				"exp": json.Number(strconv.FormatInt(time.Now().Add(fakeOIDCLifetime).Unix(), 10))}}, nil
	case tok == "down":
		return nil, fmt.Errorf("%w: JWKS fetch failed", identitypool.ErrProviderUnavailable)
	}
	return nil, fmt.Errorf("%w: signature does not verify", identitypool.ErrInvalidToken)
}

// idServer is a server with the identity-pool API and a fake issuer.
type idServer struct {
	*server
	ci     *cid.Client
	issuer *fakeIssuer
}

func newIDServer(t *testing.T, backend string) *idServer {
	t.Helper()
	cfg := newConfig(t, backend)
	issuer := &fakeIssuer{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.NewWithIdentityDeps(context.Background(), cfg, log, func(string) string { return "" }, issuer, fakeOIDC{})
	if err != nil {
		t.Fatalf("app: %v", err)
	}
	hs := httptest.NewServer(a.Handler())
	s := &server{t: t, app: a, http: hs, cfg: cfg, dataDir: cfg.DataDir}
	id, key := a.RootCredentials()
	s.idp = s.client(id, key)
	t.Cleanup(s.stop)
	return &idServer{server: s, ci: s.identityClient(id, key), issuer: issuer}
}

// forEachIDBackend runs fn per backend on a fresh idServer.
func forEachIDBackend(t *testing.T, fn func(t *testing.T, s *idServer)) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) { fn(t, newIDServer(t, b)) })
	}
}

func (s *server) identityClient(id, key string) *cid.Client {
	return s.identityClientIn("us-east-1", id, key)
}

// identityClientIn is an identity pools client configured for region.
func (s *server) identityClientIn(region, id, key string) *cid.Client {
	cfg := aws.Config{
		Region: region, Credentials: credentials.NewStaticCredentialsProvider(id, key, ""),
		HTTPClient: s.http.Client(), RetryMaxAttempts: 1,
	}
	return cid.NewFromConfig(cfg, func(o *cid.Options) { o.BaseEndpoint = aws.String(s.http.URL) })
}

// loginKey is the Logins key Amplify v6 forms from an ID token's iss: the
// issuer without its scheme.
func loginKey(poolID string) string {
	return strings.TrimPrefix(testPublicURL, "http://") + "/" + poolID
}

// awsKey is the Logins key boto3 users write.
func awsKey(poolID string) string { return "cognito-idp.us-east-1.amazonaws.com/" + poolID }

// userPoolSetup is a user pool with an app client and a signed-up user.
type userPoolSetup struct {
	poolID, clientID string
}

func (s *idServer) userPool(schema ...types.SchemaAttributeType) userPoolSetup {
	s.t.Helper()
	poolID := s.pool(&cip.CreateUserPoolInput{Schema: schema})
	clientID, _ := s.appClient(poolID, false)
	return userPoolSetup{poolID, clientID}
}

// idToken creates (if needed) and signs in a user and returns a fresh ID
// token.
func (s *idServer) idToken(up userPoolSetup, username string) string {
	s.t.Helper()
	if _, err := s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: &username}); err != nil {
		s.user(up.poolID, username, "Correct-Horse-9", attr("email", username+"@example.com"))
	}
	return *s.signIn(up.clientID, username, "Correct-Horse-9").IdToken
}

// identityPool creates an identity pool for the user pools given, with an
// authenticated and an unauthenticated role.
func (s *idServer) identityPool(allowGuests bool, ups ...userPoolSetup) string {
	s.t.Helper()
	var providers []citypes.CognitoIdentityProvider
	for _, up := range ups {
		providers = append(providers, citypes.CognitoIdentityProvider{
			ProviderName: aws.String(awsKey(up.poolID)), ClientId: aws.String(up.clientID),
		})
	}
	out := result(s.ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("ids"), AllowUnauthenticatedIdentities: allowGuests,
		CognitoIdentityProviders: providers, DeveloperProviderName: aws.String("login.example.app"),
	})).must(s.t)
	result(s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
		IdentityPoolId: out.IdentityPoolId,
		Roles:          map[string]string{"authenticated": authRole, "unauthenticated": guestRole},
	})).must(s.t)
	return *out.IdentityPoolId
}

const (
	authRole  = "arn:aws:iam::000000000000:role/authenticated"
	guestRole = "arn:aws:iam::000000000000:role/guest"
)

// getID calls GetId with one login.
func (s *idServer) getID(poolID string, logins map[string]string) (string, error) {
	out, err := s.ci.GetId(ctx, &cid.GetIdInput{IdentityPoolId: &poolID, Logins: logins})
	if err != nil {
		return "", err
	}
	return *out.IdentityId, nil
}

// admin calls a CognateAdmin operation, signed with the root credentials,
// and decodes its output into out.
func (s *server) admin(op string, in, out any) error {
	id, key := s.app.RootCredentials()
	return s.adminAs(id, key, op, in, out)
}

func (s *server) adminAs(id, key, op string, in, out any) error {
	return s.adminIn("us-east-1", id, key, op, in, out)
}

// adminIn is adminAs signed for region.
func (s *server) adminIn(region, id, key, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, s.http.URL+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "CognateAdmin."+op)
	sum := sha256.Sum256(body)
	err = v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: key}, req,
		hex.EncodeToString(sum[:]), "cognito-identity", region, time.Now())
	if err != nil {
		return err
	}
	resp, err := s.http.Client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(raw, &e)
		return &smithy.GenericAPIError{Code: e.Type, Message: e.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}
