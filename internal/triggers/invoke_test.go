package triggers

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cognate-dev/cognate/internal/lambdainvoke"
)

// answer is an Invoker that returns out and err.
type answer struct {
	out []byte
	err error
}

func (a answer) Invoke(context.Context, string, []byte) ([]byte, error) { return a.out, a.err }

func TestCall(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inv    answer
		strict bool
		kind   Kind
		msg    string
		want   bool
	}{
		{name: "answer", inv: answer{out: []byte(`{"response":{"autoConfirmUser":true}}`)}, want: true},
		{name: "null, lenient", inv: answer{out: []byte(`null`)}},
		{name: "no response, lenient", inv: answer{out: []byte(`{"version":"1"}`)}},
		{name: "null, strict", inv: answer{out: []byte(`null`)}, strict: true, kind: InvalidResponse, msg: "Unrecognizable lambda output"},
		{name: "not JSON", inv: answer{out: []byte(`<html>`)}, kind: InvalidResponse, msg: "Unrecognizable lambda output"},
		{name: "wrong type", inv: answer{out: []byte(`{"response":{"autoConfirmUser":"yes"}}`)}, kind: InvalidResponse, msg: "Unrecognizable lambda output"},
		{name: "function error", inv: answer{err: &lambdainvoke.FunctionError{Kind: "Unhandled", ErrorType: "Error", ErrorMessage: "nope"}},
			kind: FunctionFailed, msg: "PreSignUp failed with error nope."},
		{name: "timeout", inv: answer{err: lambdainvoke.ErrTimeout}, kind: Unexpected,
			msg: "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."},
		{name: "endpoint error", inv: answer{err: &lambdainvoke.EndpointError{Status: 404, Type: "ResourceNotFoundException"}}, kind: Unexpected,
			msg: "PreSignUp invocation failed due to error ResourceNotFoundException."},
		{name: "unreachable", inv: answer{err: fmt.Errorf("%w: dial: refused", lambdainvoke.ErrUnavailable)}, kind: Unexpected,
			msg: "PreSignUp invocation failed due to error ServiceException."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp PreSignUpResponse
			err := Call(context.Background(), tc.inv, PreSignUp, "fn", Header{}, PreSignUpRequest{}, &resp, tc.strict)
			var te *Error
			switch {
			case tc.kind == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.kind != "" && (!errors.As(err, &te) || te.Kind != tc.kind || te.Message != tc.msg):
				t.Fatalf("error %v, want %s %q", err, tc.kind, tc.msg)
			case resp.AutoConfirmUser != tc.want:
				t.Fatalf("autoConfirmUser %v", resp.AutoConfirmUser)
			}
		})
	}
}
