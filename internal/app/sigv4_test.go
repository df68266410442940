package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func TestAdminCallsNeedValidSignature(t *testing.T) {
	s := newServer(t, "sqlite")
	id, key := s.app.RootCredentials()
	in := &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)}

	_, err := s.client(id, key+"x").ListUserPools(ctx, in)
	wantCode(t, err, "InvalidSignatureException", "")
	_, err = s.client("AKIAUNKNOWNKEY000000", key).ListUserPools(ctx, in)
	wantCode(t, err, "UnrecognizedClientException", "")

	req, _ := http.NewRequest("POST", s.http.URL+"/", strings.NewReader(`{"MaxResults":1}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(resp.Header.Get("X-Amzn-ErrorType"), "MissingAuthenticationToken") {
		t.Fatalf("unsigned admin call: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Fatal("no request id")
	}
}

// TestSignatureCoversOperation: a signature over "host;x-amz-date" alone
// says nothing about the operation, so it must not be replayable with
// another X-Amz-Target. An AdminGetUser signed that way is refused, and so
// is the same signature sent as AdminDisableUser; the user stays enabled.
func TestSignatureCoversOperation(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	s.user(poolID, "victim", "Passw0rd!")
	body := `{"UserPoolId":"` + poolID + `","Username":"victim"}`

	req, _ := http.NewRequest(http.MethodPost, s.http.URL+"/", nil) // no length to sign
	id, key := s.app.RootCredentials()
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: key},
		req, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if auth := req.Header.Get("Authorization"); !strings.Contains(auth, "SignedHeaders=host;x-amz-date,") {
		t.Fatalf("signed more than host and date: %s", auth)
	}
	send := func(target string) (int, string) {
		t.Helper()
		r := req.Clone(ctx)
		r.Body, r.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+target)
		resp, err := s.http.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	const want = `{"__type":"InvalidSignatureException","message":"'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."}`
	for _, target := range []string{"AdminGetUser", "AdminDisableUser"} {
		if status, got := send(target); status != http.StatusBadRequest || got != want {
			t.Errorf("%s with a signature over host;x-amz-date: %d %s", target, status, got)
		}
	}
	u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("victim")})).must(t)
	if !u.Enabled {
		t.Fatal("the replayed signature disabled the user")
	}
}
