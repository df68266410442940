package app

import (
	"context"
	"log/slog"

	"github.com/cognate-dev/cognate/internal/config"
	"github.com/cognate-dev/cognate/internal/identitypool"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// WithStoreWrapper makes the App use wrap(store) instead of the store it
// opened, for tests that put a fault-injecting store between the services
// and the database.
func WithStoreWrapper(wrap func(storage.Store) storage.Store) Option {
	return func(a *App) { a.wrapStore = wrap }
}

// NewWithIdentityDeps is New with the identity pool's collaborators given,
// for tests that stand in for STS (a hand-written fake issuer).
func NewWithIdentityDeps(ctx context.Context, cfg config.Config, log *slog.Logger, getenv func(string) string,
	creds identitypool.CredentialIssuer, oidc identitypool.OIDCVerifier) (*App, error) {
	return New(ctx, cfg, log, getenv, func(a *App) { a.identityDeps = identityDeps{credentials: creds, oidc: oidc} })
}

// AuthEventFeedbackToken is the feedback token of a user's auth event, as a
// risk notification would carry it (Cognate sends none), for tests of
// UpdateAuthEventFeedback.
func (a *App) AuthEventFeedbackToken(ctx context.Context, poolID, username, eventID string) (string, error) {
	return a.users.AuthEventFeedbackToken(ctx, poolID, username, eventID)
}

// Sweep runs one pass of the janitor now.
func (a *App) Sweep(ctx context.Context) { a.sweep(ctx) }

// WithoutMetrics builds the App without metrics, to measure what they
// cost.
func WithoutMetrics() Option { return func(a *App) { a.noMetrics = true } }

// UserPools returns the user-pool service, for tests of the domain
// functions other parts of the server call (Branding, Terms, LinkedUser,
// SAMLSigner).
func (a *App) UserPools() *userpool.Service { return a.users }
