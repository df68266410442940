package app_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/totp"
)

// setMFA sets the pool's MFA mode and factors.
func (s *server) setMFA(poolID string, mode types.UserPoolMfaType, sms, software, email bool) {
	s.t.Helper()
	in := &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID), MfaConfiguration: mode}
	if sms {
		in.SmsMfaConfiguration = &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your code: {####}")}
	}
	if software {
		in.SoftwareTokenMfaConfiguration = &types.SoftwareTokenMfaConfigType{Enabled: true}
	}
	if email {
		in.EmailMfaConfiguration = &types.EmailMfaConfigType{Subject: aws.String("Sign-in code"), Message: aws.String("Your sign-in code is {####}")}
	}
	result(s.idp.SetUserPoolMfaConfig(ctx, in)).must(s.t)
}

// passwordInit starts USER_PASSWORD_AUTH.
func (s *server) passwordInit(clientID, username, password string) *cip.InitiateAuthOutput {
	s.t.Helper()
	return result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})).must(s.t)
}

// enrollTOTP associates and verifies an authenticator with the access
// token and returns its secret.
func (s *server) enrollTOTP(access *string, now time.Time) string {
	s.t.Helper()
	secret := *result(s.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: access})).must(s.t).SecretCode
	code, _ := totp.Generate(secret, now)
	out := result(s.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: access,
		UserCode: aws.String(code), FriendlyDeviceName: aws.String("phone")})).must(s.t)
	if out.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		s.t.Fatalf("VerifySoftwareToken: %s", out.Status)
	}
	return secret
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.Generate(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTOTPMFA(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(nil)
		s.setMFA(poolID, types.UserPoolMfaTypeOptional, false, true, false)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "tess", "Correct-Horse-9")

		// OPTIONAL and no factor yet: tokens.
		tok := s.signIn(clientID, "tess", "Correct-Horse-9")
		secret := *result(s.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: tok.AccessToken})).must(t).SecretCode
		if !regexpMatch(`^[A-Z2-7]{16,}$`, secret) {
			t.Fatalf("SecretCode %q", secret)
		}
		_, err := s.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: tok.AccessToken,
			UserCode: aws.String(wrongCode(totpCode(t, secret, clk.Now())))})
		wantCode(t, err, "EnableSoftwareTokenMFAException", "")
		// Enabling TOTP before verifying it is refused.
		_, err = s.idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tok.AccessToken,
			SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true}})
		wantCode(t, err, "InvalidParameterException", "")
		result(s.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: tok.AccessToken,
			UserCode: aws.String(totpCode(t, secret, clk.Now()))})).must(t)
		if got := s.signIn(clientID, "tess", "Correct-Horse-9"); got == nil {
			t.Fatal("verified but not enabled: MFA asked")
		}
		result(s.idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tok.AccessToken,
			SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})).must(t)
		me := result(s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})).must(t)
		if !slices.Equal(me.UserMFASettingList, []string{"SOFTWARE_TOKEN_MFA"}) || aws.ToString(me.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
			t.Fatalf("GetUser MFA: %v %v", me.UserMFASettingList, me.PreferredMfaSetting)
		}

		// Now sign-in asks for a code.
		clk.Advance(30 * time.Second)
		init := s.passwordInit(clientID, "tess", "Correct-Horse-9")
		if init.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || init.Session == nil {
			t.Fatalf("sign-in: %s", init.ChallengeName)
		}
		answer := func(sess *string, code string) (*cip.RespondToAuthChallengeOutput, error) {
			return s.answer(clientID, types.ChallengeNameTypeSoftwareTokenMfa, sess,
				map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": code})
		}
		code := totpCode(t, secret, clk.Now())
		_, err = answer(init.Session, wrongCode(code))
		wantCode(t, err, "CodeMismatchException", "")
		done := result(answer(init.Session, code)).must(t)
		if done.AuthenticationResult == nil {
			t.Fatal("right code: no tokens")
		}
		// The same code again, in a new sign-in: refused.
		again := s.passwordInit(clientID, "tess", "Correct-Horse-9")
		_, err = answer(again.Session, code)
		wantCode(t, err, "CodeMismatchException", "")
		// Three wrong codes end the session.
		_, err = answer(again.Session, wrongCode(code))
		wantCode(t, err, "CodeMismatchException", "")
		_, err = answer(again.Session, wrongCode(wrongCode(code)))
		wantCode(t, err, "CodeMismatchException", "")
		clk.Advance(30 * time.Second)
		_, err = answer(again.Session, totpCode(t, secret, clk.Now()))
		wantCode(t, err, "NotAuthorizedException", "session")

		// With SRP, and through the admin operations.
		r := result(s.srpSignIn(poolID, clientID, "tess", "Correct-Horse-9", nil)).must(t)
		if r.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("SRP sign-in: %s", r.ChallengeName)
		}
		result(answer(r.Session, totpCode(t, secret, clk.Now()))).must(t)
		clk.Advance(30 * time.Second)
		a := result(s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "tess", "PASSWORD": "Correct-Horse-9"}})).must(t)
		ar := result(s.idp.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: a.Session,
			ChallengeResponses: map[string]string{"USERNAME": "tess", "SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())}})).must(t)
		if ar.AuthenticationResult == nil {
			t.Fatal("admin MFA: no tokens")
		}

		// Turning TOTP off ends MFA for the user (the pool is OPTIONAL).
		result(s.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID),
			Username: aws.String("tess"), SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: false}})).must(t)
		s.signIn(clientID, "tess", "Correct-Horse-9")
		admin := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("tess")})).must(t)
		if len(admin.UserMFASettingList) != 0 || admin.PreferredMfaSetting != nil {
			t.Fatalf("after turning TOTP off: %v %v", admin.UserMFASettingList, admin.PreferredMfaSetting)
		}
	})
}

func TestMFARequiredSetup(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(nil)
		s.setMFA(poolID, types.UserPoolMfaTypeOn, false, true, false)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "mia", "Correct-Horse-9")

		init := s.passwordInit(clientID, "mia", "Correct-Horse-9")
		if init.ChallengeName != types.ChallengeNameTypeMfaSetup {
			t.Fatalf("MFA ON without a factor: %s", init.ChallengeName)
		}
		var can []string
		if err := json.Unmarshal([]byte(init.ChallengeParameters["MFAS_CAN_SETUP"]), &can); err != nil || !slices.Equal(can, []string{"SOFTWARE_TOKEN_MFA"}) {
			t.Fatalf("MFAS_CAN_SETUP %q", init.ChallengeParameters["MFAS_CAN_SETUP"])
		}
		// MFA_SETUP without a verified authenticator does not sign in.
		_, err := s.answer(clientID, types.ChallengeNameTypeMfaSetup, init.Session, map[string]string{"USERNAME": "mia"})
		wantCode(t, err, "InvalidParameterException", "")
		assoc := result(s.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: init.Session})).must(t)
		if assoc.Session == nil {
			t.Fatal("AssociateSoftwareToken with a Session returned none")
		}
		_, err = s.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: init.Session, AccessToken: aws.String("x.y.z")})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session,
			UserCode: aws.String(wrongCode(totpCode(t, *assoc.SecretCode, clk.Now())))})
		wantCode(t, err, "EnableSoftwareTokenMFAException", "")
		ver := result(s.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session,
			UserCode: aws.String(totpCode(t, *assoc.SecretCode, clk.Now()))})).must(t)
		if ver.Status != types.VerifySoftwareTokenResponseTypeSuccess || ver.Session == nil {
			t.Fatalf("VerifySoftwareToken: %+v", ver)
		}
		done := result(s.answer(clientID, types.ChallengeNameTypeMfaSetup, ver.Session, map[string]string{"USERNAME": "mia"})).must(t)
		if done.AuthenticationResult == nil {
			t.Fatal("MFA_SETUP: no tokens")
		}
		me := result(s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: done.AuthenticationResult.AccessToken})).must(t)
		if !slices.Equal(me.UserMFASettingList, []string{"SOFTWARE_TOKEN_MFA"}) || aws.ToString(me.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
			t.Fatalf("after MFA_SETUP: %v %v", me.UserMFASettingList, me.PreferredMfaSetting)
		}
		clk.Advance(30 * time.Second)
		next := s.passwordInit(clientID, "mia", "Correct-Horse-9")
		if next.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("after set-up: %s", next.ChallengeName)
		}

		// MFA ON with SMS: a user with a phone number gets SMS_MFA at once.
		smsPool := s.pool(nil)
		s.setMFA(smsPool, types.UserPoolMfaTypeOn, true, true, false)
		smsClient, _ := s.appClient(smsPool, false)
		s.user(smsPool, "pat", "Correct-Horse-9", attr("phone_number", "+15555550123"))
		init = s.passwordInit(smsClient, "pat", "Correct-Horse-9")
		if init.ChallengeName != types.ChallengeNameTypeSmsMfa || init.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" {
			t.Fatalf("MFA ON with a phone number: %s %v", init.ChallengeName, init.ChallengeParameters)
		}
		if !containsText(s.lastMessage(), "Your code: ") {
			t.Fatalf("SMS text: %s", s.lastMessage())
		}
		done = result(s.answer(smsClient, types.ChallengeNameTypeSmsMfa, init.Session,
			map[string]string{"USERNAME": "pat", "SMS_MFA_CODE": s.lastCode()})).must(t)
		if done.AuthenticationResult == nil {
			t.Fatal("SMS_MFA: no tokens")
		}
		s.user(smsPool, "quinn", "Correct-Horse-9")
		init = s.passwordInit(smsClient, "quinn", "Correct-Horse-9")
		if init.ChallengeName != types.ChallengeNameTypeMfaSetup || init.ChallengeParameters["MFAS_CAN_SETUP"] != `["SMS_MFA","SOFTWARE_TOKEN_MFA"]` {
			t.Fatalf("MFA ON without a phone number: %s %v", init.ChallengeName, init.ChallengeParameters)
		}
	})
}

func TestSMSAndEmailMFA(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(nil)
		s.setMFA(poolID, types.UserPoolMfaTypeOptional, true, true, true)
		clientID := *result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID),
			ClientName: aws.String("app"), AuthSessionValidity: aws.Int32(15),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
				types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).must(t).UserPoolClient.ClientId
		s.user(poolID, "lee", "Correct-Horse-9", attr("phone_number", "+15555550199"), attr("email", "lee@example.com"))
		s.user(poolID, "kim", "Correct-Horse-9")

		// Factors the user cannot receive are refused.
		_, err := s.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID),
			Username: aws.String("kim"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}})
		wantCode(t, err, "InvalidParameterException", "phone")
		_, err = s.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID),
			Username: aws.String("kim"), EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}})
		wantCode(t, err, "InvalidParameterException", "email")

		// Two factors and no preference: SELECT_MFA_TYPE.
		result(s.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID),
			Username: aws.String("lee"), SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true},
			EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}})).must(t)
		user := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("lee")})).must(t)
		if !slices.Equal(user.UserMFASettingList, []string{"SMS_MFA", "EMAIL_OTP"}) || len(user.MFAOptions) != 1 ||
			aws.ToString(user.MFAOptions[0].AttributeName) != "phone_number" {
			t.Fatalf("AdminGetUser MFA: %v %+v", user.UserMFASettingList, user.MFAOptions)
		}
		init := s.passwordInit(clientID, "lee", "Correct-Horse-9")
		if init.ChallengeName != types.ChallengeNameTypeSelectMfaType || init.ChallengeParameters["MFAS_CAN_CHOOSE"] != `["SMS_MFA","EMAIL_OTP"]` {
			t.Fatalf("two factors: %s %v", init.ChallengeName, init.ChallengeParameters)
		}
		_, err = s.answer(clientID, types.ChallengeNameTypeSelectMfaType, init.Session,
			map[string]string{"USERNAME": "lee", "ANSWER": "SOFTWARE_TOKEN_MFA"})
		wantCode(t, err, "MFAMethodNotFoundException", "")
		sms := result(s.answer(clientID, types.ChallengeNameTypeSelectMfaType, init.Session,
			map[string]string{"USERNAME": "lee", "ANSWER": "SMS_MFA"})).must(t)
		if sms.ChallengeName != types.ChallengeNameTypeSmsMfa || sms.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******0199" {
			t.Fatalf("SMS_MFA: %s %v", sms.ChallengeName, sms.ChallengeParameters)
		}
		code := s.lastCode()
		_, err = s.answer(clientID, types.ChallengeNameTypeSmsMfa, sms.Session, map[string]string{"USERNAME": "lee", "SMS_MFA_CODE": wrongCode(code)})
		wantCode(t, err, "CodeMismatchException", "")
		result(s.answer(clientID, types.ChallengeNameTypeSmsMfa, sms.Session, map[string]string{"USERNAME": "lee", "SMS_MFA_CODE": code})).must(t)

		// Email preferred: EMAIL_OTP at once, with the pool's template.
		result(s.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID),
			Username: aws.String("lee"), EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}})).must(t)
		init = s.passwordInit(clientID, "lee", "Correct-Horse-9")
		if init.ChallengeName != types.ChallengeNameTypeEmailOtp || init.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" {
			t.Fatalf("email preferred: %s %v", init.ChallengeName, init.ChallengeParameters)
		}
		if msg := s.lastMessage(); !containsText(msg, "Sign-in code") || !containsText(msg, "Your sign-in code is") {
			t.Fatalf("email MFA message: %s", msg)
		}
		// A code lives 3 minutes.
		code = s.lastCode()
		clk.Advance(4 * time.Minute)
		_, err = s.answer(clientID, types.ChallengeNameTypeEmailOtp, init.Session, map[string]string{"USERNAME": "lee", "EMAIL_OTP_CODE": code})
		wantCode(t, err, "ExpiredCodeException", "")
		init = s.passwordInit(clientID, "lee", "Correct-Horse-9")
		result(s.answer(clientID, types.ChallengeNameTypeEmailOtp, init.Session,
			map[string]string{"USERNAME": "lee", "EMAIL_OTP_CODE": s.lastCode()})).must(t)

		// The legacy SetUserSettings turns SMS MFA on and off.
		result(s.idp.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: aws.String(poolID), Username: aws.String("lee"),
			MFAOptions: []types.MFAOptionType{}})).must(t)
		user = result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("lee")})).must(t)
		if !slices.Equal(user.UserMFASettingList, []string{"EMAIL_OTP"}) || len(user.MFAOptions) != 0 {
			t.Fatalf("after SetUserSettings([]): %v %+v", user.UserMFASettingList, user.MFAOptions)
		}
		tok := result(s.answer(clientID, types.ChallengeNameTypeEmailOtp, s.passwordInit(clientID, "lee", "Correct-Horse-9").Session,
			map[string]string{"USERNAME": "lee", "EMAIL_OTP_CODE": s.lastCode()})).must(t).AuthenticationResult
		result(s.idp.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: tok.AccessToken,
			MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}})).must(t)
		me := result(s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})).must(t)
		if !slices.Equal(me.UserMFASettingList, []string{"SMS_MFA", "EMAIL_OTP"}) || len(me.MFAOptions) != 1 {
			t.Fatalf("after SetUserSettings(SMS): %v %+v", me.UserMFASettingList, me.MFAOptions)
		}
		_, err = s.idp.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: tok.AccessToken,
			MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeEmail, AttributeName: aws.String("email")}}})
		wantCode(t, err, "InvalidParameterException", "")
	})
}

func TestMFASetupWithEmail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		s.setMFA(poolID, types.UserPoolMfaTypeOn, false, true, true)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "gus", "Correct-Horse-9")

		init := s.passwordInit(clientID, "gus", "Correct-Horse-9")
		if init.ChallengeName != types.ChallengeNameTypeMfaSetup || init.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]` {
			t.Fatalf("MFA_SETUP: %s %v", init.ChallengeName, init.ChallengeParameters)
		}
		_, err := s.answer(clientID, types.ChallengeNameTypeMfaSetup, init.Session, map[string]string{"USERNAME": "gus", "EMAIL": "not-an-address"})
		wantCode(t, err, "InvalidParameterException", "")
		otp := result(s.answer(clientID, types.ChallengeNameTypeMfaSetup, init.Session,
			map[string]string{"USERNAME": "gus", "EMAIL": "gus@example.com"})).must(t)
		if otp.ChallengeName != types.ChallengeNameTypeEmailOtp || !containsText(s.lastMessage(), "gus@example.com") {
			t.Fatalf("email set-up: %s %v", otp.ChallengeName, otp.ChallengeParameters)
		}
		done := result(s.answer(clientID, types.ChallengeNameTypeEmailOtp, otp.Session,
			map[string]string{"USERNAME": "gus", "EMAIL_OTP_CODE": s.lastCode()})).must(t)
		if done.AuthenticationResult == nil {
			t.Fatal("email set-up: no tokens")
		}
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("gus")})).must(t)
		email, _ := attrValue(u.UserAttributes, "email")
		verified, _ := attrValue(u.UserAttributes, "email_verified")
		if email != "gus@example.com" || verified != "true" || !slices.Equal(u.UserMFASettingList, []string{"EMAIL_OTP"}) {
			t.Fatalf("after email set-up: %s %s %v", email, verified, u.UserMFASettingList)
		}
		if next := s.passwordInit(clientID, "gus", "Correct-Horse-9"); next.ChallengeName != types.ChallengeNameTypeEmailOtp {
			t.Fatalf("next sign-in: %s", next.ChallengeName)
		}
	})
}
