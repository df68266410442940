package app_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/cognitomigrate"
)

// userAuthClient creates a USER_AUTH client on pool of s; hide turns
// PreventUserExistenceErrors on.
func (s *server) userAuthClient(t *testing.T, pool string, hide bool) string {
	t.Helper()
	in := &cip.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: aws.String("choice"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesLegacy}
	if hide {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	}
	return *result(s.idp.CreateUserPoolClient(ctx, in)).must(t).UserPoolClient.ClientId
}

// TestMigrateFromCognitoUserAuth: users created on the old pool after the
// copy migrate at USER_AUTH's PASSWORD, whether the password comes with
// InitiateAuth, after SELECT_CHALLENGE, or as the PASSWORD challenge's
// answer, with their old sub. A name neither pool knows, or a wrong
// password, gets the answer of an unknown name: NotAuthorizedException
// when the client prevents user existence errors (the same for both), else
// UserNotFoundException, and such a client offers a name it does not know
// PASSWORD alone, the one factor that migrates. A user reset or not
// confirmed on the old pool is created here so, and told so.
func TestMigrateFromCognitoUserAuth(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testMigrateFromCognitoUserAuth(t, backend) })
	}
}

func testMigrateFromCognitoUserAuth(t *testing.T, backend string) {
	old := newOldCognito(t)
	s := startRP(t, backend, nil)
	old.migrate(t, s, old.pool)
	hide, open := s.userAuthClient(t, old.pool, true), s.userAuthClient(t, old.pool, false)
	for _, n := range []string{"fay", "gil", "hal", "ivo"} {
		old.user(old.pool, n, "Pass-of-"+n+"-1", attr("email", n+"@example.com"))
	}
	wantSub := func(name string, res *types.AuthenticationResultType) {
		t.Helper()
		if res == nil {
			t.Fatalf("%s: no tokens", name)
		}
		if c := jwtClaims(t, *res.IdToken); c["sub"] != old.sub(t, old.pool, name) {
			t.Errorf("%s's ID token: sub %v, old %s", name, c["sub"], old.sub(t, old.pool, name))
		}
	}
	withPassword := func(client, name, pw string) (*cip.InitiateAuthOutput, error) {
		return s.userAuth(client, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": pw})
	}

	// PreventUserExistenceErrors: a wrong password and an unknown name read
	// alike.
	_, err := withPassword(hide, "fay", "Pass-of-fay-2")
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = withPassword(hide, "nobody", "Pass-of-fay-2")
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	out := result(withPassword(hide, "fay", "Pass-of-fay-1")).must(t)
	wantSub("fay", out.AuthenticationResult)
	// SELECT_CHALLENGE, then PASSWORD with the password.
	sel := result(s.userAuth(hide, map[string]string{"USERNAME": "gil"})).must(t)
	if !slices.Contains(challengeNames(sel.AvailableChallenges), "PASSWORD") {
		t.Fatalf("gil is offered %v", sel.AvailableChallenges)
	}
	done := result(s.answer(hide, types.ChallengeNameTypeSelectChallenge, sel.Session,
		map[string]string{"USERNAME": "gil", "ANSWER": "PASSWORD", "PASSWORD": "Pass-of-gil-1"})).must(t)
	wantSub("gil", done.AuthenticationResult)

	// A client that tells unknown names apart offers them PASSWORD alone,
	// even when another factor is preferred.
	sel = result(s.userAuth(open, map[string]string{"USERNAME": "hal", "PREFERRED_CHALLENGE": "PASSWORD_SRP"})).must(t)
	if sel.ChallengeName != types.ChallengeNameTypeSelectChallenge || !slices.Equal(challengeNames(sel.AvailableChallenges), []string{"PASSWORD"}) {
		t.Fatalf("hal: %s %v", sel.ChallengeName, sel.AvailableChallenges)
	}
	pwStep := result(s.answer(open, types.ChallengeNameTypeSelectChallenge, sel.Session,
		map[string]string{"USERNAME": "hal", "ANSWER": "PASSWORD"})).must(t)
	if pwStep.ChallengeName != types.ChallengeNameTypePassword {
		t.Fatalf("hal after SELECT_CHALLENGE: %s", pwStep.ChallengeName)
	}
	done = result(s.answer(open, types.ChallengeNameTypePassword, pwStep.Session,
		map[string]string{"USERNAME": "hal", "PASSWORD": "Pass-of-hal-1"})).must(t)
	wantSub("hal", done.AuthenticationResult)
	_, err = withPassword(open, "ivo", "Pass-of-ivo-2")
	wantCode(t, err, "UserNotFoundException", "Exception migrating user in app client "+open)
	_, err = withPassword(open, "nobody", "Pass-of-ivo-2")
	wantCode(t, err, "UserNotFoundException", "Exception migrating user in app client "+open)
	wantSub("ivo", result(withPassword(open, "ivo", "Pass-of-ivo-1")).must(t).AuthenticationResult)

	// A user reset on the old pool after the copy is created here
	// RESET_REQUIRED, read with the copy's AWS credentials (AdminGetUser),
	// and resets here; one not confirmed there is created not confirmed.
	old.user(old.pool, "jo", "Pass-of-jo-1", attr("email", "jo@example.com"), attr("email_verified", "true"))
	result(old.idp.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &old.pool, Username: aws.String("jo")})).must(t)
	_, err = withPassword(hide, "jo", "Pass-of-jo-1")
	wantCode(t, err, "PasswordResetRequiredException", "Password reset required for the user")
	if u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &old.pool, Username: aws.String("jo")})).must(t); u.UserStatus != types.UserStatusTypeResetRequired {
		t.Errorf("jo here: %s", u.UserStatus)
	}
	result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &hide, Username: aws.String("jo")})).must(t)
	result(s.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &hide, Username: aws.String("jo"),
		ConfirmationCode: aws.String(s.lastCode()), Password: aws.String("Pass-of-jo-2")})).must(t)
	result(old.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &old.spa, Username: aws.String("kit"), Password: aws.String("Pass-of-kit-1"),
		UserAttributes: []types.AttributeType{attr("email", "kit@example.com")}})).must(t)
	_, err = withPassword(hide, "kit", "Pass-of-kit-1")
	wantCode(t, err, "UserNotConfirmedException", "User is not confirmed.")
	if u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &old.pool, Username: aws.String("kit")})).must(t); u.UserStatus != types.UserStatusTypeUnconfirmed {
		t.Errorf("kit here: %s", u.UserStatus)
	}

	// The migrated users' passwords are here: they sign in without the old
	// pool.
	old.stop()
	for n, pw := range map[string]string{"fay": "Pass-of-fay-1", "gil": "Pass-of-gil-1", "hal": "Pass-of-hal-1", "ivo": "Pass-of-ivo-1", "jo": "Pass-of-jo-2"} {
		if _, err := withPassword(hide, n, pw); err != nil {
			t.Errorf("%s after the old pool stopped: %v", n, err)
		}
	}
}

// TestMigrateFromCognitoOldChallenges: the old pool answers a right
// password with a step the server cannot finish (MFA, a new password),
// "not confirmed", or "reset required", and the server has no AWS
// credentials to read a user new there (AdminGetUser). The client is told
// what Cognito tells: for MFA and a new password, what it says when its
// UserMigration function fails (the answer of an unknown name); for "not
// confirmed" UserNotConfirmedException, and for "reset required"
// PasswordResetRequiredException, as the old pool said. No password is
// taken, and a copied user reset on the old pool resets it here. A copied
// user not confirmed on the old pool is told so for the right password.
func TestMigrateFromCognitoOldChallenges(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testMigrateFromCognitoOldChallenges(t, backend) })
	}
}

func testMigrateFromCognitoOldChallenges(t *testing.T, backend string) {
	o := &oldCognito{server: newServer(t, "sqlite")}
	o.pool = o.server.pool(&cip.CreateUserPoolInput{PoolName: aws.String("gaps")})
	o.setMFA(o.pool, types.UserPoolMfaTypeOptional, false, true, false)
	open, _ := o.appClient(o.pool, false)
	hide := *result(o.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &o.pool, ClientName: aws.String("hide"),
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowUserAuth},
	})).must(t).UserPoolClient.ClientId
	o.user(o.pool, "bob", "Bob-pass-123", attr("email", "bob@example.com"), attr("email_verified", "true"))
	// cy signed up and is not confirmed.
	result(o.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &open, Username: aws.String("cy"), Password: aws.String("Cy-pass-12345"),
		UserAttributes: []types.AttributeType{attr("email", "cy@example.com")}})).must(t)
	s := startRP(t, backend, nil)
	if c := o.migrateWith(t, s, cognitomigrate.Options{UserPoolID: o.pool}); c["users"] != 2 {
		t.Fatalf("copy: %s", c)
	}
	// After the copy, on the old pool: mia with TOTP, ned with a
	// temporary password, uma signed up and not confirmed, ola and bob
	// reset by an administrator.
	o.totpUser(o.pool, open, "mia")
	result(o.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &o.pool, Username: aws.String("ned"),
		TemporaryPassword: aws.String("Ned-temp-1234"), MessageAction: types.MessageActionTypeSuppress})).must(t)
	result(o.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &open, Username: aws.String("uma"), Password: aws.String("Uma-pass-1234"),
		UserAttributes: []types.AttributeType{attr("email", "uma@example.com")}})).must(t)
	o.user(o.pool, "ola", "Ola-pass-1234", attr("email", "ola@example.com"), attr("email_verified", "true"))
	for _, n := range []string{"ola", "bob"} {
		result(o.idp.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &o.pool, Username: aws.String(n)})).must(t)
	}

	signIn := func(client, name, pw string) error {
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &client, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}})
		return err
	}
	unknown := map[string][2]string{open: {"UserNotFoundException", "Exception migrating user in app client " + open},
		hide: {"NotAuthorizedException", "Incorrect username or password."}}
	for _, client := range []string{open, hide} {
		want := unknown[client]
		for name, pw := range map[string]string{"mia": "Correct-Horse-9", "ned": "Ned-temp-1234"} {
			wantCode(t, signIn(client, name, pw), want[0], want[1])
			wantCode(t, signIn(client, name, pw+"x"), want[0], want[1])
		}
		wantCode(t, signIn(client, "uma", "Uma-pass-1234"), "UserNotConfirmedException", "User is not confirmed.")
		wantCode(t, signIn(client, "uma", "Uma-pass-9999"), want[0], want[1])
		wantCode(t, signIn(client, "cy", "Cy-pass-12345"), "UserNotConfirmedException", "User is not confirmed.")
		wantCode(t, signIn(client, "cy", "Cy-pass-99999"), "NotAuthorizedException", "Incorrect username or password.")
		wantCode(t, signIn(client, "ola", "Ola-pass-1234"), "PasswordResetRequiredException", "Password reset required for the user")
		wantCode(t, signIn(client, "bob", "Bob-pass-123"), "PasswordResetRequiredException", "Password reset required for the user")
	}
	// The same through USER_AUTH.
	_, err := s.userAuth(hide, map[string]string{"USERNAME": "mia", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Correct-Horse-9"})
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = s.userAuth(hide, map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Uma-pass-1234"})
	wantCode(t, err, "UserNotConfirmedException", "User is not confirmed.")
	// None of them was created here.
	for _, n := range []string{"mia", "ned", "uma", "ola"} {
		_, err := s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &o.pool, Username: aws.String(n)})
		wantCode(t, err, "UserNotFoundException", "")
	}
	// A right password the server could not finish with is no wrong one:
	// it does not count toward the lockout (mia has two wrong ones above,
	// and five failures lock).
	for range 5 {
		wantCode(t, signIn(hide, "mia", "Correct-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
	}

	// bob, copied, resets his password here, and signs in with the new
	// one without the old pool.
	result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &open, Username: aws.String("bob")})).must(t)
	result(s.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &open, Username: aws.String("bob"),
		ConfirmationCode: aws.String(s.lastCode()), Password: aws.String("Bob-new-pass-1")})).must(t)
	o.stop()
	if err := signIn(open, "bob", "Bob-new-pass-1"); err != nil {
		t.Errorf("bob after his reset here: %v", err)
	}
}
