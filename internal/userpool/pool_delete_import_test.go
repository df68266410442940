package userpool

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// importJob creates an import job in the fixture's pool and returns its
// id and upload token.
func importJob(t *testing.T, s *Service) (string, string) {
	t.Helper()
	out, err := s.CreateUserImportJob(context.Background(), &cip.CreateUserImportJobRequest{UserPoolId: rekeyPool, JobName: "j",
		CloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/x"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(out.UserImportJob.PreSignedUrl)
	if err != nil {
		t.Fatal(err)
	}
	return out.UserImportJob.JobId, u.Query().Get("token")
}

// TestImportUploadDeniedWhileDeleting: once its pool is marked for
// deletion, a job's upload URL takes no file, as once the pool is gone.
func TestImportUploadDeniedWhileDeleting(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 1)
		s.cache.ttl = time.Hour // the deletion does not start
		job, token := importJob(t, s)
		if _, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		if err := s.AuthorizeImportUpload(ctx, rekeyPool, job, token); !errors.Is(err, ErrUploadDenied) {
			t.Fatalf("AuthorizeImportUpload: %v, want ErrUploadDenied", err)
		}
		if n, err := s.UploadImportFile(ctx, rekeyPool, job, token, strings.NewReader("a,b\n1,2\n")); !errors.Is(err, ErrUploadDenied) {
			t.Fatalf("UploadImportFile: %d, %v, want ErrUploadDenied", n, err)
		}
	})
}

// TestImportJobOfDeletingPoolFails: a started job of a pool being deleted
// ends Failed at the runner's next look, quietly, rather than stay active
// and fail every poll until the deletion ends.
func TestImportJobOfDeletingPoolFails(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 1)
		s.cache.ttl = time.Hour
		job, token := importJob(t, s)
		if _, err := s.UploadImportFile(ctx, rekeyPool, job, token, strings.NewReader("x\n")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartUserImportJob(ctx, &cip.StartUserImportJobRequest{UserPoolId: rekeyPool, JobId: job}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		js, err := db.ImportJobs().Active(ctx, 100)
		if err != nil || len(js) != 1 {
			t.Fatalf("active jobs: %v, %v", js, err)
		}
		if err := s.runImportJob(ctx, js[0]); err != nil {
			t.Fatalf("runImportJob: %v, want nil", err)
		}
		j, err := db.ImportJobs().Get(ctx, rekeyPool, job)
		if err != nil || j.Status != jobFailed || j.Message != msgPoolDeleted {
			t.Fatalf("job: %+v, %v; want Failed, %q", j, err, msgPoolDeleted)
		}
		if js, err := db.ImportJobs().Active(ctx, 100); err != nil || len(js) != 0 {
			t.Fatalf("active jobs after the runner's look: %v, %v", js, err)
		}
	})
}

// TestPoolDeletionLateWrites: a node that serves the pool from its cache
// writes into it while it is marked (the write goes with the deletion),
// and after the deletion gets ResourceNotFoundException, never an
// internal error.
func TestPoolDeletionLateWrites(t *testing.T) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) {
		ctx := context.Background()
		db := open()
		warm := rekeyFixture(t, db, 10)
		warm.cache.ttl = time.Hour
		if _, err := warm.DescribeUserPool(ctx, &cip.DescribeUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		other := rekeyService(t, open())
		if _, err := other.DeleteUserPool(ctx, &cip.DeleteUserPoolRequest{UserPoolId: rekeyPool}); err != nil {
			t.Fatal(err)
		}
		if err := createUser(warm, "during"); err != nil {
			t.Fatalf("a write from a warm cache while marked: %v", err)
		}
		other.deleteMarked(ctx)
		if n := userCount(t, db); n != 0 {
			t.Fatalf("%d users left after the deletion", n)
		}
		// AsError is how the API answers an error (a storage.ErrNotFound
		// is ResourceNotFoundException too).
		late := map[string]error{"AdminCreateUser": createUser(warm, "after")}
		_, late["CreateGroup"] = warm.CreateGroup(ctx, &cip.CreateGroupRequest{UserPoolId: rekeyPool, GroupName: "g"})
		_, late["CreateUserPoolClient"] = warm.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientRequest{UserPoolId: rekeyPool, ClientName: "c"})
		for op, err := range late {
			if e := AsError(err); e == nil || e.Kind != ResourceNotFound {
				t.Errorf("%s after the deletion: %v, want ResourceNotFoundException", op, err)
			}
		}
	})
}
