package app_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// racers is how many identical requests race in each concurrency test.
const racers = 8

// race runs fn racers times at once and returns the error codes ("" for
// success); an error that is not an AWS error fails the test.
func race(t *testing.T, fn func(i int) error) []string {
	t.Helper()
	codes := make([]string, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := fn(i)
			if err == nil {
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				codes[i] = "transport: " + err.Error()
				return
			}
			codes[i] = ae.ErrorCode()
		}()
	}
	close(start)
	wg.Wait()
	return codes
}

// wantOneWinner asserts that exactly one racer succeeded and every other
// got loser (never an internal error).
func wantOneWinner(t *testing.T, what string, codes []string, loser string) {
	t.Helper()
	wins := 0
	for _, c := range codes {
		switch c {
		case "":
			wins++
		case loser:
		default:
			t.Errorf("%s: a racer got %q, want success or %s (all: %q)", what, c, loser, codes)
		}
	}
	if wins != 1 {
		t.Errorf("%s: %d racers succeeded, want 1 (all: %q)", what, wins, codes)
	}
}

// wantNoFailure asserts that every racer succeeded or got one of the
// allowed codes, and at least one succeeded.
func wantNoFailure(t *testing.T, what string, codes []string, allowed ...string) {
	t.Helper()
	wins := 0
	for _, c := range codes {
		if c == "" {
			wins++
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || c == a
		}
		if !ok {
			t.Errorf("%s: a racer got %q (all: %q)", what, c, codes)
		}
	}
	if wins == 0 {
		t.Errorf("%s: no racer succeeded (all: %q)", what, codes)
	}
}

func TestConcurrentSignUpSameUsername(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		codes := race(t, func(i int) error {
			_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("same"),
				Password: aws.String("Correct-Horse-9"), UserAttributes: []types.AttributeType{attr("email", fmt.Sprintf("s%d@example.com", i))}})
			return err
		})
		wantOneWinner(t, "SignUp", codes, "UsernameExistsException")
	})
}

func TestConcurrentAdminCreateUserSameUsername(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		codes := race(t, func(int) error {
			_, err := s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("same"),
				MessageAction: types.MessageActionTypeSuppress})
			return err
		})
		wantOneWinner(t, "AdminCreateUser", codes, "UsernameExistsException")
	})
}

func TestConcurrentCreateGroupSameName(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		codes := race(t, func(int) error {
			_, err := s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("g")})
			return err
		})
		wantOneWinner(t, "CreateGroup", codes, "GroupExistsException")
	})
}

func TestConcurrentAdminAddUserToGroup(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		s.user(poolID, "u", "Correct-Horse-9")
		result(s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("g")})).must(t)
		codes := race(t, func(int) error {
			_, err := s.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, GroupName: aws.String("g"), Username: aws.String("u")})
			return err
		})
		// Adding a member twice is idempotent in Cognito.
		wantNoFailure(t, "AdminAddUserToGroup", codes)
		out := result(s.idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &poolID, Username: aws.String("u")})).must(t)
		if len(out.Groups) != 1 {
			t.Fatalf("user in %d groups, want 1", len(out.Groups))
		}
	})
}

func TestConcurrentConfirmSignUpSameCode(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("c"),
			Password: aws.String("Correct-Horse-9"), UserAttributes: []types.AttributeType{attr("email", "c@example.com")}})).must(t)
		code := s.lastCode()
		codes := race(t, func(int) error {
			_, err := s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("c"), ConfirmationCode: &code})
			return err
		})
		// One confirms; the others see a confirmed user (Cognito:
		// NotAuthorizedException "User cannot be confirmed. Current status
		// is CONFIRMED") or succeed idempotently. Never an internal error.
		wantNoFailure(t, "ConfirmSignUp", codes, "NotAuthorizedException", "CodeMismatchException", "ExpiredCodeException")
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("c")})).must(t)
		if u.UserStatus != types.UserStatusTypeConfirmed {
			t.Fatalf("status %s, want CONFIRMED", u.UserStatus)
		}
	})
}

// TestOversizedBody checks that a body over the 1 MiB limit is refused
// with an AWS error naming the limit, whether or not it declares its length.
func TestOversizedBody(t *testing.T) {
	s := newServer(t, "sqlite")
	body := `{"UserPoolId":"us-east-1_a","Username":"` + strings.Repeat("a", 1<<20) + `"}`
	for _, chunked := range []bool{false, true} {
		var r = strings.NewReader(body)
		req, _ := http.NewRequest(http.MethodPost, s.http.URL+"/", r)
		if chunked {
			req, _ = http.NewRequest(http.MethodPost, s.http.URL+"/", struct{ *strings.Reader }{r})
			req.ContentLength = -1
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser")
		status, typ, msg := rawCall(t, s, req)
		if status != 400 || typ != "SerializationException" || !strings.Contains(msg, "maximum size") {
			t.Fatalf("chunked=%v: HTTP %d %s %q", chunked, status, typ, msg)
		}
	}
}

// TestGzipBody checks that a gzip-encoded request body (which Cognito
// does not accept: its operations have no requestcompression trait) is
// refused with an AWS error, not a 500.
func TestGzipBody(t *testing.T) {
	s := newServer(t, "sqlite")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(`{"MaxResults":10}`))
	_ = zw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.http.URL+"/", &buf)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	sign(t, s, req, buf.Bytes(), "cognito-idp")
	status, typ, _ := rawCall(t, s, req)
	if status != 400 || typ != "SerializationException" {
		t.Fatalf("gzip body: HTTP %d %s", status, typ)
	}
}

// sign signs req (whose body is body) with the root credentials.
func sign(t *testing.T, s *server, req *http.Request, body []byte, service string) {
	t.Helper()
	sum := sha256.Sum256(body)
	id, key := s.app.RootCredentials()
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: key},
		req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
}

// rawCall sends req and returns the status and the AWS error in the answer.
func rawCall(t *testing.T, s *server, req *http.Request) (int, string, string) {
	t.Helper()
	resp, err := s.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(raw, &e)
	return resp.StatusCode, e.Type, e.Message
}

// TestConcurrentDeleteWhileWriting races deletions against requests that
// read a record and then write what refers to it: a user deleted during
// AdminSetUserPassword, AdminUpdateUserAttributes or sign-in, a pool
// deleted during AdminCreateUser and SignUp. The losers must get the
// exception for a missing user or pool, never an internal error.
func TestConcurrentDeleteWhileWriting(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		allowed := []string{"UserNotFoundException", "ResourceNotFoundException", "NotAuthorizedException"}
		check := func(what string, codes []string) {
			t.Helper()
			for _, c := range codes {
				ok := c == ""
				for _, a := range allowed {
					ok = ok || c == a
				}
				if !ok {
					t.Errorf("%s: a racer got %q (all: %q)", what, c, codes)
				}
			}
		}
		for round := range 4 {
			poolID := s.pool(nil)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, "u", "Correct-Horse-9")
			codes := race(t, func(i int) error {
				var err error
				switch i % 4 {
				case 0:
					_, err = s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &poolID, Username: aws.String("u")})
				case 1:
					_, err = s.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("u"),
						Password: aws.String("Correct-Horse-9"), Permanent: true})
				case 2:
					_, err = s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("u"),
						UserAttributes: []types.AttributeType{attr("name", fmt.Sprint(i))}})
				case 3:
					_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
						AuthParameters: map[string]string{"USERNAME": "u", "PASSWORD": "Correct-Horse-9"}})
				}
				return err
			})
			check(fmt.Sprintf("round %d, user deleted", round), codes)

			codes = race(t, func(i int) error {
				var err error
				switch i % 3 {
				case 0:
					_, err = s.idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID})
				case 1:
					_, err = s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(fmt.Sprint("a", i)),
						MessageAction: types.MessageActionTypeSuppress})
				case 2:
					_, err = s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String(fmt.Sprint("s", i)),
						Password: aws.String("Correct-Horse-9"), UserAttributes: []types.AttributeType{attr("email", fmt.Sprintf("s%d@example.com", i))}})
				}
				return err
			})
			check(fmt.Sprintf("round %d, pool deleted", round), codes)
		}
	})
}

// TestConcurrentIdentityPoolDelete races DeleteIdentityPool against GetId
// and GetOpenIdTokenForDeveloperIdentity, which read the pool and then
// create identities in it: the losers get ResourceNotFoundException.
func TestConcurrentIdentityPoolDelete(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		for round := range 4 {
			ip := s.identityPool(true)
			codes := race(t, func(i int) error {
				var err error
				switch i % 3 {
				case 0:
					_, err = s.ci.DeleteIdentityPool(ctx, &cid.DeleteIdentityPoolInput{IdentityPoolId: &ip})
				case 1:
					_, err = s.getID(ip, nil)
				case 2:
					_, err = s.ci.GetOpenIdTokenForDeveloperIdentity(ctx, &cid.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolId: &ip,
						Logins: map[string]string{"login.example.app": fmt.Sprint("dev-", i)}})
				}
				return err
			})
			for _, c := range codes {
				if c != "" && c != "ResourceNotFoundException" {
					t.Errorf("round %d: a racer got %q (all: %q)", round, c, codes)
				}
			}
		}
	})
}

// TestConcurrentAddCustomAttributes checks that concurrent
// AddCustomAttributes calls keep every attribute they report as added
// (they read, changed and wrote the schema outside a transaction, so all
// succeeded and most attributes were lost), and that of racers adding the
// same name exactly one wins.
func TestConcurrentAddCustomAttributes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		add := func(name string) error {
			_, err := s.idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: &poolID,
				CustomAttributes: []types.SchemaAttributeType{{Name: aws.String(name), AttributeDataType: types.AttributeDataTypeString}}})
			return err
		}
		wantNoFailure(t, "distinct names", race(t, func(i int) error { return add(fmt.Sprint("a", i)) }))
		wantOneWinner(t, "same name", race(t, func(int) error { return add("same") }), "InvalidParameterException")
		d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID})).must(t)
		have := map[string]bool{}
		for _, a := range d.UserPool.SchemaAttributes {
			have[aws.ToString(a.Name)] = true
		}
		for i := range racers {
			if !have[fmt.Sprint("custom:a", i)] {
				t.Errorf("custom:a%d lost", i)
			}
		}
	})
}

// TestConcurrentAttributeUpdates checks that concurrent updates of
// different attributes of one user all stick (each read the user, changed
// its attribute and wrote the whole user back, so all succeeded and most
// changes were lost).
func TestConcurrentAttributeUpdates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		for i := range racers {
			result(s.idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: &poolID,
				CustomAttributes: []types.SchemaAttributeType{{Name: aws.String(fmt.Sprint("a", i)), AttributeDataType: types.AttributeDataTypeString}}})).must(t)
		}
		s.user(poolID, "u", "Correct-Horse-9")
		wantNoFailure(t, "AdminUpdateUserAttributes", race(t, func(i int) error {
			_, err := s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("u"),
				UserAttributes: []types.AttributeType{attr(fmt.Sprint("custom:a", i), "v")}})
			return err
		}))
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("u")})).must(t)
		for i := range racers {
			if v, _ := attrValue(u.UserAttributes, fmt.Sprint("custom:a", i)); v != "v" {
				t.Errorf("custom:a%d lost", i)
			}
		}
	})
}
