package sqlstore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Users stored before migration 0020, whose username or password hash
// starts with '!' or whose username is empty: 0020 escapes them so that
// the packed forms do not misread them.
var before0020 = []string{
	`INSERT INTO pools (id, region, name, created_at, updated_at) VALUES ('us-east-1_old', 'us-east-1', 'old', 0, 0)`,
	`INSERT INTO users (pool_id, sub, username, username_key, status, enabled, attributes, password_hash, srp_salt,
		srp_verifier, password_changed_at, lookups, created_at, updated_at)
		VALUES ('us-east-1_old', 'sub-1', '!Bang', '!bang', 'CONFIRMED', true, '{"0":"zero","email":"b@example.com"}',
		'!a-not-packed', '', '', 1, '[["username","!bang"]]', 1, 1)`,
	`INSERT INTO users (pool_id, sub, username, username_key, status, enabled, attributes, password_hash, srp_salt,
		srp_verifier, password_changed_at, lookups, created_at, updated_at)
		VALUES ('us-east-1_old', 'sub-2', '', 'key', 'CONFIRMED', true, '{}', '$argon2id$v=19$m=19456,t=2,p=1$s$h',
		'', '', 1, '[["username","key"]]', 1, 1)`,
}

// packedUsers are written after 0020: each packed form and each escape.
var packedUsers = []storage.User{
	{Sub: "p-1", Username: "same", Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: "same"}},
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		Attributes:   map[string]string{"email": "a@b", "email_verified": "true", "name": "A", "0": "zero", "custom:x": "y"}},
	{Sub: "p-2", Username: "Upper", Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: "upper"},
		{Kind: storage.LookupEmail, Key: "u@example.com"}}, PasswordHash: "!a"},
	{Sub: "p-3", Username: "", Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: "k"}}, PasswordHash: "!"},
	{Sub: "p-4", Username: "!x", Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: "!x"}}, PasswordHash: "!!b"},
	{Sub: "p-5", Username: "nolookup", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$s$h"},
	{Sub: "p-6", Username: "", Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: ""}}},
}

func check0020(t *testing.T, st storage.Store) {
	t.Helper()
	ctx := context.Background()
	u, err := st.Users().GetBySub(ctx, "us-east-1_old", "sub-1")
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "!Bang" || u.PasswordHash != "!a-not-packed" ||
		!reflect.DeepEqual(u.Attributes, map[string]string{"0": "zero", "email": "b@example.com"}) {
		t.Fatalf("sub-1 after 0020: %q, %q, %v", u.Username, u.PasswordHash, u.Attributes)
	}
	if err := st.Users().Put(ctx, u); err != nil { // now packed
		t.Fatal(err)
	}
	if got, err := st.Users().GetBySub(ctx, "us-east-1_old", "sub-1"); err != nil || !reflect.DeepEqual(got, withVersion(u, 2)) {
		t.Fatalf("sub-1 written back: %+v, %v; want %+v", got, err, u)
	}
	u, err = st.Users().GetBySub(ctx, "us-east-1_old", "sub-2")
	if err != nil || u.Username != "" || u.PasswordHash != "$argon2id$v=19$m=19456,t=2,p=1$s$h" {
		t.Fatalf("sub-2 after 0020: %q, %q, %v", u.Username, u.PasswordHash, err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	for _, u := range packedUsers {
		u.PoolID, u.Status, u.Enabled, u.CreatedAt, u.UpdatedAt = "us-east-1_old", "CONFIRMED", true, now, now
		if err := st.Users().Create(ctx, u); err != nil {
			t.Fatalf("%s: %v", u.Sub, err)
		}
		got, err := st.Users().GetBySub(ctx, u.PoolID, u.Sub)
		if u.Attributes == nil {
			u.Attributes = map[string]string{}
		}
		if err != nil || !reflect.DeepEqual(got, withVersion(u, 1)) {
			t.Fatalf("%s: read %+v, %v; want %+v", u.Sub, got, err, u)
		}
	}
}

func withVersion(u storage.User, v int64) storage.User {
	u.Version = v
	return u
}

// TestMigration0020SQLite: users stored before 0020 read back as they
// were, and users written after it read back as written.
func TestMigration0020SQLite(t *testing.T) {
	st, _ := openOldSQLite(t, 19, before0020...)
	check0020(t, st)
}

// TestMigration0020Postgres: the same on PostgreSQL.
func TestMigration0020Postgres(t *testing.T) {
	st, _ := openOldPostgres(t, "m0020", 19, before0020...)
	check0020(t, st)
}
