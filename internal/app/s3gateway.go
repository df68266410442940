package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/policy"
	"github.com/cognate-dev/cognate/internal/s3gateway"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/sts"
	"github.com/google/uuid"
)

// newS3Gateway builds the S3 gateway the configuration asks for (nil when
// it is off). It verifies the same credentials as the API and decides
// with the policies of the vended credentials' roles.
func (a *App) newS3Gateway(creds awsproto.CredentialSource) (*s3gateway.Gateway, error) {
	gc := a.cfg.S3Gateway
	if !gc.Enabled() {
		return nil, nil
	}
	domain := gc.Domain
	if domain == "" {
		if host, _, err := net.SplitHostPort(gc.Listen); err == nil && net.ParseIP(host) == nil {
			domain = host
		}
	}
	return s3gateway.New(s3gateway.Config{
		Backend: s3gateway.Backend{
			URL: gc.BackendURL, AccessKeyID: gc.BackendAccessKey, SecretAccessKey: gc.BackendSecretKey,
			Region: gc.BackendRegion, PathStyle: gc.BackendPathStyle,
		},
		Domain:      domain,
		Metadata:    gc.Metadata,
		Credentials: creds,
		Authorizer:  gatewayAuthorizer{a.sts},
		Audit:       gatewayAudit{store: a.store, log: a.log, now: a.now},
		Logger:      a.log.With("listener", "s3"),
		Observe:     func(decision string) { a.metrics.Gateway("s3", decision) },
		Now:         a.now,
	})
}

// S3Gateway is the S3 gateway's handler, nil when none is configured.
func (a *App) S3Gateway() http.Handler {
	if a.s3 == nil {
		return nil
	}
	return a.s3
}

// ServeGateway serves a gateway's handler (S3Gateway, APIGateway) on ln,
// over TLS with the API's certificate when one is configured, until ctx
// is done, then finishes in-flight requests (up to 30 s).
// Uploads and downloads stream for as long as they take: only reading the
// headers has a deadline.
func (a *App) ServeGateway(ctx context.Context, ln net.Listener, h http.Handler) error {
	if h == nil {
		return errors.New("app: that gateway is not configured")
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	if a.cert != nil {
		// The gateways share the API's certificate (and its SIGHUP reload).
		srv.TLSConfig = a.cert.tlsConfig()
		go func() { errc <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// gatewayAuthorizer is s3gateway.Authorizer over STS sessions.
type gatewayAuthorizer struct{ sts *sts.Service }

// Describe names the caller: the root credentials, or the identity and
// user behind vended credentials.
func (g gatewayAuthorizer) Describe(c *awsproto.Caller) s3gateway.Caller {
	out := s3gateway.Caller{AccessKeyID: c.AccessKeyID}
	if c.Session == nil && c.Principal == rootPrincipal {
		out.Root = true
		return out
	}
	if sess, ok := c.Session.(*sts.Session); ok {
		out.RoleARN = sess.RoleARN
		out.IdentityID, out.IdentityPoolID = sess.IdentityID, sess.IdentityPoolID
		out.UserPoolID, out.Username, out.UserSub = sess.UserPoolID, sess.Username, sess.UserSub
	}
	return out
}

// Authorize decides each check with the session's role policies; a
// caller that is neither root nor a session is allowed nothing.
func (g gatewayAuthorizer) Authorize(ctx context.Context, c *awsproto.Caller, env s3gateway.Env, checks []s3gateway.Check) ([]bool, error) {
	out := make([]bool, len(checks))
	if _, ok := c.Session.(*sts.Session); !ok {
		return out, nil
	}
	perms := make([]sts.Permission, len(checks))
	for i, ch := range checks {
		perms[i] = sts.Permission{Action: ch.Action, Resource: ch.Resource, Context: ch.Context}
	}
	ds, err := g.sts.Decide(ctx, c, sts.Env{SourceIP: env.SourceIP, SecureTransport: env.Secure}, perms)
	if err != nil {
		return nil, err
	}
	for i, d := range ds {
		out[i] = d == policy.Allow
	}
	return out, nil
}

// gatewayAudit writes the gateway's events to the audit log, where
// ListAuditEvents finds them by identity and by user.
type gatewayAudit struct {
	store storage.Store
	log   *slog.Logger
	now   func() time.Time
}

// RecordS3 implements s3gateway.Recorder. The request is already
// answered or refused: a failure to record is logged.
func (g gatewayAudit) RecordS3(ctx context.Context, e s3gateway.Event) {
	id, err := uuid.NewV7()
	if err != nil {
		id = uuid.New()
	}
	details := map[string]string{"Bucket": e.Bucket, "Key": e.Key, "Operation": e.Operation,
		"RequestId": e.RequestID, "AccessKeyId": e.Caller.AccessKeyID}
	if e.Action != "" {
		details["Denied"] = e.Action
	}
	if e.Status != 0 {
		details["Status"] = strconv.Itoa(e.Status)
	}
	for k, v := range details {
		if v == "" {
			delete(details, k)
		}
	}
	rec := storage.AuditEvent{
		ID: id.String(), Time: g.now().UTC(), Type: e.Type,
		IdentityID: e.Caller.IdentityID, IdentityPoolID: e.Caller.IdentityPoolID,
		UserPoolID: e.Caller.UserPoolID, Username: e.Caller.Username, UserSub: e.Caller.UserSub,
		RoleARN: e.Caller.RoleARN, Details: details,
	}
	if err := g.store.Audit().Record(ctx, rec); err != nil {
		g.log.Error("s3gateway: audit", "type", e.Type, "request_id", e.RequestID, "err", fmt.Errorf("record: %w", err))
	}
}
