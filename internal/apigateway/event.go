package apigateway

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The proxy events, as API Gateway sends them to a Lambda proxy
// integration: payload 1.0 (REST APIs) and 2.0 (HTTP APIs). See
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
// Field names and nulls are AWS's; the one addition is
// requestContext.authorizer.cognate, which names both ids of the caller.

// eventV1 is a REST API proxy event.
type eventV1 struct {
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  contextV1           `json:"requestContext"`
	Body                            *string             `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type contextV1 struct {
	AccountID         string         `json:"accountId"`
	APIID             string         `json:"apiId"`
	Authorizer        map[string]any `json:"authorizer,omitempty"`
	DomainName        string         `json:"domainName"`
	DomainPrefix      string         `json:"domainPrefix"`
	ExtendedRequestID string         `json:"extendedRequestId"`
	HTTPMethod        string         `json:"httpMethod"`
	Identity          identityV1     `json:"identity"`
	Path              string         `json:"path"`
	Protocol          string         `json:"protocol"`
	RequestID         string         `json:"requestId"`
	RequestTime       string         `json:"requestTime"`
	RequestTimeEpoch  int64          `json:"requestTimeEpoch"`
	ResourceID        string         `json:"resourceId"`
	ResourcePath      string         `json:"resourcePath"`
	Stage             string         `json:"stage"`
}

// identityV1 is requestContext.identity; what does not apply is null.
type identityV1 struct {
	AccessKey                     *string `json:"accessKey"`
	AccountID                     *string `json:"accountId"`
	Caller                        *string `json:"caller"`
	CognitoAuthenticationProvider *string `json:"cognitoAuthenticationProvider"`
	CognitoAuthenticationType     *string `json:"cognitoAuthenticationType"`
	CognitoIdentityID             *string `json:"cognitoIdentityId"`
	CognitoIdentityPoolID         *string `json:"cognitoIdentityPoolId"`
	PrincipalOrgID                *string `json:"principalOrgId"`
	SourceIP                      string  `json:"sourceIp"`
	User                          *string `json:"user"`
	UserAgent                     string  `json:"userAgent"`
	UserArn                       *string `json:"userArn"`
}

// eventV2 is an HTTP API event.
type eventV2 struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	RequestContext        contextV2         `json:"requestContext"`
	Body                  string            `json:"body,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
}

type contextV2 struct {
	AccountID    string         `json:"accountId"`
	APIID        string         `json:"apiId"`
	Authorizer   map[string]any `json:"authorizer,omitempty"`
	DomainName   string         `json:"domainName"`
	DomainPrefix string         `json:"domainPrefix"`
	HTTP         struct {
		Method    string `json:"method"`
		Path      string `json:"path"`
		Protocol  string `json:"protocol"`
		SourceIP  string `json:"sourceIp"`
		UserAgent string `json:"userAgent"`
	} `json:"http"`
	RequestID string `json:"requestId"`
	RouteKey  string `json:"routeKey"`
	Stage     string `json:"stage"`
	Time      string `json:"time"`
	TimeEpoch int64  `json:"timeEpoch"`
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// requestTimeLayout is API Gateway's requestTime: "09/Apr/2015:12:34:56 +0000".
const requestTimeLayout = "02/Jan/2006:15:04:05 -0700"

// body returns the request body as the event carries it: text as is,
// anything that is not UTF-8 in base64.
func eventBody(b []byte) (string, bool) {
	if utf8.Valid(b) {
		return string(b), false
	}
	return base64.StdEncoding.EncodeToString(b), true
}

// eventV1Of builds the payload 1.0 event of a call.
func (g *Gateway) eventV1Of(c *call) eventV1 {
	r := c.r
	now := c.start.UTC()
	e := eventV1{
		Resource: "/{proxy+}", Path: r.URL.Path, HTTPMethod: r.Method,
		Headers: map[string]string{}, MultiValueHeaders: map[string][]string{},
		PathParameters: map[string]string{"proxy": strings.TrimPrefix(r.URL.Path, "/")},
	}
	for k, vs := range r.Header {
		e.Headers[k] = vs[len(vs)-1]
		e.MultiValueHeaders[k] = vs
	}
	if r.Host != "" {
		e.Headers["Host"], e.MultiValueHeaders["Host"] = r.Host, []string{r.Host}
	}
	if q := r.URL.Query(); len(q) > 0 {
		e.QueryStringParameters, e.MultiValueQueryStringParameters = map[string]string{}, map[string][]string{}
		for k, vs := range q {
			e.QueryStringParameters[k] = vs[len(vs)-1]
			e.MultiValueQueryStringParameters[k] = vs
		}
	}
	if len(c.body) > 0 {
		b, b64 := eventBody(c.body)
		e.Body, e.IsBase64Encoded = &b, b64
	}
	host, prefix := g.domain(r)
	e.RequestContext = contextV1{
		AccountID: g.cfg.AccountID, APIID: g.cfg.APIID, DomainName: host, DomainPrefix: prefix,
		ExtendedRequestID: c.requestID, HTTPMethod: r.Method, Path: "/" + g.cfg.Stage + r.URL.Path,
		Protocol: r.Proto, RequestID: c.requestID, RequestTime: now.Format(requestTimeLayout),
		RequestTimeEpoch: now.UnixMilli(), ResourceID: "proxy", ResourcePath: "/{proxy+}", Stage: g.cfg.Stage,
		Identity:   identityV1{SourceIP: c.sourceIP, UserAgent: r.UserAgent()},
		Authorizer: map[string]any{"cognate": c.caller},
	}
	id := &e.RequestContext.Identity
	switch {
	case c.principal != nil:
		p := c.principal
		id.AccessKey, id.AccountID, id.Caller = strp(p.AccessKeyID), strp(p.AccountID), strp(p.UserID)
		id.User, id.UserArn = strp(p.UserID), strp(p.AssumedRoleARN)
		id.CognitoIdentityID, id.CognitoIdentityPoolID = strp(p.IdentityID), strp(p.IdentityPoolID)
		if len(p.AMR) > 0 {
			id.CognitoAuthenticationType = strp(p.AMR[0])
			id.CognitoAuthenticationProvider = strp(strings.Join(p.AMR[1:], ","))
		}
	case c.token != nil:
		e.RequestContext.Authorizer["claims"] = claimsV1(c.token.Claims)
	}
	return e
}

// eventV2Of builds the payload 2.0 event of a call.
func (g *Gateway) eventV2Of(c *call) eventV2 {
	r := c.r
	now := c.start.UTC()
	e := eventV2{
		Version: "2.0", RouteKey: "$default", RawPath: r.URL.Path, RawQueryString: r.URL.RawQuery,
		Headers: map[string]string{},
	}
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			for _, v := range vs {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						e.Cookies = append(e.Cookies, c)
					}
				}
			}
			continue
		}
		e.Headers[lk] = strings.Join(vs, ",")
	}
	if r.Host != "" {
		e.Headers["host"] = r.Host
	}
	if q := r.URL.Query(); len(q) > 0 {
		e.QueryStringParameters = map[string]string{}
		for k, vs := range q {
			e.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	if len(c.body) > 0 {
		e.Body, e.IsBase64Encoded = eventBody(c.body)
	}
	host, prefix := g.domain(r)
	rc := &e.RequestContext
	rc.AccountID, rc.APIID, rc.DomainName, rc.DomainPrefix = g.cfg.AccountID, g.cfg.APIID, host, prefix
	rc.HTTP.Method, rc.HTTP.Path, rc.HTTP.Protocol = r.Method, r.URL.Path, r.Proto
	rc.HTTP.SourceIP, rc.HTTP.UserAgent = c.sourceIP, r.UserAgent()
	rc.RequestID, rc.RouteKey, rc.Stage = c.requestID, "$default", g.cfg.Stage
	rc.Time, rc.TimeEpoch = now.Format(requestTimeLayout), now.UnixMilli()
	rc.Authorizer = map[string]any{"cognate": c.caller}
	switch {
	case c.principal != nil:
		p := c.principal
		iam := map[string]any{
			"accessKey": p.AccessKeyID, "accountId": p.AccountID, "callerId": p.UserID,
			"principalOrgId": nil, "userArn": p.AssumedRoleARN, "userId": p.UserID,
			"cognitoIdentity": nil,
		}
		if p.IdentityID != "" {
			iam["cognitoIdentity"] = map[string]any{"amr": p.AMR, "identityId": p.IdentityID, "identityPoolId": p.IdentityPoolID}
		}
		rc.Authorizer["iam"] = iam
	case c.token != nil:
		scopes := c.token.Scopes
		if scopes == nil {
			scopes = []string{}
		}
		rc.Authorizer["jwt"] = map[string]any{"claims": claimsV2(c.token.Claims), "scopes": scopes}
	}
	return e
}

// domain is the request's host and its first label.
func (g *Gateway) domain(r *http.Request) (string, string) {
	host := r.Host
	if i := strings.LastIndexByte(host, ':'); i > 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	prefix, _, _ := strings.Cut(host, ".")
	return host, prefix
}

// claimsV1 are a token's claims as a REST API's Cognito authorizer passes
// them: every value a string, the times in Java's Date format
// ("Wed Sep 30 16:14:40 UTC 2020"), lists as "[a, b]".
func claimsV1(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		switch k {
		case "exp", "iat", "auth_time":
			if f, ok := v.(float64); ok {
				out[k] = time.Unix(int64(f), 0).UTC().Format("Mon Jan 02 15:04:05 MST 2006")
				continue
			}
		}
		out[k] = claimString(v, ", ")
	}
	return out
}

// claimsV2 are the claims as an HTTP API's JWT authorizer passes them:
// strings, numbers in decimal, lists as "[a b]".
func claimsV2(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		out[k] = claimString(v, " ")
	}
	return out
}

func claimString(v any, sep string) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = claimString(e, sep)
		}
		return "[" + strings.Join(parts, sep) + "]"
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// sortedKeys is for stable headers in responses.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
