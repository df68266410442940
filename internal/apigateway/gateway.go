package apigateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/lambdainvoke"
)

// Authorizer modes.
const (
	AuthorizerUserPools = "cognito-user-pools"
	AuthorizerIAM       = "aws-iam"
	AuthorizerBoth      = "both"
)

// Integration modes.
const (
	ModeHTTP        = "http"
	ModeLambdaProxy = "lambda-proxy"
)

// Config configures a Gateway.
type Config struct {
	// Upstream is the HTTP backend (ModeHTTP) or the Lambda Invoke API's
	// base URL (ModeLambdaProxy).
	Upstream string
	Mode     string
	// Function is the function lambda-proxy invokes.
	Function string
	// PayloadVersion is the proxy event's format: "1.0" (REST APIs) or
	// "2.0" (HTTP APIs).
	PayloadVersion string
	Authorizer     string
	// UserPoolID is the pool whose tokens the user pool authorizer
	// accepts; RequiredScopes, when set, asks for an access token with one
	// of them.
	UserPoolID     string
	RequiredScopes []string
	// IdentityPoolID names the identity pool whose identity a token
	// caller is given (the link's answer), when they have one.
	IdentityPoolID string
	// APIID, Stage, Region and AccountID make the execute-api ARN and the
	// event's requestContext.
	APIID, Stage, Region, AccountID string

	Tokens      Tokens
	Credentials awsproto.CredentialSource
	Policies    Authorizer
	Identities  Identities
	Lambda      *lambdainvoke.Client // lambda-proxy
	HTTPClient  *http.Client         // http mode; nil means a pooled client
	Logger      *slog.Logger
	Now         func() time.Time
	// Observe, when set, is told how each request ended: "allowed",
	// "denied" (403), "unauthenticated" (401) or "error".
	Observe func(decision string)
}

// Token is a verified user pool token.
type Token struct {
	Use      string // "id" or "access"
	ClientID string
	Sub      string
	Username string
	Scopes   []string
	Claims   map[string]any
}

// Tokens verifies the configured pool's tokens.
type Tokens interface {
	Verify(ctx context.Context, raw string) (*Token, error)
}

// Principal is a SigV4 caller with identity pool credentials.
type Principal struct {
	Root           bool
	AccessKeyID    string
	AccountID      string
	AssumedRoleARN string
	UserID         string // "<role id>:<session name>"
	IdentityID     string
	IdentityPoolID string
	UserPoolID     string
	Username       string
	UserSub        string
	// AMR is the identity's amr: "authenticated" or "unauthenticated",
	// then the login providers.
	AMR []string
}

// Authorizer decides execute-api:Invoke for SigV4 callers.
type Authorizer interface {
	Describe(c *awsproto.Caller) Principal
	// Invoke reports whether the caller's policies allow
	// execute-api:Invoke on resource.
	Invoke(ctx context.Context, c *awsproto.Caller, resource, sourceIP string, secure bool) (bool, error)
}

// Identities finds a user's identity in an identity pool through the link.
type Identities interface {
	// IdentityOf returns the user's identity id in identityPoolID, "" when
	// they have none there.
	IdentityOf(ctx context.Context, identityPoolID, userPoolID, sub string) (string, error)
}

// Gateway is the API gateway's HTTP handler.
type Gateway struct {
	cfg  Config
	up   *url.URL
	http *http.Client
	log  *slog.Logger
	now  func() time.Time
}

// New returns a gateway for cfg.
func New(cfg Config) (*Gateway, error) {
	u, err := url.Parse(cfg.Upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("apigateway: upstream %q must be http(s)://host[:port]", cfg.Upstream)
	}
	switch {
	case cfg.Mode != ModeHTTP && cfg.Mode != ModeLambdaProxy:
		return nil, fmt.Errorf("apigateway: mode %q is not http or lambda-proxy", cfg.Mode)
	case cfg.Mode == ModeLambdaProxy && (cfg.Function == "" || cfg.Lambda == nil):
		return nil, errors.New("apigateway: lambda-proxy needs a function")
	case cfg.PayloadVersion != "1.0" && cfg.PayloadVersion != "2.0":
		return nil, fmt.Errorf("apigateway: payload version %q is not 1.0 or 2.0", cfg.PayloadVersion)
	case !slices.Contains([]string{AuthorizerUserPools, AuthorizerIAM, AuthorizerBoth}, cfg.Authorizer):
		return nil, fmt.Errorf("apigateway: authorizer %q is not cognito-user-pools, aws-iam or both", cfg.Authorizer)
	case cfg.Authorizer != AuthorizerIAM && (cfg.UserPoolID == "" || cfg.Tokens == nil):
		return nil, errors.New("apigateway: the user pool authorizer needs a user pool id")
	case cfg.Authorizer != AuthorizerUserPools && (cfg.Credentials == nil || cfg.Policies == nil):
		return nil, errors.New("apigateway: IAM authorization needs credentials and policies")
	}
	g := &Gateway{cfg: cfg, up: u, http: cfg.HTTPClient, log: cfg.Logger, now: cfg.Now}
	if g.http == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 128
		g.http = &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.now == nil {
		g.now = time.Now
	}
	return g, nil
}

// maxBody is API Gateway's payload limit (10 MB).
const maxBody = 10 << 20

// call is one request through the gateway.
type call struct {
	r         *http.Request
	body      []byte
	requestID string
	start     time.Time
	sourceIP  string
	// One of token and principal is set.
	token     *Token
	principal *Principal
	// caller is both ids, as far as they are known.
	caller Cognate
}

// Cognate is requestContext.authorizer.cognate, and the X-Cognate-*
// headers: both ids of the caller.
type Cognate struct {
	IdentityID     string `json:"identityId"`
	IdentityPoolID string `json:"identityPoolId"`
	UserPoolID     string `json:"userPoolId"`
	Username       string `json:"username"`
	Sub            string `json:"sub"`
}

// refusal is an answer the gateway gives itself.
type refusal struct {
	status  int
	kind    string // x-amzn-ErrorType
	message string
	// upper writes "Message" (IAM policy refusals) rather than "message".
	upper bool
}

func (e *refusal) Error() string { return e.message }

var (
	errUnauthorized = &refusal{status: 401, kind: "UnauthorizedException", message: "Unauthorized"}
	errMissingAuth  = &refusal{status: 403, kind: "MissingAuthenticationTokenException", message: "Missing Authentication Token"}
	errForbidden    = &refusal{status: 403, kind: "AccessDeniedException", message: "Forbidden"}
	errTooLarge     = &refusal{status: 413, kind: "RequestEntityTooLargeException", message: "Request Too Long"}
	errInternal     = &refusal{status: 500, kind: "InternalServerErrorException", message: "Internal server error"}
	errBadGateway   = &refusal{status: 502, kind: "InternalServerErrorException", message: "Internal server error"}
	errTimeout      = &refusal{status: 504, kind: "IntegrationTimeout", message: "Endpoint request timed out"}
)

// ServeHTTP authenticates, authorizes and forwards one request.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != "" {
		// A CORS preflight, answered as an HTTP API with CORS allowing
		// every origin does: callers authenticate with tokens and
		// signatures, never cookies.
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, HEAD")
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			h.Set("Access-Control-Allow-Headers", req)
		}
		h.Set("Access-Control-Max-Age", "3000")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.Header.Get("Origin") != "" {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}
	c := &call{r: r, requestID: newRequestID(), start: g.now(), sourceIP: sourceIP(r)}
	w.Header().Set("X-Amzn-Requestid", c.requestID)
	status, err := g.serve(w, c)
	var ref *refusal
	if errors.As(err, &ref) {
		status = ref.status
		w.Header().Set("X-Amzn-Errortype", ref.kind)
		w.Header().Set("Content-Type", "application/json")
		key := "message"
		if ref.upper {
			key = "Message"
		}
		body, _ := json.Marshal(map[string]string{key: ref.message})
		w.WriteHeader(ref.status)
		_, _ = w.Write(body)
	} else if err != nil {
		status = http.StatusInternalServerError
		g.log.Error("apigateway", "request_id", c.requestID, "err", err)
		http.Error(w, `{"message":"Internal server error"}`, status)
	}
	if g.cfg.Observe != nil {
		decision := "allowed"
		switch {
		case status == http.StatusUnauthorized:
			decision = "unauthenticated"
		case status == http.StatusForbidden && c.caller == (Cognate{}) && c.principal == nil:
			decision = "unauthenticated"
		case status == http.StatusForbidden:
			decision = "denied"
		case status >= 500:
			decision = "error"
		}
		g.cfg.Observe(decision)
	}
	g.log.Info("api", "request_id", c.requestID, "method", r.Method, "path", r.URL.Path, "status", status,
		"ms", float64(g.now().Sub(c.start).Microseconds())/1000,
		"identity_id", c.caller.IdentityID, "identity_pool_id", c.caller.IdentityPoolID,
		"user_pool_id", c.caller.UserPoolID, "username", c.caller.Username, "sub", c.caller.Sub, "source_ip", c.sourceIP)
}

func (g *Gateway) serve(w http.ResponseWriter, c *call) (int, error) {
	body, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody+1))
	if err != nil {
		return 0, errInternal
	}
	if len(body) > maxBody {
		return 0, errTooLarge
	}
	c.body = body
	if err := g.authenticate(c); err != nil {
		return 0, err
	}
	if g.cfg.Mode == ModeLambdaProxy {
		return g.invoke(w, c)
	}
	return g.proxy(w, c)
}

// authenticate verifies the caller by the configured authorizer and
// fills c.caller with both ids.
func (g *Gateway) authenticate(c *call) error {
	auth := c.r.Header.Get("Authorization")
	signed := strings.HasPrefix(auth, "AWS4-HMAC-SHA256") || c.r.URL.Query().Has("X-Amz-Signature")
	switch g.cfg.Authorizer {
	case AuthorizerIAM:
		return g.authenticateIAM(c)
	case AuthorizerBoth:
		if signed {
			return g.authenticateIAM(c)
		}
	}
	return g.authenticateToken(c, auth)
}

// authenticateToken is the Cognito user pool authorizer.
func (g *Gateway) authenticateToken(c *call, auth string) error {
	raw := strings.TrimSpace(auth)
	if len(raw) > 7 && strings.EqualFold(raw[:7], "bearer ") {
		raw = strings.TrimSpace(raw[7:])
	}
	if raw == "" {
		return errUnauthorized
	}
	tok, err := g.cfg.Tokens.Verify(c.r.Context(), raw)
	if err != nil {
		var ref *refusal
		if errors.As(err, &ref) {
			return ref
		}
		if errors.Is(err, ErrInvalidToken) {
			return errUnauthorized
		}
		return err
	}
	if len(g.cfg.RequiredScopes) > 0 {
		// With scopes, API Gateway asks for an access token that has one.
		if tok.Use != "access" {
			return errUnauthorized
		}
		if !slices.ContainsFunc(tok.Scopes, func(s string) bool { return slices.Contains(g.cfg.RequiredScopes, s) }) {
			return errForbidden
		}
	}
	c.token = tok
	c.caller = Cognate{UserPoolID: g.cfg.UserPoolID, Username: tok.Username, Sub: tok.Sub}
	if g.cfg.IdentityPoolID != "" && g.cfg.Identities != nil {
		id, err := g.cfg.Identities.IdentityOf(c.r.Context(), g.cfg.IdentityPoolID, g.cfg.UserPoolID, tok.Sub)
		if err != nil {
			return err
		}
		if id != "" {
			c.caller.IdentityID, c.caller.IdentityPoolID = id, g.cfg.IdentityPoolID
		}
	}
	return nil
}

// ErrInvalidToken is what Tokens.Verify returns (wrapped) for a token it
// refuses.
var ErrInvalidToken = errors.New("apigateway: invalid token")

// authenticateIAM verifies a SigV4 request and decides execute-api:Invoke.
func (g *Gateway) authenticateIAM(c *call) error {
	r := c.r
	caller, err := awsproto.VerifyRequest(r.Context(), awsproto.SignedRequest{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Host: r.Host,
		Header: r.Header, Body: c.body,
	}, "execute-api", g.cfg.Credentials, g.now())
	if err != nil {
		return iamError(err)
	}
	p := g.cfg.Policies.Describe(caller)
	c.principal = &p
	c.caller = Cognate{IdentityID: p.IdentityID, IdentityPoolID: p.IdentityPoolID, UserPoolID: p.UserPoolID,
		Username: p.Username, Sub: p.UserSub}
	if p.Root {
		return nil
	}
	arn := g.methodARN(r, caller.Region)
	ok, err := g.cfg.Policies.Invoke(r.Context(), caller, arn, c.sourceIP, r.TLS != nil)
	if err != nil {
		return err
	}
	if !ok {
		return &refusal{status: 403, kind: "AccessDeniedException", upper: true,
			message: fmt.Sprintf("User: %s is not authorized to perform: execute-api:Invoke on resource: %s", p.AssumedRoleARN, arn)}
	}
	return nil
}

// iamError words a SigV4 failure as API Gateway does.
func iamError(err error) error {
	var ae *awsproto.Error
	if !errors.As(err, &ae) {
		return err
	}
	switch ae.Type {
	case awsproto.TypeMissingAuthToken:
		return errMissingAuth
	case awsproto.TypeUnrecognizedClient:
		return &refusal{status: 403, kind: "UnrecognizedClientException", message: "The security token included in the request is invalid."}
	case awsproto.TypeExpiredToken:
		return &refusal{status: 403, kind: "ExpiredTokenException", message: "The security token included in the request is expired"}
	case awsproto.TypeIncompleteSignature:
		return &refusal{status: 403, kind: "IncompleteSignatureException", message: ae.Message}
	}
	return &refusal{status: 403, kind: "InvalidSignatureException",
		message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
}

// methodARN is the execute-api ARN of a request:
// arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<path>.
// The region is the API's (Config.Region), or else the one the caller
// signed for.
func (g *Gateway) methodARN(r *http.Request, signedRegion string) string {
	region := g.cfg.Region
	if region == "" {
		region = signedRegion
	}
	return "arn:aws:execute-api:" + region + ":" + g.cfg.AccountID + ":" + g.cfg.APIID + "/" + g.cfg.Stage + "/" +
		r.Method + "/" + strings.TrimPrefix(r.URL.Path, "/")
}

// proxy forwards to the HTTP upstream with the caller's ids.
func (g *Gateway) proxy(w http.ResponseWriter, c *call) (int, error) {
	r := c.r
	u := *g.up
	u.Path = strings.TrimSuffix(g.up.Path, "/") + r.URL.Path
	u.RawPath = ""
	u.RawQuery = r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(c.body))
	if err != nil {
		return 0, err
	}
	for k, vs := range r.Header {
		if hopHeaders[k] || strings.HasPrefix(k, "X-Cognate-") {
			continue
		}
		req.Header[k] = vs
	}
	set := func(name, v string) {
		if v != "" {
			req.Header.Set(name, v)
		}
	}
	set("X-Cognate-Identity-Id", c.caller.IdentityID)
	set("X-Cognate-Identity-Pool-Id", c.caller.IdentityPoolID)
	set("X-Cognate-User-Pool-Id", c.caller.UserPoolID)
	set("X-Cognate-Username", c.caller.Username)
	set("X-Cognate-Sub", c.caller.Sub)
	if c.token != nil {
		claims, _ := json.Marshal(c.token.Claims)
		req.Header.Set("X-Cognate-Claims", base64URL(claims))
	}
	req.Header.Set("X-Forwarded-For", c.sourceIP)
	req.Header.Set("X-Amzn-Requestid", c.requestID)
	resp, err := g.http.Do(req)
	if err != nil {
		if errors.Is(r.Context().Err(), context.Canceled) {
			return 0, nil
		}
		g.log.Warn("apigateway: upstream", "err", err, "request_id", c.requestID)
		return 0, errBadGateway
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		if !hopHeaders[k] {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
	return resp.StatusCode, nil
}

var hopHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true, "Content-Length": true,
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func base64URL(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
