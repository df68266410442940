package userpool

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/password"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// eachStore runs fn on a fresh SQLite store and, when
// COGNATE_TEST_POSTGRES_URL is set, a fresh PostgreSQL database.
func eachStore(t *testing.T, fn func(t *testing.T, db storage.Store)) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) { fn(t, open()) })
}

// eachDatabase runs fn on a fresh SQLite file and, when
// COGNATE_TEST_POSTGRES_URL is set, a fresh PostgreSQL database: each call
// of open opens one more store on it, as another node (or the same one
// restarted) would.
func eachDatabase(t *testing.T, fn func(t *testing.T, open func() storage.Store)) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cognate.db")
		fn(t, func() storage.Store {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		})
	})
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	if base == "" {
		t.Log("PostgreSQL: skipped (COGNATE_TEST_POSTGRES_URL not set)")
		return
	}
	t.Run("postgres", func(t *testing.T) {
		dsn := newPostgresDB(t, base)
		fn(t, func() storage.Store {
			db, err := postgres.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		})
	})
}

// newPostgresDB creates a PostgreSQL database on the server of base, to be
// dropped when tb ends, and returns its URL.
func newPostgresDB(tb testing.TB, base string) string {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "cognate_rekey_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatal(err)
	}
	conn.Close(ctx)
	tb.Cleanup(func() {
		if conn, err := pgx.Connect(ctx, base); err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	return u.String()
}

const rekeyPool = "us-east-1_rekeying1"

// rekeyFixture makes a case-sensitive pool of n users user000.. and a
// Service on db that does not wait for other nodes' caches.
func rekeyFixture(t testing.TB, db storage.Store, n int) *Service {
	ctx := context.Background()
	doc, _ := json.Marshal(&poolConfig{UserPoolType: cip.UserPoolType{Policies: &cip.UserPoolPolicyType{PasswordPolicy: &cip.PasswordPolicyType{}}}})
	now := time.Now().UTC()
	if err := db.Pools().Create(ctx, storage.Pool{ID: rekeyPool, Region: "us-east-1", Name: "p", Config: doc, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	users := make([]storage.User, n)
	for i := range users {
		users[i] = rawUser(i, fmt.Sprintf("user%03d", i))
	}
	if err := db.Users().CreateMany(ctx, users); err != nil {
		t.Fatal(err)
	}
	return rekeyService(t, db)
}

// rekeyService is a node on db that does not wait for other nodes' caches.
func rekeyService(t testing.TB, db storage.Store) *Service {
	ring, err := secret.NewKeyRing(map[uint32][]byte{1: make([]byte, 32)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Deps{Store: db, Hasher: password.NewHasher(2), Ring: ring})
	s.cache.ttl = 0
	return s
}

// eachTwoNodes runs fn, on each database of eachDatabase, with s, a node
// on db with a pool of n users (rekeyFixture), and other, a node on a
// store of its own on the same database.
func eachTwoNodes(t *testing.T, n int, fn func(t *testing.T, db storage.Store, s, other *Service)) {
	eachDatabase(t, func(t *testing.T, open func() storage.Store) {
		db := open()
		s := rekeyFixture(t, db, n)
		fn(t, db, s, rekeyService(t, open()))
	})
}

// atBatch makes s run fn after its nth committed re-keying batch.
func atBatch(s *Service, n int, fn func()) {
	batches := 0
	s.rekeyHook = func(event string) {
		if event == "batch" {
			if batches++; batches == n {
				fn()
			}
		}
	}
}

// cutShort makes the change to case-insensitive on a fixture of 250 users
// and gives it up after its first batch, as a caller that went away.
func cutShort(t *testing.T, db storage.Store) *Service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := rekeyFixture(t, db, 250)
	atBatch(s, 1, cancel)
	if _, err := caseInsensitive(s, ctx); err == nil {
		t.Fatal("a cancelled change reported success")
	}
	s.rekeyHook = nil
	return s
}

// caseInsensitive is the change TestRekey* make.
func caseInsensitive(s *Service, ctx context.Context) (*ca.UsernameConfiguration, error) {
	return s.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(false)})
}

// wantRuleKeys checks that the pool is unmarked and every user holds
// the keys of its rule, and only those, no two users one.
func wantRuleKeys(t *testing.T, s *Service, db storage.Store) {
	t.Helper()
	ctx := context.Background()
	p, err := s.adminPool(ctx, rekeyPool)
	if err != nil {
		t.Fatal(err)
	}
	if p.cfg.Rekey != nil {
		t.Fatalf("the pool is left marked: %+v", p.cfg.Rekey)
	}
	holder := map[storage.Lookup]string{}
	err = eachUser(ctx, db, rekeyPool, func(u *storage.User) error {
		want := p.ruleLookups(u)
		if !slices.Equal(u.Lookups, want) {
			t.Errorf("%s has keys %v, not the pool's %v", u.Username, u.Lookups, want)
		}
		for _, l := range want {
			if h, ok := holder[l]; ok {
				t.Errorf("%s and %s share %v", h, u.Username, l)
			}
			holder[l] = u.Username
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rawUser is a user as the store holds it under a case-sensitive rule.
func rawUser(i int, name string) storage.User {
	now := time.Now().UTC()
	return storage.User{PoolID: rekeyPool, Sub: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Username: name, Status: "CONFIRMED",
		Enabled: true, Attributes: map[string]string{}, Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: name}},
		CreatedAt: now, UpdatedAt: now}
}

func createUser(s *Service, name string) error {
	_, err := s.AdminCreateUser(context.Background(), &cip.AdminCreateUserRequest{UserPoolId: rekeyPool, Username: name, TemporaryPassword: "Correct-Horse-9", MessageAction: "SUPPRESS"})
	return err
}

// found reports whether name finds a user of the pool as it now is.
func found(t *testing.T, s *Service, name string) bool {
	t.Helper()
	ctx := context.Background()
	p, err := s.adminPool(ctx, rekeyPool)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.findUser(ctx, p, name)
	if err != nil {
		t.Fatal(err)
	}
	return u != nil
}

func wantKind(t *testing.T, err error, kind Kind, in string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != kind || !strings.Contains(e.Message, in) {
		t.Fatalf("got %v, want %s containing %q", err, kind, in)
	}
}

// TestRekeyConcurrentWrites: while UpdateUsernameConfiguration makes a
// pool of several batches case-insensitive, users created between its
// batches are refused when their name would collide under either rule
// (with a user already re-keyed, or one still to be), and accepted, with
// keys of both rules, otherwise; sign-in names resolve by the old rule
// until the switch, by the new one after it, and the mark goes.
func TestRekeyConcurrentWrites(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 250)
		batches := 0
		atBatch(s, 1, func() {
			// After the first batch (user000..user099) of step 3.
			wantKind(t, createUser(s, "USER050"), UsernameExists, "")
			wantKind(t, createUser(s, "USER200"), UsernameExists, "")
			if err := createUser(s, "Newbie"); err != nil {
				t.Fatal(err)
			}
			// Names resolve by the old rule, and by keys of the new
			// one that users already hold (no other user can).
			if !found(t, s, "user150") || found(t, s, "USER150") || !found(t, s, "Newbie") || found(t, s, "NEWBIE") {
				t.Error("during the change, names do not resolve by the old rule")
			}
		})
		hook := s.rekeyHook
		s.rekeyHook = func(event string) {
			if event == "batch" {
				batches++
			}
			hook(event)
		}
		out, err := caseInsensitive(s, ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Newbie, created with the keys of both rules, sorts before
		// the batches still to run: not counted.
		if batches < 3 || *out.UsersRekeyed != 250 {
			t.Fatalf("%d batches, %d users re-keyed", batches, *out.UsersRekeyed)
		}
		for _, name := range []string{"NEWBIE", "newbie", "USER150", "User249", "user000"} {
			if !found(t, s, name) {
				t.Errorf("%s not found after the change", name)
			}
		}
		wantKind(t, createUser(s, "NewBie"), UsernameExists, "")
		p, _ := s.adminPool(ctx, rekeyPool)
		if p.caseSensitive() {
			t.Fatal("the pool stayed case-sensitive")
		}
		wantRuleKeys(t, s, db) // only the new rule's keys are left
	})
}

// TestRekeyRollsBack: a user created between the read-only check and the
// mark, whose name collides under the new rule with one the check saw,
// stops the change when re-keying meets it: refused naming the user, the
// pool keeps its rule, and every user only the old rule's keys.
func TestRekeyRollsBack(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 150)
		if err := createUser(s, "zed"); err != nil {
			t.Fatal(err)
		}
		s.rekeyHook = func(event string) {
			if event == "checked" {
				if err := createUser(s, "Zed"); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, err := caseInsensitive(s, ctx)
		wantKind(t, err, InvalidParameter, "Usernames cannot become case-insensitive: Zed would share a name")
		p, _ := s.adminPool(ctx, rekeyPool)
		if p.cfg.Rekey != nil || !p.caseSensitive() {
			t.Fatalf("pool after the refusal: %+v", p.cfg.Rekey)
		}
		err = eachUser(ctx, db, rekeyPool, func(u *storage.User) error {
			if want := []storage.Lookup{{Kind: storage.LookupUsername, Key: u.Username}}; !slices.Equal(u.Lookups, want) {
				t.Errorf("%s keeps %v", u.Username, u.Lookups)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !found(t, s, "Zed") || !found(t, s, "zed") || found(t, s, "ZED") {
			t.Fatal("the refused change changed how names resolve")
		}
	})
}

// TestRekeyResumes: a change whose caller gave up mid-way leaves the pool
// marked and correct (the old rule's names resolve, a new user gets keys
// of both rules); the next call resumes it after the last batch
// committed.
func TestRekeyResumes(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		s := cutShort(t, db)
		bg := context.Background()
		p, _ := s.adminPool(bg, rekeyPool)
		if p.cfg.Rekey == nil || p.cfg.Rekey.To == nil || !p.caseSensitive() {
			t.Fatalf("pool after the cancel: %+v", p.cfg.Rekey)
		}
		if err := createUser(s, "Late"); err != nil {
			t.Fatal(err)
		}
		wantKind(t, createUser(s, "USER249"), UsernameExists, "")
		if !found(t, s, "user249") || found(t, s, "USER249") || found(t, s, "LATE") {
			t.Fatal("a marked pool does not resolve names by its rule")
		}
		out, err := caseInsensitive(s, bg)
		// Late, created during the change, sorts before the first
		// batch's users: a change resumed from its first batch would
		// visit and count it (251).
		if err != nil || *out.UsersRekeyed != 250 {
			t.Fatalf("resumed: %v %v", out, err)
		}
		if !found(t, s, "LATE") || !found(t, s, "User249") {
			t.Fatal("the resumed change did not apply")
		}
		wantRuleKeys(t, s, db)
	})
}
