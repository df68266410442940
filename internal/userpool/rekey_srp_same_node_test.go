package userpool

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestRekeySRPSetDuringChange: a password set while a pool becomes
// case-insensitive, after re-keying passed its user, gets verifiers that
// the pool still opens correctly after the switch: every id a stored
// verifier binds to (srpBindings) is the id it was computed for. Before,
// a verifier bound to the username's old key "Anna" was read after the
// switch as bound to "anna", and SRP sign-in failed with the right
// password until the next password change.
func TestRekeySRPSetDuringChange(t *testing.T) {
	eachStore(t, func(t *testing.T, db storage.Store) {
		ctx := context.Background()
		s := rekeyFixture(t, db, 150)
		if err := createUser(s, "Anna"); err != nil {
			t.Fatal(err)
		}
		const pw = "Battery-Staple-7"
		set := false
		s.rekeyHook = func(event string) {
			if event != "batch" || set {
				return
			}
			set = true // Anna sorts in the first batch, done by now
			_, err := s.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordRequest{UserPoolId: rekeyPool, Username: "Anna", Password: pw, Permanent: ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := caseInsensitive(s, ctx); err != nil {
			t.Fatal(err)
		}
		p, u, err := s.adminUser(ctx, rekeyPool, "ANNA")
		if err != nil || !set {
			t.Fatal(err, set)
		}
		salt, err := hex.DecodeString(u.SRPSalt)
		if err != nil {
			t.Fatal(err)
		}
		bindings := p.srpBindings(u)
		if len(bindings) == 0 {
			t.Fatal("no verifier stored")
		}
		for id := range bindings {
			v, ok, err := s.srpVerifier(p, u, id)
			if err != nil || !ok {
				t.Fatal(id, ok, err)
			}
			if !bytes.Equal(v, srp.VerifierWithSalt(srp.PoolName(rekeyPool), id, pw, salt)) {
				t.Errorf("the verifier read as bound to %q was computed for another id", id)
			}
		}
	})
}
