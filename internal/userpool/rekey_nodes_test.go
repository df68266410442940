package userpool

import (
	"context"
	"slices"
	"testing"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
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
