package app_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestPasskeySignIn: USER_AUTH with WEB_AUTHN, preferred and selected;
// replays, another origin, another relying party and a counter that goes
// back are refused; a deleted passkey signs in no more.
func TestPasskeySignIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		_, clientID, access := s.passkeyPool(t, false)
		// Before a passkey is registered, WEB_AUTHN is not the user's.
		sel := result(s.userAuth(clientID, map[string]string{"USERNAME": "pia"})).must(t)
		if got := challengeNames(sel.AvailableChallenges); !slices.Equal(got, []string{"PASSWORD", "PASSWORD_SRP"}) {
			t.Fatalf("AvailableChallenges without a passkey: %v", got)
		}
		a := newSoftAuthenticator(t, "https://auth.example.com")
		result(0, s.register(t, access, a)).must(t)

		sel = result(s.userAuth(clientID, map[string]string{"USERNAME": "pia"})).must(t)
		if got := challengeNames(sel.AvailableChallenges); !slices.Equal(got, []string{"PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"}) {
			t.Fatalf("AvailableChallenges: %v", got)
		}
		out, opts := s.passkeyChallenge(t, clientID, "pia")
		if opts.RPID != "auth.example.com" || len(opts.AllowCredentials) != 1 || opts.AllowCredentials[0].ID != a.id() ||
			opts.UserVerification != "preferred" || len(opts.Challenge) < 43 {
			t.Fatalf("CREDENTIAL_REQUEST_OPTIONS: %+v", opts)
		}
		cred := a.assert(opts.Challenge, opts.RPID)
		done := result(s.answer(clientID, types.ChallengeNameTypeWebAuthn, out.Session,
			map[string]string{"USERNAME": "pia", "CREDENTIAL": cred})).must(t)
		if done.AuthenticationResult == nil || done.AuthenticationResult.AccessToken == nil {
			t.Fatalf("WEB_AUTHN: no tokens: %+v", done)
		}
		user := result(s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: done.AuthenticationResult.AccessToken})).must(t)
		if aws.ToString(user.Username) != "pia" {
			t.Fatalf("GetUser: %v", user.Username)
		}
		factors := result(s.idp.GetUserAuthFactors(ctx, &cip.GetUserAuthFactorsInput{AccessToken: done.AuthenticationResult.AccessToken})).must(t)
		if got := factorNames(factors.ConfiguredUserAuthFactors); !slices.Equal(got, []string{"PASSWORD", "WEB_AUTHN"}) {
			t.Fatalf("GetUserAuthFactors: %v", got)
		}

		// The same answer again: the Session is spent.
		_, err := s.answer(clientID, types.ChallengeNameTypeWebAuthn, out.Session, map[string]string{"USERNAME": "pia", "CREDENTIAL": cred})
		wantCode(t, err, "NotAuthorizedException", "")
		// The same assertion with a new Session: its challenge is another.
		out, _ = s.passkeyChallenge(t, clientID, "pia")
		_, err = s.answer(clientID, types.ChallengeNameTypeWebAuthn, out.Session, map[string]string{"USERNAME": "pia", "CREDENTIAL": cred})
		wantCode(t, err, "NotAuthorizedException", "")

		// SELECT_CHALLENGE, then WEB_AUTHN.
		sel = result(s.userAuth(clientID, map[string]string{"USERNAME": "pia"})).must(t)
		chosen := result(s.answer(clientID, types.ChallengeNameTypeSelectChallenge, sel.Session,
			map[string]string{"USERNAME": "pia", "ANSWER": "WEB_AUTHN"})).must(t)
		if chosen.ChallengeName != types.ChallengeNameTypeWebAuthn {
			t.Fatalf("SELECT_CHALLENGE WEB_AUTHN: %s", chosen.ChallengeName)
		}
		o := readRequestOptions(t, chosen.ChallengeParameters)
		done = result(s.answer(clientID, types.ChallengeNameTypeWebAuthn, chosen.Session,
			map[string]string{"USERNAME": "pia", "CREDENTIAL": a.assert(o.Challenge, o.RPID)})).must(t)
		if done.AuthenticationResult == nil {
			t.Fatalf("selected WEB_AUTHN: no tokens")
		}

		// Another origin, another relying party, a signature of another key.
		a.origin = "https://evil.example.net"
		_, err = s.signInWithPasskey(t, clientID, "pia", a)
		wantCode(t, err, "NotAuthorizedException", "origin")
		a.origin, a.rpID = "https://auth.example.com", "example.com"
		_, err = s.signInWithPasskey(t, clientID, "pia", a)
		wantCode(t, err, "NotAuthorizedException", "")
		a.rpID = ""
		impostor := newSoftAuthenticator(t, "https://auth.example.com")
		impostor.credID, impostor.userHandle, impostor.count = a.credID, a.userHandle, a.count+10
		_, err = s.signInWithPasskey(t, clientID, "pia", impostor)
		wantCode(t, err, "NotAuthorizedException", "")

		// A counter that does not advance: a cloned authenticator.
		clone := *a
		result(s.signInWithPasskey(t, clientID, "pia", a)).must(t)
		_, err = s.signInWithPasskey(t, clientID, "pia", &clone)
		wantCode(t, err, "NotAuthorizedException", "counter")
		result(s.signInWithPasskey(t, clientID, "pia", a)).must(t)

		// Deleted: not listed, not offered, not accepted.
		result(s.idp.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(access),
			CredentialId: aws.String(a.id())})).must(t)
		_, err = s.idp.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(access),
			CredentialId: aws.String(a.id())})
		wantCode(t, err, "ResourceNotFoundException", "")
		list := result(s.idp.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(access)})).must(t)
		if len(list.Credentials) != 0 {
			t.Fatalf("after delete: %+v", list.Credentials)
		}
		out = result(s.userAuth(clientID, map[string]string{"USERNAME": "pia", "PREFERRED_CHALLENGE": "WEB_AUTHN"})).must(t)
		if out.ChallengeName != types.ChallengeNameTypeSelectChallenge || slices.Contains(challengeNames(out.AvailableChallenges), "WEB_AUTHN") {
			t.Fatalf("after delete: %s %v", out.ChallengeName, out.AvailableChallenges)
		}
	})
}

// TestPasskeySignInEdges: synced passkeys without a counter, another
// user's passkey, and names no user holds when the client hides user
// existence.
func TestPasskeySignInEdges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID, clientID, access := s.passkeyPool(t, true)
		synced := newSoftAuthenticator(t, "https://auth.example.com")
		synced.zeroCount = true
		result(0, s.register(t, access, synced)).must(t)
		for range 2 {
			result(s.signInWithPasskey(t, clientID, "pia", synced)).must(t)
		}

		// Another user's passkey does not sign in pia.
		s.user(poolID, "quinn", "Correct-Horse-9")
		theirs := newSoftAuthenticator(t, "https://auth.example.com")
		result(0, s.register(t, s.passwordFirst(t, clientID, "quinn"), theirs)).must(t)
		_, err := s.signInWithPasskey(t, clientID, "pia", theirs)
		wantCode(t, err, "NotAuthorizedException", "")

		// A name no user holds meets the same challenge, and fails.
		out, opts := s.passkeyChallenge(t, clientID, "nobody")
		again, opts2 := s.passkeyChallenge(t, clientID, "nobody")
		if len(opts.AllowCredentials) != 1 || opts.AllowCredentials[0].ID != opts2.AllowCredentials[0].ID || again.Session == nil {
			t.Fatalf("unknown user's options: %+v %+v", opts, opts2)
		}
		_, err = s.answer(clientID, types.ChallengeNameTypeWebAuthn, out.Session,
			map[string]string{"USERNAME": "nobody", "CREDENTIAL": synced.assert(opts.Challenge, opts.RPID)})
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")

		// A missing or malformed CREDENTIAL is bad input.
		out, _ = s.passkeyChallenge(t, clientID, "pia")
		_, err = s.answer(clientID, types.ChallengeNameTypeWebAuthn, out.Session, map[string]string{"USERNAME": "pia"})
		wantCode(t, err, "InvalidParameterException", "CREDENTIAL")
		_, err = s.answer(clientID, types.ChallengeNameTypeWebAuthn, out.Session, map[string]string{"USERNAME": "pia", "CREDENTIAL": "{"})
		wantCode(t, err, "InvalidParameterException", "CREDENTIAL")

		// Deleting the user deletes its passkeys: the credential id is free.
		result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String("quinn")})).must(t)
		result(0, s.register(t, access, theirs)).must(t)
		result(s.signInWithPasskey(t, clientID, "pia", theirs)).must(t)
	})
}
