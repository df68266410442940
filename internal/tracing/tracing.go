// Package tracing sends OpenTelemetry traces over OTLP/HTTP when an
// endpoint is configured: a span for each API request, each storage
// transaction within it, and each Lambda invocation. Packages that make
// spans take a StartFunc and do not import OpenTelemetry.
package tracing

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// StartFunc starts a span named name under ctx's span and returns the
// context carrying it and the function that ends it with the outcome.
type StartFunc func(ctx context.Context, name string) (context.Context, func(err error))

// Tracer exports spans to an OTLP/HTTP endpoint.
type Tracer struct {
	tp *sdktrace.TracerProvider
	t  trace.Tracer
}

// New returns a Tracer exporting to endpoint (http(s)://host:port, the
// collector's OTLP/HTTP receiver; /v1/traces is added) in batches.
func New(endpoint, version string) (*Tracer, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tracing: endpoint %q must be http(s)://host:port", endpoint)
	}
	opts := []otlptracehttp.Option{otlptracehttp.WithEndpointURL(endpoint + "/v1/traces")}
	exp, err := otlptracehttp.New(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("cognate"), semconv.ServiceVersion(version))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(time.Second)), sdktrace.WithResource(res))
	return &Tracer{tp: tp, t: tp.Tracer("github.com/cognate-dev/cognate")}, nil
}

// Start implements StartFunc.
func (t *Tracer) Start(ctx context.Context, name string) (context.Context, func(error)) {
	ctx, span := t.t.Start(ctx, name)
	return ctx, func(err error) {
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
			span.SetAttributes(attribute.Bool("error", true))
		}
		span.End()
	}
}

// Shutdown sends the spans not yet sent and stops the exporter.
func (t *Tracer) Shutdown(ctx context.Context) error { return t.tp.Shutdown(ctx) }
