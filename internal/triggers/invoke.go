package triggers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cognate-dev/cognate/internal/lambdainvoke"
)

// Trigger names a trigger as Cognito's error messages do.
type Trigger string

// The triggers of a user pool's LambdaConfig.
const (
	PreSignUp           Trigger = "PreSignUp"
	PostConfirmation    Trigger = "PostConfirmation"
	PreAuthentication   Trigger = "PreAuthentication"
	PostAuthentication  Trigger = "PostAuthentication"
	DefineAuthChallenge Trigger = "DefineAuthChallenge"
	CreateAuthChallenge Trigger = "CreateAuthChallenge"
	VerifyAuthChallenge Trigger = "VerifyAuthChallengeResponse"
	PreTokenGeneration  Trigger = "PreTokenGeneration"
	UserMigration       Trigger = "UserMigration"
	CustomMessage       Trigger = "CustomMessage"
	CustomEmailSender   Trigger = "CustomEmailSender"
	CustomSMSSender     Trigger = "CustomSMSSender"
	InboundFederation   Trigger = "InboundFederation"
)

// Invoker calls a function by name or ARN with a JSON payload and returns
// its answer. *lambdainvoke.Client is one; its errors (*FunctionError,
// ErrTimeout, ErrUnavailable) tell how an invocation failed.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) ([]byte, error)
}

// Kind is the Cognito exception a failed trigger becomes.
type Kind string

// The kinds of failed triggers.
const (
	// FunctionFailed is a function that ran and reported an error.
	FunctionFailed Kind = "UserLambdaValidationException"
	// Unexpected is a function that could not be run or did not answer in
	// time.
	Unexpected Kind = "UnexpectedLambdaException"
	// InvalidResponse is an answer that is not the expected event.
	InvalidResponse Kind = "InvalidLambdaResponseException"
)

// Error is a failed trigger, worded as Cognito words it.
type Error struct {
	Kind    Kind
	Trigger Trigger
	Message string
	// Function is the error message the function reported (FunctionFailed).
	Function string
	// Cause is the underlying failure, for the log; never shown to clients.
	Cause error
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Message }
func (e *Error) Unwrap() error { return e.Cause }

// msgUnrecognizable is Cognito's InvalidLambdaResponseException message.
const msgUnrecognizable = "Unrecognizable lambda output"

// Header is what every trigger event starts with.
type Header struct {
	Version       string        `json:"version"`
	TriggerSource string        `json:"triggerSource"`
	Region        string        `json:"region"`
	UserPoolID    string        `json:"userPoolId"`
	UserName      string        `json:"userName"`
	CallerContext CallerContext `json:"callerContext"`
}

// CallerContext says which app client the request came through.
type CallerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion"`
	ClientID      string `json:"clientId"`
}

// SDKVersion is what callerContext.awsSdkVersion says: Cognate does not
// know the caller's SDK, and Cognito sends this for callers it cannot
// name.
const SDKVersion = "aws-sdk-unknown-unknown"

// event is a whole trigger event.
type event[Req, Resp any] struct {
	Header
	Request  Req  `json:"request"`
	Response Resp `json:"response"`
}

// Call invokes function with the event of trigger t made of h, req and
// *resp (the response part as Cognito sends it, usually its zero value),
// and sets *resp to the response part of the event the function returns.
// When strict is false, a function that answers null or leaves the
// response out leaves *resp as sent (functions of triggers whose response
// carries nothing often do); when true that is InvalidResponse.
func Call[Req, Resp any](ctx context.Context, inv Invoker, t Trigger, function string, h Header, req Req, resp *Resp, strict bool) error {
	payload, err := json.Marshal(event[Req, Resp]{Header: h, Request: req, Response: *resp})
	if err != nil {
		return fmt.Errorf("triggers: %s event: %w", t, err)
	}
	out, err := inv.Invoke(ctx, function, payload)
	if err != nil {
		return invokeError(t, err)
	}
	return parseResponse(t, out, resp, strict)
}

// invokeError turns an invocation's failure into Cognito's error.
func invokeError(t Trigger, err error) *Error {
	var fe *lambdainvoke.FunctionError
	switch {
	case errors.As(err, &fe):
		msg := fe.ErrorMessage
		if msg == "" {
			msg = fe.ErrorType
		}
		return &Error{Kind: FunctionFailed, Trigger: t, Function: msg, Cause: err,
			Message: fmt.Sprintf("%s failed with error %s.", t, msg)}
	case errors.Is(err, lambdainvoke.ErrTimeout):
		return &Error{Kind: Unexpected, Trigger: t, Cause: err,
			Message: fmt.Sprintf("%s invocation failed due to error Socket timeout while invoking Lambda function.", t)}
	default:
		cause := "ServiceException"
		var ee *lambdainvoke.EndpointError
		if errors.As(err, &ee) && ee.Type != "" {
			cause = ee.Type
		}
		return &Error{Kind: Unexpected, Trigger: t, Cause: err,
			Message: fmt.Sprintf("%s invocation failed due to error %s.", t, cause)}
	}
}

// parseResponse reads the response part of the event a function returned.
func parseResponse[Resp any](t Trigger, out []byte, resp *Resp, strict bool) error {
	bad := func(cause error) error {
		return &Error{Kind: InvalidResponse, Trigger: t, Message: msgUnrecognizable, Cause: cause}
	}
	out = bytes.TrimSpace(out)
	if len(out) == 0 || bytes.Equal(out, []byte("null")) {
		if strict {
			return bad(errors.New("the function returned nothing"))
		}
		return nil
	}
	var ev struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(out, &ev); err != nil {
		return bad(err)
	}
	r := bytes.TrimSpace(ev.Response)
	if len(r) == 0 || bytes.Equal(r, []byte("null")) {
		if strict {
			return bad(errors.New("the event has no response"))
		}
		return nil
	}
	var got Resp
	if err := json.Unmarshal(r, &got); err != nil {
		return bad(err)
	}
	*resp = got
	return nil
}
