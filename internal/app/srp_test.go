package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/config"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/srp/srpclient"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// srpStart runs InitiateAuth(USER_SRP_AUTH) and returns the SRP client with
// the answer.
func (s *server) srpStart(poolID, clientID string, params map[string]string) (*srpclient.Client, *cip.InitiateAuthOutput, error) {
	c := srpclient.NewClient(srp.PoolName(poolID))
	p := map[string]string{"SRP_A": c.SRPA()}
	for k, v := range params {
		p[k] = v
	}
	out, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: p,
	})
	return c, out, err
}

// srpAnswer computes the PASSWORD_VERIFIER responses for password at time
// at, as amazon-cognito-identity-js does.
func srpAnswer(t testing.TB, c *srpclient.Client, params map[string]string, password string, at time.Time) map[string]string {
	t.Helper()
	ts := srpclient.Timestamp(at)
	sig, err := c.Sign(srpclient.Challenge{UserIDForSRP: params["USER_ID_FOR_SRP"], Salt: params["SALT"],
		SRPB: params["SRP_B"], SecretBlock: params["SECRET_BLOCK"]}, password, ts)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"USERNAME": params["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
		"PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts,
	}
}

// srpVerify answers PASSWORD_VERIFIER.
func (s *server) srpVerify(clientID string, resp map[string]string, session *string) (*cip.RespondToAuthChallengeOutput, error) {
	return s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypePasswordVerifier,
		ChallengeResponses: resp, Session: session,
	})
}

// srpSignIn signs in with USER_SRP_AUTH and returns the final answer.
func (s *server) srpSignIn(poolID, clientID, username, password string, extra map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	s.t.Helper()
	params := map[string]string{"USERNAME": username}
	for k, v := range extra {
		params[k] = v
	}
	c, init, err := s.srpStart(poolID, clientID, params)
	if err != nil {
		return nil, err
	}
	if init.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		s.t.Fatalf("USER_SRP_AUTH answered %q", init.ChallengeName)
	}
	resp := srpAnswer(s.t, c, init.ChallengeParameters, password, time.Now())
	for k, v := range extra {
		if k != "USERNAME" {
			resp[k] = v
		}
	}
	return s.srpVerify(clientID, resp, init.Session)
}

var hexPattern = regexp.MustCompile(`^[0-9a-f]+$`)

func TestSRPSignIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "sally", "Correct-Horse-9", attr("email", "sally@example.com"))

		c, init, err := s.srpStart(poolID, clientID, map[string]string{"USERNAME": "sally"})
		if err != nil {
			t.Fatal(err)
		}
		p := init.ChallengeParameters
		if init.ChallengeName != types.ChallengeNameTypePasswordVerifier || p["USER_ID_FOR_SRP"] != "sally" ||
			p["USERNAME"] != "sally" || !hexPattern.MatchString(p["SALT"]) || !hexPattern.MatchString(p["SRP_B"]) {
			t.Fatalf("challenge %s %v", init.ChallengeName, p)
		}
		if _, err := base64.StdEncoding.DecodeString(p["SECRET_BLOCK"]); err != nil {
			t.Fatalf("SECRET_BLOCK is not base64: %v", err)
		}
		resp := srpAnswer(t, c, p, "Correct-Horse-9", time.Now())
		out := result(s.srpVerify(clientID, resp, init.Session)).must(t)
		if out.AuthenticationResult == nil || out.AuthenticationResult.RefreshToken == nil {
			t.Fatalf("no tokens: %+v", out)
		}
		id := s.verifyJWT(poolID, *out.AuthenticationResult.IdToken)
		if id["cognito:username"] != "sally" || id["email"] != "sally@example.com" {
			t.Fatalf("id token %v", id)
		}
		me := result(s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})).must(t)
		if aws.ToString(me.Username) != "sally" {
			t.Fatalf("GetUser %v", me.Username)
		}

		// The same SECRET_BLOCK and signature again: refused.
		_, err = s.srpVerify(clientID, resp, init.Session)
		wantCode(t, err, "NotAuthorizedException", "")

		// A wrong password.
		_, err = s.srpSignIn(poolID, clientID, "sally", "Wrong-Horse-9", nil)
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")

		// A TIMESTAMP far from the server's clock.
		c, init, _ = s.srpStart(poolID, clientID, map[string]string{"USERNAME": "sally"})
		_, err = s.srpVerify(clientID, srpAnswer(t, c, init.ChallengeParameters, "Correct-Horse-9", time.Now().Add(-10*time.Minute)), nil)
		wantCode(t, err, "NotAuthorizedException", "TIMESTAMP")
		// The block of that refused answer is spent too.
		_, err = s.srpVerify(clientID, srpAnswer(t, c, init.ChallengeParameters, "Correct-Horse-9", time.Now()), nil)
		wantCode(t, err, "NotAuthorizedException", "")

		// A SECRET_BLOCK altered by one bit.
		c, init, _ = s.srpStart(poolID, clientID, map[string]string{"USERNAME": "sally"})
		block, _ := base64.StdEncoding.DecodeString(init.ChallengeParameters["SECRET_BLOCK"])
		block[len(block)/2] ^= 1
		forged := map[string]string{}
		for k, v := range init.ChallengeParameters {
			forged[k] = v
		}
		forged["SECRET_BLOCK"] = base64.StdEncoding.EncodeToString(block)
		_, err = s.srpVerify(clientID, srpAnswer(t, c, forged, "Correct-Horse-9", time.Now()), nil)
		wantCode(t, err, "NotAuthorizedException", "")

		// The password changes between InitiateAuth and the answer.
		c, init, _ = s.srpStart(poolID, clientID, map[string]string{"USERNAME": "sally"})
		result(s.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
			Username: aws.String("sally"), Password: aws.String("Other-Horse-9"), Permanent: true})).must(t)
		_, err = s.srpVerify(clientID, srpAnswer(t, c, init.ChallengeParameters, "Correct-Horse-9", time.Now()), nil)
		wantCode(t, err, "NotAuthorizedException", "")
		if out, err := s.srpSignIn(poolID, clientID, "sally", "Other-Horse-9", nil); err != nil || out.AuthenticationResult == nil {
			t.Fatalf("new password: %v", err)
		}

		// Degenerate SRP_A values.
		for _, a := range []string{"0", srpN, "zz"} {
			_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
				AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: map[string]string{"USERNAME": "sally", "SRP_A": a}})
			wantCode(t, err, "InvalidParameterException", "SRP_A")
		}
		_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
			AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: map[string]string{"USERNAME": "sally"}})
		wantCode(t, err, "InvalidParameterException", "SRP_A")

		// Another client may not finish a challenge issued to this one.
		other, _ := s.appClient(poolID, false)
		c, init, _ = s.srpStart(poolID, clientID, map[string]string{"USERNAME": "sally"})
		_, err = s.srpVerify(other, srpAnswer(t, c, init.ChallengeParameters, "Other-Horse-9", time.Now()), nil)
		wantCode(t, err, "NotAuthorizedException", "")
	})
}

// srpN is the group's prime, an SRP_A that is 0 mod N.
const srpN = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

func TestSRPEveryPasswordPath(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, secret := s.appClient(poolID, true)
		hash := func(name string) string { return secretHash(secret, name, clientID) }
		signIn := func(name, pw string) (*cip.RespondToAuthChallengeOutput, error) {
			return s.srpSignIn(poolID, clientID, name, pw, map[string]string{"SECRET_HASH": hash(name)})
		}

		// SignUp, then confirmation.
		result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("una"),
			Password: aws.String("Correct-Horse-9"), SecretHash: aws.String(hash("una")),
			UserAttributes: []types.AttributeType{attr("email", "una@example.com")}})).must(t)
		result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("una"),
			ConfirmationCode: aws.String(s.lastCode()), SecretHash: aws.String(hash("una"))})).must(t)
		if out := result(signIn("una", "Correct-Horse-9")).must(t); out.AuthenticationResult == nil {
			t.Fatal("sign-up password: no tokens")
		}

		// A temporary password from AdminCreateUser, then NEW_PASSWORD_REQUIRED.
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("vic"),
			TemporaryPassword: aws.String("Temporary-Horse-9"), MessageAction: types.MessageActionTypeSuppress})).must(t)
		out := result(signIn("vic", "Temporary-Horse-9")).must(t)
		if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Fatalf("temporary password: %s", out.ChallengeName)
		}
		done := result(s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "vic", "NEW_PASSWORD": "Brand-New-Horse-9", "SECRET_HASH": hash("vic")}})).must(t)
		if done.AuthenticationResult == nil {
			t.Fatal("NEW_PASSWORD_REQUIRED: no tokens")
		}
		_, err := signIn("vic", "Temporary-Horse-9")
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
		result(signIn("vic", "Brand-New-Horse-9")).must(t)

		// AdminSetUserPassword.
		s.user(poolID, "walt", "Correct-Horse-9")
		result(signIn("walt", "Correct-Horse-9")).must(t)

		// AdminInitiateAuth and AdminRespondToAuthChallenge.
		c := srpclient.NewClient(srp.PoolName(poolID))
		a := result(s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": "walt", "SRP_A": c.SRPA(), "SECRET_HASH": hash("walt")}})).must(t)
		resp := srpAnswer(t, c, a.ChallengeParameters, "Correct-Horse-9", time.Now())
		resp["SECRET_HASH"] = hash("walt")
		ar := result(s.idp.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypePasswordVerifier,
			ChallengeResponses: resp, Session: a.Session})).must(t)
		if ar.AuthenticationResult == nil {
			t.Fatal("admin SRP: no tokens")
		}
		// Without SECRET_HASH, a client with a secret refuses.
		_, _, err = s.srpStart(poolID, clientID, map[string]string{"USERNAME": "walt"})
		wantCode(t, err, "NotAuthorizedException", "secret")
	})
}

func TestSRPUserExistence(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})
		legacy, _ := s.appClient(poolID, false)
		hiding := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID),
			ClientName: aws.String("hiding"), PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
				types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).must(t).UserPoolClient.ClientId
		s.user(poolID, "yara@example.com", "Correct-Horse-9")
		sub := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID),
			Username: aws.String("yara@example.com")})).must(t).Username

		// The email signs in; USER_ID_FOR_SRP is the internal username (the sub).
		_, init, err := s.srpStart(poolID, legacy, map[string]string{"USERNAME": "yara@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if init.ChallengeParameters["USER_ID_FOR_SRP"] != *sub {
			t.Fatalf("USER_ID_FOR_SRP %q, want %q", init.ChallengeParameters["USER_ID_FOR_SRP"], *sub)
		}
		result(s.srpSignIn(poolID, legacy, "yara@example.com", "Correct-Horse-9", nil)).must(t)

		// An unknown user: UserNotFoundException on a LEGACY client ...
		_, _, err = s.srpStart(poolID, legacy, map[string]string{"USERNAME": "nobody@example.com"})
		wantCode(t, err, "UserNotFoundException", "")
		// ... and on an ENABLED client, a challenge like a real one, stable per
		// name, that fails as a wrong password does.
		_, first, err := s.srpStart(poolID, *hiding, map[string]string{"USERNAME": "nobody@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		_, second, _ := s.srpStart(poolID, *hiding, map[string]string{"USERNAME": "nobody@example.com"})
		fp, sp := first.ChallengeParameters, second.ChallengeParameters
		if fp["SALT"] != sp["SALT"] || fp["USER_ID_FOR_SRP"] != sp["USER_ID_FOR_SRP"] || fp["SRP_B"] == sp["SRP_B"] {
			t.Fatalf("unstable fake challenge: %v vs %v", fp, sp)
		}
		if len(fp["USER_ID_FOR_SRP"]) != 36 || !hexPattern.MatchString(fp["SALT"]) {
			t.Fatalf("fake challenge %v", fp)
		}
		_, err = s.srpSignIn(poolID, *hiding, "nobody@example.com", "Correct-Horse-9", nil)
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
		_, err = s.srpSignIn(poolID, *hiding, "yara@example.com", "Wrong-Horse-9", nil)
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
}

func TestSRPLockoutAndPasswordChanges(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "zoe", "Correct-Horse-9", attr("email", "zoe@example.com"), attr("email_verified", "true"))

		// Wrong SRP proofs are failed sign-ins, counted with wrong passwords.
		for i := 0; i < 4; i++ {
			_, err := s.srpSignIn(poolID, clientID, "zoe", "Wrong-Horse-9", nil)
			wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
		}
		wantCode(t, s.passwordSignIn(clientID, "zoe", "Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
		_, err := s.srpSignIn(poolID, clientID, "zoe", "Correct-Horse-9", nil)
		wantCode(t, err, "NotAuthorizedException", lockedMsg)
		clk.Advance(2 * time.Second)
		result(s.srpSignIn(poolID, clientID, "zoe", "Correct-Horse-9", nil)).must(t)

		// ChangePassword gives a new verifier.
		tok := s.signIn(clientID, "zoe", "Correct-Horse-9")
		result(s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tok.AccessToken,
			PreviousPassword: aws.String("Correct-Horse-9"), ProposedPassword: aws.String("Changed-Horse-9")})).must(t)
		_, err = s.srpSignIn(poolID, clientID, "zoe", "Correct-Horse-9", nil)
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
		result(s.srpSignIn(poolID, clientID, "zoe", "Changed-Horse-9", nil)).must(t)

		// So does ConfirmForgotPassword.
		result(s.forgot(clientID, "zoe")).must(t)
		result(s.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID),
			Username: aws.String("zoe"), ConfirmationCode: aws.String(s.lastCode()), Password: aws.String("Recovered-Horse-9")})).must(t)
		result(s.srpSignIn(poolID, clientID, "zoe", "Recovered-Horse-9", nil)).must(t)
		_, err = s.srpSignIn(poolID, clientID, "zoe", "Changed-Horse-9", nil)
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	})
}

// TestSRPUserWithoutVerifier: a user whose password was set before Cognate
// stored SRP verifiers fails USER_SRP_AUTH as a wrong password does, signs
// in with USER_PASSWORD_AUTH, and from then on has a verifier.
func TestSRPUserWithoutVerifier(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			cfg := newConfig(t, b)
			s := start(t, cfg)
			poolID := s.pool(nil)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, "olga", "Correct-Horse-9")
			sub := s.verifyJWT(poolID, *s.signIn(clientID, "olga", "Correct-Horse-9").IdToken)["sub"].(string)
			s.stop()
			clearVerifier(t, cfg, poolID, sub)

			s = start(t, cfg)
			_, err := s.srpSignIn(poolID, clientID, "olga", "Correct-Horse-9", nil)
			wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
			s.signIn(clientID, "olga", "Correct-Horse-9")
			result(s.srpSignIn(poolID, clientID, "olga", "Correct-Horse-9", nil)).must(t)
		})
	}
}

// clearVerifier removes a user's SRP salt and verifier from the stopped
// server's database, as a user created before verifiers were stored has
// none.
func clearVerifier(t *testing.T, cfg config.Config, poolID, sub string) {
	t.Helper()
	st := openStore(t, cfg)
	u, err := st.Users().GetBySub(ctx, poolID, sub)
	if err != nil {
		t.Fatal(err)
	}
	if u.SRPVerifier == "" || u.SRPSalt == "" {
		t.Fatal("the user has no verifier to clear")
	}
	u.SRPSalt, u.SRPVerifier = "", ""
	if err := st.Users().Put(ctx, u); err != nil {
		t.Fatal(err)
	}
	st.Close()
}

// TestSecretsSealedAtRest: what lets an attacker test passwords offline or
// compute TOTP codes (the SRP verifiers of users and devices, the TOTP
// secret) is stored sealed, never as the values themselves.
func TestSecretsSealedAtRest(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			cfg := newConfig(t, b)
			s := start(t, cfg)
			poolID := s.pool(&cip.CreateUserPoolInput{DeviceConfiguration: &types.DeviceConfigurationType{}})
			s.setMFA(poolID, types.UserPoolMfaTypeOptional, false, true, false)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, "sue", "Correct-Horse-9")
			tok := s.signIn(clientID, "sue", "Correct-Horse-9")
			totpSecret := s.enrollTOTP(tok.AccessToken, time.Now())
			d, _ := s.confirmDevice(tok, "laptop")
			sub := s.verifyJWT(poolID, *tok.IdToken)["sub"].(string)
			s.stop()

			st := openStore(t, cfg)
			u, err := st.Users().GetBySub(ctx, poolID, sub)
			if err != nil {
				t.Fatal(err)
			}
			// One verifier, bound to the username (the pool has no alias
			// to sign in by), sealed, stored as bytes: a tag (2) and the
			// sealed verifier.
			ring, err := secret.LoadKeyRing(cfg.DataDir, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			if len(u.SRPVerifier) < 2 || u.SRPVerifier[0] != 2 {
				t.Fatalf("SRPVerifier is not one verifier bound to the username: %.8q", u.SRPVerifier)
			}
			v := userVerifier(t, poolID, u.Username, "Correct-Horse-9", u.SRPSalt)
			sealed := []byte(u.SRPVerifier[1:])
			if len(sealed) < len(v) || bytes.Contains(sealed, bytes.TrimLeft(v, "\x00")) {
				t.Fatalf("the SRP verifier is stored in the clear (%d bytes)", len(sealed))
			}
			// And what is sealed is that verifier (so the search above
			// looked for the right bytes).
			plain, err := ring.Open(sealed, []byte("srp-verifier:"+poolID+":"+sub))
			if err != nil || !bytes.Equal(bytes.TrimLeft(plain, "\x00"), v) {
				t.Fatalf("the sealed verifier is not the user's (%v)", err)
			}
			if len(u.MFA) == 0 || bytes.Contains(u.MFA, []byte(totpSecret)) || bytes.Contains(u.MFA, []byte("SOFTWARE")) {
				t.Fatal("the MFA settings (TOTP secret) are stored in the clear")
			}
			dev, err := st.Devices().Get(ctx, poolID, d.key)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := base64.StdEncoding.DecodeString(d.secret.PasswordVerifier)
			if bytes.Contains(dev.VerifierSealed, bytes.TrimLeft(raw, "\x00")) {
				t.Fatal("the device verifier is stored in the clear")
			}
		})
	}
}

// userVerifier computes the SRP verifier g^x for a user's password, as a
// client would, to look for it in storage.
func userVerifier(t *testing.T, poolID, userID, password, saltHex string) []byte {
	t.Helper()
	salt, err := hex.DecodeString(saltHex)
	if err != nil {
		t.Fatal(err)
	}
	inner := sha256.Sum256([]byte(srp.PoolName(poolID) + userID + ":" + password))
	x := sha256.Sum256(append(append([]byte{}, salt...), inner[:]...))
	n, _ := new(big.Int).SetString(srpN, 16)
	return new(big.Int).Exp(big.NewInt(2), new(big.Int).SetBytes(x[:]), n).Bytes()
}

// openStore opens a stopped server's database.
func openStore(t *testing.T, cfg config.Config) storage.Store {
	t.Helper()
	var st storage.Store
	var err error
	if cfg.DatabaseURL != "" {
		st, err = postgres.Open(ctx, cfg.DatabaseURL)
	} else {
		st, err = sqlite.Open(ctx, filepath.Join(cfg.DataDir, "cognate.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
