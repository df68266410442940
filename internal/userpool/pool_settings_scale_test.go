package userpool

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// TestPoolSettingsScale measures DeleteCustomAttribute (unless
// COGNATE_POOL_SETTINGS_SKIP_DELETE is set), UpdateSignInAttributes and
// UpdateUsernameConfiguration on a pool of COGNATE_POOL_SETTINGS_USERS users
// (skipped without it) on SQLite, and the longest write to another pool
// while each runs. It reports figures; it asserts only that the changes
// took effect.
func TestPoolSettingsScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("COGNATE_POOL_SETTINGS_USERS"))
	if n <= 0 {
		t.Skip("set COGNATE_POOL_SETTINGS_USERS to measure")
	}
	ctx := context.Background()
	dir := os.Getenv("COGNATE_POOL_SETTINGS_DIR") // kept for a look at the database after
	if dir == "" {
		dir = t.TempDir()
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "cognate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := New(Deps{Store: db})
	s.cache.ttl = 0 // one node: the sweep starts at once
	schema, err := buildSchema([]cip.SchemaAttributeType{{Name: "tier", AttributeDataType: "String"}})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(&poolConfig{UserPoolType: cip.UserPoolType{SchemaAttributes: schema}})
	now := time.Now().UTC()
	for _, id := range []string{"us-east-1_bigpool01", "us-east-1_otherpool"} {
		if err := db.Pools().Create(ctx, storage.Pool{ID: id, Region: "us-east-1", Name: id, Config: doc, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	for lo := 0; lo < n; lo += 1000 {
		batch := make([]storage.User, 0, 1000)
		for i := lo; i < min(n, lo+1000); i++ {
			name := fmt.Sprintf("User%07d", i) // mixed case: a change of case rule re-keys every user
			batch = append(batch, storage.User{PoolID: "us-east-1_bigpool01", Sub: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Username: name,
				Status: "CONFIRMED", Enabled: true, Attributes: map[string]string{"custom:tier": "gold", "email": name + "@example.com", "email_verified": "true"},
				Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: name}}, CreatedAt: now, UpdatedAt: now})
		}
		if err := db.Users().CreateMany(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	other := storage.User{PoolID: "us-east-1_otherpool", Sub: "11111111-0000-4000-8000-000000000000", Username: "o", Status: "CONFIRMED",
		Enabled: true, Attributes: map[string]string{}, Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: "o"}}, CreatedAt: now, UpdatedAt: now}
	if err := db.Users().Create(ctx, other); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d users created in %v", n, time.Since(start).Round(time.Millisecond))

	// The longest re-keying batch, from one commit to the next (so its
	// read, its writes and its commit).
	var lastBatch time.Time
	var longestBatch time.Duration
	slow := 0 // writes to the other pool over 100 ms
	s.rekeyHook = func(event string) {
		if now := time.Now(); event == "batch" {
			if !lastBatch.IsZero() {
				longestBatch = max(longestBatch, now.Sub(lastBatch))
			}
			lastBatch = now
		} else if event != "listed" { // "listed" comes inside a batch
			lastBatch = time.Time{}
		}
	}

	// measure runs op while another pool's user is written every 5 ms,
	// and returns op's duration and the longest of those writes.
	measure := func(op func()) (time.Duration, time.Duration) {
		longestBatch, lastBatch, slow = 0, time.Time{}, 0
		done := make(chan struct{})
		var longest time.Duration
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				case <-time.After(5 * time.Millisecond):
				}
				t0 := time.Now()
				u := other
				u.Attributes = map[string]string{"name": strconv.Itoa(i)}
				if err := db.Users().Put(ctx, u); err != nil {
					t.Error(err)
					return
				}
				longest = max(longest, time.Since(t0))
				if time.Since(t0) > 100*time.Millisecond {
					slow++
				}
			}
		}()
		t0 := time.Now()
		op()
		took := time.Since(t0)
		close(done)
		wg.Wait()
		return took, longest
	}

	skipDelete := os.Getenv("COGNATE_POOL_SETTINGS_SKIP_DELETE") != ""
	took, longest := measure(func() {
		if skipDelete {
			return
		}
		out, err := s.DeleteCustomAttribute(ctx, &ca.DeleteCustomAttributeInput{UserPoolId: "us-east-1_bigpool01", Name: "tier"})
		if err != nil || int(*out.UsersUpdated) != n {
			t.Fatalf("DeleteCustomAttribute: %+v %v", out, err)
		}
	})
	t.Logf("DeleteCustomAttribute of %d values: %v; another pool's longest write meanwhile %v", n, took.Round(time.Millisecond), longest.Round(time.Millisecond))

	took, longest = measure(func() {
		out, err := s.UpdateSignInAttributes(ctx, &ca.UpdateSignInAttributesInput{UserPoolId: "us-east-1_bigpool01", AliasAttributes: []string{"email"}})
		if err != nil || int(*out.UsersRekeyed) != n {
			t.Fatalf("UpdateSignInAttributes: %+v %v", out, err)
		}
	})
	t.Logf("UpdateSignInAttributes (email alias) re-keying %d users: %v; another pool's longest write meanwhile %v (%d over 100 ms); longest batch %v", n, took.Round(time.Millisecond), longest.Round(time.Millisecond), slow, longestBatch.Round(time.Millisecond))

	took, longest = measure(func() {
		out, err := s.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: "us-east-1_bigpool01", CaseSensitive: ptr(false)})
		if err != nil || int(*out.UsersRekeyed) != n {
			t.Fatalf("UpdateUsernameConfiguration: %+v %v", out, err)
		}
	})
	t.Logf("UpdateUsernameConfiguration (case-insensitive) re-keying %d users: %v; another pool's longest write meanwhile %v (%d over 100 ms); longest batch %v", n, took.Round(time.Millisecond), longest.Round(time.Millisecond), slow, longestBatch.Round(time.Millisecond))
}
