package awsproto

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/cognate-dev/cognate/internal/awsmodel"
)

const (
	testSessionKey   = "ASIASESSION0000000001"
	testSessionToken = "session-with-claims"
	testExpiredKey   = "ASIAEXPIRED000000001"
)

func loadModel(t testing.TB, name string) *Model {
	t.Helper()
	m, err := LoadModel(awsmodel.Service(name))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// queryCreds knows the root key, a session key (with a Session) and an
// expired session key.
func queryCreds() CredentialSource {
	return CredentialChain{testCreds(), credFunc(func(_ context.Context, key, token string) (Credential, error) {
		switch {
		case key == testSessionKey && token == testSessionToken:
			return Credential{SecretAccessKey: testSecret, Principal: "arn:aws:sts::123456789012:assumed-role/r/s", Session: "claims"}, nil
		case key == testExpiredKey:
			return Credential{}, ErrExpiredToken
		}
		return Credential{}, ErrUnknownAccessKey
	})}
}

type testCallerResult struct {
	Arn, UserId, Account string
	IdentityId           string
}

type testRole struct {
	Path, RoleName, RoleId, Arn, CreateDate string
	Tags                                    []testTag `xml:"Tags>member"`
}

type testTag struct{ Key, Value string }

type createRoleIn struct {
	RoleName, Path string
	Tags           []testTag
}

type createRoleOut struct{ Role testRole }

type listRolesOut struct {
	Roles       []testRole `xml:"Roles>member"`
	IsTruncated bool
}

type oidcIn struct {
	Url          string
	ClientIDList []string
}

type oidcOut struct{ OpenIDConnectProviderArn string }

type webIDIn struct {
	RoleArn, RoleSessionName, WebIdentityToken string
	DurationSeconds                            *int
}

type webIDOut struct {
	SubjectFromWebIdentityToken string
	Credentials                 struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
}

func newQueryServer(t *testing.T, now func() time.Time) *httptest.Server {
	t.Helper()
	mux := NewQueryMux(queryCreds(), MuxOptions{Now: now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	mux.Register(&QueryService{
		Model:             loadModel(t, "sts"),
		SessionOperations: map[string]bool{"GetCallerIdentity": true},
		Handlers: map[string]Handler{
			"GetCallerIdentity": func(ctx context.Context, _ []byte) (any, error) {
				c := Info(ctx).Caller
				out := &testCallerResult{Arn: c.Principal, UserId: c.AccessKeyID, Account: "123456789012"}
				if c.Session != nil {
					out.IdentityId = "us-east-1:" + c.Session.(string)
				}
				return out, nil
			},
			"AssumeRoleWithWebIdentity": Op(func(ctx context.Context, in *webIDIn) (*webIDOut, error) {
				if Info(ctx).Caller != nil {
					return nil, errors.New("unsigned operation got a caller")
				}
				if in.WebIdentityToken == "expired-token" {
					return nil, Errorf("ExpiredTokenException", "Token expired")
				}
				if in.WebIdentityToken != "good-token" {
					return nil, Errorf("InvalidIdentityToken", "Incorrect token audience")
				}
				out := &webIDOut{SubjectFromWebIdentityToken: in.RoleSessionName}
				out.Credentials.AccessKeyId = "ASIA0000000000000001"
				out.Credentials.Expiration = ISO8601(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
				return out, nil
			}),
		},
	})
	mux.Register(&QueryService{
		Model: loadModel(t, "iam"),
		Handlers: map[string]Handler{
			"CreateRole": Op(func(ctx context.Context, in *createRoleIn) (*createRoleOut, error) {
				if in.RoleName == "taken" {
					return nil, Errorf("EntityAlreadyExists", "Role with name taken already exists.")
				}
				return &createRoleOut{Role: testRole{Path: in.Path, RoleName: in.RoleName, RoleId: "AROA00000000000000001",
					Arn: "arn:aws:iam::123456789012:role" + in.Path + in.RoleName, CreateDate: "2026-01-02T03:04:05Z", Tags: in.Tags}}, nil
			}),
			"GetRole": Op(func(ctx context.Context, in *struct{ RoleName string }) (*createRoleOut, error) {
				return nil, Errorf("NoSuchEntity", "The role with name %s cannot be found.", in.RoleName)
			}),
			"ListRoles": Op(func(ctx context.Context, in *struct{}) (*listRolesOut, error) {
				return &listRolesOut{Roles: []testRole{{RoleName: "a", Path: "/", CreateDate: "2026-01-02T03:04:05Z"}, {RoleName: "b", Path: "/x/", CreateDate: "2026-01-02T03:04:05Z"}}}, nil
			}),
			"CreateOpenIDConnectProvider": Op(func(ctx context.Context, in *oidcIn) (*oidcOut, error) {
				return &oidcOut{OpenIDConnectProviderArn: "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(in.Url, "https://") + "?" + strings.Join(in.ClientIDList, ",")}, nil
			}),
			"DeleteRole": func(ctx context.Context, _ []byte) (any, error) { return nil, nil },
		},
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func stsClient(srv *httptest.Server, key, token string, noValidation bool) *sts.Client {
	return sts.New(sts.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(key, testSecret, token),
	}, func(o *sts.Options) {
		if noValidation {
			o.APIOptions = append(o.APIOptions, removeValidation)
		}
	})
}

func iamClient(srv *httptest.Server, key, secret, token string, noValidation bool) *iam.Client {
	return iam.New(iam.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, token),
	}, func(o *iam.Options) {
		if noValidation {
			o.APIOptions = append(o.APIOptions, removeValidation)
		}
	})
}

func removeValidation(s *middleware.Stack) error {
	_, err := s.Initialize.Remove("OperationInputValidation")
	return err
}

func TestQuerySDKCalls(t *testing.T) {
	srv := newQueryServer(t, nil)
	ctx := context.Background()

	who, err := stsClient(srv, testKey, "", false).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:iam::123456789012:user/admin" || aws.ToString(who.UserId) != testKey || aws.ToString(who.Account) != "123456789012" {
		t.Fatalf("GetCallerIdentity = %+v", who)
	}
	who, err = stsClient(srv, testSessionKey, testSessionToken, false).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::123456789012:assumed-role/r/s" {
		t.Fatalf("session GetCallerIdentity = %+v, %v", who, err)
	}

	web, err := stsClient(srv, "", "", false).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/web"), RoleSessionName: aws.String("sess"),
		WebIdentityToken: aws.String("good-token"), DurationSeconds: aws.Int32(900),
	}, func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} })
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(web.SubjectFromWebIdentityToken) != "sess" || aws.ToString(web.Credentials.AccessKeyId) != "ASIA0000000000000001" ||
		!web.Credentials.Expiration.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("AssumeRoleWithWebIdentity = %+v %+v", web, web.Credentials)
	}

	admin := iamClient(srv, testKey, testSecret, "", false)
	role, err := admin.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("app"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String("{}"),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("id")}, {Key: aws.String("env"), Value: aws.String("")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := role.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::123456789012:role/svc/app" || len(r.Tags) != 2 ||
		aws.ToString(r.Tags[0].Key) != "team" || aws.ToString(r.Tags[1].Key) != "env" || aws.ToString(r.Tags[1].Value) != "" ||
		!r.CreateDate.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("CreateRole = %+v", r)
	}
	list, err := admin.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(list.Roles) != 2 || aws.ToString(list.Roles[1].Path) != "/x/" || list.IsTruncated {
		t.Fatalf("ListRoles = %+v, %v", list, err)
	}
	prov, err := admin.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://issuer.example"), ClientIDList: []string{"one", "two"},
	})
	if err != nil || aws.ToString(prov.OpenIDConnectProviderArn) != "arn:aws:iam::123456789012:oidc-provider/issuer.example?one,two" {
		t.Fatalf("CreateOpenIDConnectProvider = %+v, %v", prov, err)
	}
	if _, err := admin.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")}); err != nil {
		t.Fatal(err)
	}
}

func TestQuerySDKErrors(t *testing.T) {
	now := time.Now()
	srv := newQueryServer(t, func() time.Time { return now })
	ctx := context.Background()
	anon := func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} }
	webIn := func(token string) *sts.AssumeRoleWithWebIdentityInput {
		return &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/web"),
			RoleSessionName: aws.String("sess"), WebIdentityToken: aws.String(token)}
	}

	_, err := stsClient(srv, "", "", false).AssumeRoleWithWebIdentity(ctx, webIn("wrong-aud"), anon)
	var invalid *ststypes.InvalidIdentityTokenException
	if !errors.As(err, &invalid) || invalid.ErrorMessage() != "Incorrect token audience" {
		t.Fatalf("want InvalidIdentityTokenException, got %v", err)
	}
	_, err = stsClient(srv, "", "", false).AssumeRoleWithWebIdentity(ctx, webIn("expired-token"), anon)
	var expired *ststypes.ExpiredTokenException
	if !errors.As(err, &expired) {
		t.Fatalf("want ExpiredTokenException, got %v", err)
	}

	tests := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"unknown key", func() error {
			_, err := stsClient(srv, "AKIAUNKNOWN", "", false).GetCallerIdentity(ctx, nil)
			return err
		}, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"wrong secret", func() error {
			_, err := iamClient(srv, testKey, "wrong", "", false).ListRoles(ctx, nil)
			return err
		}, "SignatureDoesNotMatch", "The request signature we calculated does not match"},
		{"expired session", func() error {
			_, err := stsClient(srv, testExpiredKey, "old", false).GetCallerIdentity(ctx, nil)
			return err
		}, "ExpiredToken", "The security token included in the request is expired"},
		{"session key on IAM", func() error {
			_, err := iamClient(srv, testSessionKey, testSecret, testSessionToken, false).ListRoles(ctx, nil)
			return err
		}, "AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: iam:ListRoles"},
		{"validation", func() error {
			_, err := iamClient(srv, testKey, testSecret, "", true).CreateRole(ctx, &iam.CreateRoleInput{
				RoleName: aws.String("bad name"), AssumeRolePolicyDocument: aws.String("{}"),
			})
			return err
		}, "ValidationError", `1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"required", func() error {
			_, err := iamClient(srv, testKey, testSecret, "", true).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r")})
			return err
		}, "ValidationError", "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null"},
		{"nested list element", func() error {
			_, err := iamClient(srv, testKey, testSecret, "", true).CreateRole(ctx, &iam.CreateRoleInput{
				RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String("{}"),
				Tags: []iamtypes.Tag{{Key: aws.String("ok"), Value: aws.String("v")}, {Key: aws.String("bad!"), Value: aws.String("v")}},
			})
			return err
		}, "ValidationError", `Value 'bad!' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
		{"java unicode pattern", func() error {
			_, err := iamClient(srv, testKey, testSecret, "", true).CreateRole(ctx, &iam.CreateRoleInput{
				RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String("{}"), Path: aws.String("noslash"),
			})
			return err
		}, "ValidationError", `Value 'noslash' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{"integer range", func() error {
			_, err := stsClient(srv, "", "", true).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String("arn:aws:iam::123456789012:role/web"), RoleSessionName: aws.String("sess"),
				WebIdentityToken: aws.String("good-token"), DurationSeconds: aws.Int32(60),
			}, anon)
			return err
		}, "ValidationError", "Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"model exception", func() error {
			_, err := iamClient(srv, testKey, testSecret, "", false).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("gone")})
			return err
		}, "NoSuchEntity", "The role with name gone cannot be found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := apiCode(t, tt.call())
			if code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Fatalf("got %s: %s; want %s: %s", code, msg, tt.code, tt.msg)
			}
		})
	}
	var nse *iamtypes.NoSuchEntityException
	if _, err := iamClient(srv, testKey, testSecret, "", false).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("gone")}); !errors.As(err, &nse) {
		t.Fatalf("GetRole error is %T, want *types.NoSuchEntityException", err)
	}
}

// rawQuery posts a form body (signed with the root key for service unless
// service is "") and returns the status and body.
func rawQuery(t *testing.T, srv *httptest.Server, method, service, form string) (int, string) {
	t.Helper()
	var req *http.Request
	if method == http.MethodGet {
		req, _ = http.NewRequest(method, srv.URL+"/?"+form, nil)
	} else {
		req, _ = http.NewRequest(method, srv.URL+"/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	if service != "" {
		body := ""
		if method != http.MethodGet {
			body = form
		}
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret},
			req, hashHex([]byte(body)), service, "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Error("no x-amzn-RequestId")
	}
	return resp.StatusCode, string(b)
}

func TestQueryRawRequests(t *testing.T) {
	srv := newQueryServer(t, nil)
	tests := []struct {
		name, method, service, form string
		status                      int
		want                        []string
	}{
		{"GetCallerIdentity shape", "POST", "sts", "Action=GetCallerIdentity&Version=2011-06-15", 200, []string{
			`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/admin</Arn>`,
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>`,
		}},
		{"GET with query string", "GET", "sts", "Action=GetCallerIdentity&Version=2011-06-15", 200, []string{`<Account>123456789012</Account>`}},
		{"no output", "POST", "iam", "Action=DeleteRole&Version=2010-05-08&RoleName=x", 200, []string{
			`<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>`,
		}},
		{"error shape", "POST", "iam", "Action=GetRole&Version=2010-05-08&RoleName=x", 404, []string{
			`<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name x cannot be found.</Message></Error><RequestId>`,
		}},
		{"unknown action", "POST", "sts", "Action=Nope&Version=2011-06-15", 400, []string{`<Code>InvalidAction</Code><Message>Could not find operation Nope for version 2011-06-15</Message>`}},
		{"wrong version", "POST", "sts", "Action=GetCallerIdentity&Version=2010-05-08", 400, []string{`<Code>InvalidAction</Code>`}},
		{"missing action", "POST", "sts", "Version=2011-06-15", 400, []string{`<Code>MissingAction</Code>`}},
		{"unsigned by action", "POST", "", "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb&RoleSessionName=s1&WebIdentityToken=good-token", 200, []string{`<SubjectFromWebIdentityToken>s1</SubjectFromWebIdentityToken>`}},
		{"unsigned signed op", "POST", "", "Action=ListRoles&Version=2010-05-08", 403, []string{`<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>`}},
		{"scope picks service", "POST", "iam", "Action=GetCallerIdentity&Version=2011-06-15", 400, []string{`<Code>InvalidAction</Code>`}},
		{"bad number", "POST", "", "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb&RoleSessionName=s1&WebIdentityToken=good-token&DurationSeconds=ten", 400, []string{`<Code>ValidationError</Code>`}},
		{"malformed", "POST", "", "Action=%zz", 404, []string{`<Code>MalformedQueryString</Code>`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rawQuery(t, srv, tt.method, tt.service, tt.form)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Fatalf("body lacks %q:\n%s", w, body)
				}
			}
		})
	}
}

// TestQueryContentTypeMustBeSigned: a query-protocol signature that leaves
// out the Content-Type the request carries is refused, as one that covers
// it is not.
func TestQueryContentTypeMustBeSigned(t *testing.T) {
	srv := newQueryServer(t, nil)
	const form = "Action=GetCallerIdentity&Version=2011-06-15"
	for _, signCT := range []bool{true, false} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(form))
		if signCT {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret},
			req, hashHex([]byte(form)), "sts", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if signCT && resp.StatusCode != http.StatusOK {
			t.Errorf("signed Content-Type: %d %s", resp.StatusCode, b)
		}
		want := "<Code>SignatureDoesNotMatch</Code><Message>&#39;Content-Type&#39; must be a &#39;SignedHeader&#39; in the AWS Authorization.</Message>"
		if !signCT && (resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), want)) {
			t.Errorf("unsigned Content-Type: %d %s", resp.StatusCode, b)
		}
	}
}

func TestFormJSON(t *testing.T) {
	m := loadModel(t, "iam")
	tests := []struct {
		op, form, want string
	}{
		{"CreateRole", "RoleName=r&AssumeRolePolicyDocument=%7B%7D&MaxSessionDuration=3600&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1&Unknown=x",
			`{"RoleName":"r","AssumeRolePolicyDocument":"{}","MaxSessionDuration":3600,"Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]}`},
		{"CreateOpenIDConnectProvider", "Url=https%3A%2F%2Fx&ClientIDList=&ThumbprintList.member.10=t10&ThumbprintList.member.2=t2",
			`{"Url":"https://x","ClientIDList":[],"ThumbprintList":["t2","t10"]}`},
		{"ListRoles", "", `{}`},
		{"UpdateRole", "RoleName=%3Cx%3E", `{"RoleName":"\u003cx\u003e"}`},
	}
	for _, tt := range tests {
		q, err := url.ParseQuery(tt.form)
		if err != nil {
			t.Fatal(err)
		}
		got, qerr := m.formJSON(tt.op, q)
		if qerr != nil || string(got) != tt.want {
			t.Errorf("%s %s:\n got %s (%v)\nwant %s", tt.op, tt.form, got, qerr, tt.want)
		}
	}
	sm := loadModel(t, "sts")
	for _, bad := range []string{"DurationSeconds=1.5e", "DurationSeconds=0x10", "DurationSeconds=", "DurationSeconds=01"} {
		q, _ := url.ParseQuery(bad)
		if _, err := sm.formJSON("AssumeRoleWithWebIdentity", q); err == nil || err.Type != TypeSerialization {
			t.Errorf("%s: got %v, want a SerializationException", bad, err)
		}
	}
}

func TestIsQueryRequest(t *testing.T) {
	mk := func(method, target, ct, query string) *http.Request {
		r := httptest.NewRequest(method, "/?"+query, nil)
		if target != "" {
			r.Header.Set("X-Amz-Target", target)
		}
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		return r
	}
	for _, tt := range []struct {
		r    *http.Request
		want bool
	}{
		{mk("POST", "", "application/x-www-form-urlencoded; charset=utf-8", ""), true},
		{mk("POST", "", "application/x-amz-json-1.1", ""), false},
		{mk("POST", "AWSCognitoIdentityService.GetId", "application/x-www-form-urlencoded", ""), false},
		{mk("GET", "", "", "Action=GetCallerIdentity&Version=2011-06-15"), true},
		{mk("GET", "", "", "x=1"), false},
		{mk("PUT", "", "application/x-www-form-urlencoded", ""), false},
	} {
		if got := IsQueryRequest(tt.r); got != tt.want {
			t.Errorf("%s %v: got %v", tt.r.Method, tt.r.Header, got)
		}
	}
}

func TestQueryPresignedURL(t *testing.T) {
	var now atomic.Pointer[time.Time]
	start := time.Now()
	now.Store(&start)
	srv := newQueryServer(t, func() time.Time { return *now.Load() })
	ctx := context.Background()
	presigner := sts.NewPresignClient(stsClient(srv, testSessionKey, testSessionToken, false))
	pre, err := presigner.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	call := func() (int, string) {
		req, _ := http.NewRequest(pre.Method, pre.URL, nil)
		for k, v := range pre.SignedHeader {
			req.Header[k] = v
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := call()
	if status != 200 || !strings.Contains(body, "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>") || !strings.Contains(body, "<IdentityId>us-east-1:claims</IdentityId>") {
		t.Fatalf("presigned %s: %d %s", pre.Method, status, body)
	}

	tampered := strings.Replace(pre.URL, "Action=GetCallerIdentity", "Action=GetCallerIdentity&Extra=1", 1)
	req, _ := http.NewRequest(pre.Method, tampered, nil)
	for k, v := range pre.SignedHeader {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(b), "<Code>SignatureDoesNotMatch</Code>") {
		t.Fatalf("tampered presigned URL: %d %s", resp.StatusCode, b)
	}

	later := start.Add(16 * time.Minute)
	now.Store(&later)
	if status, body := call(); status != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code><Message>Signature expired") {
		t.Fatalf("expired presigned URL: %d %s", status, body)
	}
}

// FuzzFormJSON checks that any form turns into valid JSON or a
// SerializationException, never a panic.
func FuzzFormJSON(f *testing.F) {
	f.Add("RoleName=r&AssumeRolePolicyDocument=%7B%7D&Tags.member.1.Key=k&Tags.member.1.Value=v")
	f.Add("Url=https%3A%2F%2Fx&ClientIDList=&ThumbprintList.member.2=t")
	f.Add("MaxSessionDuration=-1.5e3&Tags.member.x.Key=1&Tags.member.-1.Key=2&Tags.member.99999999999999999999.Key=3")
	m := loadModel(f, "iam")
	f.Fuzz(func(t *testing.T, form string) {
		q, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		for _, op := range []string{"CreateRole", "CreateOpenIDConnectProvider", "ListRoles"} {
			doc, qerr := m.formJSON(op, q)
			if qerr != nil {
				if qerr.Type != TypeSerialization {
					t.Fatalf("%s: error type %s", op, qerr.Type)
				}
				continue
			}
			if !json.Valid(doc) {
				t.Fatalf("%s: invalid JSON %s", op, doc)
			}
			_, _ = m.validate(op, doc)
		}
	})
}

// TestFormJSONLargeList checks that a body full of list members is read in
// reasonable time (no quadratic work).
func TestFormJSONLargeList(t *testing.T) {
	m := loadModel(t, "iam")
	q := url.Values{"Url": {"https://x"}}
	for i := 1; i <= 50000; i++ {
		q.Set("ClientIDList.member."+strconv.Itoa(i), "c")
	}
	start := time.Now()
	if _, err := m.formJSON("CreateOpenIDConnectProvider", q); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("50,000 list members took %v", d)
	}
}
