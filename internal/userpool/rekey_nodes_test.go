package userpool

import (
	"context"
	"slices"
	"testing"
	"time"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/password"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestRekeyTwoNodes: a change of sign-in rule that another node rolls
// back mid-way (by asking for the rule the pool has) stops at its next
// batch, rather than adding keys to a pool that is no longer marked and
// switching it. Before, the first node went on and switched the pool to
// case-insensitive over a user "User001" created meanwhile beside
// "user001": its last step failed on the shared key, left the pool marked
// for good (every later change failed the same way), and "User001"
// resolved to user001.
func TestRekeyTwoNodes(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 250)
		ring, err := secret.NewKeyRing(map[uint32][]byte{1: make([]byte, 32)}, 1)
		if err != nil {
			t.Fatal(err)
		}
		other := New(Deps{Store: db, Hasher: password.NewHasher(2), Ring: ring})
		other.cache.ttl = 0
		batches := 0
		s.rekeyHook = func(event string) {
			if event != "batch" {
				return
			}
			if batches++; batches != 1 {
				return
			}
			_, err := other.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			if err := createUser(other, "User001"); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(false)})
		t.Logf("the first node's change: %v", err)
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
	})
}

// TestRekeyNodeCachingMark: a node that still caches the marked pool
// right after the switch writes a user with the keys of both rules; the
// old rule's keys must not outlive the change. Before, the last step
// dropped old keys without waiting for such caches to expire: Ann, updated
// on the other node after the drop had passed her, kept "ann" in a pool
// now case-sensitive, so "ann" found Ann and no user "ann" could be made.
func TestRekeyNodeCachingMark(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 10)
		if _, err := s.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if err := createUser(s, "Ann"); err != nil {
			t.Fatal(err)
		}
		_, ann, err := s.adminUser(ctx, rekeyPool, "Ann")
		if err != nil {
			t.Fatal(err)
		}
		ring, err := secret.NewKeyRing(map[uint32][]byte{1: make([]byte, 32)}, 1)
		if err != nil {
			t.Fatal(err)
		}
		other := New(Deps{Store: db, Hasher: password.NewHasher(2), Ring: ring})
		const ttl = 300 * time.Millisecond
		s.cache.ttl, other.cache.ttl = ttl, ttl
		batches := 0
		s.rekeyHook = func(event string) {
			if event != "batch" {
				return
			}
			switch batches++; batches {
			case 1: // keys of both rules given: the other node reads the marked pool
				if _, err := other.adminPool(ctx, rekeyPool); err != nil {
					t.Fatal(err)
				}
			case 2: // the old rule's keys dropped (or, waiting, not yet)
				// By sub: that node's rule may no longer find her name.
				_, err := other.AdminDisableUser(ctx, &cip.AdminDisableUserRequest{UserPoolId: rekeyPool, Username: ann.Sub})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := s.UpdateUsernameConfiguration(ctx, &ca.UpdateUsernameConfigurationInput{UserPoolId: rekeyPool, CaseSensitive: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		s.rekeyHook = nil
		s.cache.ttl = 0
		if found(t, s, "ann") || !found(t, s, "Ann") {
			t.Error(`after the change, "ann" finds Ann or "Ann" does not`)
		}
		if err := createUser(s, "ann"); err != nil {
			t.Errorf(`user "ann" refused after the change: %v`, err)
		}
	})
}
