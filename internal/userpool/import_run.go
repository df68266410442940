package userpool

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/password"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// Import batches: a job's first transaction imports importBatch rows;
// later ones grow (up to maxImportBatch) while a batch takes under
// importBatchTime and shrink when one takes more than twice that, so that
// a batch holds SQLite's one writer for about that long. Bigger batches
// write each index page once for more rows. A store whose writers do not
// wait for one another (storage.ConcurrentWriters: PostgreSQL) imports
// maxImportBatch rows in every batch however long it takes: in a large
// pool each row's index entries land on pages of their own, so a smaller
// batch only costs more, and the batch's size bounds the memory the job
// holds.
const (
	importBatch     = 1000
	maxImportBatch  = 10000
	importBatchTime = 400 * time.Millisecond
)

// Columns of an import file beyond the pool's attributes.
const (
	colUsername     = "cognito:username"
	colMFAEnabled   = "cognito:mfa_enabled"
	colPasswordHash = "cognate:password_hash"
)

// Completion messages.
const (
	msgJobSucceeded = "Import Job Completed Successfully."
	msgJobStopped   = "The import job was stopped."
)

// wakeImports tells the import runner a job is waiting.
func (s *Service) wakeImports() {
	select {
	case s.imports <- struct{}{}:
	default:
	}
}

// RunImportJobs runs waiting import jobs until ctx ends: at once when
// StartUserImportJob queues one on this node, and every poll for jobs
// queued on other nodes or left unfinished by a stopped server, which
// resume at the first row they had not imported. Two nodes running one
// job waste work but import each row once: every batch commits only on
// the job's version it read.
func (s *Service) RunImportJobs(ctx context.Context, poll time.Duration) {
	for {
		js, err := s.store.ImportJobs().Active(ctx, 100)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("import jobs: listing waiting jobs", "err", err)
		}
		for _, j := range js {
			if err := s.runImportJob(ctx, j); err != nil && ctx.Err() == nil {
				s.log.Warn("import job interrupted; it resumes later", "pool", j.PoolID, "job", j.ID, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.imports:
		case <-time.After(poll):
		}
	}
}

// msgPoolDeleted ends the jobs of a pool being deleted.
const msgPoolDeleted = "The user pool was deleted."

// runImportJob takes job j from where it is to its end.
func (s *Service) runImportJob(ctx context.Context, j storage.ImportJob) error {
	p, err := s.loadPool(ctx, j.PoolID)
	if err != nil {
		return s.poolGone(ctx, j, err)
	}
	switch j.Status {
	case jobStopping:
		return s.endJob(ctx, j, jobStopped, msgJobStopped)
	case jobPending:
		j.Status = jobInProgress
		if err := s.store.ImportJobs().Update(ctx, j); err != nil {
			return s.jobChanged(ctx, j, err)
		}
		j.Version++
		s.log.Info("import job started", "pool", j.PoolID, "job", j.ID)
	}
	// The file is read in ranges as the rows are imported, never whole: a
	// million users' file is tens of megabytes.
	src := &fileReader{ctx: ctx, jobs: s.store.ImportJobs(), poolID: j.PoolID, jobID: j.ID}
	r, err := p.openImport(src)
	if src.err != nil {
		return src.err
	}
	if e := AsError(err); e != nil {
		return s.endJob(ctx, j, jobFailed, e.Message)
	}
	for range j.NextRow {
		r.next()
	}
	size, adapt := importBatch, true
	if c, ok := s.store.(storage.ConcurrentWriters); ok && c.ConcurrentWriters() {
		size, adapt = maxImportBatch, false
	}
	for {
		// The pool as it is now, not as the job began: a change of its
		// sign-in rule (rekey.go) during a job of minutes must give the
		// users of later batches the keys of the rule they will be found
		// by, and refuse those that would collide under it.
		if p, err = s.loadPool(ctx, j.PoolID); err != nil {
			return s.poolGone(ctx, j, err)
		}
		rows := make([]importRow, 0, size)
		for len(rows) < size {
			row, ok := r.next()
			if !ok {
				break
			}
			rows = append(rows, s.importUser(p, row))
		}
		if src.err != nil { // the file could not be read: the job resumes later
			return src.err
		}
		if len(rows) == 0 {
			return s.endJob(ctx, j, jobSucceeded, msgJobSucceeded)
		}
		// In username order (the first of two rows for one name stays
		// first), a batch's inserts walk the username indexes' pages in
		// order instead of at random.
		slices.SortStableFunc(rows, func(a, b importRow) int { return strings.Compare(p.key(a.name), p.key(b.name)) })
		began := time.Now()
		next, err := s.importRows(ctx, p, j, rows)
		if err != nil {
			return s.jobChanged(ctx, j, err)
		}
		j = next
		if s.importHook != nil {
			s.importHook()
		}
		switch took := time.Since(began); {
		case !adapt:
		case took < importBatchTime && size < maxImportBatch:
			size = min(2*size, maxImportBatch)
		case took > 2*importBatchTime && size > importBatch/4:
			size /= 2
		}
	}
}

// jobChanged handles a failed write of job j: when the job changed under
// the runner (stopped, or advanced by another node) it ends it if asked
// to stop and otherwise leaves it; any other error is returned.
func (s *Service) jobChanged(ctx context.Context, j storage.ImportJob, err error) error {
	if !errors.Is(err, storage.ErrStale) {
		return err
	}
	cur, err := s.store.ImportJobs().Get(ctx, j.PoolID, j.ID)
	if err != nil {
		return err
	}
	if cur.Status == jobStopping {
		return s.endJob(ctx, cur, jobStopped, msgJobStopped)
	}
	return nil
}

// poolGone handles err, the failure to load job j's pool. A pool being
// deleted (ResourceNotFound) ends the job Failed rather than leave it
// waiting: its rows stay until the deletion ends, minutes for a large
// pool, and meanwhile every poll of every node would retry it, warn, and
// give it one of the slots of ImportJobs.Active. A pool gone altogether
// took the job's row with it, so the update finds nothing.
func (s *Service) poolGone(ctx context.Context, j storage.ImportJob, err error) error {
	if e := AsError(err); e == nil || e.Kind != ResourceNotFound {
		return err
	}
	err = s.endJob(ctx, j, jobFailed, msgPoolDeleted)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	return err
}

// endJob gives job j its final status.
func (s *Service) endJob(ctx context.Context, j storage.ImportJob, status, msg string) error {
	j.Status, j.Message, j.CompletedAt = status, msg, s.now()
	if err := s.store.ImportJobs().Update(ctx, j); err != nil {
		return s.jobChanged(ctx, j, err)
	}
	s.log.Info("import job ended", "pool", j.PoolID, "job", j.ID, "status", status,
		"imported", j.Imported, "skipped", j.Skipped, "failed", j.Failed, "message", msg)
	return nil
}

// importRows imports one batch in one transaction, which also records the
// rows not imported and advances the job, only while the job is as read.
// The batch's lookups are checked in a few reads (Users.Taken) and its
// users created in a few multi-row statements, or with COPY on PostgreSQL
// (Users.CreateMany).
//
// On PostgreSQL that transaction commits without waiting for the disk
// (see Users.CreateMany). That is safe because the job's next row and
// counts commit in the same transaction as the users: a crash of the
// database loses the last batches whole, users and progress together, and
// the job resumes at the first row whose users were lost. Nothing outside
// the database (no message, no audit event) depends on a batch.
func (s *Service) importRows(ctx context.Context, p *pool, j storage.ImportJob, rows []importRow) (storage.ImportJob, error) {
	var next storage.ImportJob
	err := s.store.InTx(ctx, func(tx storage.Stores) error {
		next = j
		p, err := s.inForce(ctx, tx, p) // as saveUser does
		if err != nil {
			return err
		}
		var fails []storage.ImportFailure
		fail := func(r importRow, reason string, skipped bool) {
			if skipped {
				next.Skipped++
			} else {
				next.Failed++
			}
			fails = append(fails, storage.ImportFailure{PoolID: j.PoolID, JobID: j.ID, Row: r.num, Username: r.name, Reason: reason})
		}
		users := make([]storage.User, len(rows))
		var ls []storage.Lookup
		for i, r := range rows {
			if r.user != nil {
				users[i] = *r.user
				users[i].Lookups = p.lookupsFor(&users[i])
				ls = append(ls, users[i].Lookups...)
			}
		}
		taken, err := tx.Users().Taken(ctx, p.rec.ID, ls)
		if err != nil {
			return err
		}
		held := make(map[storage.Lookup]bool, len(taken)+len(ls))
		stored := make(map[storage.Lookup]bool, len(taken))
		for _, l := range taken {
			held[l], stored[l] = true, true
		}
		create := make([]storage.User, 0, len(rows))
		for i, r := range rows {
			if r.user == nil {
				fail(r, r.reason, false)
				continue
			}
			clash := ""
			for _, l := range users[i].Lookups {
				if !held[l] {
					continue
				}
				if stored[l] {
					freed, err := freeStaleKey(ctx, tx, p, l)
					if err != nil {
						return err
					}
					if freed {
						held[l], stored[l] = false, false
						continue
					}
				}
				clash = l.Kind
				break
			}
			if clash != "" {
				e := AsError(lookupConflict(p, clash))
				fail(r, string(e.Kind)+": "+e.Message, e.Kind == UsernameExists)
				continue
			}
			for _, l := range users[i].Lookups {
				held[l] = true
			}
			create = append(create, users[i])
		}
		if err := tx.Users().CreateMany(ctx, create); err != nil {
			return err
		}
		next.Imported += int64(len(create))
		next.NextRow += int64(len(rows))
		if err := tx.ImportJobs().AddFailures(ctx, fails); err != nil {
			return err
		}
		return tx.ImportJobs().Update(ctx, next)
	})
	if err != nil {
		return j, err
	}
	next.Version++
	return next, nil
}

// freeStaleKey frees l from the user that holds it when that user holds it
// from a rule the pool no longer follows, as saveUser does (dropStaleKey).
func freeStaleKey(ctx context.Context, tx storage.Stores, p *pool, l storage.Lookup) (bool, error) {
	if p.cfg.Rekey == nil || p.cfg.Rekey.To != nil { // no old rule's keys are left
		return false, nil
	}
	other, err := tx.Users().GetByLookup(ctx, p.rec.ID, l.Kind, l.Key)
	if err != nil {
		return false, err
	}
	return dropStaleKey(ctx, tx, p, &other, l)
}

// importRow is one data row of a file: the user to create, or why not.
type importRow struct {
	num    int64
	name   string
	user   *storage.User
	reason string
}

// importReader reads an import file's data rows.
type importReader struct {
	csv    *csv.Reader
	header []string
	num    int64
}

// csvRow is one data row read, with its values by column.
type csvRow struct {
	num    int64
	values map[string]string
	err    error
}

// openImport reads the header of the CSV file in, and checks it against
// the pool: every column must be one GetCSVHeader lists or
// cognate:password_hash, cognito:username and cognito:mfa_enabled must be
// there, and no column twice. The order is free.
func (p *pool) openImport(in io.Reader) (*importReader, error) {
	b := bufio.NewReaderSize(in, 64<<10)
	if bom, _ := b.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) { // a spreadsheet's BOM
		_, _ = b.Discard(3)
	}
	r := csv.NewReader(b)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true // next copies the fields into a map
	header, err := r.Read()
	if err != nil {
		return nil, errorf(InvalidParameter, "The CSV file has no header row: %v", err)
	}
	header = slices.Clone(header)
	known := map[string]bool{colMFAEnabled: true, colUsername: true, colPasswordHash: true}
	for _, a := range p.cfg.SchemaAttributes {
		if a.Name != "sub" && a.Name != "identities" {
			known[a.Name] = true
		}
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		switch {
		case !known[h]:
			return nil, errorf(InvalidParameter, "The CSV header is not valid: %q is not an attribute of the user pool (see GetCSVHeader).", h)
		case seen[h]:
			return nil, errorf(InvalidParameter, "The CSV header is not valid: %q appears twice.", h)
		}
		seen[h] = true
	}
	for _, need := range []string{colUsername, colMFAEnabled} {
		if !seen[need] {
			return nil, errorf(InvalidParameter, "The CSV header is not valid: the %s column is missing.", need)
		}
	}
	return &importReader{csv: r, header: header}, nil
}

// next reads the next data row; false at the end of the file, or when
// the file itself could not be read (see fileReader).
func (r *importReader) next() (csvRow, bool) {
	rec, err := r.csv.Read()
	var read *fileReadError
	if errors.Is(err, io.EOF) || errors.As(err, &read) {
		return csvRow{}, false
	}
	r.num++
	row := csvRow{num: r.num}
	if err != nil {
		row.err = err
		return row, true
	}
	if len(rec) != len(r.header) {
		row.err = fmt.Errorf("the row has %d fields, the header %d", len(rec), len(r.header))
		return row, true
	}
	row.values = make(map[string]string, len(rec))
	for i, v := range rec {
		row.values[r.header[i]] = v
	}
	return row, true
}

// importUser builds the user a row describes, as Cognito's import does:
// RESET_REQUIRED, with a verified email address or phone number to send
// the reset code to. A row with a cognate:password_hash is CONFIRMED with
// that hash instead, verified at the first sign-in.
func (s *Service) importUser(p *pool, row csvRow) importRow {
	out := importRow{num: row.num, name: row.values[colUsername]}
	if row.err != nil {
		out.reason = "The row cannot be read: " + row.err.Error()
		return out
	}
	v := row.values
	if out.name == "" {
		out.reason = "cognito:username is required."
		return out
	}
	mfa := strings.ToLower(v[colMFAEnabled])
	if mfa != "" && mfa != "true" && mfa != "false" {
		out.reason = "cognito:mfa_enabled must be true or false."
		return out
	}
	attrs := make([]cip.AttributeType, 0, len(v))
	for k, val := range v {
		if val != "" && !strings.HasPrefix(k, "cognito:") && !strings.HasPrefix(k, "cognate:") {
			attrs = append(attrs, cip.AttributeType{Name: k, Value: val})
		}
	}
	u, err := p.newUser(out.name, attrs, writer{admin: true}, s.now())
	if e := AsError(err); e != nil {
		out.reason = string(e.Kind) + ": " + e.Message
		return out
	}
	if err != nil {
		out.reason = err.Error()
		return out
	}
	// A time-ordered sub (UUID version 7) puts a batch's users side by
	// side in every index keyed by sub, instead of on as many pages.
	if sub, err := uuid.NewV7(); err == nil {
		if u.Username == u.Sub {
			u.Username = sub.String()
		}
		u.Sub = sub.String()
	}
	if h := v[colPasswordHash]; h != "" {
		if _, err := password.Scheme(h); err != nil {
			out.reason = "cognate:password_hash is not a supported password hash: " + strings.TrimPrefix(err.Error(), "password: ")
			return out
		}
		u.PasswordHash, u.PasswordChangedAt, u.Status = h, u.CreatedAt, "CONFIRMED"
	} else {
		emailOK := u.Attributes["email"] != "" && u.Attributes["email_verified"] == "true"
		phoneOK := u.Attributes["phone_number"] != "" && u.Attributes["phone_number_verified"] == "true"
		if !emailOK && !phoneOK {
			out.reason = "The user has no verified email address or phone number (email_verified or phone_number_verified true) to reset the password with."
			return out
		}
		u.Status = "RESET_REQUIRED"
	}
	if mfa == "true" {
		if u.Attributes["phone_number"] == "" {
			out.reason = "cognito:mfa_enabled is true but the user has no phone_number."
			return out
		}
		m := &userMFA{}
		m.enable(factorSMS, true)
		if err := s.putMFA(u, m); err != nil {
			out.reason = err.Error()
			return out
		}
	}
	out.user = u
	return out
}

// importFileRange is how much of a job's file the runner reads at a time.
const importFileRange = 4 << 20

// fileReader reads a job's file from the store, a range at a time. A
// failed read is kept in err and returned as a fileReadError, which ends
// the rows instead of failing one: the job resumes later rather than
// counting rows it could not read as refused.
type fileReader struct {
	ctx           context.Context
	jobs          storage.ImportJobs
	poolID, jobID string
	off           int64
	buf           []byte
	err           error
}

// fileReadError is a failure to read the file, not a fault of its rows.
type fileReadError struct{ err error }

func (e *fileReadError) Error() string { return "reading the import file: " + e.err.Error() }
func (e *fileReadError) Unwrap() error { return e.err }

func (f *fileReader) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, &fileReadError{f.err}
	}
	if len(f.buf) == 0 {
		chunk, err := f.jobs.FileRange(f.ctx, f.poolID, f.jobID, f.off, importFileRange)
		if err != nil {
			f.err = err
			return 0, &fileReadError{err}
		}
		if len(chunk) == 0 {
			return 0, io.EOF
		}
		f.off += int64(len(chunk))
		f.buf = chunk
	}
	n := copy(p, f.buf)
	f.buf = f.buf[n:]
	return n, nil
}
