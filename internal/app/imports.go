package app

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// importPoll is how often the import runner looks for jobs queued on
// other nodes or left unfinished by a restart.
const importPoll = 5 * time.Second

// RunImportJobs runs the pools' user import jobs until ctx ends (Serve
// runs it; a test serving Handler itself starts it).
func (a *App) RunImportJobs(ctx context.Context) { a.users.RunImportJobs(ctx, importPoll) }

// RunRekeys resumes, at once and then as their leases expire, the changes
// of pools' sign-in rules that a crash or a restart cut short (Serve runs
// it).
func (a *App) RunRekeys(ctx context.Context) { a.users.RunRekeys(ctx, userpool.RekeyPoll) }

// RunPoolDeletions deletes the pools DeleteUserPool marked, and takes
// over deletions a crash or a restart cut short (Serve runs it).
func (a *App) RunPoolDeletions(ctx context.Context) {
	a.users.RunPoolDeletions(ctx, userpool.PoolDeletionPoll)
}

// mountImports adds the user import endpoints: the job's PreSignedUrl,
// which takes the CSV file as S3 takes a presigned PUT (`curl -T users.csv
// "$URL"`), and the list of rows a job did not import, with the reasons,
// signed (SigV4, service cognito-idp) with the root credentials.
func (a *App) mountImports(mux *http.ServeMux) {
	var creds awsproto.CredentialSource = a.root
	mux.HandleFunc("PUT "+userpool.ImportUploadPath+"/{pool}/{job}", a.importUpload)
	mux.HandleFunc("GET "+userpool.ImportUploadPath+"/{pool}/{job}/failures", func(w http.ResponseWriter, r *http.Request) {
		a.importFailures(w, r, creds)
	})
}

// importUpload stores the body as the job's file, answering as S3 does.
// The token is checked before the body is read, so that nobody without
// it makes the server read a file. The body is first spooled to a
// temporary file, hashed on the way for the ETag, and only then streamed
// into the store a chunk at a time: the store writes the file in one
// transaction, and on SQLite that holds the single writer, which a slow
// client must not hold for as long as it takes to send.
func (a *App) importUpload(w http.ResponseWriter, r *http.Request) {
	pool, job, token := r.PathValue("pool"), r.PathValue("job"), r.URL.Query().Get("token")
	sum := md5.New() // S3's ETag of a single-part upload
	body := &uploadBody{r: io.TeeReader(http.MaxBytesReader(w, r.Body, userpool.MaxImportFile), sum)}
	err := a.users.AuthorizeImportUpload(r.Context(), pool, job, token)
	if err == nil {
		var spool *os.File
		if spool, err = spoolUpload(body); err == nil {
			defer os.Remove(spool.Name())
			defer spool.Close()
			_, err = a.users.UploadImportFile(r.Context(), pool, job, token, spool)
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(body.err, &tooBig), errors.Is(err, userpool.ErrUploadTooLarge):
		s3Error(w, http.StatusRequestEntityTooLarge, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
	case body.err != nil:
		s3Error(w, http.StatusBadRequest, "IncompleteBody", "The request body could not be read.")
	case errors.Is(err, userpool.ErrUploadDenied):
		s3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired or the signature does not match.")
	case errors.Is(err, userpool.ErrUploadClosed):
		s3Error(w, http.StatusConflict, "InvalidRequest", "The import job has started; it takes no more files.")
	case err != nil:
		a.log.Error("user import upload", "err", err)
		s3Error(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	default:
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum.Sum(nil))+`"`)
		w.WriteHeader(http.StatusOK)
	}
}

// spoolUpload copies body to a new temporary file and returns it, read
// from its start. A failure to read body leaves nothing behind and is
// body's error (kept in body.err too).
func spoolUpload(body io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "cognate-import-*.csv")
	if err != nil {
		return nil, fmt.Errorf("app: spool the import file: %w", err)
	}
	if _, err = io.Copy(f, body); err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// uploadBody keeps the error of reading the request body, which tells a
// client's broken or oversized upload (4xx) from a failure of the store.
type uploadBody struct {
	r   io.Reader
	err error
}

func (b *uploadBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>%s</Code><Message>%s</Message></Error>\n", code, msg)
}

// importFailure is one row of the failures listing.
type importFailure struct {
	Row      int64
	Username string
	Reason   string
}

// importFailures lists the rows a job did not import: GET
// .../failures?limit=<n>&next=<token>, answered with
// {"Failures": [{"Row", "Username", "Reason"}], "NextToken"}.
func (a *App) importFailures(w http.ResponseWriter, r *http.Request, creds awsproto.CredentialSource) {
	writeErr := func(status int, typ, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
	}
	caller, err := awsproto.VerifyRequest(r.Context(), awsproto.SignedRequest{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Host: r.Host, Header: r.Header,
	}, "cognito-idp", creds, a.now())
	var e *awsproto.Error
	if errors.As(err, &e) {
		writeErr(http.StatusForbidden, e.Type, e.Message)
		return
	}
	if err != nil {
		a.log.Error("user import failures: signature", "err", err)
		writeErr(http.StatusInternalServerError, "InternalErrorException", "Internal server error.")
		return
	}
	if caller.Principal != rootPrincipal {
		writeErr(http.StatusForbidden, "NotAuthorizedException", "Only the administrator may read import failures.")
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	ctx := userpool.WithRegion(r.Context(), caller.Region)
	fs, next, err := a.users.ImportJobFailures(ctx, r.PathValue("pool"), r.PathValue("job"),
		storage.Page{Token: r.URL.Query().Get("next"), Limit: min(max(limit, 0), 1000)})
	if ue := userpool.AsError(err); ue != nil {
		writeErr(http.StatusBadRequest, string(ue.Kind), ue.Message)
		return
	}
	if err != nil {
		a.log.Error("user import failures", "err", err)
		writeErr(http.StatusInternalServerError, "InternalErrorException", "Internal server error.")
		return
	}
	out := struct {
		Failures  []importFailure
		NextToken string `json:",omitempty"`
	}{Failures: make([]importFailure, 0, len(fs)), NextToken: next}
	for _, f := range fs {
		out.Failures = append(out.Failures, importFailure{Row: f.Row, Username: f.Username, Reason: f.Reason})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
