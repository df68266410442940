package sts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/iam"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
	"github.com/cognate-dev/cognate/internal/token"
)

const (
	testAccount   = "000000000000"
	testPublicURL = "http://cognate.test"
	identityPool  = "us-east-1:11111111-2222-3333-4444-555555555555"
	identityID    = "us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	guestID       = "us-east-1:99999999-bbbb-cccc-dddd-eeeeeeeeeeee"
	userPool      = "us-east-1_Pool1"
	userSub       = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
)

var ctx = context.Background()

// fixture is an STS service over a real SQLite store, with an identity
// pool, an identity linked to a user pool user, and a test clock.
type fixture struct {
	t      testing.TB
	store  storage.Store
	ring   *secret.KeyRing
	tokens *token.Issuer
	iam    *iam.Service
	sts    *Service
	rec    *recorder

	mu  sync.Mutex
	now time.Time
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// recorder is an IssuanceRecorder that keeps what it is given.
type recorder struct {
	mu   sync.Mutex
	got  []Issuance
	fail error
}

func (r *recorder) CredentialsIssued(_ context.Context, is Issuance) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, is)
	return nil
}

func (r *recorder) last() Issuance {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.got) == 0 {
		return Issuance{}
	}
	return r.got[len(r.got)-1]
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sts.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ring, err := secret.NewKeyRing(map[uint32][]byte{1: bytes.Repeat([]byte{7}, secret.KeySize)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: db, ring: ring, rec: &recorder{}, now: time.Now().Truncate(time.Second)}
	f.tokens = token.NewIssuer(db.Keys(), ring, f.clock)
	f.iam = iam.New(iam.Deps{Store: db, AccountID: testAccount, Now: f.clock})
	f.sts = New(Deps{IAM: f.iam, Ring: ring, Tokens: f.tokens, Store: db, PublicURL: testPublicURL,
		AccountID: testAccount, Recorder: f.rec, Now: f.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.seed()
	return f
}

// seed makes the identity pool, an authenticated identity linked to the
// user "alice" of a user pool, a guest identity, and the key that signs
// identity pool OpenID tokens.
func (f *fixture) seed() {
	t := f.t
	now := f.clock()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.store.Pools().Create(ctx, storage.Pool{ID: userPool, Region: "us-east-1", Name: "p", CreatedAt: now, UpdatedAt: now}))
	must(f.store.Users().Create(ctx, storage.User{PoolID: userPool, Sub: userSub, Username: "alice", Status: "CONFIRMED", Enabled: true,
		Attributes: map[string]string{"email": "alice@example.com", "custom:team": "blue"},
		Lookups:    []storage.Lookup{{Kind: storage.LookupUsername, Key: "alice"}}, CreatedAt: now, UpdatedAt: now}))
	must(f.store.Identities().CreatePool(ctx, storage.IdentityPool{ID: identityPool, Region: "us-east-1", Name: "ip", CreatedAt: now, UpdatedAt: now}))
	for _, id := range []string{identityID, guestID} {
		must(f.store.Identities().Create(ctx, storage.Identity{ID: id, PoolID: identityPool, CreatedAt: now, UpdatedAt: now}))
	}
	must(f.store.Identities().AddLogin(ctx, storage.IdentityLogin{IdentityID: identityID, IdentityPoolID: identityPool,
		Provider: "cognito-idp.us-east-1.amazonaws.com/" + userPool, Subject: userSub, UserPoolID: userPool, UserSub: userSub, CreatedAt: now}))
	must(f.tokens.EnsureKey(ctx, CognitoKeys, "openid", token.RS256))
}

// role creates a role with the trust policy and inline policies.
func (f *fixture) role(name, trust string, maxSession int, policies map[string]string) string {
	f.t.Helper()
	in := &iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: trust}
	if maxSession > 0 {
		in.MaxSessionDuration = &maxSession
	}
	out, err := f.iam.CreateRole(ctx, in)
	if err != nil {
		f.t.Fatal(err)
	}
	for pname, doc := range policies {
		if _, err := f.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: name, PolicyName: pname, PolicyDocument: doc}); err != nil {
			f.t.Fatal(err)
		}
	}
	return out.Role.Arn
}

// openIDToken signs an identity pool OpenID token as GetOpenIdToken would.
func (f *fixture) openIDToken(identity string, amr []string, ttl time.Duration) string {
	f.t.Helper()
	now := f.clock()
	tok, err := f.tokens.Sign(ctx, CognitoKeys, "openid", map[string]any{
		"iss": testPublicURL + "/cognito-identity", "sub": identity, "aud": identityPool, "amr": amr,
		"iat": now.Unix(), "exp": now.Add(ttl).Unix(),
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// serve serves STS over the query protocol, with this service as the
// only credential source, and returns the server.
func (f *fixture) serve() *httptest.Server {
	f.t.Helper()
	mux := awsproto.NewQueryMux(f.sts, awsproto.MuxOptions{Now: f.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	api, err := f.sts.API()
	if err != nil {
		f.t.Fatal(err)
	}
	mux.Register(api)
	srv := httptest.NewServer(mux)
	f.t.Cleanup(srv.Close)
	return srv
}

func stsClient(srv *httptest.Server, id, secret, token string) *awssts.Client {
	o := awssts.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(), RetryMaxAttempts: 1}
	if id == "" {
		o.Credentials = aws.AnonymousCredentials{}
	} else {
		o.Credentials = credentials.NewStaticCredentialsProvider(id, secret, token)
	}
	return awssts.New(o)
}

const cognitoTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},
"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"` + identityPool + `"},
"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`

const ownFolder = `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*"},
{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/teams/${aws:PrincipalTag/team}/*"},
{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/secret/*"}]}`

func hashOf(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

func bytesOf(b byte) []byte { return bytes.Repeat([]byte{b}, secret.KeySize) }

func mustDecode(t testing.TB, tok string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
