package app_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// passkeyPool creates a pool that allows PASSWORD and WEB_AUTHN first
// factors with a custom domain (its relying party), a client for USER_AUTH
// and a user; it returns the pool, the client and the user's access token.
func (s *server) passkeyPool(t *testing.T, hide bool) (string, string, string) {
	poolID, clientID := s.choicePool(hide, types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn)
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolID),
		Domain:             aws.String("auth.example.com"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:000000000000:certificate/x")}})).must(t)
	s.user(poolID, "pia", "Correct-Horse-9")
	return poolID, clientID, s.passwordFirst(t, clientID, "pia")
}

// passwordFirst signs in with USER_AUTH's PASSWORD and returns the access
// token.
func (s *server) passwordFirst(t *testing.T, clientID, name string) string {
	out := result(s.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "PASSWORD",
		"PASSWORD": "Correct-Horse-9"})).must(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("password sign-in: %s", out.ChallengeName)
	}
	return aws.ToString(out.AuthenticationResult.AccessToken)
}

// creationOptions is the part of StartWebAuthnRegistration's
// CredentialCreationOptions the tests read.
type creationOptions struct {
	Challenge string `document:"challenge"`
	RP        struct {
		ID   string `document:"id"`
		Name string `document:"name"`
	} `document:"rp"`
	User struct {
		ID   string `document:"id"`
		Name string `document:"name"`
	} `document:"user"`
	PubKeyCredParams []struct {
		Alg int `document:"alg"`
	} `document:"pubKeyCredParams"`
	ExcludeCredentials []struct {
		ID string `document:"id"`
	} `document:"excludeCredentials"`
	AuthenticatorSelection struct {
		ResidentKey      string `document:"residentKey"`
		UserVerification string `document:"userVerification"`
	} `document:"authenticatorSelection"`
}

// startRegistration calls StartWebAuthnRegistration and reads its options.
func (s *server) startRegistration(t *testing.T, access string) creationOptions {
	out := result(s.idp.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(access)})).must(t)
	var opts creationOptions
	if err := out.CredentialCreationOptions.UnmarshalSmithyDocument(&opts); err != nil {
		t.Fatal(err)
	}
	return opts
}

// register runs a registration with the authenticator.
func (s *server) register(t *testing.T, access string, a *softAuthenticator) error {
	opts := s.startRegistration(t, access)
	handle, err := base64.RawURLEncoding.DecodeString(opts.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.idp.CompleteWebAuthnRegistration(ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(access),
		Credential: document.NewLazyDocument(a.register(opts.Challenge, opts.RP.ID, handle))})
	return err
}

// requestOptions is CREDENTIAL_REQUEST_OPTIONS.
type requestOptions struct {
	Challenge        string `json:"challenge"`
	RPID             string `json:"rpId"`
	AllowCredentials []struct {
		ID string `json:"id"`
	} `json:"allowCredentials"`
	UserVerification string `json:"userVerification"`
}

func readRequestOptions(t *testing.T, params map[string]string) requestOptions {
	var o requestOptions
	if err := json.Unmarshal([]byte(params["CREDENTIAL_REQUEST_OPTIONS"]), &o); err != nil {
		t.Fatalf("CREDENTIAL_REQUEST_OPTIONS %q: %v", params["CREDENTIAL_REQUEST_OPTIONS"], err)
	}
	return o
}

// passkeyChallenge starts USER_AUTH with WEB_AUTHN preferred.
func (s *server) passkeyChallenge(t *testing.T, clientID, name string) (*cip.InitiateAuthOutput, requestOptions) {
	out := result(s.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "WEB_AUTHN"})).must(t)
	if out.ChallengeName != types.ChallengeNameTypeWebAuthn {
		t.Fatalf("preferred WEB_AUTHN: %s %v", out.ChallengeName, out.AvailableChallenges)
	}
	return out, readRequestOptions(t, out.ChallengeParameters)
}

// signInWithPasskey signs in with the authenticator and returns the answer.
func (s *server) signInWithPasskey(t *testing.T, clientID, name string, a *softAuthenticator) (*cip.RespondToAuthChallengeOutput, error) {
	out, opts := s.passkeyChallenge(t, clientID, name)
	return s.answer(clientID, types.ChallengeNameTypeWebAuthn, out.Session,
		map[string]string{"USERNAME": name, "CREDENTIAL": a.assert(opts.Challenge, opts.RPID)})
}

// TestPasskeyRegistration: StartWebAuthnRegistration's options, a
// registration, the listing, and the registrations refused: replayed,
// from another origin, for another relying party, by another client,
// without user verification when the pool requires it.
func TestPasskeyRegistration(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID, clientID, access := s.passkeyPool(t, false)
		sub := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("pia")})).must(t)
		wantSub, _ := attrValue(sub.UserAttributes, "sub")

		opts := s.startRegistration(t, access)
		handle, _ := base64.RawURLEncoding.DecodeString(opts.User.ID)
		if opts.RP.ID != "auth.example.com" || string(handle) != wantSub || opts.User.Name != "pia" || len(opts.Challenge) < 22 ||
			len(opts.ExcludeCredentials) != 0 || opts.AuthenticatorSelection.UserVerification != "preferred" ||
			opts.AuthenticatorSelection.ResidentKey != "required" || len(opts.PubKeyCredParams) != 2 || opts.PubKeyCredParams[0].Alg != -7 {
			t.Fatalf("creation options: %+v", opts)
		}
		a := newSoftAuthenticator(t, "https://auth.example.com")
		cred := a.register(opts.Challenge, opts.RP.ID, handle)
		complete := func(access string, cred map[string]any) error {
			_, err := s.idp.CompleteWebAuthnRegistration(ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(access),
				Credential: document.NewLazyDocument(cred)})
			return err
		}
		result(0, complete(access, cred)).must(t)

		list := result(s.idp.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(access)})).must(t)
		if len(list.Credentials) != 1 || aws.ToString(list.Credentials[0].CredentialId) != a.id() ||
			aws.ToString(list.Credentials[0].RelyingPartyId) != "auth.example.com" ||
			aws.ToString(list.Credentials[0].FriendlyCredentialName) == "" || list.Credentials[0].CreatedAt == nil ||
			aws.ToString(list.Credentials[0].AuthenticatorAttachment) != "platform" ||
			!slices.Equal(list.Credentials[0].AuthenticatorTransports, []string{"internal", "hybrid"}) {
			t.Fatalf("ListWebAuthnCredentials: %+v", list.Credentials)
		}
		// The challenge is spent.
		wantCode(t, complete(access, cred), "WebAuthnChallengeNotFoundException", "")
		// The next registration excludes the passkey.
		if opts := s.startRegistration(t, access); len(opts.ExcludeCredentials) != 1 || opts.ExcludeCredentials[0].ID != a.id() {
			t.Fatalf("excludeCredentials: %+v", opts.ExcludeCredentials)
		}

		// Another origin, another relying party.
		evil := newSoftAuthenticator(t, "https://auth.example.com.evil.net")
		wantCode(t, s.register(t, access, evil), "WebAuthnOriginNotAllowedException", "")
		other := newSoftAuthenticator(t, "https://auth.example.com")
		other.rpID = "example.com"
		wantCode(t, s.register(t, access, other), "WebAuthnRelyingPartyMismatchException", "")
		// A subdomain of the relying party is an allowed origin.
		result(0, s.register(t, access, newSoftAuthenticator(t, "https://app.auth.example.com:8443"))).must(t)

		// A challenge started through one client and completed through
		// another.
		second := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID),
			ClientName: aws.String("second"), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth}})).must(t)
		access2 := s.passwordFirst(t, aws.ToString(second.UserPoolClient.ClientId), "pia")
		opts = s.startRegistration(t, access)
		handle, _ = base64.RawURLEncoding.DecodeString(opts.User.ID)
		wantCode(t, complete(access2, newSoftAuthenticator(t, "https://auth.example.com").register(opts.Challenge, opts.RP.ID, handle)),
			"WebAuthnClientMismatchException", "")
		// A challenge of another user.
		s.user(poolID, "quinn", "Correct-Horse-9")
		access3 := s.passwordFirst(t, clientID, "quinn")
		opts = s.startRegistration(t, access)
		wantCode(t, complete(access3, newSoftAuthenticator(t, "https://auth.example.com").register(opts.Challenge, opts.RP.ID, handle)),
			"WebAuthnChallengeNotFoundException", "")

		// User verification required.
		result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
			WebAuthnConfiguration: &types.WebAuthnConfigurationType{UserVerification: types.UserVerificationTypeRequired}})).must(t)
		if opts := s.startRegistration(t, access); opts.AuthenticatorSelection.UserVerification != "required" {
			t.Fatalf("userVerification: %+v", opts.AuthenticatorSelection)
		}
		noUV := newSoftAuthenticator(t, "https://auth.example.com")
		noUV.noUV = true
		wantCode(t, s.register(t, access, noUV), "WebAuthnCredentialNotSupportedException", "")

		// Garbage is bad input, not an internal error.
		wantCode(t, complete(access, map[string]any{"id": "x", "response": map[string]any{}}), "InvalidParameterException", "")
	})
}

// TestPasskeyConfiguration: the errors of a pool whose passkeys are off or
// have no relying party, and the relying party id setting.
func TestPasskeyConfiguration(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID, clientID := s.choicePool(false, types.AuthFactorTypePassword)
		s.user(poolID, "pia", "Correct-Horse-9")
		access := s.passwordFirst(t, clientID, "pia")
		_, err := s.idp.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(access)})
		wantCode(t, err, "WebAuthnNotEnabledException", "")
		_, err = s.idp.CompleteWebAuthnRegistration(ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(access),
			Credential: document.NewLazyDocument(map[string]any{})})
		wantCode(t, err, "WebAuthnNotEnabledException", "")

		poolID, clientID = s.choicePool(false, types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn)
		s.user(poolID, "pia", "Correct-Horse-9")
		access = s.passwordFirst(t, clientID, "pia")
		_, err = s.idp.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(access)})
		wantCode(t, err, "WebAuthnConfigurationMissingException", "")
		// Without a relying party, WEB_AUTHN is not offered.
		sel := result(s.userAuth(clientID, map[string]string{"USERNAME": "pia"})).must(t)
		if slices.Contains(challengeNames(sel.AvailableChallenges), "WEB_AUTHN") {
			t.Fatalf("AvailableChallenges: %v", sel.AvailableChallenges)
		}

		for _, bad := range []string{"https://auth.example.com", "127.0.0.1", "Auth.Example.com", "auth.example.com:443"} {
			_, err = s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
				WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String(bad)}})
			wantCode(t, err, "InvalidParameterException", "RelyingPartyId")
		}
		result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
			WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost")}})).must(t)
		opts := s.startRegistration(t, access)
		if opts.RP.ID != "localhost" {
			t.Fatalf("rp: %+v", opts.RP)
		}
		// http://localhost is a secure context: local development works
		// without a certificate.
		result(0, s.register(t, access, newSoftAuthenticator(t, "http://localhost:5173"))).must(t)
		wantCode(t, s.register(t, access, newSoftAuthenticator(t, "http://127.0.0.1:5173")), "WebAuthnOriginNotAllowedException", "")
	})
}
