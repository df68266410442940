package config

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// APIGateway configures the API gateway listener.
type APIGateway struct {
	Listen string
	// Upstream is the HTTP backend, or the Lambda Invoke API's base URL in
	// lambda-proxy mode.
	Upstream string
	// Mode is "http" or "lambda-proxy"; Function the function lambda-proxy
	// invokes; PayloadVersion its event's format, "1.0" or "2.0".
	Mode           string
	Function       string
	PayloadVersion string
	// Authorizer is "cognito-user-pools", "aws-iam" or "both".
	Authorizer string
	// UserPoolID is the pool whose tokens are accepted; RequiredScopes,
	// when set, ask for an access token with one of them.
	UserPoolID     string
	RequiredScopes string
	// IdentityPoolID is where a token caller's identity is looked up.
	IdentityPoolID string
	// APIID and Stage name the API in execute-api ARNs and events.
	APIID string
	Stage string
}

// Enabled reports whether the API gateway is configured.
func (g APIGateway) Enabled() bool { return g.Listen != "" }

// Scopes returns RequiredScopes as a list.
func (g APIGateway) Scopes() []string {
	var out []string
	for s := range strings.SplitSeq(g.RequiredScopes, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (g APIGateway) validate() error {
	if !g.Enabled() {
		return nil
	}
	if err := validateListen(g.Listen); err != nil {
		return fmt.Errorf("--api-gateway-listen%s", strings.TrimPrefix(err.Error(), "--listen"))
	}
	u, err := url.Parse(g.Upstream)
	if g.Upstream == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--api-upstream: required with --api-gateway-listen, an http(s) URL")
	}
	switch {
	case g.Mode != "http" && g.Mode != "lambda-proxy":
		return fmt.Errorf("--api-upstream-mode: %q is not http or lambda-proxy", g.Mode)
	case g.Mode == "lambda-proxy" && g.Function == "":
		return fmt.Errorf("--api-function: required with --api-upstream-mode lambda-proxy")
	case g.PayloadVersion != "1.0" && g.PayloadVersion != "2.0":
		return fmt.Errorf("--api-payload-version: %q is not 1.0 or 2.0", g.PayloadVersion)
	case g.Authorizer != "cognito-user-pools" && g.Authorizer != "aws-iam" && g.Authorizer != "both":
		return fmt.Errorf("--api-authorizer: %q is not cognito-user-pools, aws-iam or both", g.Authorizer)
	case g.Authorizer != "aws-iam" && g.UserPoolID == "":
		return fmt.Errorf("--api-user-pool-id: required with --api-authorizer %s", g.Authorizer)
	case g.APIID == "" || strings.ContainsAny(g.APIID, "/:* ") || g.Stage == "" || strings.ContainsAny(g.Stage, "/:* "):
		return fmt.Errorf("--api-id and --api-stage: must be non-empty names without '/', ':', '*' or spaces")
	}
	return nil
}

// Lambda says how Cognate calls functions through the Lambda Invoke API.
type Lambda struct {
	// Endpoint is the base URL of the Lambda Invoke API the user pools'
	// triggers are invoked through; empty means no triggers (setting one
	// in a pool's LambdaConfig is refused). The API gateway's lambda-proxy
	// mode uses --api-upstream instead.
	Endpoint string
	// SenderKey is the base64 256-bit AES key that encrypts the codes
	// given to CustomEmailSender and CustomSMSSender functions (a raw AES
	// keyring of the AWS Encryption SDK, namespace "cognate", name
	// "sender"); empty means pools without a KMSKeyID cannot use them.
	SenderKey string
	// AccessKeyID and SecretAccessKey sign invocations (SigV4, service
	// lambda); empty sends them unsigned.
	AccessKeyID     string
	SecretAccessKey string
	// Region signs invocations of functions named without an ARN.
	Region string
	// Timeout bounds an invocation.
	Timeout time.Duration
}

func (l Lambda) validate() error {
	if l.Endpoint != "" {
		u, err := url.Parse(l.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" {
			return fmt.Errorf("--lambda-endpoint: %q is not an http(s) URL", l.Endpoint)
		}
	}
	if l.SenderKey != "" {
		if k, err := base64.StdEncoding.DecodeString(l.SenderKey); err != nil || len(k) != 32 {
			return fmt.Errorf("--sender-encryption-key: must be 32 bytes (256 bits) in base64")
		}
	}
	return nil
}

// S3Gateway configures the second listener, which speaks the S3 REST API
// in front of an S3-compatible store and enforces the callers' policies.
type S3Gateway struct {
	// Listen is the gateway's address (host:port); empty turns it off.
	Listen string
	// Domain is the host name under which buckets are addressed virtually
	// (<bucket>.<domain>); empty means the host of Listen when it is a
	// name, and path-style addressing only when it is an IP address.
	Domain string
	// Metadata stamps written objects with the writer's identity id, user
	// pool id and sub (x-amz-meta-cognate-*).
	Metadata bool
	// BackendURL is the store's endpoint; BackendAccessKey and
	// BackendSecretKey the credentials the gateway signs with.
	BackendURL       string
	BackendAccessKey string
	BackendSecretKey string
	// BackendRegion signs the gateway's requests (default us-east-1).
	BackendRegion string
	// BackendPathStyle addresses the store's buckets in the path.
	BackendPathStyle bool
}

// Enabled reports whether the S3 gateway is configured.
func (g S3Gateway) Enabled() bool { return g.Listen != "" }

func (g S3Gateway) validate() error {
	if !g.Enabled() {
		return nil
	}
	if err := validateListen(g.Listen); err != nil {
		return fmt.Errorf("--s3-gateway-listen%s", strings.TrimPrefix(err.Error(), "--listen"))
	}
	u, err := url.Parse(g.BackendURL)
	if g.BackendURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("--s3-backend-url: required with --s3-gateway-listen, an http(s)://host[:port] URL")
	}
	if g.BackendAccessKey == "" || g.BackendSecretKey == "" {
		return fmt.Errorf("--s3-backend-access-key and --s3-backend-secret-key: required with --s3-gateway-listen")
	}
	if strings.ContainsFunc(g.Domain, isSpaceOrControl) || strings.ContainsAny(g.Domain, "/:@") {
		return fmt.Errorf("--s3-gateway-domain: %q is not a host name", g.Domain)
	}
	return nil
}
