package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpReceiver is an OpenTelemetry collector's OTLP/HTTP trace receiver:
// it decodes the export requests (protobuf) and keeps their spans.
type otlpReceiver struct {
	*httptest.Server
	mu    sync.Mutex
	spans []*tracepb.Span
}

func newOTLPReceiver(t *testing.T) *otlpReceiver {
	r := &otlpReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var export coltrace.ExportTraceServiceRequest
		if req.URL.Path != "/v1/traces" || proto.Unmarshal(body, &export) != nil {
			http.Error(w, "bad export", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		for _, rs := range export.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				r.spans = append(r.spans, ss.Spans...)
			}
		}
		r.mu.Unlock()
		out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *otlpReceiver) named(name string) []*tracepb.Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*tracepb.Span
	for _, s := range r.spans {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// TestTracing: with --otlp-endpoint, each API request is a span named by
// its operation, and the storage transactions it ran are its children.
func TestTracing(t *testing.T) {
	recv := newOTLPReceiver(t)
	cfg := newConfig(t, "sqlite")
	cfg.OTLPEndpoint = recv.URL
	s := start(t, cfg)
	poolID := s.pool(nil)
	s.user(poolID, "mia", "Correct-Horse-9")
	s.app.Close() // flushes the spans
	var creates []*tracepb.Span
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if creates = recv.named("cognito-idp.AdminCreateUser"); len(creates) > 0 {
			break
		}
	}
	if len(creates) != 1 {
		t.Fatalf("AdminCreateUser spans: %d", len(creates))
	}
	var children int
	for _, tx := range recv.named("storage.tx") {
		if string(tx.ParentSpanId) == string(creates[0].SpanId) && string(tx.TraceId) == string(creates[0].TraceId) {
			children++
		}
	}
	if children == 0 {
		t.Fatal("AdminCreateUser's storage transactions are not its children")
	}
}
