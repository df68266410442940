package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognate-dev/cognate/internal/app"
)

// TestRobustness sends every operation of every served API (cognito-idp,
// cognito-identity, CognateAdmin, STS, IAM) inputs generated from the
// botocore models: empty, plausible, every member with wrong types and
// hostile values, and well-formed ids and tokens that name nothing or
// something else, signed and unsigned. Every answer must be a 200 or a 4xx
// AWS error whose type the operation declares (or a common error); the
// server must stay up and must not lose data it was not asked to delete.
// The cases come from a fixed seed; ROBUSTNESS_DEBUG=1 logs which check
// refuses each operation's plausible input (how deep the sweep gets).
func TestRobustness(t *testing.T) {
	if testing.Short() {
		t.Skip("robustness sweep: not in -short")
	}
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			limit := 40 // cases per operation on SQLite: the broad sweep
			if b == "postgres" {
				limit = 8 // a sample on PostgreSQL
			}
			robustnessSweep(t, b, limit)
		})
	}
}

// commonJSONErrors are the errors any JSON operation may answer with.
var commonJSONErrors = set("InvalidParameterException", "NotAuthorizedException", "ResourceNotFoundException",
	"SerializationException", "UnknownOperationException", "MissingAuthenticationTokenException",
	"UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
	"AccessDeniedException", "ExpiredTokenException", "TooManyRequestsException")

// validationErrors are the errors each JSON API answers input that breaks
// its model's constraints with, by target prefix, beyond the common ones
// (Cognito user pools answer InvalidParameterException, a common one).
var validationErrors = map[string]map[string]bool{
	"AWSCognitoIdentityService": set("ValidationException"),
	"CognateAdmin":              set("ValidationException"),
}

// commonQueryErrors are the errors any query-protocol action may answer with.
var commonQueryErrors = set("ValidationError", "MissingAction", "InvalidAction", "AccessDenied",
	"InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
	"MalformedQueryString", "InvalidParameterValue", "InvalidParameterCombination", "MissingParameter",
	"ExpiredToken", "UnknownOperationException", "NoSuchEntity")

// knownUndeclared are errors Cognate answers that botocore does not list
// for the operation, where Cognito's behaviour is the same: botocore's
// lists are incomplete. AdminGetDevice and AdminListDevices name a user;
// an unknown one is UserNotFoundException "User does not exist." as in
// every other operation that takes a Username.
var knownUndeclared = set("AdminListDevices UserNotFoundException", "AdminGetDevice UserNotFoundException")

func set(items ...string) map[string]bool {
	m := map[string]bool{}
	for _, i := range items {
		m[i] = true
	}
	return m
}

// sweep is the state of one robustness run.
type sweep struct {
	t      *testing.T
	s      *server
	log    *lockedBuffer
	client *http.Client
	runs   int
	status map[int]int
	fails  []string
}

func robustnessSweep(t *testing.T, backend string, limit int) {
	s, log := startLogged(t, backend)
	fx, keeper := robustnessFixtures(t, s)
	sw := &sweep{t: t, s: s, log: log, client: &http.Client{Timeout: 20 * time.Second}, status: map[int]int{}}
	rng := rand.New(rand.NewPCG(2026, 11))
	start := time.Now()
	for _, svc := range []string{"cognito-idp", "cognito-identity", "cognate-admin", "sts", "iam"} {
		m := loadAPIModel(t, svc)
		g := &generator{m: m, fx: fx, rng: rng}
		for _, op := range m.operations() {
			if m.Metadata.Protocol == "query" {
				for _, c := range g.queryCases(op, limit) {
					sw.query(m, c)
				}
			} else {
				for _, c := range g.cases(op, limit) {
					sw.json(m, c)
				}
			}
			sw.healthy(svc + "." + op)
		}
	}
	keeper.check(t, s)
	t.Logf("%s: %d requests in %v, statuses %v", backend, sw.runs, time.Since(start).Round(time.Millisecond), sw.status)
	if len(sw.fails) > 0 {
		t.Errorf("%d failures:\n%s\nserver log:\n%s", len(sw.fails), strings.Join(sw.fails[:min(len(sw.fails), 80)], "\n"), log.errors())
	}
}

func (sw *sweep) fail(format string, args ...any) {
	sw.fails = append(sw.fails, fmt.Sprintf(format, args...))
}

// json sends one JSON-protocol case and checks the answer.
func (sw *sweep) json(m *apiModel, c fuzzCase) {
	body := c.body()
	req, _ := http.NewRequest(http.MethodPost, sw.s.http.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", m.Metadata.TargetPrefix+"."+c.op)
	if !c.unsigned {
		sw.sign(req, body, m.Metadata.SigningName)
	}
	status, raw, ok := sw.do(c.op, c.what, req)
	if !ok || status == http.StatusOK {
		if ok && !json.Valid(raw) {
			sw.fail("%s %s: 200 with invalid JSON %.200q", c.op, c.what, raw)
		}
		return
	}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(raw, &e); err != nil || e.Type == "" {
		sw.fail("%s %s: HTTP %d without an AWS error: %.200q", c.op, c.what, status, raw)
		return
	}
	if c.what == "plausible" && os.Getenv("ROBUSTNESS_DEBUG") != "" {
		// How deep the plausible inputs get: which check refuses each.
		sw.t.Logf("plausible %s: %s %.150s", c.op, e.Type, e.Message)
	}
	if validationErrors[m.Metadata.TargetPrefix][e.Type] {
		return
	}
	sw.checkType(m, c.op, c.what, e.Type, e.Message, commonJSONErrors)
}

// query sends one query-protocol case and checks the answer.
func (sw *sweep) query(m *apiModel, c queryCase) {
	body := []byte(c.form.Encode())
	req, _ := http.NewRequest(http.MethodPost, sw.s.http.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if !c.unsigned {
		sw.sign(req, body, m.Metadata.SigningName)
	}
	status, raw, ok := sw.do(c.op, c.what, req)
	if !ok || status == http.StatusOK {
		return
	}
	var e struct {
		Code    string `xml:"Error>Code"`
		Message string `xml:"Error>Message"`
	}
	if err := xml.Unmarshal(raw, &e); err != nil || e.Code == "" {
		sw.fail("%s %s: HTTP %d without an AWS error: %.200q", c.op, c.what, status, raw)
		return
	}
	sw.checkType(m, c.op, c.what, e.Code, e.Message, commonQueryErrors)
}

func (sw *sweep) sign(req *http.Request, body []byte, service string) {
	sum := sha256.Sum256(body)
	id, key := sw.s.app.RootCredentials()
	err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: key},
		req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now())
	if err != nil {
		sw.t.Fatal(err)
	}
}

// do sends req; it reports a transport error, a hang or a 5xx as a failure.
func (sw *sweep) do(op, what string, req *http.Request) (int, []byte, bool) {
	sw.runs++
	resp, err := sw.client.Do(req)
	if err != nil {
		sw.fail("%s %s: %v", op, what, err)
		return 0, nil, false
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		sw.fail("%s %s: reading the answer: %v", op, what, err)
		return 0, nil, false
	}
	sw.status[resp.StatusCode]++
	if resp.StatusCode >= 500 {
		sw.fail("%s %s: HTTP %d: %.300s", op, what, resp.StatusCode, raw)
		return resp.StatusCode, raw, false
	}
	return resp.StatusCode, raw, true
}

// checkType asserts that an error is one op declares or a common one.
func (sw *sweep) checkType(m *apiModel, op, what, typ, msg string, common map[string]bool) {
	if i := strings.LastIndexByte(typ, '#'); i >= 0 {
		typ = typ[i+1:]
	}
	if common[typ] {
		return
	}
	for _, e := range m.Operations[op].Errors {
		if e.Shape == typ || strings.TrimSuffix(e.Shape, "Exception") == typ {
			return
		}
	}
	if knownUndeclared[op+" "+typ] {
		return
	}
	sw.fail("%s %s: undeclared error %s: %.200s", op, what, typ, msg)
}

// healthy asserts that the server still answers /healthz.
func (sw *sweep) healthy(after string) {
	resp, err := sw.client.Get(sw.s.http.URL + "/healthz")
	if err != nil {
		sw.t.Fatalf("after %s: /healthz: %v", after, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		sw.t.Fatalf("after %s: /healthz: HTTP %d", after, resp.StatusCode)
	}
}

// keeperPool is a pool no generated request names: after the sweep it
// must be intact.
type keeperPool struct{ poolID, clientID string }

const keeperPassword = "Keeper-Pass-9!"

func (k keeperPool) check(t *testing.T, s *server) {
	t.Helper()
	u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &k.poolID, Username: aws.String("keeper")})).must(t)
	if !u.Enabled {
		t.Error("keeper user disabled by the sweep")
	}
	s.signIn(k.clientID, "keeper", keeperPassword)
	result(s.idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &k.poolID, GroupName: aws.String("keepers")})).must(t)
}

// robustnessFixtures creates the pools, clients, users and tokens the
// generated requests name, and the keeper pool they never name.
func robustnessFixtures(t *testing.T, s *server) (*fixtureValues, keeperPool) {
	t.Helper()
	const password = "Fuzz-Pass-9!"
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "fuzz-user", password, attr("email", "fuzz@example.com"))
	result(s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("fuzz-group")})).must(t)
	tokens := s.signIn(clientID, "fuzz-user", password)

	other := s.pool(&cip.CreateUserPoolInput{PoolName: aws.String("other")})
	otherClient, _ := s.appClient(other, false)
	s.user(other, "fuzz-user", password)
	foreign := s.signIn(otherClient, "fuzz-user", password)

	gone := s.pool(&cip.CreateUserPoolInput{PoolName: aws.String("gone")})
	result(s.idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &gone})).must(t)
	goneClient, _ := s.appClient(poolID, false)
	result(s.idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &goneClient})).must(t)

	keeper := keeperPool{poolID: s.pool(&cip.CreateUserPoolInput{PoolName: aws.String("keeper")})}
	keeper.clientID, _ = s.appClient(keeper.poolID, false)
	s.user(keeper.poolID, "keeper", keeperPassword)
	result(s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &keeper.poolID, GroupName: aws.String("keepers")})).must(t)
	result(s.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &keeper.poolID, GroupName: aws.String("keepers"), Username: aws.String("keeper")})).must(t)

	var idPool struct{ IdentityPoolId string }
	if err := s.jsonCall("AWSCognitoIdentityService.CreateIdentityPool", "cognito-identity",
		map[string]any{"IdentityPoolName": "fuzz", "AllowUnauthenticatedIdentities": true}, &idPool); err != nil {
		t.Fatal(err)
	}

	var identity struct{ IdentityId string }
	if err := s.jsonCall("AWSCognitoIdentityService.GetId", "cognito-identity",
		map[string]any{"IdentityPoolId": idPool.IdentityPoolId}, &identity); err != nil {
		t.Fatal(err)
	}
	poolARN := "arn:aws:cognito-idp:us-east-1:" + s.cfg.AccountID + ":userpool/" + poolID

	access := *tokens.AccessToken
	parts := strings.Split(access, ".")
	badSig := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	algNone := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	rng := rand.New(rand.NewPCG(7, 7))
	randomB64 := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	tokenWrong := []string{badSig, algNone, *foreign.AccessToken, *foreign.IdToken, *tokens.IdToken, "a.b.c", randomB64(96)}
	fx := &fixtureValues{
		plausible: map[string]string{
			"UserPoolId": poolID, "ClientId": clientID, "Username": "fuzz-user", "GroupName": "fuzz-group",
			"AccessToken": access, "IdToken": *tokens.IdToken, "RefreshToken": *tokens.RefreshToken,
			"Token": *tokens.RefreshToken, "Session": randomB64(128), "IdentityPoolId": idPool.IdentityPoolId,
			"Password": password, "PreviousPassword": password, "ProposedPassword": password + "x",
			"TemporaryPassword": password, "ConfirmationCode": "123456", "UserCode": "123456",
			"IdentityId": identity.IdentityId, "AccountId": s.cfg.AccountID, "ResourceArn": poolARN,
			"RoleArn": "arn:aws:iam::" + s.cfg.AccountID + ":role/fuzz", "Filter": `username = "fuzz-user"`,
			"DeviceKey": "us-east-1_00000000-0000-0000-0000-000000000000", "AttributeName": "email",
			"AuthFlow": "USER_PASSWORD_AUTH", "ChallengeName": "NEW_PASSWORD_REQUIRED", "Name": "name",
		},
		maps: map[string]map[string]any{
			"AuthParameters":     {"USERNAME": "fuzz-user", "PASSWORD": password, "REFRESH_TOKEN": *tokens.RefreshToken},
			"ChallengeResponses": {"USERNAME": "fuzz-user", "NEW_PASSWORD": password + "y", "ANSWER": "x"},
			"Logins":             {"cognito-idp.us-east-1.amazonaws.com/" + poolID: *tokens.IdToken},
			"ClientMetadata":     {"k": "v"},
		},
		wrong: map[string][]string{
			"UserPoolId":       {"eu-west-1_AbCdEfGhI", "us-east-1_NoSuchPool1", gone, "us-east-1_" + strings.Repeat("a", 50)},
			"ClientId":         {goneClient, otherClient, "1234567890abcdefghijklmnop"},
			"AccessToken":      tokenWrong,
			"IdToken":          tokenWrong,
			"RefreshToken":     {*foreign.RefreshToken, badSig, randomB64(200), access},
			"Token":            {*foreign.RefreshToken, randomB64(200)},
			"Session":          {randomB64(64), randomB64(512), "AYABe" + randomB64(300), "!!!"},
			"IdentityPoolId":   {"eu-west-1:00000000-0000-0000-0000-000000000000", "us-east-1:11111111-2222-3333-4444-555555555555"},
			"IdentityId":       {"eu-west-1:00000000-0000-0000-0000-000000000000", "us-east-1:11111111-2222-3333-4444-555555555555"},
			"NextToken":        {randomB64(48), "not-a-token"},
			"PaginationToken":  {randomB64(48), "not-a-token"},
			"Username":         {"no-such-user", "FUZZ-USER", "fuzz@example.com"},
			"GroupName":        {"no-such-group"},
			"WebIdentityToken": tokenWrong,
			"RoleArn":          {"arn:aws:iam::000000000000:role/nope", "arn:aws:iam::123:role/x"},
			"ProviderName":     {"cognito-idp.eu-west-1.amazonaws.com/" + gone},
		},
	}
	return fx, keeper
}

// jsonCall posts a signed JSON request and decodes a 200 answer into out.
func (s *server) jsonCall(target, service string, in, out any) error {
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, s.http.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256(body)
	id, key := s.app.RootCredentials()
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: key},
		req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		return err
	}
	resp, err := s.http.Client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d: %s", target, resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

// lockedBuffer collects the server log.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// errors returns the ERROR lines of the log, at most 64 KiB.
func (b *lockedBuffer) errors() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, l := range strings.Split(b.buf.String(), "\n") {
		if strings.Contains(l, "level=ERROR") {
			out = append(out, l)
		}
	}
	s := strings.Join(out, "\n")
	return s[:min(len(s), 64<<10)]
}

// startLogged starts a server whose log the test can read.
func startLogged(t *testing.T, backend string) (*server, *lockedBuffer) {
	t.Helper()
	cfg := newConfig(t, backend)
	buf := &lockedBuffer{}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(buf, nil)), func(string) string { return "" })
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	hs := httptest.NewServer(a.Handler())
	s := &server{t: t, app: a, http: hs, cfg: cfg, dataDir: cfg.DataDir}
	id, key := a.RootCredentials()
	s.idp = s.client(id, key)
	t.Cleanup(s.stop)
	return s, buf
}
