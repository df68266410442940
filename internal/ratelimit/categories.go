package ratelimit

// Quota categories: Amazon Cognito groups user pool operations into
// categories that share a request rate quota ("Amazon Cognito user pools
// API operation categories and request rate quotas" in the developer
// guide), and quotes identity pool operations one by one. Cognate limits
// by the same categories.
const (
	UserAuthentication     = "UserAuthentication"
	UserCreation           = "UserCreation"
	UserAccountRecovery    = "UserAccountRecovery"
	UserRead               = "UserRead"
	UserUpdate             = "UserUpdate"
	UserList               = "UserList"
	UserResourceRead       = "UserResourceRead"
	UserResourceUpdate     = "UserResourceUpdate"
	UserPoolRead           = "UserPoolRead"
	UserPoolUpdate         = "UserPoolUpdate"
	UserPoolResourceRead   = "UserPoolResourceRead"
	UserPoolResourceUpdate = "UserPoolResourceUpdate"
	UserToken              = "UserToken"
	ClientAuthentication   = "ClientAuthentication"
	IdentityPool           = "IdentityPool"
	// UserFederation is the category of the federation endpoints of the
	// pool domains (the providers' answers, SAML metadata and logout),
	// which no API operation shares.
	UserFederation = "UserFederation"
)

// categories maps operations (by signing name and operation) to their
// category; operations not listed are not limited.
var categories = map[string]map[string]string{
	"cognito-idp": {
		"InitiateAuth": UserAuthentication, "RespondToAuthChallenge": UserAuthentication,
		"AdminInitiateAuth": UserAuthentication, "AdminRespondToAuthChallenge": UserAuthentication,
		"AssociateSoftwareToken": UserAuthentication, "VerifySoftwareToken": UserAuthentication,
		"ConfirmDevice": UserAuthentication, "GetTokensFromRefreshToken": UserToken, "RevokeToken": UserToken,
		"GlobalSignOut": UserToken, "AdminUserGlobalSignOut": UserToken,

		"SignUp": UserCreation, "ConfirmSignUp": UserCreation, "ResendConfirmationCode": UserCreation,
		"AdminCreateUser": UserCreation, "AdminConfirmSignUp": UserCreation,

		"ForgotPassword": UserAccountRecovery, "ConfirmForgotPassword": UserAccountRecovery,
		"AdminResetUserPassword": UserAccountRecovery,

		"GetUser": UserRead, "AdminGetUser": UserRead, "GetUserAuthFactors": UserRead,
		"AdminListGroupsForUser": UserRead, "AdminListUserAuthEvents": UserRead,
		"GetDevice": UserResourceRead, "AdminGetDevice": UserResourceRead, "ListDevices": UserResourceRead,
		"AdminListDevices": UserResourceRead, "ListWebAuthnCredentials": UserResourceRead,

		"UpdateUserAttributes": UserUpdate, "DeleteUserAttributes": UserUpdate, "AdminUpdateUserAttributes": UserUpdate,
		"AdminDeleteUserAttributes": UserUpdate, "ChangePassword": UserUpdate, "AdminSetUserPassword": UserUpdate,
		"VerifyUserAttribute": UserUpdate, "GetUserAttributeVerificationCode": UserUpdate,
		"SetUserMFAPreference": UserUpdate, "AdminSetUserMFAPreference": UserUpdate, "SetUserSettings": UserUpdate,
		"AdminSetUserSettings": UserUpdate, "DeleteUser": UserUpdate, "AdminDeleteUser": UserUpdate,
		"AdminDisableUser": UserUpdate, "AdminEnableUser": UserUpdate, "AdminAddUserToGroup": UserUpdate,
		"AdminRemoveUserFromGroup": UserUpdate, "AdminLinkProviderForUser": UserUpdate,
		"AdminDisableProviderForUser": UserUpdate, "UpdateAuthEventFeedback": UserUpdate,
		"AdminUpdateAuthEventFeedback": UserUpdate,
		"ForgetDevice":                 UserResourceUpdate, "AdminForgetDevice": UserResourceUpdate,
		"UpdateDeviceStatus": UserResourceUpdate, "AdminUpdateDeviceStatus": UserResourceUpdate,
		"StartWebAuthnRegistration": UserResourceUpdate, "CompleteWebAuthnRegistration": UserResourceUpdate,
		"DeleteWebAuthnCredential": UserResourceUpdate,

		"ListUsers": UserList, "ListUsersInGroup": UserList,

		"DescribeUserPool": UserPoolRead, "ListUserPools": UserPoolRead, "GetUserPoolMfaConfig": UserPoolRead,
		"CreateUserPool": UserPoolUpdate, "UpdateUserPool": UserPoolUpdate, "DeleteUserPool": UserPoolUpdate,
		"SetUserPoolMfaConfig": UserPoolUpdate, "AddCustomAttributes": UserPoolUpdate,
	},
	"cognito-identity": {
		"GetId": IdentityPool, "GetCredentialsForIdentity": IdentityPool, "GetOpenIdToken": IdentityPool,
		"UnlinkIdentity": IdentityPool,
	},
}

// endpoints maps the pool domain endpoints (the managed login pages and
// the OAuth 2.0, OpenID and SAML endpoints) to the category of the API
// operations they do the work of: the sign-in pages and the authorization
// endpoint sign users in; the token endpoint redeems codes and refresh
// tokens; the federation endpoints have their own.
var endpoints = map[string]string{
	"/oauth2/authorize": UserAuthentication, "/login": UserAuthentication, "/login/challenge": UserAuthentication,
	"/login/passkey": UserAuthentication, "/signup": UserCreation, "/confirm": UserCreation,
	"/forgotPassword": UserAccountRecovery, "/confirmForgotPassword": UserAccountRecovery,
	"/oauth2/token": UserToken, "/oauth2/revoke": UserToken, "/logout": UserToken, "/oauth2/userInfo": UserRead,
	"/oauth2/idpresponse": UserFederation, "/saml2/idpresponse": UserFederation, "/saml2/logout": UserFederation,
	"/saml2/metadata": UserFederation,
}

// EndpointCategory returns the quota category of a pool domain endpoint
// (its path within the domain), "" for a path that is no endpoint.
func EndpointCategory(path string) string { return endpoints[path] }

// Category returns the quota category of an operation of the API with the
// given signing name, "" for one that is not limited. authFlow is
// InitiateAuth's AuthFlow: a refresh is UserToken, not a sign-in.
func Category(api, operation, authFlow string) string {
	c := categories[api][operation]
	if c == UserAuthentication && (authFlow == "REFRESH_TOKEN_AUTH" || authFlow == "REFRESH_TOKEN") {
		return UserToken
	}
	return c
}
