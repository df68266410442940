package sts

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/iam"
	"github.com/cognate-dev/cognate/internal/oidc"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/token"
)

// CognitoProvider is the federated principal of identity pool tokens in
// trust policies, and the prefix of their condition keys
// (cognito-identity.amazonaws.com:aud, :sub, :amr), as in AWS.
const CognitoProvider = "cognito-identity.amazonaws.com"

// CognitoKeys and CognitoKeyUse are the token.Issuer pool id and key use
// under which identity pools keep the keys that sign their OpenID tokens
// (GetOpenIdToken).
const (
	CognitoKeys   = "cognito-identity"
	CognitoKeyUse = "openid"
)

// Service is STS: it vends temporary credentials for roles and verifies
// them. It is safe for concurrent use.
type Service struct {
	iam           *iam.Service
	ring          *secret.KeyRing
	tokens        *token.Issuer
	store         storage.Stores
	oidc          *oidc.Verifier
	account       string
	cognitoIssuer string
	recorder      IssuanceRecorder
	cognitoLive   func(ctx context.Context, token string) (bool, error)
	now           func() time.Time
	log           *slog.Logger
	sessions      *sessionCache
}

// Deps are what New needs.
type Deps struct {
	IAM *iam.Service
	// Ring seals session tokens; rotating its current key rotates the
	// tokens' key (older versions keep opening until removed).
	Ring *secret.KeyRing
	// Tokens verifies identity pools' OpenID tokens (pool CognitoKeys).
	Tokens *token.Issuer
	// Store reads the identity <-> user link and users' attributes.
	Store storage.Stores
	// HTTPClient fetches external OIDC providers' keys; nil means a client
	// with oidc.DefaultTimeout.
	HTTPClient *http.Client
	// PublicURL is the server's base URL; identity pool OpenID tokens are
	// issued by PublicURL + "/cognito-identity".
	PublicURL string
	AccountID string
	// Recorder, when not nil, records every issuance (the audit log).
	Recorder IssuanceRecorder
	Now      func() time.Time
	Logger   *slog.Logger
}

// New returns the STS service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Service{
		iam:           d.IAM,
		ring:          d.Ring,
		tokens:        d.Tokens,
		store:         d.Store,
		oidc:          oidc.NewVerifier(oidc.Options{Client: d.HTTPClient, Now: d.Now}),
		account:       d.AccountID,
		cognitoIssuer: strings.TrimSuffix(d.PublicURL, "/") + "/" + CognitoKeys,
		recorder:      d.Recorder,
		now:           d.Now,
		log:           d.Logger,
		sessions:      newSessionCache(sessionCacheSize),
	}
}

// sessionCacheSize bounds the opened sessions kept (about a kilobyte
// each).
const sessionCacheSize = 10000

// SetRecorder sets the issuance recorder (nil for none). Call it before
// serving.
func (s *Service) SetRecorder(r IssuanceRecorder) { s.recorder = r }

// SetCognitoTokenCheck sets a check that an identity pool OpenID token
// whose signature verified may still be used (false refuses it as
// InvalidIdentityToken): the identity pool refuses tokens derived from a
// user-pool sign-in that has since ended. Call it before serving.
func (s *Service) SetCognitoTokenCheck(live func(ctx context.Context, token string) (bool, error)) {
	s.cognitoLive = live
}

// CognitoIssuer is the iss of identity pool OpenID tokens.
func (s *Service) CognitoIssuer() string { return s.cognitoIssuer }

// STS error codes, as the query protocol writes them. Errors from this
// package are *awsproto.Error with one of these as Type.
const (
	CodeAccessDenied          = "AccessDenied"
	CodeValidation            = "ValidationError"
	CodeInvalidIdentityToken  = "InvalidIdentityToken"
	CodeExpiredToken          = "ExpiredTokenException"
	CodeIDPCommunicationError = "IDPCommunicationError"
	CodeMalformedPolicy       = "MalformedPolicyDocument"
)

func accessDenied(action string) *awsproto.Error {
	return &awsproto.Error{Type: CodeAccessDenied, Message: "Not authorized to perform " + action, Status: http.StatusForbidden}
}

func validation(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(CodeValidation, format, args...)
}
