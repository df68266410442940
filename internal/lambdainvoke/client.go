// Package lambdainvoke calls functions through the AWS Lambda Invoke API
// (POST /2015-03-31/functions/{name}/invocations, RequestResponse), which
// AWS Lambda itself, the Lambda runtime interface emulator and LocalStack
// all serve. The API gateway's lambda-proxy mode uses it; so do the user
// pools' triggers.
package lambdainvoke

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Config says where functions are and how to sign for them.
type Config struct {
	// Endpoint is the base of the Invoke API, e.g.
	// https://lambda.us-east-1.amazonaws.com or http://127.0.0.1:9001.
	Endpoint string
	// AccessKeyID and SecretAccessKey sign requests (SigV4, service
	// lambda); empty sends them unsigned, as the runtime interface
	// emulator accepts.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Region signs requests for functions named without an ARN (an ARN
	// names its own region); "" means us-east-1.
	Region string
	// Timeout bounds one attempt at an invocation; 0 means 5 seconds,
	// Cognito's.
	Timeout time.Duration
	// Attempts is how often an invocation is tried when the function does
	// not answer in time or the endpoint fails (5xx, throttling, no
	// connection); 0 means once. A function error is never retried. User
	// pool triggers use 3, as Cognito documents ("If it does not, Amazon
	// Cognito retries the call. After 3 unsuccessful attempts, the
	// function times out.").
	Attempts int
	// HTTPClient makes the requests; nil means a pooled client.
	HTTPClient *http.Client
	// Observe, when set, is told of every invocation: the function, the
	// outcome ("ok", "function_error", "timeout" or "unavailable") and
	// how long it took.
	Observe func(function, outcome string, d time.Duration)
	// Trace, when set, starts a span ("lambda.invoke") for each
	// invocation.
	Trace func(ctx context.Context, name string) (context.Context, func(error))
}

// Client invokes functions.
type Client struct {
	base   *url.URL
	cfg    Config
	signer *v4.Signer
	http   *http.Client
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(cfg.Endpoint, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("lambdainvoke: endpoint %q must be http(s)://host[:port]", cfg.Endpoint)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 1
	}
	hc := cfg.HTTPClient
	if hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		hc = &http.Client{Transport: t}
	}
	return &Client{base: u, cfg: cfg, signer: v4.NewSigner(), http: hc}, nil
}

// Errors of Invoke, besides *FunctionError.
var (
	// ErrTimeout is an invocation that took longer than the timeout.
	ErrTimeout = errors.New("lambdainvoke: the function did not answer in time")
	// ErrUnavailable is an endpoint that could not be reached or answered
	// with an error status of its own (5xx, throttling).
	ErrUnavailable = errors.New("lambdainvoke: the Lambda endpoint failed")
)

// EndpointError is an error status the Invoke API answered with (the
// function was not run): it wraps ErrUnavailable.
type EndpointError struct {
	Status int
	// Type is the Lambda error code (X-Amzn-ErrorType), such as
	// ResourceNotFoundException or TooManyRequestsException, when given.
	Type string
	Body string
}

func (e *EndpointError) Error() string {
	return fmt.Sprintf("%v: HTTP %d %s: %s", ErrUnavailable, e.Status, e.Type, e.Body)
}

func (e *EndpointError) Unwrap() error { return ErrUnavailable }

// errorType is the code of an X-Amzn-ErrorType header ("Code:uri" or
// "Code").
func errorType(h string) string {
	code, _, _ := strings.Cut(h, ":")
	return strings.TrimSpace(code)
}

// FunctionError is a function that ran and failed: the Invoke API's
// X-Amz-Function-Error, with the error the function reported.
type FunctionError struct {
	Kind         string // the header's value: Unhandled or Handled
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("lambdainvoke: function error (%s) %s: %s", e.Kind, e.ErrorType, e.ErrorMessage)
}

// Invoke calls function (a name, a partial or a full ARN) with payload and
// returns its response payload. It tries up to Attempts times while the
// function times out or the endpoint fails in a way worth retrying; the
// error is that of the last attempt. The invocation (all its attempts) is
// one span and one observation.
func (c *Client) Invoke(ctx context.Context, function string, payload []byte) (out []byte, err error) {
	if c.cfg.Trace != nil {
		var end func(error)
		ctx, end = c.cfg.Trace(ctx, "lambda.invoke")
		defer func() { end(err) }()
	}
	if c.cfg.Observe == nil {
		return c.invoke(ctx, function, payload)
	}
	start := time.Now()
	out, err = c.invoke(ctx, function, payload)
	outcome := "ok"
	var fe *FunctionError
	switch {
	case errors.As(err, &fe):
		outcome = "function_error"
	case errors.Is(err, ErrTimeout):
		outcome = "timeout"
	case err != nil:
		outcome = "unavailable"
	}
	c.cfg.Observe(function, outcome, time.Since(start))
	return out, err
}

// invoke makes the attempts.
func (c *Client) invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		out, err := c.invokeOnce(ctx, function, payload)
		var r *retryable
		if !errors.As(err, &r) {
			return out, err
		}
		if attempt >= c.cfg.Attempts || ctx.Err() != nil {
			return nil, r.err
		}
		select {
		case <-ctx.Done():
			return nil, r.err
		case <-time.After(time.Duration(attempt) * retryPause):
		}
	}
}

// retryPause is the wait before a second attempt, doubled before a third.
const retryPause = 20 * time.Millisecond

// retryable wraps a failure another attempt may not meet.
type retryable struct{ err error }

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

func (c *Client) invokeOnce(ctx context.Context, function string, payload []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := c.request(ctx, function, payload)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, &retryable{ErrTimeout}
		}
		return nil, &retryable{fmt.Errorf("%w: %v", ErrUnavailable, err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, &retryable{ErrTimeout}
		}
		return nil, &retryable{fmt.Errorf("%w: reading the answer: %v", ErrUnavailable, err)}
	}
	if len(body) > maxResponse {
		return nil, fmt.Errorf("%w: the answer is over %d bytes", ErrUnavailable, maxResponse)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := &EndpointError{Status: resp.StatusCode, Type: errorType(resp.Header.Get("X-Amzn-Errortype")), Body: truncate(body)}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return nil, &retryable{err}
		}
		return nil, err
	}
	if kind := resp.Header.Get("X-Amz-Function-Error"); kind != "" {
		fe := &FunctionError{Kind: kind}
		_ = json.Unmarshal(body, fe)
		return nil, fe
	}
	return body, nil
}

// maxResponse is the Invoke API's limit on a synchronous answer (6 MB).
const maxResponse = 6 << 20

func (c *Client) request(ctx context.Context, function string, payload []byte) (*http.Request, error) {
	path := strings.TrimSuffix(c.base.Path, "/") + "/2015-03-31/functions/" + function + "/invocations"
	u := *c.base
	u.Path = path
	u.RawPath = strings.TrimSuffix(c.base.EscapedPath(), "/") + "/2015-03-31/functions/" + escape(function) + "/invocations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	req.Header.Set("X-Amz-Log-Type", "None")
	if c.cfg.AccessKeyID == "" {
		return req, nil
	}
	sum := sha256.Sum256(payload)
	creds := aws.Credentials{AccessKeyID: c.cfg.AccessKeyID, SecretAccessKey: c.cfg.SecretAccessKey, SessionToken: c.cfg.SessionToken}
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "lambda", regionOf(function, c.cfg.Region), time.Now()); err != nil {
		return nil, err
	}
	return req, nil
}

// regionOf is the region of a function ARN (arn:aws:lambda:REGION:...),
// or def for a plain name.
func regionOf(function, def string) string {
	parts := strings.Split(function, ":")
	if len(parts) >= 4 && parts[0] == "arn" && parts[2] == "lambda" && parts[3] != "" {
		return parts[3]
	}
	return def
}

// escape percent-encodes a function name or ARN for the path, as the AWS
// SDKs do (every byte but the unreserved characters).
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ('A' <= ch && ch <= 'Z') || ('a' <= ch && ch <= 'z') || ('0' <= ch && ch <= '9') ||
			ch == '-' || ch == '_' || ch == '.' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[ch>>4])
		b.WriteByte(hexDigits[ch&15])
	}
	return b.String()
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}
