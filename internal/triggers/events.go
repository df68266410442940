package triggers

// The request and response parts of each trigger's event, with Cognito's
// field names. Maps and lists that Cognito always sends are sent empty
// rather than null; response parts are sent as Cognito sends them, with
// nulls where the function has not answered yet.

// Attributes are a user's attributes as events carry them.
type Attributes = map[string]string

// PreSignUpRequest is the request of PreSignUp_SignUp,
// PreSignUp_AdminCreateUser and PreSignUp_ExternalProvider.
type PreSignUpRequest struct {
	UserAttributes Attributes        `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

// PreSignUpResponse says whether to confirm the user and verify their
// address at once.
type PreSignUpResponse struct {
	AutoConfirmUser bool `json:"autoConfirmUser"`
	AutoVerifyEmail bool `json:"autoVerifyEmail"`
	AutoVerifyPhone bool `json:"autoVerifyPhone"`
}

// PostConfirmationRequest is the request of
// PostConfirmation_ConfirmSignUp and PostConfirmation_ConfirmForgotPassword.
type PostConfirmationRequest struct {
	UserAttributes Attributes        `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

// PreAuthenticationRequest is the request of
// PreAuthentication_Authentication; UserNotFound is set for a name no user
// holds when the app client hides user existence.
type PreAuthenticationRequest struct {
	UserAttributes Attributes        `json:"userAttributes"`
	ValidationData map[string]string `json:"validationData"`
	UserNotFound   bool              `json:"userNotFound"`
}

// PostAuthenticationRequest is the request of
// PostAuthentication_Authentication.
type PostAuthenticationRequest struct {
	NewDeviceUsed  bool              `json:"newDeviceUsed"`
	UserAttributes Attributes        `json:"userAttributes"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

// Empty is the response of triggers that answer nothing.
type Empty struct{}

// GroupConfiguration is a user's groups and their roles, as pre token
// generation events carry them (groupConfiguration) and as functions
// override them (groupOverrideDetails).
type GroupConfiguration struct {
	GroupsToOverride   []string `json:"groupsToOverride"`
	IAMRolesToOverride []string `json:"iamRolesToOverride"`
	PreferredRole      *string  `json:"preferredRole"`
}

// PreTokenRequest is the request of the pre token generation trigger;
// Scopes (the access token's) is sent from event version 2 on.
type PreTokenRequest struct {
	UserAttributes     Attributes         `json:"userAttributes"`
	GroupConfiguration GroupConfiguration `json:"groupConfiguration"`
	Scopes             []string           `json:"scopes,omitempty"`
	ClientMetadata     map[string]string  `json:"clientMetadata"`
}

// PreTokenV1Response is the answer of event version 1: ID token claims and
// the groups of both tokens.
type PreTokenV1Response struct {
	ClaimsOverrideDetails *ClaimsOverrideDetails `json:"claimsOverrideDetails"`
}

// ClaimsOverrideDetails is version 1's answer.
type ClaimsOverrideDetails struct {
	ClaimsToAddOrOverride map[string]string   `json:"claimsToAddOrOverride,omitempty"`
	ClaimsToSuppress      []string            `json:"claimsToSuppress,omitempty"`
	GroupOverrideDetails  *GroupConfiguration `json:"groupOverrideDetails,omitempty"`
}

// PreTokenV2Response is the answer of event versions 2 and 3: claims of
// both tokens, the access token's scopes and the groups.
type PreTokenV2Response struct {
	ClaimsAndScopeOverrideDetails *ClaimsAndScopeOverrideDetails `json:"claimsAndScopeOverrideDetails"`
}

// ClaimsAndScopeOverrideDetails is versions 2 and 3's answer.
type ClaimsAndScopeOverrideDetails struct {
	IDTokenGeneration     *TokenGeneration    `json:"idTokenGeneration,omitempty"`
	AccessTokenGeneration *TokenGeneration    `json:"accessTokenGeneration,omitempty"`
	GroupOverrideDetails  *GroupConfiguration `json:"groupOverrideDetails,omitempty"`
}

// TokenGeneration changes one token: claims (of any JSON type) and, for the
// access token, scopes.
type TokenGeneration struct {
	ClaimsToAddOrOverride map[string]any `json:"claimsToAddOrOverride,omitempty"`
	ClaimsToSuppress      []string       `json:"claimsToSuppress,omitempty"`
	ScopesToAdd           []string       `json:"scopesToAdd,omitempty"`
	ScopesToSuppress      []string       `json:"scopesToSuppress,omitempty"`
}

// MigrateUserRequest is the request of UserMigration_Authentication (with
// the password the user typed) and UserMigration_ForgotPassword.
type MigrateUserRequest struct {
	Password       string            `json:"password,omitempty"`
	ValidationData map[string]string `json:"validationData"`
	ClientMetadata map[string]string `json:"clientMetadata"`
}

// MigrateUserResponse describes the user to create.
type MigrateUserResponse struct {
	UserAttributes         Attributes `json:"userAttributes"`
	FinalUserStatus        string     `json:"finalUserStatus"`
	MessageAction          string     `json:"messageAction"`
	DesiredDeliveryMediums []string   `json:"desiredDeliveryMediums"`
	ForceAliasCreation     bool       `json:"forceAliasCreation"`
	EnableSMSMFA           bool       `json:"enableSMSMFA"`
}

// CustomMessageRequest is the request of the CustomMessage_* trigger
// sources: the placeholders the function puts in its messages.
type CustomMessageRequest struct {
	UserAttributes    Attributes        `json:"userAttributes"`
	CodeParameter     string            `json:"codeParameter"`
	UsernameParameter *string           `json:"usernameParameter"`
	ClientMetadata    map[string]string `json:"clientMetadata"`
}

// CustomMessageResponse holds the messages; nil keeps the pool's.
type CustomMessageResponse struct {
	SMSMessage   *string `json:"smsMessage"`
	EmailMessage *string `json:"emailMessage"`
	EmailSubject *string `json:"emailSubject"`
}

// ChallengeResult is one round of a custom authentication, as the session
// history of the challenge triggers carries it.
type ChallengeResult struct {
	ChallengeName     string `json:"challengeName"`
	ChallengeResult   bool   `json:"challengeResult"`
	ChallengeMetadata string `json:"challengeMetadata,omitempty"`
}

// DefineAuthChallengeRequest is the request of
// DefineAuthChallenge_Authentication.
type DefineAuthChallengeRequest struct {
	UserAttributes Attributes        `json:"userAttributes"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata"`
	UserNotFound   bool              `json:"userNotFound"`
}

// DefineAuthChallengeResponse decides the next step.
type DefineAuthChallengeResponse struct {
	ChallengeName      string `json:"challengeName"`
	IssueTokens        bool   `json:"issueTokens"`
	FailAuthentication bool   `json:"failAuthentication"`
}

// CreateAuthChallengeRequest is the request of
// CreateAuthChallenge_Authentication.
type CreateAuthChallengeRequest struct {
	UserAttributes Attributes        `json:"userAttributes"`
	ChallengeName  string            `json:"challengeName"`
	Session        []ChallengeResult `json:"session"`
	ClientMetadata map[string]string `json:"clientMetadata"`
	UserNotFound   bool              `json:"userNotFound"`
}

// CreateAuthChallengeResponse is the challenge: what the client sees and
// what only VerifyAuthChallengeResponse sees.
type CreateAuthChallengeResponse struct {
	PublicChallengeParameters  map[string]string `json:"publicChallengeParameters"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeMetadata          string            `json:"challengeMetadata"`
}

// VerifyAuthChallengeRequest is the request of
// VerifyAuthChallengeResponse_Authentication.
type VerifyAuthChallengeRequest struct {
	UserAttributes             Attributes        `json:"userAttributes"`
	PrivateChallengeParameters map[string]string `json:"privateChallengeParameters"`
	ChallengeAnswer            string            `json:"challengeAnswer"`
	ClientMetadata             map[string]string `json:"clientMetadata"`
	UserNotFound               bool              `json:"userNotFound"`
}

// VerifyAuthChallengeResponse says whether the answer was right.
type VerifyAuthChallengeResponse struct {
	AnswerCorrect bool `json:"answerCorrect"`
}

// Custom sender request types (the request's "type").
const (
	EmailSenderType = "customEmailSenderRequestV1"
	SMSSenderType   = "customSMSSenderRequestV1"
)

// SenderRequest is the request of the CustomEmailSender_* and
// CustomSMSSender_* trigger sources: the code (or temporary password)
// encrypted with the AWS Encryption SDK, base64.
type SenderRequest struct {
	Type           string            `json:"type"`
	Code           *string           `json:"code"`
	ClientMetadata map[string]string `json:"clientMetadata"`
	UserAttributes Attributes        `json:"userAttributes"`
}

// InboundFederationRequest is the request of
// InboundFederation_ExternalProvider: what the external provider said.
type InboundFederationRequest struct {
	ProviderName string                      `json:"providerName"`
	ProviderType string                      `json:"providerType"`
	Attributes   InboundFederationAttributes `json:"attributes"`
}

// InboundFederationAttributes are the provider's token response, ID token
// claims, userinfo answer or SAML assertion attributes.
type InboundFederationAttributes struct {
	TokenResponse map[string]string `json:"tokenResponse,omitempty"`
	IDToken       map[string]string `json:"idToken,omitempty"`
	UserInfo      map[string]string `json:"userInfo,omitempty"`
	SAMLResponse  map[string]string `json:"samlResponse,omitempty"`
}

// InboundFederationResponse is the attributes to map onto the user.
type InboundFederationResponse struct {
	UserAttributesToMap map[string]string `json:"userAttributesToMap"`
}
