// Package cognitoidp serves the Amazon Cognito User Pools API
// (AWSCognitoIdentityProviderService, AWS JSON 1.1) on top of the
// userpool service: it routes each operation to its method and maps the
// domain's errors to Cognito's exceptions. Validation against the AWS model,
// SigV4 and the wire format belong to internal/awsproto.
package cognitoidp

import (
	"context"
	"fmt"

	"github.com/cognate-dev/cognate/internal/awsmodel"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/password"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// Options adds what the protocol layer reports.
type Options struct {
	// SignIn, when set, is told of every sign-in step (InitiateAuth,
	// RespondToAuthChallenge and their Admin forms): the flow (the
	// AuthFlow, or the challenge answered), the name the client gave
	// (USERNAME; for an answer, the name its Session was started with),
	// and the outcome, one of "tokens", "challenge", "failure" and
	// "locked". The name is given only with "failure" and "locked", so a
	// successful step pays nothing to find it.
	SignIn func(ctx context.Context, flow, username, outcome string)
}

// brandingRequestBytes is the request size limit of the managed login
// branding operations.
const brandingRequestBytes = 2 << 20

// New returns the User Pools API as an awsproto.Service.
func New(up *userpool.Service, opts Options) (*awsproto.Service, error) {
	model, err := awsproto.LoadModel(awsmodel.Service("cognito-idp"))
	if err != nil {
		return nil, fmt.Errorf("cognitoidp: model: %w", err)
	}
	// DomainType's pattern admits a prefix domain only, but the API
	// reference says a custom domain is given as its fully qualified name
	// (auth.example.com); userpool checks both forms.
	if err := model.DropPattern("DomainType"); err != nil {
		return nil, fmt.Errorf("cognitoidp: model: %w", err)
	}
	// PasswordType's pattern, [\S]+ as a whole, refuses any space, but
	// Cognito refuses only leading and trailing ones and names its own
	// pattern; userpool applies the same rule where no model field does
	// (NEW_PASSWORD).
	if err := model.SetPattern("PasswordType", password.Pattern, password.WellFormed); err != nil {
		return nil, fmt.Errorf("cognitoidp: model: %w", err)
	}
	return &awsproto.Service{
		TargetPrefix: "AWSCognitoIdentityProviderService",
		SigningName:  "cognito-idp",
		Model:        model,
		Handlers:     observeSignIns(handlers(up), up, opts.SignIn),
		MaxBodyBytes: map[string]int64{
			// "This operation has a 2-megabyte request-size limit" (the
			// API reference): a style's images are up to 1 MB each.
			"CreateManagedLoginBranding": brandingRequestBytes,
			"UpdateManagedLoginBranding": brandingRequestBytes,
		},
	}, nil
}

// handlers lists the operations served, one line each.
func handlers(up *userpool.Service) map[string]awsproto.Handler {
	return map[string]awsproto.Handler{
		// Pools and clients (signed).
		"CreateUserPool":         op(up.CreateUserPool),
		"DescribeUserPool":       op(up.DescribeUserPool),
		"UpdateUserPool":         op(up.UpdateUserPool),
		"DeleteUserPool":         op(up.DeleteUserPool),
		"ListUserPools":          op(up.ListUserPools),
		"CreateUserPoolClient":   op(up.CreateUserPoolClient),
		"DescribeUserPoolClient": op(up.DescribeUserPoolClient),
		"UpdateUserPoolClient":   op(up.UpdateUserPoolClient),
		"DeleteUserPoolClient":   op(up.DeleteUserPoolClient),
		"ListUserPoolClients":    op(up.ListUserPoolClients),

		// Users, admin (signed).
		"AdminCreateUser":        op(up.AdminCreateUser),
		"AdminGetUser":           op(up.AdminGetUser),
		"AdminDeleteUser":        op(up.AdminDeleteUser),
		"AdminConfirmSignUp":     op(up.AdminConfirmSignUp),
		"AdminSetUserPassword":   op(up.AdminSetUserPassword),
		"AdminDisableUser":       op(up.AdminDisableUser),
		"AdminEnableUser":        op(up.AdminEnableUser),
		"AdminUserGlobalSignOut": op(up.AdminUserGlobalSignOut),

		// Search and history (signed).
		"ListUsers":               op(up.ListUsers),
		"AdminListUserAuthEvents": op(up.AdminListUserAuthEvents),

		// Groups (signed).
		"CreateGroup":              op(up.CreateGroup),
		"GetGroup":                 op(up.GetGroup),
		"UpdateGroup":              op(up.UpdateGroup),
		"DeleteGroup":              op(up.DeleteGroup),
		"ListGroups":               op(up.ListGroups),
		"AdminAddUserToGroup":      op(up.AdminAddUserToGroup),
		"AdminRemoveUserFromGroup": op(up.AdminRemoveUserFromGroup),
		"AdminListGroupsForUser":   op(up.AdminListGroupsForUser),
		"ListUsersInGroup":         op(up.ListUsersInGroup),

		// Pool settings (signed).
		"GetUserPoolMfaConfig": op(up.GetUserPoolMfaConfig),
		"SetUserPoolMfaConfig": op(up.SetUserPoolMfaConfig),
		"TagResource":          op(up.TagResource),
		"UntagResource":        op(up.UntagResource),
		"ListTagsForResource":  op(up.ListTagsForResource),

		// Sign-up (unsigned, by ClientId).
		"SignUp":                 op(up.SignUp),
		"ConfirmSignUp":          op(up.ConfirmSignUp),
		"ResendConfirmationCode": op(up.ResendConfirmationCode),

		// Sign-in.
		"InitiateAuth":                op(up.InitiateAuth),
		"AdminInitiateAuth":           op(up.AdminInitiateAuth),
		"RespondToAuthChallenge":      op(up.RespondToAuthChallenge),
		"AdminRespondToAuthChallenge": op(up.AdminRespondToAuthChallenge),

		// Self-service (unsigned, by access token) and sign-out.
		"GetUser":       op(up.GetUser),
		"GlobalSignOut": op(up.GlobalSignOut),
		"RevokeToken":   op(up.RevokeToken),

		// Attributes, verification and recovery (issue 3).
		"AddCustomAttributes":              op(up.AddCustomAttributes),
		"UpdateUserAttributes":             op(up.UpdateUserAttributes),
		"DeleteUserAttributes":             op(up.DeleteUserAttributes),
		"AdminUpdateUserAttributes":        op(up.AdminUpdateUserAttributes),
		"AdminDeleteUserAttributes":        op(up.AdminDeleteUserAttributes),
		"GetUserAttributeVerificationCode": op(up.GetUserAttributeVerificationCode),
		"VerifyUserAttribute":              op(up.VerifyUserAttribute),
		"ForgotPassword":                   op(up.ForgotPassword),
		"ConfirmForgotPassword":            op(up.ConfirmForgotPassword),
		"ChangePassword":                   op(up.ChangePassword),
		"AdminResetUserPassword":           op(up.AdminResetUserPassword),
		"DeleteUser":                       op(up.DeleteUser),

		// SRP, MFA, devices and refresh-token rotation (issue 4).
		"GetTokensFromRefreshToken": op(up.GetTokensFromRefreshToken),
		"GetUserAuthFactors":        op(up.GetUserAuthFactors),
		"AssociateSoftwareToken":    op(up.AssociateSoftwareToken),
		"VerifySoftwareToken":       op(up.VerifySoftwareToken),
		"SetUserMFAPreference":      op(up.SetUserMFAPreference),
		"AdminSetUserMFAPreference": op(up.AdminSetUserMFAPreference),
		"SetUserSettings":           op(up.SetUserSettings),
		"AdminSetUserSettings":      op(up.AdminSetUserSettings),
		"ConfirmDevice":             op(up.ConfirmDevice),
		"ListDevices":               op(up.ListDevices),
		"GetDevice":                 op(up.GetDevice),
		"ForgetDevice":              op(up.ForgetDevice),
		"UpdateDeviceStatus":        op(up.UpdateDeviceStatus),
		"AdminListDevices":          op(up.AdminListDevices),
		"AdminGetDevice":            op(up.AdminGetDevice),
		"AdminForgetDevice":         op(up.AdminForgetDevice),
		"AdminUpdateDeviceStatus":   op(up.AdminUpdateDeviceStatus),

		// Passkeys (unsigned, by access token).
		"StartWebAuthnRegistration":    op(up.StartWebAuthnRegistration),
		"CompleteWebAuthnRegistration": op(up.CompleteWebAuthnRegistration),
		"ListWebAuthnCredentials":      op(up.ListWebAuthnCredentials),
		"DeleteWebAuthnCredential":     op(up.DeleteWebAuthnCredential),

		// Federation settings (signed): IdPs, resource servers, domains.
		"CreateIdentityProvider":          op(up.CreateIdentityProvider),
		"DescribeIdentityProvider":        op(up.DescribeIdentityProvider),
		"UpdateIdentityProvider":          op(up.UpdateIdentityProvider),
		"DeleteIdentityProvider":          op(up.DeleteIdentityProvider),
		"ListIdentityProviders":           op(up.ListIdentityProviders),
		"GetIdentityProviderByIdentifier": op(up.GetIdentityProviderByIdentifier),
		"CreateResourceServer":            op(up.CreateResourceServer),
		"DescribeResourceServer":          op(up.DescribeResourceServer),
		"UpdateResourceServer":            op(up.UpdateResourceServer),
		"DeleteResourceServer":            op(up.DeleteResourceServer),
		"ListResourceServers":             op(up.ListResourceServers),
		"CreateUserPoolDomain":            op(up.CreateUserPoolDomain),
		"DescribeUserPoolDomain":          op(up.DescribeUserPoolDomain),
		"UpdateUserPoolDomain":            op(up.UpdateUserPoolDomain),
		"DeleteUserPoolDomain":            op(up.DeleteUserPoolDomain),
		"GetCSVHeader":                    op(up.GetCSVHeader),
		"CreateUserImportJob":             op(up.CreateUserImportJob),
		"StartUserImportJob":              op(up.StartUserImportJob),
		"StopUserImportJob":               op(up.StopUserImportJob),
		"DescribeUserImportJob":           op(up.DescribeUserImportJob),
		"ListUserImportJobs":              op(up.ListUserImportJobs),

		// Branding, threat protection and log export settings (signed).
		"SetUICustomization":          op(up.SetUICustomization),
		"GetUICustomization":          op(up.GetUICustomization),
		"SetRiskConfiguration":        op(up.SetRiskConfiguration),
		"DescribeRiskConfiguration":   op(up.DescribeRiskConfiguration),
		"SetLogDeliveryConfiguration": op(up.SetLogDeliveryConfiguration),
		"GetLogDeliveryConfiguration": op(up.GetLogDeliveryConfiguration),

		// Feedback on authentication events (the first signed, the second
		// unsigned, authorized by the event's feedback token).
		"AdminUpdateAuthEventFeedback": op(up.AdminUpdateAuthEventFeedback),
		"UpdateAuthEventFeedback":      op(up.UpdateAuthEventFeedback),

		// Managed login branding and terms, per app client (signed).
		"CreateManagedLoginBranding":           op(up.CreateManagedLoginBranding),
		"DescribeManagedLoginBranding":         op(up.DescribeManagedLoginBranding),
		"DescribeManagedLoginBrandingByClient": op(up.DescribeManagedLoginBrandingByClient),
		"UpdateManagedLoginBranding":           op(up.UpdateManagedLoginBranding),
		"DeleteManagedLoginBranding":           op(up.DeleteManagedLoginBranding),
		"CreateTerms":                          op(up.CreateTerms),
		"DescribeTerms":                        op(up.DescribeTerms),
		"ListTerms":                            op(up.ListTerms),
		"UpdateTerms":                          op(up.UpdateTerms),
		"DeleteTerms":                          op(up.DeleteTerms),

		// Federation: the SAML signing certificate and linked identities
		// (signed).
		"GetSigningCertificate":       op(up.GetSigningCertificate),
		"AdminLinkProviderForUser":    op(up.AdminLinkProviderForUser),
		"AdminDisableProviderForUser": op(up.AdminDisableProviderForUser),

		// App client secrets, up to two for rotation (signed).
		"AddUserPoolClientSecret":    op(up.AddUserPoolClientSecret),
		"ListUserPoolClientSecrets":  op(up.ListUserPoolClientSecrets),
		"DeleteUserPoolClientSecret": op(up.DeleteUserPoolClientSecret),
	}
}

// op adapts a userpool method: it passes the signed region down and maps
// domain errors to wire errors. It runs the method once: a change that
// meets a concurrent write is redone inside userpool, in the transaction
// that knows it may run twice.
func op[In, Out any](fn func(context.Context, *In) (*Out, error)) awsproto.Handler {
	return awsproto.Op(func(ctx context.Context, in *In) (*Out, error) {
		if info := awsproto.Info(ctx); info != nil {
			if info.Caller != nil {
				ctx = userpool.WithRegion(ctx, info.Caller.Region)
			}
			ctx = userpool.WithSourceIP(ctx, info.SourceIP)
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, wireError(err)
		}
		return out, nil
	})
}

// wireError maps a domain error to the exception Cognito answers with. A
// userpool.Error's Kind (see userpool.AsError) is the Cognito exception
// name; any other error is internal and stays as it is (awsproto logs it and answers
// InternalErrorException).
func wireError(err error) error {
	if e := userpool.AsError(err); e != nil {
		return awsproto.Errorf(string(e.Kind), "%s", e.Message)
	}
	return err
}

// observeSignIns replaces the sign-in handlers with ones that report each
// step's flow and outcome to signIn (when set).
func observeSignIns(h map[string]awsproto.Handler, up *userpool.Service, signIn func(ctx context.Context, flow, username, outcome string)) map[string]awsproto.Handler {
	if signIn == nil {
		return h
	}
	h["InitiateAuth"] = observed(up.InitiateAuth, signIn,
		func(_ context.Context, in *cip.InitiateAuthRequest) (string, func() string) {
			return initiatedFlow(in.AuthFlow, in.AuthParameters), func() string { return in.AuthParameters["USERNAME"] }
		},
		func(out *cip.InitiateAuthResponse) (bool, bool) {
			return out.AuthenticationResult != nil, out.ChallengeName != ""
		})
	h["AdminInitiateAuth"] = observed(up.AdminInitiateAuth, signIn,
		func(_ context.Context, in *cip.AdminInitiateAuthRequest) (string, func() string) {
			return initiatedFlow(in.AuthFlow, in.AuthParameters), func() string { return in.AuthParameters["USERNAME"] }
		},
		func(out *cip.AdminInitiateAuthResponse) (bool, bool) {
			return out.AuthenticationResult != nil, out.ChallengeName != ""
		})
	h["RespondToAuthChallenge"] = observed(up.RespondToAuthChallenge, signIn,
		func(ctx context.Context, in *cip.RespondToAuthChallengeRequest) (string, func() string) {
			return answeredStep(in.ChallengeName, in.ChallengeResponses), func() string {
				return answeringUser(ctx, up, in.ClientId, in.Session, in.ChallengeResponses)
			}
		},
		func(out *cip.RespondToAuthChallengeResponse) (bool, bool) {
			return out.AuthenticationResult != nil, out.ChallengeName != ""
		})
	h["AdminRespondToAuthChallenge"] = observed(up.AdminRespondToAuthChallenge, signIn,
		func(ctx context.Context, in *cip.AdminRespondToAuthChallengeRequest) (string, func() string) {
			return answeredStep(in.ChallengeName, in.ChallengeResponses), func() string {
				return answeringUser(ctx, up, in.ClientId, in.Session, in.ChallengeResponses)
			}
		},
		func(out *cip.AdminRespondToAuthChallengeResponse) (bool, bool) {
			return out.AuthenticationResult != nil, out.ChallengeName != ""
		})
	return h
}

// initiatedFlow names the step an InitiateAuth runs: USER_AUTH that
// prefers PASSWORD and carries one checks the password at once
// (USER_AUTH_PASSWORD), so that the password-spray rule counts it.
func initiatedFlow(flow string, params map[string]string) string {
	if flow == "USER_AUTH" && params["PREFERRED_CHALLENGE"] == "PASSWORD" && params["PASSWORD"] != "" {
		return "USER_AUTH_PASSWORD"
	}
	return flow
}

// answeredStep names the step a challenge's answer runs: SELECT_CHALLENGE
// answered with PASSWORD and one checks the password (PASSWORD).
func answeredStep(challenge string, answers map[string]string) string {
	if challenge == "SELECT_CHALLENGE" && answers["ANSWER"] == "PASSWORD" && answers["PASSWORD"] != "" {
		return "PASSWORD"
	}
	return challenge
}

// answeringUser is the user a challenge's answer is for: the name its
// Session was started with when it holds one (USER_AUTH), else the
// answer's USERNAME, which a caller could otherwise vary to hide a
// password spray behind one name.
func answeringUser(ctx context.Context, up *userpool.Service, clientID, session string, answers map[string]string) string {
	if name := up.HostedFlowName(ctx, clientID, session); name != "" {
		return name
	}
	return answers["USERNAME"]
}

// observed is op for a sign-in step, reporting its outcome.
func observed[In, Out any](fn func(context.Context, *In) (*Out, error), signIn func(ctx context.Context, flow, username, outcome string),
	step func(context.Context, *In) (flow string, username func() string), result func(*Out) (tokens, challenge bool)) awsproto.Handler {
	return op(func(ctx context.Context, in *In) (*Out, error) {
		out, err := fn(ctx, in)
		outcome := "failure"
		switch e := userpool.AsError(err); {
		case err == nil:
			if tokens, challenge := result(out); tokens {
				outcome = "tokens"
			} else if challenge {
				outcome = "challenge"
			}
		case e != nil && e.Kind == userpool.NotAuthorized && e.Message == userpool.MsgAttemptsExceeded:
			outcome = "locked"
		}
		flow, username := step(ctx, in)
		name := ""
		if outcome == "failure" || outcome == "locked" {
			name = username()
		}
		signIn(ctx, flow, name, outcome)
		return out, err
	})
}
