package lambdainvoke

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestInvokeRetries: timeouts, 5xx and throttling are tried Attempts times;
// function errors and other 4xx answers once.
func TestInvokeRetries(t *testing.T) {
	for _, tc := range []struct {
		name  string
		serve func(w http.ResponseWriter, n int32)
		calls int32
		want  func(error) bool
	}{
		{"answer", func(w http.ResponseWriter, _ int32) { _, _ = w.Write([]byte(`{}`)) }, 1, func(err error) bool { return err == nil }},
		{"5xx then an answer", func(w http.ResponseWriter, n int32) {
			if n == 1 {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			_, _ = w.Write([]byte(`{}`))
		}, 2, func(err error) bool { return err == nil }},
		{"throttled throughout", func(w http.ResponseWriter, _ int32) {
			w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException:http://internal")
			w.WriteHeader(http.StatusTooManyRequests)
		}, 3, func(err error) bool {
			var ee *EndpointError
			return errors.As(err, &ee) && ee.Type == "TooManyRequestsException" && errors.Is(err, ErrUnavailable)
		}},
		{"timeout throughout", nil, 3, func(err error) bool { return errors.Is(err, ErrTimeout) }},
		{"function error", func(w http.ResponseWriter, _ int32) {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			_, _ = w.Write([]byte(`{"errorMessage":"nope","errorType":"Error"}`))
		}, 1, func(err error) bool {
			var fe *FunctionError
			return errors.As(err, &fe) && fe.ErrorMessage == "nope"
		}},
		{"not found", func(w http.ResponseWriter, _ int32) { w.WriteHeader(http.StatusNotFound) }, 1,
			func(err error) bool { return errors.Is(err, ErrUnavailable) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.serve == nil { // never answers: waits for the client to give up
					n.Add(1)
					_, _ = io.ReadAll(r.Body) // then the server sees the client go
					select {
					case <-r.Context().Done():
					case <-time.After(10 * time.Second):
					}
					return
				}
				tc.serve(w, n.Add(1))
			}))
			defer srv.Close()
			// A generous timeout, so a busy machine does not turn an
			// answer into a timeout; the silent server times out anyway.
			timeout := 2 * time.Second
			if tc.serve == nil {
				timeout = 100 * time.Millisecond
			}
			c, err := New(Config{Endpoint: srv.URL, Timeout: timeout, Attempts: 3, AccessKeyID: "AKID", SecretAccessKey: "s"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Invoke(context.Background(), "arn:aws:lambda:eu-west-1:1:function:f", []byte(`{}`))
			if !tc.want(err) || n.Load() != tc.calls {
				t.Fatalf("error %v after %d calls, want %d", err, n.Load(), tc.calls)
			}
		})
	}
}
