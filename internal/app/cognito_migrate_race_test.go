package app_test

import (
	"sync"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Concurrent first sign-ins of a user new on the old pool: one creates the
// user, the others sign in as a user who exists (no UsernameExists, no
// server error). The same for a copied user whose password is not here
// yet: one saves it, the others sign in with it.
func TestMigrateFromCognitoConcurrentFirstSignIns(t *testing.T) {
	old := newOldCognito(t)
	s := startRP(t, "sqlite", nil)
	old.migrate(t, s, old.pool)
	old.user(old.pool, "carol", "Carol-pass-1", attr("email", "carol@example.com"))
	// carol is new on the old pool; alice was copied without a password.
	for name, pw := range map[string]string{"carol": "Carol-pass-1", "alice": "Alice-pass-1"} {
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
					AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw,
						"SECRET_HASH": secretHash(old.webSecret, name, old.web)}})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("%s's sign-in %d: %v", name, i, err)
			}
		}
	}
	if got := s.sub(t, old.pool, "carol"); got != old.sub(t, old.pool, "carol") {
		t.Errorf("carol's sub %s", got)
	}
}
