package app_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/srp/srpclient"
)

// device is a remembered device as a client keeps it.
type device struct {
	key, group string
	secret     srpclient.DeviceSecret
}

// confirmDevice registers the device a sign-in's NewDeviceMetadata named,
// as amazon-cognito-identity-js does after tokens arrive.
func (s *server) confirmDevice(res *types.AuthenticationResultType, name string) (device, *cip.ConfirmDeviceOutput) {
	s.t.Helper()
	m := res.NewDeviceMetadata
	if m == nil || m.DeviceKey == nil || m.DeviceGroupKey == nil {
		s.t.Fatalf("no NewDeviceMetadata in %+v", res)
	}
	d := device{key: *m.DeviceKey, group: *m.DeviceGroupKey}
	d.secret = srpclient.NewDeviceSecret(d.group, d.key)
	var deviceName *string
	if name != "" {
		deviceName = aws.String(name)
	}
	out := result(s.idp.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{
		AccessToken: res.AccessToken, DeviceKey: m.DeviceKey, DeviceName: deviceName,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{
			Salt: aws.String(d.secret.Salt), PasswordVerifier: aws.String(d.secret.PasswordVerifier)},
	})).must(s.t)
	return d, out
}

// deviceAuth answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER for d,
// with the device password given (d's own unless another is passed).
func (s *server) deviceAuth(clientID, username string, challenge *string, d device, password string) (*cip.RespondToAuthChallengeOutput, error) {
	s.t.Helper()
	c := srpclient.NewClient(d.group)
	out, err := s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeDeviceSrpAuth, Session: challenge,
		ChallengeResponses: map[string]string{"USERNAME": username, "DEVICE_KEY": d.key, "SRP_A": c.SRPA()},
	})
	if err != nil {
		return nil, err
	}
	p := out.ChallengeParameters
	if out.ChallengeName != types.ChallengeNameTypeDevicePasswordVerifier || p["DEVICE_KEY"] != d.key ||
		!hexPattern.MatchString(p["SALT"]) || !hexPattern.MatchString(p["SRP_B"]) {
		s.t.Fatalf("DEVICE_SRP_AUTH answered %s %v", out.ChallengeName, p)
	}
	ts := srpclient.Timestamp(time.Now())
	sig, err := c.Sign(srpclient.Challenge{UserIDForSRP: d.key, Salt: p["SALT"], SRPB: p["SRP_B"], SecretBlock: p["SECRET_BLOCK"]}, password, ts)
	if err != nil {
		s.t.Fatal(err)
	}
	return s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeDevicePasswordVerifier, Session: out.Session,
		ChallengeResponses: map[string]string{"USERNAME": p["USERNAME"], "DEVICE_KEY": d.key, "TIMESTAMP": ts,
			"PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig},
	})
}

func TestDevices(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{DeviceConfiguration: &types.DeviceConfigurationType{
			ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "dora", "Correct-Horse-9")

		// A sign-in without a device gets a new device key, in the access
		// token too.
		first := result(s.srpSignIn(poolID, clientID, "dora", "Correct-Horse-9", nil)).must(t).AuthenticationResult
		if first == nil || first.NewDeviceMetadata == nil {
			t.Fatalf("no NewDeviceMetadata: %+v", first)
		}
		key := *first.NewDeviceMetadata.DeviceKey
		if !regexpMatch(`^us-east-1_[0-9a-f-]{36}$`, key) || !regexpMatch(`^-[0-9A-Za-z]{9}$`, *first.NewDeviceMetadata.DeviceGroupKey) {
			t.Fatalf("device metadata %q %q", key, *first.NewDeviceMetadata.DeviceGroupKey)
		}
		if got := s.verifyJWT(poolID, *first.AccessToken)["device_key"]; got != key {
			t.Fatalf("access token device_key %v, want %s", got, key)
		}
		// Only the session's device can be confirmed.
		_, err := s.idp.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: first.AccessToken,
			DeviceKey:                  aws.String("us-east-1_00000000-0000-4000-8000-000000000000"),
			DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{Salt: aws.String("AQ=="), PasswordVerifier: aws.String("Ag==")}})
		wantCode(t, err, "ResourceNotFoundException", "")
		d, conf := s.confirmDevice(first, "laptop")
		if !conf.UserConfirmationNecessary {
			t.Fatal("UserConfirmationNecessary is false with DeviceOnlyRememberedOnUserPrompt")
		}
		_, err = s.idp.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: first.AccessToken, DeviceKey: aws.String(d.key),
			DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{Salt: aws.String(d.secret.Salt),
				PasswordVerifier: aws.String(d.secret.PasswordVerifier)}})
		wantCode(t, err, "DeviceKeyExistsException", "")

		got := result(s.idp.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: first.AccessToken, DeviceKey: aws.String(d.key)})).must(t).Device
		if v, _ := attrValue(got.DeviceAttributes, "dev:device_remembered_status"); v != "not_remembered" {
			t.Fatalf("new device status %q", v)
		}
		if ip, _ := attrValue(got.DeviceAttributes, "last_ip_used"); ip != "127.0.0.1" {
			t.Fatalf("last_ip_used %q", ip)
		}
		if v, _ := attrValue(got.DeviceAttributes, "device_name"); v != "laptop" || got.DeviceCreateDate == nil {
			t.Fatalf("device %+v", got)
		}
		result(s.idp.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: first.AccessToken,
			DeviceKey: aws.String(d.key), DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered})).must(t)
		got = result(s.idp.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: aws.String(poolID),
			Username: aws.String("dora"), DeviceKey: aws.String(d.key)})).must(t).Device
		if v, _ := attrValue(got.DeviceAttributes, "dev:device_remembered_status"); v != "remembered" {
			t.Fatalf("device status after UpdateDeviceStatus %q", v)
		}

		// Signing in again from the device: the password, then the device.
		for _, flow := range []string{"SRP", "PASSWORD"} {
			var r *cip.RespondToAuthChallengeOutput
			if flow == "SRP" {
				r = result(s.srpSignIn(poolID, clientID, "dora", "Correct-Horse-9", map[string]string{"DEVICE_KEY": d.key})).must(t)
			} else {
				init := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
					AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{
						"USERNAME": "dora", "PASSWORD": "Correct-Horse-9", "DEVICE_KEY": d.key}})).must(t)
				r = &cip.RespondToAuthChallengeOutput{ChallengeName: init.ChallengeName, Session: init.Session}
			}
			if r.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
				t.Fatalf("%s with a device key: %s", flow, r.ChallengeName)
			}
			done := result(s.deviceAuth(clientID, "dora", r.Session, d, d.secret.Password)).must(t).AuthenticationResult
			if done == nil || done.NewDeviceMetadata != nil {
				t.Fatalf("%s: device sign-in %+v", flow, done)
			}
			if got := s.verifyJWT(poolID, *done.AccessToken)["device_key"]; got != d.key {
				t.Fatalf("%s: device_key %v", flow, got)
			}
			// Refresh keeps the device.
			ref := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
				AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{
					"REFRESH_TOKEN": *done.RefreshToken, "DEVICE_KEY": d.key}})).must(t).AuthenticationResult
			if got := s.verifyJWT(poolID, *ref.AccessToken)["device_key"]; got != d.key {
				t.Fatalf("%s: refreshed device_key %v", flow, got)
			}
		}

		// A wrong device secret fails; so does a device key nobody has.
		r := result(s.srpSignIn(poolID, clientID, "dora", "Correct-Horse-9", map[string]string{"DEVICE_KEY": d.key})).must(t)
		_, err = s.deviceAuth(clientID, "dora", r.Session, d, "not-the-device-password")
		wantCode(t, err, "NotAuthorizedException", "")
		_, err = s.srpSignIn(poolID, clientID, "dora", "Correct-Horse-9",
			map[string]string{"DEVICE_KEY": "us-east-1_00000000-0000-4000-8000-000000000000"})
		wantCode(t, err, "ResourceNotFoundException", "Device does not exist.")

		// Listing, forgetting.
		second := result(s.srpSignIn(poolID, clientID, "dora", "Correct-Horse-9", nil)).must(t).AuthenticationResult
		d2, _ := s.confirmDevice(second, "phone")
		list := result(s.idp.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: second.AccessToken, Limit: aws.Int32(1)})).must(t)
		if len(list.Devices) != 1 || list.PaginationToken == nil {
			t.Fatalf("page 1: %+v", list)
		}
		more := result(s.idp.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: second.AccessToken,
			PaginationToken: list.PaginationToken})).must(t)
		if len(more.Devices) != 1 || more.PaginationToken != nil || *more.Devices[0].DeviceKey == *list.Devices[0].DeviceKey {
			t.Fatalf("page 2: %+v", more)
		}
		admin := result(s.idp.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(poolID),
			Username: aws.String("dora")})).must(t)
		if len(admin.Devices) != 2 {
			t.Fatalf("AdminListDevices: %d devices", len(admin.Devices))
		}
		result(s.idp.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: second.AccessToken, DeviceKey: aws.String(d2.key)})).must(t)
		result(s.idp.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: aws.String(poolID),
			Username: aws.String("dora"), DeviceKey: aws.String(d.key)})).must(t)
		_, err = s.idp.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: second.AccessToken, DeviceKey: aws.String(d.key)})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: aws.String(poolID),
			Username: aws.String("dora"), DeviceKey: aws.String(d2.key), DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Another user cannot see or touch the device.
		s.user(poolID, "eve", "Correct-Horse-9")
		third := result(s.srpSignIn(poolID, clientID, "dora", "Correct-Horse-9", nil)).must(t).AuthenticationResult
		d3, _ := s.confirmDevice(third, "tablet")
		eve := s.signIn(clientID, "eve", "Correct-Horse-9")
		_, err = s.idp.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: eve.AccessToken, DeviceKey: aws.String(d3.key)})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: eve.AccessToken, DeviceKey: aws.String(d3.key)})
		wantCode(t, err, "ResourceNotFoundException", "")

		// A pool that does not track devices issues no device keys.
		plain := s.pool(nil)
		plainClient, _ := s.appClient(plain, false)
		s.user(plain, "dora", "Correct-Horse-9")
		if res := s.signIn(plainClient, "dora", "Correct-Horse-9"); res.NewDeviceMetadata != nil {
			t.Fatal("NewDeviceMetadata from a pool without device tracking")
		}
	})
}

func TestDeviceRememberedAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{DeviceConfiguration: &types.DeviceConfigurationType{}})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "fay", "Correct-Horse-9")
		res := s.signIn(clientID, "fay", "Correct-Horse-9")
		d, conf := s.confirmDevice(res, "")
		if conf.UserConfirmationNecessary {
			t.Fatal("UserConfirmationNecessary without DeviceOnlyRememberedOnUserPrompt")
		}
		got := result(s.idp.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String(d.key)})).must(t).Device
		if v, _ := attrValue(got.DeviceAttributes, "dev:device_remembered_status"); v != "remembered" {
			t.Fatalf("device status %q", v)
		}
	})
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

func TestRememberedDeviceSkipsMFA(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		for _, tc := range []struct {
			name      string
			challenge bool // ChallengeRequiredOnNewDevice
			remember  bool
			skips     bool
		}{
			{"remembered", true, true, true},
			{"not remembered", true, false, false},
			{"pool keeps MFA", false, true, false},
		} {
			poolID := s.pool(&cip.CreateUserPoolInput{DeviceConfiguration: &types.DeviceConfigurationType{
				ChallengeRequiredOnNewDevice: tc.challenge, DeviceOnlyRememberedOnUserPrompt: true}})
			s.setMFA(poolID, types.UserPoolMfaTypeOptional, false, true, false)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, "ivy", "Correct-Horse-9")
			tok := s.signIn(clientID, "ivy", "Correct-Horse-9")
			secret := s.enrollTOTP(tok.AccessToken, clk.Now())
			result(s.idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tok.AccessToken,
				SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})).must(t)

			// A new device: MFA, then tokens with a new device key.
			clk.Advance(30 * time.Second)
			r := result(s.srpSignIn(poolID, clientID, "ivy", "Correct-Horse-9", nil)).must(t)
			if r.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
				t.Fatalf("%s: new device: %s", tc.name, r.ChallengeName)
			}
			done := result(s.answer(clientID, types.ChallengeNameTypeSoftwareTokenMfa, r.Session,
				map[string]string{"USERNAME": "ivy", "SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())})).must(t).AuthenticationResult
			d, _ := s.confirmDevice(done, "laptop")
			if tc.remember {
				result(s.idp.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: done.AccessToken,
					DeviceKey: aws.String(d.key), DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered})).must(t)
			}

			// The device again: device authentication, then MFA or not.
			clk.Advance(30 * time.Second)
			r = result(s.srpSignIn(poolID, clientID, "ivy", "Correct-Horse-9", map[string]string{"DEVICE_KEY": d.key})).must(t)
			r = result(s.deviceAuth(clientID, "ivy", r.Session, d, d.secret.Password)).must(t)
			if got := r.AuthenticationResult != nil; got != tc.skips {
				t.Fatalf("%s: signed in without MFA = %v, want %v (challenge %s)", tc.name, got, tc.skips, r.ChallengeName)
			}
			if !tc.skips {
				r = result(s.answer(clientID, types.ChallengeNameTypeSoftwareTokenMfa, r.Session,
					map[string]string{"USERNAME": "ivy", "SOFTWARE_TOKEN_MFA_CODE": totpCode(t, secret, clk.Now())})).must(t)
			}
			if got := s.verifyJWT(poolID, *r.AuthenticationResult.AccessToken)["device_key"]; got != d.key || r.AuthenticationResult.NewDeviceMetadata != nil {
				t.Fatalf("%s: device_key %v, metadata %v", tc.name, got, r.AuthenticationResult.NewDeviceMetadata)
			}
		}
	})
}
