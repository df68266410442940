package app_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/cognitomigrate"
)

// TestMigrateFromCognitoDeletedHere: a user deleted here while the pool
// migrates stays deleted, though the old pool still takes their password.
// alice (copied) signs in, is deleted by an administrator, and her next
// sign-in and ForgotPassword get the answer of an unknown name, with and
// without PreventUserExistenceErrors; carl, created on the old pool after
// the copy, moves at his first sign-in, deletes himself (DeleteUser), and
// is refused the same way. A second copy run skips both (and alice's group
// membership), and neither comes back at sign-in after it, nor after
// --finish and another copy run.
func TestMigrateFromCognitoDeletedHere(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testMigrateFromCognitoDeletedHere(t, backend) })
	}
}

func testMigrateFromCognitoDeletedHere(t *testing.T, backend string) {
	old := newOldCognito(t)
	s := startRP(t, backend, nil)
	old.migrate(t, s, old.pool)
	old.user(old.pool, "carl", "Carl-pass-123", attr("email", "carl@example.com"))
	oldSub := map[string]string{"alice": old.sub(t, old.pool, "alice"), "carl": old.sub(t, old.pool, "carl")}
	clients := map[string]string{} // PreventUserExistenceErrors -> client id
	for _, prevent := range []types.PreventUserExistenceErrorTypes{types.PreventUserExistenceErrorTypesLegacy, types.PreventUserExistenceErrorTypesEnabled} {
		clients[string(prevent)] = *result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &old.pool,
			ClientName: aws.String("password"), PreventUserExistenceErrors: prevent,
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})).must(t).UserPoolClient.ClientId
	}
	open, hide := clients["LEGACY"], clients["ENABLED"]
	signIn := func(client, name, pw string) (*cip.InitiateAuthOutput, error) {
		return s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &client, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}})
	}
	// Both move here with their old sub, then are deleted: alice by an
	// administrator, carl by himself.
	pw := map[string]string{"alice": "Alice-pass-1", "carl": "Carl-pass-123"}
	for _, name := range []string{"alice", "carl"} {
		out := result(signIn(open, name, pw[name])).must(t)
		if sub := jwtClaims(t, *out.AuthenticationResult.IdToken)["sub"]; sub != oldSub[name] {
			t.Fatalf("%s: sub %v, want %s", name, sub, oldSub[name])
		}
		if name == "carl" {
			result(s.idp.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: out.AuthenticationResult.AccessToken})).must(t)
		}
	}
	result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &old.pool, Username: aws.String("alice")})).must(t)

	refused := func() {
		t.Helper()
		for _, name := range []string{"alice", "carl"} {
			_, err := signIn(open, name, pw[name])
			wantCode(t, err, "UserNotFoundException", "Exception migrating user in app client "+open)
			_, err = signIn(hide, name, pw[name])
			wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
			_, err = s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &open, Username: aws.String(name)})
			wantCode(t, err, "UserNotFoundException", "Username/client id combination not found.")
			// With PreventUserExistenceErrors, Cognito's made-up delivery.
			result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &hide, Username: aws.String(name)})).must(t)
			_, err = s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &old.pool, Username: aws.String(name)})
			wantCode(t, err, "UserNotFoundException", "")
		}
	}
	refused()

	counts := old.migrate(t, s, old.pool)
	if counts["users skipped (deleted here)"] != 2 || counts["memberships failed"] != 0 || counts["users"] != 0 {
		t.Fatalf("second copy: %s", counts)
	}
	refused()
	// bob, copied and not deleted, still moves.
	if _, err := signIn(open, "bob", "Bob-pass-123"); err != nil {
		t.Fatalf("bob: %v", err)
	}
	// The record outlives the migration: a copy run after --finish (which
	// turns the migration on again) still skips them.
	s.stop()
	if err := app.FinishCognitoMigration(ctx, s.cfg, func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)), "", io.Discard); err != nil {
		t.Fatal(err)
	}
	s = start(t, s.cfg)
	if counts := old.migrate(t, s, old.pool); counts["users skipped (deleted here)"] != 2 || counts["users"] != 0 {
		t.Fatalf("copy after --finish: %s", counts)
	}
	for _, name := range []string{"alice", "carl"} {
		// Locked by now: the refusals counted as wrong passwords.
		_, err := signIn(hide, name, pw[name])
		wantCode(t, err, "NotAuthorizedException", "")
		_, err = s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &old.pool, Username: aws.String(name)})
		wantCode(t, err, "UserNotFoundException", "")
	}
}

// TestMigrateFromCognitoUncheckedSteps: without AWS credentials, an old
// pool's answer that gives no tokens (an MFA step, a new password to set,
// "not confirmed") cannot show whose password it took, so it is refused
// for a copied user, never taken as theirs: dee (TOTP on the old pool) is
// told to reset her password, which she does here; eve (a temporary
// password set there after the copy) gets Cognito's expired temporary
// password answer; fay's name, deleted on the old pool and signed up there
// again by someone else (not confirmed), is told UserNotConfirmedException
// as the old pool said, and the newcomer's password is not kept for fay;
// gus, copied not confirmed, is told so, confirms here and resets his
// password here. None of these right passwords counts toward the lockout.
func TestMigrateFromCognitoUncheckedSteps(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testMigrateFromCognitoUncheckedSteps(t, backend) })
	}
}

func testMigrateFromCognitoUncheckedSteps(t *testing.T, backend string) {
	o := &oldCognito{server: newServer(t, "sqlite")}
	o.pool = o.server.pool(&cip.CreateUserPoolInput{PoolName: aws.String("steps")})
	o.setMFA(o.pool, types.UserPoolMfaTypeOptional, false, true, false)
	client, _ := o.appClient(o.pool, false)
	o.totpUser(o.pool, client, "dee")
	o.user(o.pool, "eve", "Eve-pass-1234", attr("email", "eve@example.com"), attr("email_verified", "true"))
	o.user(o.pool, "fay", "Fay-pass-1234", attr("email", "fay@example.com"), attr("email_verified", "true"))
	result(o.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &o.pool, Username: aws.String("dee"),
		UserAttributes: []types.AttributeType{attr("email", "dee@example.com"), attr("email_verified", "true")}})).must(t)
	// gus signed up and is not confirmed.
	result(o.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &client, Username: aws.String("gus"), Password: aws.String("Gus-pass-1234"),
		UserAttributes: []types.AttributeType{attr("email", "gus@example.com")}})).must(t)
	s := startRP(t, backend, nil)
	if c := o.migrateWith(t, s, cognitomigrate.Options{UserPoolID: o.pool}); c["users"] != 4 {
		t.Fatalf("copy: %s", c)
	}
	result(o.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &o.pool, Username: aws.String("eve"),
		Password: aws.String("Eve-temp-1234"), Permanent: false})).must(t)
	result(o.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &o.pool, Username: aws.String("fay")})).must(t)
	result(o.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &client, Username: aws.String("fay"), Password: aws.String("Evil-pass-123"),
		UserAttributes: []types.AttributeType{attr("email", "mallory@example.com")}})).must(t)

	signIn := func(name, pw string) error {
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &client, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}})
		return err
	}
	// Six times each: five failures would lock.
	for range 6 {
		wantCode(t, signIn("dee", "Correct-Horse-9"), "PasswordResetRequiredException", "Password reset required for the user")
		wantCode(t, signIn("eve", "Eve-temp-1234"), "NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.")
		wantCode(t, signIn("fay", "Evil-pass-123"), "UserNotConfirmedException", "User is not confirmed.")
		wantCode(t, signIn("gus", "Gus-pass-1234"), "UserNotConfirmedException", "User is not confirmed.")
	}
	// fay is as copied: confirmed, without a password here.
	if u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &o.pool, Username: aws.String("fay")})).must(t); u.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("fay: %s", u.UserStatus)
	}
	// dee resets her password here (the code goes to her address).
	result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &client, Username: aws.String("dee")})).must(t)
	result(s.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &client, Username: aws.String("dee"),
		ConfirmationCode: aws.String(s.lastCode()), Password: aws.String("Dee-new-pass-1")})).must(t)
	// gus confirms here, then sets a password the same way.
	result(s.idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &client, Username: aws.String("gus")})).must(t)
	result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &client, Username: aws.String("gus"),
		ConfirmationCode: aws.String(s.lastCode())})).must(t)
	result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &client, Username: aws.String("gus")})).must(t)
	result(s.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &client, Username: aws.String("gus"),
		ConfirmationCode: aws.String(s.lastCode()), Password: aws.String("Gus-new-pass-1")})).must(t)
	o.stop()
	for name, pw := range map[string]string{"dee": "Dee-new-pass-1", "gus": "Gus-new-pass-1"} {
		if err := signIn(name, pw); err != nil {
			t.Errorf("%s after a reset here: %v", name, err)
		}
	}
	// The newcomer's password was never fay's.
	wantCode(t, signIn("fay", "Evil-pass-123"), "InternalErrorException", "")
}
