// Package metrics is what Cognate tells Prometheus: one registry per
// server with the counters and histograms operators watch (requests by
// API, operation and error; sign-ins by flow and outcome; lockouts; codes
// sent; tokens and credentials issued; the password-hashing queue;
// storage; the gateways; triggers; rate limiting), served in the text
// format at /metrics. Packages that produce the numbers do not import
// Prometheus: each exposes a small hook, and internal/app connects them to
// a Set.
package metrics

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Set is one server's metrics. A nil *Set records nothing (a server
// built without metrics, for measuring what they cost).
type Set struct {
	reg *prometheus.Registry

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	signIns         *prometheus.CounterVec
	lockouts        prometheus.Counter
	codesSent       *prometheus.CounterVec
	tokens          *prometheus.CounterVec
	credentials     prometheus.Counter
	hashWait        prometheus.Histogram
	storage         *prometheus.HistogramVec
	storageErrors   *prometheus.CounterVec
	gateway         *prometheus.CounterVec
	triggers        *prometheus.CounterVec
	triggerDuration *prometheus.HistogramVec
	throttled       *prometheus.CounterVec
	endpoints       *prometheus.CounterVec
	endpointTime    *prometheus.HistogramVec
}

// latencyBuckets go from 0.5 ms to 10 s: a cached read, an RSA signature,
// an argon2id hash and a slow trigger all land in distinct buckets.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// New returns a Set registered with the Go runtime's and the process's
// collectors.
func New() *Set {
	s := &Set{reg: prometheus.NewRegistry()}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := func(c prometheus.Collector) { s.reg.MustRegister(c) }
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cognate_requests_total",
		Help: "API requests by API (signing name), operation and error type (\"\" for success)."}, []string{"api", "operation", "error"})
	s.requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cognate_request_duration_seconds",
		Help: "API request latency by API and operation.", Buckets: latencyBuckets}, []string{"api", "operation"})
	s.signIns = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cognate_sign_ins_total",
		Help: "Sign-in steps by flow (AuthFlow, or the challenge answered) and outcome: tokens, challenge, failure, locked."}, []string{"flow", "outcome"})
	s.lockouts = prometheus.NewCounter(prometheus.CounterOpts{Name: "cognate_lockouts_total",
		Help: "Sign-in attempts refused because the user (or name) is locked out after failed attempts."})
	s.codesSent = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cognate_codes_sent_total",
		Help: "Messages with codes or passwords sent, by channel (email, sms) and kind."}, []string{"channel", "kind"})
	s.tokens = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cognate_tokens_issued_total",
		Help: "JWTs signed, by use (id, access, openid)."}, []string{"use"})
	s.credentials = prometheus.NewCounter(prometheus.CounterOpts{Name: "cognate_credentials_issued_total",
		Help: "Temporary AWS credentials vended (GetCredentialsForIdentity, AssumeRoleWithWebIdentity)."})
	s.hashWait = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "cognate_password_hash_wait_seconds",
		Help: "How long password hashes waited for a free hashing slot.", Buckets: latencyBuckets})
	s.storage = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cognate_storage_duration_seconds",
		Help: "Storage latency by kind: read and write statements outside transactions, whole transactions (tx).", Buckets: latencyBuckets}, []string{"kind"})
	s.storageErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cognate_storage_errors_total",
		Help: "Storage statements and transactions that failed (not counting not-found, conflicts and the like), by kind."}, []string{"kind"})
	s.gateway = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cognate_gateway_requests_total",
		Help: "Gateway requests by gateway (s3, api) and decision (allowed, denied, unauthenticated, error)."}, []string{"gateway", "decision"})
	s.triggers = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cognate_lambda_invocations_total",
		Help: "Lambda invocations (triggers, lambda-proxy) by function and outcome (ok, function_error, timeout, unavailable)."}, []string{"function", "outcome"})
	s.triggerDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cognate_lambda_invocation_duration_seconds",
		Help: "Lambda invocation latency by function.", Buckets: latencyBuckets}, []string{"function"})
	s.throttled = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cognate_throttled_requests_total",
		Help: "Requests refused by a rate limit, by quota category and scope (address, client, user)."}, []string{"category", "scope"})
	s.endpoints = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cognate_endpoint_requests_total",
		Help: "Requests to the pool domains' endpoints (managed login pages, OAuth 2.0, OpenID and SAML) by endpoint and outcome: ok, client_error, server_error, throttled."}, []string{"endpoint", "outcome"})
	s.endpointTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cognate_endpoint_request_duration_seconds",
		Help: "Latency of the pool domains' endpoints by endpoint.", Buckets: latencyBuckets}, []string{"endpoint"})
	for _, c := range []prometheus.Collector{s.requests, s.requestDuration, s.signIns, s.lockouts, s.codesSent, s.tokens,
		s.credentials, s.hashWait, s.storage, s.storageErrors, s.gateway, s.triggers, s.triggerDuration, s.throttled,
		s.endpoints, s.endpointTime} {
		f(c)
	}
	return s
}

// Handler serves the metrics in Prometheus's text format.
func (s *Set) Handler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}

// Request counts an API request.
func (s *Set) Request(api, operation, errType string, d time.Duration) {
	if s == nil {
		return
	}
	s.requests.WithLabelValues(api, operation, errType).Inc()
	s.requestDuration.WithLabelValues(api, operation).Observe(d.Seconds())
}

// Endpoint counts a request to a pool domain's endpoint (a fixed set of
// paths, "other" for the rest) with its outcome.
func (s *Set) Endpoint(endpoint, outcome string, d time.Duration) {
	if s == nil {
		return
	}
	s.endpoints.WithLabelValues(endpoint, outcome).Inc()
	s.endpointTime.WithLabelValues(endpoint).Observe(d.Seconds())
}

// SignIn counts a sign-in step.
func (s *Set) SignIn(flow, outcome string) {
	if s == nil {
		return
	}
	s.signIns.WithLabelValues(flow, outcome).Inc()
	if outcome == OutcomeLocked {
		s.lockouts.Inc()
	}
}

// Sign-in outcomes.
const (
	OutcomeTokens    = "tokens"
	OutcomeChallenge = "challenge"
	OutcomeFailure   = "failure"
	OutcomeLocked    = "locked"
)

// CodeSent counts a message sent.
func (s *Set) CodeSent(channel, kind string) {
	if s == nil {
		return
	}
	s.codesSent.WithLabelValues(channel, kind).Inc()
}

// TokenSigned counts a JWT signed.
func (s *Set) TokenSigned(use string) {
	if s == nil {
		return
	}
	s.tokens.WithLabelValues(use).Inc()
}

// CredentialsIssued counts vended credentials.
func (s *Set) CredentialsIssued() {
	if s == nil {
		return
	}
	s.credentials.Inc()
}

// HashWaited observes a password hash's wait for a slot.
func (s *Set) HashWaited(d time.Duration) {
	if s == nil {
		return
	}
	s.hashWait.Observe(d.Seconds())
}

// Storage observes a statement or transaction; failed says it failed.
func (s *Set) Storage(kind string, d time.Duration, failed bool) {
	if s == nil {
		return
	}
	s.storage.WithLabelValues(kind).Observe(d.Seconds())
	if failed {
		s.storageErrors.WithLabelValues(kind).Inc()
	}
}

// Gateway counts a gateway decision.
func (s *Set) Gateway(gateway, decision string) {
	if s == nil {
		return
	}
	s.gateway.WithLabelValues(gateway, decision).Inc()
}

// Invocation observes a Lambda invocation.
func (s *Set) Invocation(function, outcome string, d time.Duration) {
	if s == nil {
		return
	}
	// A function named by ARN is labelled by its name, so that versions
	// and aliases of one function share a series.
	name := function
	if parts := strings.Split(function, ":"); len(parts) >= 7 && parts[0] == "arn" {
		name = parts[6]
	}
	s.triggers.WithLabelValues(name, outcome).Inc()
	s.triggerDuration.WithLabelValues(name).Observe(d.Seconds())
}

// Throttled counts a request refused by a rate limit.
func (s *Set) Throttled(category, scope string) {
	if s == nil {
		return
	}
	s.throttled.WithLabelValues(category, scope).Inc()
}
