package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// deleteOnRead is a store whose reads outside a transaction run hook once
// it is set, before the read: a concurrent deletion, placed between a
// copy's checks and its create.
type deleteOnRead struct {
	storage.Store
	hook func()
}

func (s *deleteOnRead) Users() storage.Users { return &hookedUsers{Users: s.Store.Users(), s: s} }

type hookedUsers struct {
	storage.Users
	s *deleteOnRead
}

func (u *hookedUsers) GetBySub(ctx context.Context, poolID, sub string) (storage.User, error) {
	if h := u.s.hook; h != nil {
		u.s.hook = nil
		h()
	}
	return u.Users.GetBySub(ctx, poolID, sub)
}

// TestCopyUserRacesDeletion: a user deleted here while a copy run is
// copying them (after its check of the record, before its create) stays
// deleted: the record is checked in the create's transaction.
func TestCopyUserRacesDeletion(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		const poolID = "us-east-1_copyrace1"
		doc, _ := json.Marshal(&poolConfig{UserPoolType: cip.UserPoolType{Policies: &cip.UserPoolPolicyType{PasswordPolicy: &cip.PasswordPolicyType{}}}})
		now := time.Now().UTC()
		if err := db.Pools().Create(ctx, storage.Pool{ID: poolID, Region: "us-east-1", Name: "p", Config: doc, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		store := &deleteOnRead{Store: db}
		s := New(Deps{Store: store})
		s.cache.ttl = 0
		if err := s.SetCognitoSource(ctx, poolID, &CognitoSource{Region: "us-east-1", UserPoolID: poolID, ClientID: "c"}); err != nil {
			t.Fatal(err)
		}
		const sub = "5e1f0c1e-0000-4000-8000-000000000001"
		ou := &OldUser{Username: "alice", Status: "CONFIRMED", Enabled: true,
			Attributes: map[string]string{"sub": sub}}
		if created, err := s.CopyUser(ctx, poolID, ou); !created || err != nil {
			t.Fatalf("first copy: %v, %v", created, err)
		}
		// A second run finds alice; an administrator deletes her meanwhile.
		store.hook = func() {
			if _, err := s.AdminDeleteUser(ctx, &cip.AdminDeleteUserRequest{UserPoolId: poolID, Username: "alice"}); err != nil {
				t.Errorf("AdminDeleteUser: %v", err)
			}
		}
		created, err := s.CopyUser(ctx, poolID, ou)
		if store.hook != nil {
			t.Fatal("the copy did not read the user")
		}
		if !errors.Is(err, ErrDeletedHere) || created {
			t.Errorf("copy during the deletion: %v, %v; want ErrDeletedHere", created, err)
		}
		if _, err := db.Users().GetBySub(ctx, poolID, sub); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("alice after the copy: %v, want deleted", err)
		}
	})
}

// TestRemoveUserReadsSourceInTx: a node whose cached pool settings predate
// the copy's SetCognitoSource (another process, up to cacheTTL ago) still
// records the deletion of a copied user: the deletion reads the settings
// in its transaction.
func TestRemoveUserReadsSourceInTx(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		const poolID = "us-east-1_staleset1"
		doc, _ := json.Marshal(&poolConfig{UserPoolType: cip.UserPoolType{Policies: &cip.UserPoolPolicyType{PasswordPolicy: &cip.PasswordPolicyType{}}}})
		now := time.Now().UTC()
		if err := db.Pools().Create(ctx, storage.Pool{ID: poolID, Region: "us-east-1", Name: "p", Config: doc, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		server := New(Deps{Store: db}) // keeps its cache: cacheTTL
		if _, err := server.loadPool(ctx, poolID); err != nil {
			t.Fatal(err)
		}
		copier := New(Deps{Store: db}) // the copy command's process
		if err := copier.SetCognitoSource(ctx, poolID, &CognitoSource{Region: "us-east-1", UserPoolID: poolID, ClientID: "c"}); err != nil {
			t.Fatal(err)
		}
		const sub = "5e1f0c1e-0000-4000-8000-000000000002"
		ou := &OldUser{Username: "bob", Status: "CONFIRMED", Enabled: true, Attributes: map[string]string{"sub": sub}}
		if created, err := copier.CopyUser(ctx, poolID, ou); !created || err != nil {
			t.Fatalf("copy: %v, %v", created, err)
		}
		if _, err := server.AdminDeleteUser(ctx, &cip.AdminDeleteUserRequest{UserPoolId: poolID, Username: "bob"}); err != nil {
			t.Fatal(err)
		}
		if created, err := copier.CopyUser(ctx, poolID, ou); !errors.Is(err, ErrDeletedHere) || created {
			t.Errorf("copy after the deletion: %v, %v; want ErrDeletedHere", created, err)
		}
	})
}
