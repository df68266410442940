package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// failingTx is a store whose InTx fails, without running the callback,
// while failAt counts down to zero (the transaction it reaches fails).
type failingTx struct {
	storage.Store
	failAt int
}

func (s *failingTx) InTx(ctx context.Context, fn func(tx storage.Stores) error) error {
	if s.failAt--; s.failAt == 0 {
		return errors.New("disk on fire")
	}
	return s.Store.InTx(ctx, fn)
}

// TestDeleteCustomAttributeResumes: a DeleteCustomAttribute whose sweep
// fails after its first batch has taken the attribute out of the schema;
// the values left on users are hidden from reads, the name cannot be added
// back, and calling it again finishes the sweep.
func TestDeleteCustomAttributeResumes(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cognate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := &failingTx{Store: db}
	s := New(Deps{Store: store})
	s.cache.ttl = 0 // one node: no other cache to wait for

	schema, err := buildSchema([]cip.SchemaAttributeType{{Name: "tier", AttributeDataType: "String"}})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(&poolConfig{UserPoolType: cip.UserPoolType{SchemaAttributes: schema}})
	now := time.Now().UTC()
	const poolID = "us-east-1_resumes1"
	if err := db.Pools().Create(ctx, storage.Pool{ID: poolID, Region: "us-east-1", Name: "p", Config: doc, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	const n = sweepBatch + sweepBatch/2
	users := make([]storage.User, n)
	for i := range users {
		name := fmt.Sprintf("user%04d", i)
		users[i] = storage.User{PoolID: poolID, Sub: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Username: name, Status: "CONFIRMED",
			Enabled: true, Attributes: map[string]string{"custom:tier": "gold", "email": name + "@example.com"},
			Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: name}}, CreatedAt: now, UpdatedAt: now}
	}
	if err := db.Users().CreateMany(ctx, users); err != nil {
		t.Fatal(err)
	}
	holders := func() int {
		count, _, err := s.countUsers(ctx, poolID, func(u *storage.User) bool { _, ok := u.Attributes["custom:tier"]; return ok })
		if err != nil {
			t.Fatal(err)
		}
		return count
	}

	// The schema's transaction and the first batch commit; the second fails.
	store.failAt = 3
	if _, err := s.DeleteCustomAttribute(ctx, &ca.DeleteCustomAttributeInput{UserPoolId: poolID, Name: "tier"}); err == nil {
		t.Fatal("the failed sweep reported success")
	}
	if left := holders(); left != n-sweepBatch {
		t.Fatalf("%d users hold the value after one batch, want %d", left, n-sweepBatch)
	}
	p, err := s.adminPool(ctx, poolID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.schemaAttribute("custom:tier"); ok {
		t.Fatal("the schema keeps custom:tier")
	}
	u, err := s.findUser(ctx, p, fmt.Sprintf("user%04d", n-1))
	if err != nil || u == nil {
		t.Fatal(u, err)
	}
	if _, ok := u.Attributes["custom:tier"]; ok || u.Attributes["email"] == "" {
		t.Fatalf("a read during the sweep shows %v", u.Attributes)
	}
	_, err = s.AddCustomAttributes(ctx, &cip.AddCustomAttributesRequest{UserPoolId: poolID,
		CustomAttributes: []cip.SchemaAttributeType{{Name: "tier", AttributeDataType: "Number"}}})
	if e := AsError(err); e == nil || e.Kind != InvalidParameter {
		t.Fatalf("adding the name back during the sweep: %v", err)
	}

	out, err := s.DeleteCustomAttribute(ctx, &ca.DeleteCustomAttributeInput{UserPoolId: poolID, Name: "custom:tier"})
	if err != nil {
		t.Fatal(err)
	}
	if *out.UsersUpdated != n-sweepBatch || out.Name != "custom:tier" {
		t.Fatalf("the second call: %+v", out)
	}
	if left := holders(); left != 0 {
		t.Fatalf("%d users hold the value after the sweep", left)
	}
	if _, err := s.AddCustomAttributes(ctx, &cip.AddCustomAttributesRequest{UserPoolId: poolID,
		CustomAttributes: []cip.SchemaAttributeType{{Name: "tier", AttributeDataType: "Number"}}}); err != nil {
		t.Fatal(err)
	}
	p, _ = s.adminPool(ctx, poolID)
	if len(p.cfg.RemovedAttributes) != 0 {
		t.Fatalf("RemovedAttributes %v", p.cfg.RemovedAttributes)
	}
}
