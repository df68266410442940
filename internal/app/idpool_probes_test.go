package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// The tests in this file pin deviations from AWS that the boto3 probes in
// clients/python found.

// TestGuestOpenIDTokenIsNotALogin: a guest's basic-flow OpenID token (amr
// "unauthenticated") proves no login. Presented as the
// cognito-identity.amazonaws.com login it must not make the request
// authenticated (the authenticated role, whatever its trust policy says),
// nor keep a guest going after the pool stops allowing guests.
func TestGuestOpenIDTokenIsNotALogin(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		pool := s.identityPool(true, up)
		guest := result(s.getID(pool, nil)).must(t)
		tok := *result(s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest})).must(t).Token
		logins := map[string]string{"cognito-identity.amazonaws.com": tok}

		_, err := s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest, Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		_, err = s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &guest, Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		other := result(s.getID(pool, nil)).must(t)
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &other, Logins: logins})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		_, err = s.ci.UnlinkIdentity(ctx, &cid.UnlinkIdentityInput{IdentityId: &guest, Logins: logins, LoginsToRemove: []string{"x"}})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")

		// The guest itself still gets the unauthenticated role.
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest})).must(t)
		if r := s.issuer.last(t); r.RoleARN != guestRole {
			t.Fatalf("guest got %s", r.RoleARN)
		}
	})
}

// rawIdentityCall calls an AWSCognitoIdentityService or CognateAdmin
// operation (target "<prefix>.<op>") signed with the root credentials and
// returns the decoded JSON body, so a test sees which members were sent.
func (s *server) rawIdentityCall(t *testing.T, target string, in any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, s.http.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256(body)
	id, key := s.app.RootCredentials()
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: key}, req,
		hex.EncodeToString(sum[:]), "cognito-identity", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := s.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", target, resp.StatusCode, raw)
	}
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v: %s", target, err, raw)
	}
	return out
}

// TestIdentityEmptyListsAreSent: boto3 callers index DeleteIdentities'
// UnprocessedIdentityIds (AWS sends [] when every identity was deleted)
// and DescribeIdentityOwner's Users and Logins (a guest has none) directly.
func TestIdentityEmptyListsAreSent(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		pool := s.identityPool(true, up)
		guest := result(s.getID(pool, nil)).must(t)
		owner := s.rawIdentityCall(t, "CognateAdmin.DescribeIdentityOwner", map[string]any{"IdentityId": guest})
		for _, k := range []string{"Users", "Logins"} {
			if v, ok := owner[k].([]any); !ok || len(v) != 0 {
				t.Errorf("DescribeIdentityOwner %s = %#v, want []", k, owner[k])
			}
		}
		del := s.rawIdentityCall(t, "AWSCognitoIdentityService.DeleteIdentities", map[string]any{"IdentityIdsToDelete": []string{guest}})
		if v, ok := del["UnprocessedIdentityIds"].([]any); !ok || len(v) != 0 {
			t.Errorf("DeleteIdentities UnprocessedIdentityIds = %#v, want []", del["UnprocessedIdentityIds"])
		}
	})
}
