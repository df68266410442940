package app_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// BenchmarkUserImport imports a CSV file of users (100,000 unless
// COGNATE_BENCH_IMPORT_USERS says otherwise) through an import job, from
// StartUserImportJob to Succeeded, and reports users per second. Each user
// has an email address (an index entry and a search-index row) and a name.
// Run: go test ./internal/app -run '^$' -bench UserImport -benchtime 1x
// (COGNATE_BENCH_IMPORT_BACKEND=postgres with COGNATE_TEST_POSTGRES_URL
// set measures PostgreSQL).
func BenchmarkUserImport(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("COGNATE_BENCH_IMPORT_USERS")); err == nil && v > 0 {
		n = v
	}
	backend := "sqlite"
	if os.Getenv("COGNATE_BENCH_IMPORT_BACKEND") == "postgres" {
		backend = "postgres"
	}
	var buf bytes.Buffer
	buf.WriteString("cognito:username,name,email,email_verified,cognito:mfa_enabled\n")
	// Rows in random order, as a real export's names are, and email
	// addresses in no relation to the usernames: no index gets its keys
	// in order.
	r := rand.New(rand.NewPCG(1, 2))
	emails := r.Perm(n)
	for _, i := range r.Perm(n) {
		fmt.Fprintf(&buf, "user%07d,User %d,m%07d@example.com,true,false\n", i, i, emails[i])
	}
	data := buf.Bytes()
	var total time.Duration
	for range b.N {
		b.StopTimer()
		s := start(b, newConfig(b, backend))
		s.runImports(b)
		poolID := s.pool(nil)
		job := s.createJob(b, poolID)
		if got := s.upload(b, *job.PreSignedUrl, data); got != http.StatusOK {
			b.Fatalf("PUT: %d", got)
		}
		b.StartTimer()
		began := time.Now()
		result(s.idp.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(poolID), JobId: job.JobId})).must(b)
		done := s.waitJob(b, poolID, *job.JobId)
		total += time.Since(began)
		b.StopTimer()
		if done.Status != types.UserImportJobStatusTypeSucceeded || done.ImportedUsers != int64(n) {
			b.Fatalf("job %s: imported %d of %d", done.Status, done.ImportedUsers, n)
		}
		s.stop()
	}
	b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "users/s")
	b.ReportMetric(0, "ns/op")
}
