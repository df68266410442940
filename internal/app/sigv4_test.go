package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
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
