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
	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/password"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// New returns the User Pools API as an awsproto.Service.
func New(up *userpool.Service) (*awsproto.Service, error) {
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
		Handlers:     handlers(up),
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
