package app_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// A relayed SRP sign-in proves the password of the user it was started
// for: the proof of another user of the old pool, made against a
// challenge that user got from the old pool, does not sign the first one
// in here.
func TestMigrateFromCognitoRelayedSRPOtherUsersProof(t *testing.T) {
	old := newOldCognito(t)
	s := startRP(t, "sqlite", nil)
	old.migrate(t, s, old.pool)

	// The attacker (bob, who knows his own password) starts a relayed
	// sign-in for alice here, and one for himself, whose challenge is the
	// old pool's (through the client the server uses there).
	_, victim, err := s.srpStart(old.pool, old.spa, map[string]string{"USERNAME": "alice"})
	if err != nil || victim.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("alice's relayed SRP start: %v", err)
	}
	c, own, err := s.srpStart(old.pool, old.spa, map[string]string{"USERNAME": "bob"})
	if err != nil {
		t.Fatal(err)
	}
	resp := srpAnswer(t, c, own.ChallengeParameters, "Bob-pass-123", time.Now())
	out, err := s.srpVerify(old.spa, resp, victim.Session)
	if err == nil {
		t.Fatalf("bob's proof signed in alice's relayed session: %+v", out.AuthenticationResult != nil)
	}
	wantCode(t, err, "NotAuthorizedException", "")
	// The same with USERNAME naming alice but bob's SECRET_BLOCK.
	_, victim, _ = s.srpStart(old.pool, old.spa, map[string]string{"USERNAME": "alice"})
	c, own, _ = s.srpStart(old.pool, old.spa, map[string]string{"USERNAME": "bob"})
	resp = srpAnswer(t, c, own.ChallengeParameters, "Bob-pass-123", time.Now())
	resp["USERNAME"] = "alice"
	_, err = s.srpVerify(old.spa, resp, victim.Session)
	wantCode(t, err, "NotAuthorizedException", "")
	// alice's own relayed sign-in still works.
	if _, err := s.srpSignIn(old.pool, old.spa, "alice", "Alice-pass-1", nil); err != nil {
		t.Errorf("alice's relayed SRP sign-in: %v", err)
	}
}
