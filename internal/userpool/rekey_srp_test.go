package userpool

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestRekeyStaleNodeSRP: a node caching the pool as case-sensitive sets
// "Anna"'s password while the change to case-insensitive runs, after its
// pass gave her both keys. Her verifier, made for "Anna", is pinned to
// that id: once the pool is case-insensitive, every verifier she holds is
// bound to the id it was made for. Before, it was stored as bound to the
// username's key and read as bound to "anna", so USER_SRP_AUTH failed
// until her next password change.
func TestRekeyStaleNodeSRP(t *testing.T) {
	eachTwoNodes(t, 150, func(t *testing.T, db storage.Store, s, other *Service) {
		ctx := context.Background()
		if err := createUser(s, "Anna"); err != nil {
			t.Fatal(err)
		}
		other.cache.ttl = time.Minute
		if _, err := other.adminPool(ctx, rekeyPool); err != nil { // cached case-sensitive
			t.Fatal(err)
		}
		setPasswordDuringChange(t, s, other)
	})
}

// TestRekeySRPSetDuringChange: the same with the password set on the node
// running the change, after its pass gave Anna both keys.
func TestRekeySRPSetDuringChange(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		s := rekeyFixture(t, db, 150)
		if err := createUser(s, "Anna"); err != nil {
			t.Fatal(err)
		}
		setPasswordDuringChange(t, s, s)
	})
}

// setPasswordDuringChange makes the pool of s case-insensitive and, after
// the change's first batch (which holds Anna, who sorts first), sets
// Anna's password on node setter; then checks her verifiers.
func setPasswordDuringChange(t *testing.T, s, setter *Service) {
	t.Helper()
	ctx := context.Background()
	const pw = "Battery-Staple-7"
	set := false
	s.rekeyHook = func(event string) {
		if event != "batch" || set {
			return
		}
		set = true
		if _, err := setter.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordRequest{UserPoolId: rekeyPool, Username: "Anna", Password: pw, Permanent: ptr(true)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := caseInsensitive(s, ctx); err != nil {
		t.Fatal(err)
	}
	if !set {
		t.Fatal("the change had no batch to set the password after")
	}
	verifiersMadeForTheirIDs(t, s, "ANNA", pw)
}

// verifiersMadeForTheirIDs checks that every verifier user name holds
// opens, from pw, for the id it is bound to (srpBindings).
func verifiersMadeForTheirIDs(t *testing.T, s *Service, name, pw string) {
	t.Helper()
	p, u, err := s.adminUser(context.Background(), rekeyPool, name)
	if err != nil {
		t.Fatal(err)
	}
	salt, err := hex.DecodeString(u.SRPSalt)
	if err != nil {
		t.Fatal(err)
	}
	bindings := p.srpBindings(u)
	if len(bindings) == 0 {
		t.Fatal("no verifiers after the password was set")
	}
	for id := range bindings {
		v, ok, err := s.srpVerifier(p, u, id)
		if err != nil || !ok {
			t.Fatal(id, ok, err)
		}
		if !bytes.Equal(v, srp.VerifierWithSalt(srp.PoolName(rekeyPool), id, pw, salt)) {
			t.Errorf("the verifier read as bound to %q was made for another id", id)
		}
	}
}
