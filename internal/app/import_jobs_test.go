package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/crypto/bcrypt"
)

// runImports runs the server's import runner until the test ends.
func (s *server) runImports(t testing.TB) {
	c, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.app.RunImportJobs(c); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// importCSV builds a CSV file: the header, then each row as a map from
// column to value (missing columns empty).
func importCSV(header []string, rows []map[string]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	for _, r := range rows {
		rec := make([]string, len(header))
		for i, h := range header {
			rec[i] = r[h]
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// upload PUTs data to a job's PreSignedUrl (whose host is the public URL;
// the test server is elsewhere) and returns the status.
func (s *server) upload(t testing.TB, presigned string, data []byte) int {
	t.Helper()
	u := strings.Replace(presigned, testPublicURL, s.http.URL, 1)
	req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// waitJob polls DescribeUserImportJob until the job ends.
func (s *server) waitJob(t testing.TB, poolID, jobID string) *types.UserImportJobType {
	t.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		out := result(s.idp.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{
			UserPoolId: aws.String(poolID), JobId: aws.String(jobID)})).must(t)
		switch out.UserImportJob.Status {
		case types.UserImportJobStatusTypeSucceeded, types.UserImportJobStatusTypeFailed, types.UserImportJobStatusTypeStopped:
			return out.UserImportJob
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still %s", out.UserImportJob.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *server) createJob(t testing.TB, poolID string) *types.UserImportJobType {
	t.Helper()
	out := result(s.idp.CreateUserImportJob(ctx, &cip.CreateUserImportJobInput{
		UserPoolId: aws.String(poolID), JobName: aws.String("users"),
		CloudWatchLogsRoleArn: aws.String("arn:aws:iam::123456789012:role/CognitoImport"),
	})).must(t)
	return out.UserImportJob
}

// importFailures reads the job's failed rows from Cognate's endpoint,
// signed with the root credentials.
func (s *server) importFailures(t *testing.T, poolID, jobID string) map[int64]string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.http.URL+"/_cognate/user-import/"+poolID+"/"+jobID+"/failures?limit=1000", nil)
	id, key := s.app.RootCredentials()
	empty := sha256.Sum256(nil)
	err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: key}, req,
		hex.EncodeToString(empty[:]), "cognito-idp", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Failures []struct {
			Row      int64
			Username string
			Reason   string
		}
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("failures: %d %s", resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	m := map[int64]string{}
	for _, f := range out.Failures {
		m[f.Row] = f.Username + ": " + f.Reason
	}
	return m
}

// TestUserImportJob: a CSV file in Cognito's format, with foreign password
// hashes in Cognate's extra column, is PUT to the job's URL and imported;
// users without a hash must reset their password, users with one sign in
// with their old password, get an SRP verifier from it, and have it
// rehashed with argon2id.
func TestUserImportJob(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			cfg := newConfig(t, b)
			s := start(t, cfg)
			s.runImports(t)
			poolID := s.pool(nil)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, "zed", "Zed-Password-1")
			header := result(s.idp.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: aws.String(poolID)})).must(t).CSVHeader
			header = append(header, "cognate:password_hash")
			bc, _ := bcrypt.GenerateFromPassword([]byte("Bcrypt-Pass-1"), 4)
			rows := []map[string]string{
				{"cognito:username": "ann", "email": "ann@example.com", "email_verified": "true", "cognito:mfa_enabled": "false", "name": "Ann"},
				{"cognito:username": "bob", "email": "bob@example.com", "email_verified": "false", "cognate:password_hash": string(bc)},
				{"cognito:username": "carl", "cognate:password_hash": "pbkdf2_sha256$12000$seasalt$gA+mx4nM8xNk3KDv0G7oMtDbczrAY6AUOCiDSKc/8nY="},
				{"cognito:username": "dora", "phone_number": "+15555550100", "cognito:mfa_enabled": "FALSE", "cognate:password_hash": "$firebase-scrypt$rounds=8,mem=14" +
					"$jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==$Bw==$42xEC+ixf3L2lw==" +
					"$lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=="},
				{"cognito:username": "ann", "email": "ann2@example.com", "email_verified": "true"},          // 5: skipped, exists
				{"cognito:username": "eve", "email": "eve@example.com", "email_verified": "false"},          // 6: failed, cannot reset
				{"cognito:username": "fay", "cognate:password_hash": "md5$abc$def"},                         // 7: failed, hash
				{"cognito:username": "zed", "email": "zed@example.com", "email_verified": "true"},           // 8: skipped, exists
				{"cognito:username": "gil", "email": "ann@example.com", "email_verified": "true"},           // 9: imported (email is no alias here)
				{"cognito:username": "hal", "email": "not-an-email", "email_verified": "true"},              // 10: failed, attribute
				{"cognito:username": "ivy", "phone_number": "+15555550101", "cognito:mfa_enabled": "maybe"}, // 11: failed
			}
			data := importCSV(header, rows)
			data = append(data, []byte("only,two\n")...) // 12: failed, field count

			job := s.createJob(t, poolID)
			if job.Status != types.UserImportJobStatusTypeCreated || !strings.Contains(aws.ToString(job.PreSignedUrl), "token=") {
				t.Fatalf("new job: %s %s", job.Status, aws.ToString(job.PreSignedUrl))
			}
			url := aws.ToString(job.PreSignedUrl)
			if got := s.upload(t, url[:strings.Index(url, "token=")+6]+"forged", data); got != http.StatusForbidden {
				t.Fatalf("PUT with a forged token: %d, want 403", got)
			}
			if got := s.upload(t, url, data); got != http.StatusOK {
				t.Fatalf("PUT: %d", got)
			}
			result(s.idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(poolID), JobId: job.JobId})).must(t)
			done := s.waitJob(t, poolID, *job.JobId)
			if done.Status != types.UserImportJobStatusTypeSucceeded || done.ImportedUsers != 5 || done.SkippedUsers != 2 || done.FailedUsers != 5 {
				t.Fatalf("job ended %s: imported %d, skipped %d, failed %d (%s)", done.Status, done.ImportedUsers,
					done.SkippedUsers, done.FailedUsers, aws.ToString(done.CompletionMessage))
			}
			if done.StartDate == nil || done.CompletionDate == nil {
				t.Fatal("a finished job without start or completion date")
			}
			if got := s.upload(t, url, data); got != http.StatusConflict {
				t.Fatalf("PUT after the start: %d, want 409", got)
			}
			_, err := s.idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(poolID), JobId: job.JobId})
			wantCode(t, err, "InvalidParameterException", "only a Created job")

			fails := s.importFailures(t, poolID, *job.JobId)
			for row, want := range map[int64]string{5: "User already exists", 6: "no verified email", 7: "not a supported password hash",
				8: "User already exists", 10: "email", 11: "cognito:mfa_enabled", 12: "fields"} {
				if !strings.Contains(fails[row], want) {
					t.Errorf("row %d: reason %q, want one containing %q", row, fails[row], want)
				}
			}
			if len(fails) != 7 {
				t.Errorf("%d rows recorded, want 7: %v", len(fails), fails)
			}

			status := func(name string) types.UserStatusType {
				return result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})).must(t).UserStatus
			}
			if st := status("ann"); st != types.UserStatusTypeResetRequired {
				t.Fatalf("ann: %s, want RESET_REQUIRED", st)
			}
			if st := status("bob"); st != types.UserStatusTypeConfirmed {
				t.Fatalf("bob: %s, want CONFIRMED", st)
			}
			_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": "Anything-1"}})
			wantCode(t, err, "PasswordResetRequiredException", "")

			// Before the first password sign-in there is no SRP verifier.
			_, err = s.srpSignIn(poolID, clientID, "bob", "Bcrypt-Pass-1", nil)
			wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
			_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": "Bcrypt-Pass-2"}})
			wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
			subs := map[string]string{}
			subs["bob"] = s.verifyJWT(poolID, *s.signIn(clientID, "bob", "Bcrypt-Pass-1").IdToken)["sub"].(string)
			result(s.srpSignIn(poolID, clientID, "bob", "Bcrypt-Pass-1", nil)).must(t)
			s.signIn(clientID, "bob", "Bcrypt-Pass-1") // again, now against argon2id
			admin := result(s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
				UserPoolId: aws.String(poolID), ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": "carl", "PASSWORD": "correct horse 9"}})).must(t)
			subs["carl"] = s.verifyJWT(poolID, *admin.AuthenticationResult.IdToken)["sub"].(string)
			subs["dora"] = s.verifyJWT(poolID, *s.signIn(clientID, "dora", "user1password").IdToken)["sub"].(string)
			result(s.srpSignIn(poolID, clientID, "dora", "user1password", nil)).must(t)

			jobs := result(s.idp.ListUserImportJobs(ctx, &cip.ListUserImportJobsInput{UserPoolId: aws.String(poolID), MaxResults: aws.Int32(10)})).must(t)
			if len(jobs.UserImportJobs) != 1 || aws.ToString(jobs.UserImportJobs[0].JobId) != *job.JobId {
				t.Fatalf("ListUserImportJobs: %d jobs", len(jobs.UserImportJobs))
			}
			// Imported users are listed, in username order, as a created one is.
			for _, limit := range []int32{1, 60} {
				if got, want := s.listInOrder(poolID, "", limit), []string{"ann", "bob", "carl", "dora", "gil", "zed"}; !reflect.DeepEqual(got, want) {
					t.Errorf("ListUsers by %d after the import: %v, want %v", limit, got, want)
				}
				if got := s.listInOrder(poolID, `username = "gil"`, limit); !reflect.DeepEqual(got, []string{"gil"}) {
					t.Errorf("ListUsers username = gil by %d: %v", limit, got)
				}
			}

			s.stop()
			st := openStore(t, cfg)
			for name, sub := range subs {
				u, err := st.Users().GetBySub(ctx, poolID, sub)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") || u.SRPVerifier == "" {
					t.Errorf("%s after sign-in: hash %.20q, verifier %v; want argon2id and a verifier", name, u.PasswordHash, u.SRPVerifier != "")
				}
			}
		})
	}
}

// TestUserImportJobResumeAndStop: a job interrupted after a batch resumes
// at the next row after a restart; a Pending job stops at once; a job
// without a file fails; a Created job cannot be stopped.
func TestUserImportJobResumeAndStop(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			cfg := newConfig(t, b)
			s := start(t, cfg)
			poolID := s.pool(nil)
			header := []string{"cognito:username", "email", "email_verified", "cognito:mfa_enabled"}
			var rows []map[string]string
			for i := range 2500 {
				rows = append(rows, map[string]string{"cognito:username": fmt.Sprintf("user%05d", i),
					"email": fmt.Sprintf("user%05d@example.com", i), "email_verified": "true"})
			}
			job := s.createJob(t, poolID)
			if got := s.upload(t, *job.PreSignedUrl, importCSV(header, rows)); got != http.StatusOK {
				t.Fatalf("PUT: %d", got)
			}
			result(s.idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(poolID), JobId: job.JobId})).must(t)

			empty := s.createJob(t, poolID)
			_, err := s.idp.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: aws.String(poolID), JobId: empty.JobId})
			wantCode(t, err, "InvalidParameterException", "")
			out := result(s.idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(poolID), JobId: empty.JobId})).must(t)
			if out.UserImportJob.Status != types.UserImportJobStatusTypeFailed {
				t.Fatalf("a job without a file: %s, want Failed", out.UserImportJob.Status)
			}
			stopped := s.createJob(t, poolID)
			s.upload(t, *stopped.PreSignedUrl, importCSV(header, rows[:1]))
			result(s.idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(poolID), JobId: stopped.JobId})).must(t)
			so := result(s.idp.StopUserImportJob(ctx, &cip.StopUserImportJobInput{UserPoolId: aws.String(poolID), JobId: stopped.JobId})).must(t)
			if so.UserImportJob.Status != types.UserImportJobStatusTypeStopped {
				t.Fatalf("a stopped Pending job: %s", so.UserImportJob.Status)
			}
			s.stop()

			// As if the server stopped after committing the first batch.
			st := openStore(t, cfg)
			j, err := st.ImportJobs().Get(ctx, poolID, *job.JobId)
			if err != nil {
				t.Fatal(err)
			}
			j.Status, j.NextRow, j.Imported = "InProgress", 1000, 1000
			if err := st.ImportJobs().Update(ctx, j); err != nil {
				t.Fatal(err)
			}
			st.Close()

			s = start(t, cfg)
			s.runImports(t)
			done := s.waitJob(t, poolID, *job.JobId)
			if done.Status != types.UserImportJobStatusTypeSucceeded || done.ImportedUsers != 2500 || done.FailedUsers != 0 {
				t.Fatalf("resumed job: %s, imported %d, failed %d", done.Status, done.ImportedUsers, done.FailedUsers)
			}
			for name, want := range map[string]bool{"user00999": false, "user01000": true, "user02499": true} {
				_, err := s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})
				if (err == nil) != want {
					t.Errorf("%s imported: %v, want %v", name, err == nil, want)
				}
			}
			if j := s.waitJob(t, poolID, *stopped.JobId); j.Status != types.UserImportJobStatusTypeStopped || j.ImportedUsers != 0 {
				t.Fatalf("the stopped job ran: %s, %d", j.Status, j.ImportedUsers)
			}
		})
	}
}

// TestUserImportJobURL: the upload URL takes a file for an hour, from
// nobody without its token; a job that got none by then is Expired. The
// failures listing answers only the administrator's signature.
func TestUserImportJobURL(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(nil)
		job := s.createJob(t, poolID)
		data := []byte("cognito:username,cognito:mfa_enabled,email,email_verified\nann,false,ann@example.com,true\n")
		// Another job's token does not open this job's URL.
		other := s.createJob(t, poolID)
		token := (*other.PreSignedUrl)[strings.Index(*other.PreSignedUrl, "token="):]
		if got := s.upload(t, strings.Replace(*job.PreSignedUrl, (*job.PreSignedUrl)[strings.Index(*job.PreSignedUrl, "token="):], token, 1), data); got != http.StatusForbidden {
			t.Fatalf("PUT with another job's token: %d", got)
		}
		clk.Advance(59 * time.Minute)
		if got := s.upload(t, *other.PreSignedUrl, data); got != http.StatusOK {
			t.Fatalf("PUT after 59 minutes: %d", got)
		}
		clk.Advance(2 * time.Minute)
		if got := s.upload(t, *job.PreSignedUrl, data); got != http.StatusForbidden {
			t.Fatalf("PUT after 61 minutes: %d", got)
		}
		out := result(s.idp.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String(poolID), JobId: job.JobId})).must(t)
		if out.UserImportJob.Status != types.UserImportJobStatusTypeExpired {
			t.Fatalf("a job without a file after an hour: %s, want Expired", out.UserImportJob.Status)
		}
		out = result(s.idp.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String(poolID), JobId: other.JobId})).must(t)
		if out.UserImportJob.Status != types.UserImportJobStatusTypeCreated {
			t.Fatalf("a job with a file after an hour: %s, want Created", out.UserImportJob.Status)
		}
		_, err := s.idp.DescribeUserImportJob(ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String(poolID), JobId: aws.String("import-nope")})
		wantCode(t, err, "ResourceNotFoundException", "")

		resp, err := s.http.Client().Get(s.http.URL + "/_cognate/user-import/" + poolID + "/" + *other.JobId + "/failures")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("unsigned failures listing: %d, want 403", resp.StatusCode)
		}
	})
}
