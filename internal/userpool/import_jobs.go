package userpool

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"net/url"
	"time"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// User import jobs (CreateUserImportJob and the rest), as in Cognito: a
// job is Created with a PreSignedUrl, the CSV file is PUT there (as to S3),
// StartUserImportJob makes it Pending, and the server's import runner
// (RunImportJobs) makes it InProgress, imports the rows in batches of
// importBatch, one transaction each, and ends it Succeeded, or Failed when
// the file cannot be read. StopUserImportJob makes a Pending job Stopped
// and an InProgress one Stopping, then Stopped after its current batch. A
// Created job whose URL expires before a file arrives is Expired. Every
// row that is not imported is counted as skipped (its user exists
// already) or failed, and recorded with the reason (ImportJobFailures).
// The CloudWatchLogsRoleArn is stored and shown, never used.

// Import job statuses.
const (
	jobCreated    = "Created"
	jobPending    = "Pending"
	jobInProgress = "InProgress"
	jobStopping   = "Stopping"
	jobStopped    = "Stopped"
	jobSucceeded  = "Succeeded"
	jobFailed     = "Failed"
	jobExpired    = "Expired"
)

// ImportUploadValidity is how long a job's PreSignedUrl accepts a file.
const ImportUploadValidity = time.Hour

// MaxImportFile is the largest CSV file a job accepts (Cognito's limit is
// 100 MB; Cognate's is larger so that a million users fit in one file).
const MaxImportFile = 1 << 30

// ImportUploadPath is the path of a job's upload URL under the public URL:
// ImportUploadPath + "/<pool id>/<job id>?token=<token>".
const ImportUploadPath = "/_cognate/user-import"

// CreateUserImportJob creates a job and the URL its file is PUT to.
func (s *Service) CreateUserImportJob(ctx context.Context, in *cip.CreateUserImportJobRequest) (*cip.CreateUserImportJobResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	now := s.now()
	j := storage.ImportJob{
		PoolID: p.rec.ID, ID: "import-" + secret.RandomString(10, secret.Alnum), Name: in.JobName,
		RoleARN: in.CloudWatchLogsRoleArn, Status: jobCreated, UploadExpiresAt: now.Add(ImportUploadValidity),
		CreatedAt: now, Version: 1,
	}
	tok, err := s.uploadToken(ctx, j.PoolID, j.ID)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(tok))
	j.UploadHash = sum[:]
	if err := s.store.ImportJobs().Create(ctx, j); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, poolNotFound(p.rec.ID)
		}
		return nil, err
	}
	t, err := s.jobType(ctx, j)
	if err != nil {
		return nil, err
	}
	return &cip.CreateUserImportJobResponse{UserImportJob: t}, nil
}

// uploadToken is the secret of a job's upload URL: derived from the server
// secret, so that DescribeUserImportJob can show the URL again without
// storing the token.
func (s *Service) uploadToken(ctx context.Context, poolID, jobID string) (string, error) {
	d, err := s.derive(ctx, "user-import-upload", poolID, jobID)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(d), nil
}

// jobType is a job as the API shows it.
func (s *Service) jobType(ctx context.Context, j storage.ImportJob) (*cip.UserImportJobType, error) {
	tok, err := s.uploadToken(ctx, j.PoolID, j.ID)
	if err != nil {
		return nil, err
	}
	t := &cip.UserImportJobType{
		JobName: j.Name, JobId: j.ID, UserPoolId: j.PoolID,
		PreSignedUrl: s.publicURL + ImportUploadPath + "/" + url.PathEscape(j.PoolID) + "/" + url.PathEscape(j.ID) +
			"?token=" + tok,
		CreationDate: awstime.New(j.CreatedAt), Status: j.Status, CloudWatchLogsRoleArn: j.RoleARN,
		ImportedUsers: &j.Imported, SkippedUsers: &j.Skipped, FailedUsers: &j.Failed, CompletionMessage: j.Message,
	}
	if !j.StartedAt.IsZero() {
		t.StartDate = awstime.New(j.StartedAt)
	}
	if !j.CompletedAt.IsZero() {
		t.CompletionDate = awstime.New(j.CompletedAt)
	}
	return t, nil
}

// loadJob reads a job of pool p, marking it Expired when its upload URL
// expired before a file came.
func (s *Service) loadJob(ctx context.Context, p *pool, id string) (storage.ImportJob, error) {
	j, err := s.store.ImportJobs().Get(ctx, p.rec.ID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return j, errorf(ResourceNotFound, "Import job %s does not exist.", id)
	}
	if err != nil {
		return j, err
	}
	return s.expire(ctx, j)
}

// expire marks a Created job without a file Expired once its URL expired.
func (s *Service) expire(ctx context.Context, j storage.ImportJob) (storage.ImportJob, error) {
	if j.Status != jobCreated || j.FileSize > 0 || !s.now().After(j.UploadExpiresAt) {
		return j, nil
	}
	j.Status, j.CompletedAt = jobExpired, s.now()
	j.Message = "The upload URL expired before a file was uploaded."
	if err := s.store.ImportJobs().Update(ctx, j); err != nil && !errors.Is(err, storage.ErrStale) {
		return j, err
	}
	return s.store.ImportJobs().Get(ctx, j.PoolID, j.ID)
}

// DescribeUserImportJob shows a job and its counts.
func (s *Service) DescribeUserImportJob(ctx context.Context, in *cip.DescribeUserImportJobRequest) (*cip.DescribeUserImportJobResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	j, err := s.loadJob(ctx, p, in.JobId)
	if err != nil {
		return nil, err
	}
	t, err := s.jobType(ctx, j)
	if err != nil {
		return nil, err
	}
	return &cip.DescribeUserImportJobResponse{UserImportJob: t}, nil
}

// ListUserImportJobs lists the pool's jobs by id.
func (s *Service) ListUserImportJobs(ctx context.Context, in *cip.ListUserImportJobsRequest) (*cip.ListUserImportJobsResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	js, next, err := s.store.ImportJobs().List(ctx, p.rec.ID, storage.Page{Token: in.PaginationToken, Limit: pageLimit(in.MaxResults)})
	if err != nil {
		return nil, pageError(err)
	}
	out := &cip.ListUserImportJobsResponse{UserImportJobs: make([]cip.UserImportJobType, 0, len(js)), PaginationToken: next}
	for _, j := range js {
		if j, err = s.expire(ctx, j); err != nil {
			return nil, err
		}
		t, err := s.jobType(ctx, j)
		if err != nil {
			return nil, err
		}
		out.UserImportJobs = append(out.UserImportJobs, *t)
	}
	return out, nil
}

// changeJob applies fn to the job as stored until the write is not stale.
func (s *Service) changeJob(ctx context.Context, p *pool, id string, fn func(j *storage.ImportJob) error) (storage.ImportJob, error) {
	for attempt := 1; ; attempt++ {
		j, err := s.loadJob(ctx, p, id)
		if err != nil {
			return j, err
		}
		if err := fn(&j); err != nil {
			return j, err
		}
		err = s.store.ImportJobs().Update(ctx, j)
		if err == nil {
			j.Version++
			return j, nil
		}
		if !errors.Is(err, storage.ErrStale) || attempt == staleAttempts {
			return j, err
		}
	}
}

// StartUserImportJob queues a Created job for the import runner. A job
// without a file fails at once.
func (s *Service) StartUserImportJob(ctx context.Context, in *cip.StartUserImportJobRequest) (*cip.StartUserImportJobResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	j, err := s.changeJob(ctx, p, in.JobId, func(j *storage.ImportJob) error {
		if j.Status != jobCreated {
			return errorf(InvalidParameter, "Import job %s is %s; only a Created job can be started.", j.ID, j.Status)
		}
		j.StartedAt = s.now()
		if j.FileSize == 0 {
			j.Status, j.CompletedAt, j.Message = jobFailed, s.now(), "No CSV file was uploaded to the job's PreSignedUrl."
			return nil
		}
		j.Status = jobPending
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.wakeImports()
	t, err := s.jobType(ctx, j)
	if err != nil {
		return nil, err
	}
	return &cip.StartUserImportJobResponse{UserImportJob: t}, nil
}

// StopUserImportJob stops a Pending job at once and an InProgress one
// after its current batch.
func (s *Service) StopUserImportJob(ctx context.Context, in *cip.StopUserImportJobRequest) (*cip.StopUserImportJobResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	j, err := s.changeJob(ctx, p, in.JobId, func(j *storage.ImportJob) error {
		switch j.Status {
		case jobPending:
			j.Status, j.CompletedAt, j.Message = jobStopped, s.now(), "The import job was stopped."
		case jobInProgress:
			j.Status = jobStopping
		default:
			return errorf(InvalidParameter, "Import job %s is %s; only a Pending or InProgress job can be stopped.", j.ID, j.Status)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t, err := s.jobType(ctx, j)
	if err != nil {
		return nil, err
	}
	return &cip.StopUserImportJobResponse{UserImportJob: t}, nil
}

// Upload errors, for the HTTP endpoint to map to S3's answers.
var (
	// ErrUploadDenied: a wrong or expired token (S3's 403 AccessDenied).
	ErrUploadDenied = errors.New("userpool: upload denied")
	// ErrUploadTooLarge: a file over MaxImportFile (413 EntityTooLarge).
	ErrUploadTooLarge = errors.New("userpool: file too large")
	// ErrUploadClosed: the job was started or ended (409).
	ErrUploadClosed = errors.New("userpool: job takes no more files")
)

// AuthorizeImportUpload checks an upload before its body is read: token
// must be the job's upload token, not expired, and the job still Created.
// An unknown pool or job is ErrUploadDenied too, as S3 answers a wrong
// signature, and so is a pool being deleted: its job rows stay until the
// deletion ends, and a file of up to MaxImportFile must not be written
// into a pool that is going.
func (s *Service) AuthorizeImportUpload(ctx context.Context, poolID, jobID, token string) error {
	ok, err := s.UserPoolExists(ctx, poolID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrUploadDenied
	}
	j, err := s.store.ImportJobs().Get(ctx, poolID, jobID)
	if errors.Is(err, storage.ErrNotFound) {
		return ErrUploadDenied
	}
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare(sum[:], j.UploadHash) != 1 || s.now().After(j.UploadExpiresAt) {
		return ErrUploadDenied
	}
	if j.Status != jobCreated {
		return ErrUploadClosed
	}
	return nil
}

// UploadImportFile stores the file read from r to its end as the file of
// job jobID of pool poolID, after AuthorizeImportUpload's checks, and
// returns its size. A file over MaxImportFile stores nothing
// (ErrUploadTooLarge), nor does one whose reading fails (r's error). A job
// deleted with its pool while the file was read is ErrUploadDenied, as
// when it was gone before.
func (s *Service) UploadImportFile(ctx context.Context, poolID, jobID, token string, r io.Reader) (int64, error) {
	if err := s.AuthorizeImportUpload(ctx, poolID, jobID, token); err != nil {
		return 0, err
	}
	n, err := s.store.ImportJobs().PutFile(ctx, poolID, jobID, &capped{r: r, left: MaxImportFile})
	if errors.Is(err, storage.ErrNotFound) {
		return 0, ErrUploadDenied
	}
	if err != nil {
		return 0, err
	}
	s.log.Info("user import file uploaded", "pool", poolID, "job", jobID, "bytes", n)
	return n, nil
}

// capped reads r and fails with ErrUploadTooLarge once it has read more
// than left bytes, so that PutFile rolls the file back.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, ErrUploadTooLarge
	}
	n, err := c.r.Read(p[:min(int64(len(p)), c.left+1)])
	if c.left -= int64(n); c.left < 0 {
		return n, ErrUploadTooLarge
	}
	return n, err
}

// ImportJobFailures returns the rows of a job that were not imported, with
// the reasons, by row number (Cognate's stand-in for the CloudWatch log
// Cognito writes).
func (s *Service) ImportJobFailures(ctx context.Context, poolID, jobID string, page storage.Page) ([]storage.ImportFailure, string, error) {
	p, err := s.adminPool(ctx, poolID)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.loadJob(ctx, p, jobID); err != nil {
		return nil, "", err
	}
	fs, next, err := s.store.ImportJobs().Failures(ctx, p.rec.ID, jobID, page)
	if err != nil {
		return nil, "", pageError(err)
	}
	return fs, next, nil
}
