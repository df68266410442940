package userpool

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	"github.com/cognate-dev/cognate/internal/password"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestRekeyDuringImportJob: a pool made case-insensitive while an import
// job runs (here between its batches) gives the users of the later batches
// the new rule's keys, and refuses a row whose name another user holds
// under it. Before, the job kept the pool it began with: "Zed" was
// imported beside "zed" with the key "Zed", two users one name, and a
// name no case-insensitive sign-in finds.
func TestRekeyDuringImportJob(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 10)
		if err := createUser(s, "zed"); err != nil {
			t.Fatal(err)
		}
		// More rows than one batch on either store; Zed comes last.
		var b strings.Builder
		hash, err := password.NewHasher(1).Hash(ctx, "Correct-Horse-9")
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("cognito:username,cognito:mfa_enabled,cognate:password_hash\n")
		const n = maxImportBatch + 10
		for i := range n - 1 {
			fmt.Fprintf(&b, "imp%05d,false,\"%s\"\n", i, hash)
		}
		b.WriteString("Zed,false,\"" + hash + "\"\n")
		j := newImportJob(t, db, b.String())
		batches := 0
		s.importHook = func() {
			if batches++; batches == 1 {
				_, err := s.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(false)})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.runImportJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		got, err := db.ImportJobs().Get(ctx, rekeyPool, j.ID)
		if err != nil || got.Status != jobSucceeded || batches < 2 {
			t.Fatalf("job %+v, %d batches, err %v", got, batches, err)
		}
		if fs, _, _ := db.ImportJobs().Failures(ctx, rekeyPool, j.ID, storage.Page{Limit: 2}); len(fs) > 0 {
			t.Logf("failures: %+v", fs)
		}
		if got.Imported != n-1 || got.Skipped != 1 {
			t.Errorf("imported %d, skipped %d; want %d and Zed skipped", got.Imported, got.Skipped, n-1)
		}
		p, err := s.adminPool(ctx, rekeyPool)
		if err != nil || p.caseSensitive() {
			t.Fatal("the pool did not become case-insensitive", err)
		}
		err = eachUser(ctx, db, rekeyPool, func(u *storage.User) error {
			if want := p.ruleLookups(u); fmt.Sprint(u.Lookups) != fmt.Sprint(want) {
				t.Errorf("%s has keys %v, not the pool's %v", u.Username, u.Lookups, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// newImportJob stores a pending import job of the rekey fixture's pool
// with file text.
func newImportJob(t *testing.T, db storage.Store, text string) storage.ImportJob {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	j := storage.ImportJob{PoolID: rekeyPool, ID: "import-rekey", Status: jobPending, CreatedAt: now, StartedAt: now, Version: 1}
	if err := db.ImportJobs().Create(ctx, j); err != nil {
		t.Fatal(err)
	}
	size, err := db.ImportJobs().PutFile(ctx, rekeyPool, j.ID, bytes.NewReader([]byte(text)))
	if err != nil {
		t.Fatal(err)
	}
	j.FileSize = size
	if err := db.ImportJobs().Update(ctx, j); err != nil {
		t.Fatal(err)
	}
	j.Version++
	return j
}

// TestRekeyImportFreesLeftoverKeys: a change from case-insensitive back to
// case-sensitive is cut short after its switch, before its last pass:
// "Bob" still holds "bob", his key under the old rule. An import of "bob"
// takes that key from him, as a write would (saveUser). Before, the row
// was skipped as a name another user holds.
func TestRekeyImportFreesLeftoverKeys(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 0)
		if _, err := caseInsensitive(s, ctx); err != nil {
			t.Fatal(err)
		}
		if err := createUser(s, "Bob"); err != nil {
			t.Fatal(err)
		}
		cut, cancel := context.WithCancel(ctx)
		defer cancel()
		listed := 0
		s.rekeyHook = func(event string) {
			if event == "listed" {
				if listed++; listed == 2 { // the last pass's first batch
					cancel()
				}
			}
		}
		if _, err := s.UpdateUsernameConfiguration(cut, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(true)}); err == nil {
			t.Fatal("a cancelled change reported success")
		}
		s.rekeyHook = nil
		p, err := s.storedPool(ctx, rekeyPool)
		if err != nil || !p.caseSensitive() || p.cfg.Rekey == nil || p.cfg.Rekey.To != nil {
			t.Fatalf("the change did not stop between its switch and its last pass: %+v, %v", p.cfg.Rekey, err)
		}
		if _, err := db.Users().GetByLookup(ctx, rekeyPool, storage.LookupUsername, "bob"); err != nil {
			t.Fatal("Bob does not hold his old key:", err)
		}
		hash, err := password.NewHasher(1).Hash(ctx, "Correct-Horse-9")
		if err != nil {
			t.Fatal(err)
		}
		j := newImportJob(t, db, "cognito:username,cognito:mfa_enabled,cognate:password_hash\nbob,false,\""+hash+"\"\n")
		if err := s.runImportJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		got, err := db.ImportJobs().Get(ctx, rekeyPool, j.ID)
		if err != nil || got.Imported != 1 {
			fs, _, _ := db.ImportJobs().Failures(ctx, rekeyPool, j.ID, storage.Page{Limit: 2})
			t.Fatalf("job %+v, failures %+v, err %v; want bob imported", got, fs, err)
		}
		for _, name := range []string{"Bob", "bob"} {
			if _, _, err := s.adminUser(ctx, rekeyPool, name); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}
