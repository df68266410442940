package app

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/messaging"
	"github.com/cognate-dev/cognate/internal/metrics"
	"github.com/cognate-dev/cognate/internal/ratelimit"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage/sqlstore"
	"github.com/cognate-dev/cognate/internal/sts"
)

// This file wires what operators watch and what protects the server:
// Prometheus metrics (internal/metrics) fed by the hooks of the packages
// that produce the numbers, the rate limits (internal/ratelimit) and the
// client address behind trusted proxies.

// observeStorage reports the store's statements and transactions, traces
// its transactions and logs its background failures.
func (a *App) observeStorage() {
	if s, ok := a.store.(interface{ OnBackgroundError(func(error)) }); ok {
		s.OnBackgroundError(func(err error) { a.log.Error("storage: background checkpoint failed", "err", err) })
	}
	if s, ok := a.store.(interface{ Observe(sqlstore.Observer) }); ok && a.metrics != nil {
		m := a.metrics
		s.Observe(func(kind string, d time.Duration, err error) { m.Storage(kind, d, sqlstore.Failed(err)) })
	}
	if s, ok := a.store.(interface {
		Trace(func(context.Context, string) (context.Context, func(error)))
	}); ok && a.tracer != nil {
		s.Trace(a.tracer.Start)
	}
}

// countingMessenger counts the messages a Messenger sends.
type countingMessenger struct {
	messaging.Messenger
	channel string
	m       *metrics.Set
}

func (c countingMessenger) Send(ctx context.Context, msg messaging.Message) error {
	err := c.Messenger.Send(ctx, msg)
	if err == nil {
		c.m.CodeSent(c.channel, msg.Kind)
	}
	return err
}

// countingRecorder counts vended credentials on their way to the audit
// log.
type countingRecorder struct {
	sts.IssuanceRecorder
	m *metrics.Set
}

func (c countingRecorder) CredentialsIssued(ctx context.Context, is sts.Issuance) error {
	c.m.CredentialsIssued()
	return c.IssuanceRecorder.CredentialsIssued(ctx, is)
}

// clientIP returns the address a request comes from: the connection's
// peer, or, when the peer is a trusted proxy, the last address in
// X-Forwarded-For that is not one (the one the nearest trusted proxy
// saw).
func (a *App) clientIP(r *http.Request) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	if len(a.proxies) == 0 || !a.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if net.ParseIP(hop) == nil {
			break // a garbled header: trust nothing further
		}
		if !a.trusted(hop) {
			return hop
		}
	}
	return peer
}

func (a *App) trusted(addr string) bool {
	ip := net.ParseIP(addr)
	for _, n := range a.proxies {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// throttled is the answer of a rate limit, as Cognito words it.
func throttled() error {
	return awsproto.Errorf("TooManyRequestsException", "Too many requests")
}

// admit applies the rate limits to a verified, validated API request.
// Requests signed with the root credentials are not limited: they are
// the operator's.
func (a *App) admit(_ context.Context, info *awsproto.RequestInfo, body []byte) error {
	if info.Caller != nil && info.Caller.Session == nil {
		return nil
	}
	if ratelimit.Category(info.Service, info.Operation, "") == "" {
		return nil
	}
	var keys struct {
		ClientID       string            `json:"ClientId"`
		UserPoolID     string            `json:"UserPoolId"`
		Username       string            `json:"Username"`
		AccessToken    string            `json:"AccessToken"`
		AuthFlow       string            `json:"AuthFlow"`
		AuthParameters map[string]string `json:"AuthParameters"`
	}
	_ = json.Unmarshal(body, &keys) // validated already; what is missing keys nothing
	cat := ratelimit.Category(info.Service, info.Operation, keys.AuthFlow)
	l := a.limiter
	if !l.Allow(ratelimit.ScopeAddress, cat, info.SourceIP) {
		a.metrics.Throttled(cat, ratelimit.ScopeAddress)
		return throttled()
	}
	if cat == ratelimit.UserAuthentication && l.Blocked(info.SourceIP) {
		a.metrics.Throttled(cat, "spray")
		return throttled()
	}
	if !l.Allow(ratelimit.ScopeClient, cat, keys.ClientID) {
		a.metrics.Throttled(cat, ratelimit.ScopeClient)
		return throttled()
	}
	user := keys.Username
	if user == "" {
		user = keys.AuthParameters["USERNAME"]
	}
	switch {
	case user != "":
		// A name is only a user within its pool (or its client's).
		user = keys.UserPoolID + keys.ClientID + "\x00" + strings.ToLower(user)
	case keys.AccessToken != "":
		user = string(secret.HashToken(keys.AccessToken))
	}
	if !l.Allow(ratelimit.ScopeUser, cat, user) {
		a.metrics.Throttled(cat, ratelimit.ScopeUser)
		return throttled()
	}
	return nil
}

// admitEndpoint applies the per-address limits to a request to a pool
// domain's endpoint, by the endpoint's quota category.
func (a *App) admitEndpoint(r *http.Request, endpoint string) bool {
	cat := ratelimit.EndpointCategory(endpoint)
	if cat == "" || a.limiter == nil {
		return true
	}
	addr := a.clientIP(r)
	if !a.limiter.Allow(ratelimit.ScopeAddress, cat, addr) {
		a.metrics.Throttled(cat, ratelimit.ScopeAddress)
		return false
	}
	if cat == ratelimit.UserAuthentication && a.limiter.Blocked(addr) {
		a.metrics.Throttled(cat, "spray")
		return false
	}
	return true
}

// wrongPasswordOnPage counts a wrong password typed on a pool domain's
// pages against its address, as signedIn does for the API's.
func (a *App) wrongPasswordOnPage(r *http.Request, username string) {
	if a.limiter != nil {
		a.limiter.WrongPassword(a.clientIP(r), strings.ToLower(username))
	}
}

// observeEndpoint counts a request to a pool domain's endpoint.
func (a *App) observeEndpoint(endpoint, outcome string, d time.Duration) {
	a.metrics.Endpoint(endpoint, outcome, d)
}

// signedIn is told of every sign-in step by the User Pools API: metrics,
// and wrong passwords counted against their address by the spray rule.
func (a *App) signedIn(ctx context.Context, flow, username, outcome string) {
	a.metrics.SignIn(flow, outcome)
	if !passwordSteps[flow] || (outcome != metrics.OutcomeFailure && outcome != metrics.OutcomeLocked) {
		return
	}
	if info := awsproto.Info(ctx); info != nil {
		a.limiter.WrongPassword(info.SourceIP, strings.ToLower(username))
	}
}

// passwordSteps are the sign-in steps that check a password.
var passwordSteps = map[string]bool{
	"USER_PASSWORD_AUTH": true, "ADMIN_USER_PASSWORD_AUTH": true, "ADMIN_NO_SRP_AUTH": true,
	"PASSWORD_VERIFIER": true, "PASSWORD": true, "PASSWORD_SRP": true, "USER_AUTH_PASSWORD": true,
}

// ready is /readyz: the storage answers and holds every migration.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	check, ok := a.store.(interface{ Ready(context.Context) error })
	w.Header().Set("Content-Type", "text/plain")
	if !ok {
		_, _ = w.Write([]byte("ok\n"))
		return
	}
	if err := check.Ready(ctx); err != nil {
		a.log.Warn("readyz: storage not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("storage not ready\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
