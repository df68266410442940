package app_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestUserImportUploadStreams: a file of several chunks is answered with
// S3's ETag (its MD5), and an upload that breaks off part way, after more
// than a chunk, leaves the earlier file whole: the job imports it.
func TestUserImportUploadStreams(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		s.runImports(t)
		poolID := s.pool(nil)
		job := s.createJob(t, poolID)
		url := strings.Replace(*job.PreSignedUrl, testPublicURL, s.http.URL, 1)

		good := []byte("cognito:username,cognito:mfa_enabled,email,email_verified\nann,false,ann@example.com,true\n")
		good = append(good, bytes.Repeat([]byte{'\n'}, 9<<20)...) // blank lines, skipped by the reader
		resp := put(t, s, url, bytes.NewReader(good), int64(len(good)))
		sum := md5.Sum(good)
		if want := `"` + hex.EncodeToString(sum[:]) + `"`; resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != want {
			t.Fatalf("PUT: %d, ETag %s; want 200, %s", resp.StatusCode, resp.Header.Get("ETag"), want)
		}

		bad := []byte("cognito:username,cognito:mfa_enabled,email,email_verified\nbob,false,bob@example.com,true\n")
		bad = append(bad, bytes.Repeat([]byte{'\n'}, 6<<20)...)
		broken := io.MultiReader(bytes.NewReader(bad), iotest.ErrReader(errors.New("cable cut")))
		if resp, err := s.http.Client().Do(mustRequest(t, url, broken, int64(len(bad))+100)); err == nil {
			resp.Body.Close()
			t.Fatalf("a broken upload was answered %d", resp.StatusCode)
		}

		result(s.idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(poolID), JobId: job.JobId})).must(t)
		done := s.waitJob(t, poolID, *job.JobId)
		if done.Status != types.UserImportJobStatusTypeSucceeded || done.ImportedUsers != 1 {
			t.Fatalf("job: %s, %d imported; want Succeeded, 1", done.Status, done.ImportedUsers)
		}
		result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ann")})).must(t)
		_, err := s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob")})
		wantCode(t, err, "UserNotFoundException", "")
	})
}

func mustRequest(t *testing.T, url string, body io.Reader, size int64) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	return req
}

func put(t *testing.T, s *server, url string, body io.Reader, size int64) *http.Response {
	t.Helper()
	resp, err := s.http.Client().Do(mustRequest(t, url, body, size))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}
