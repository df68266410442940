package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// OpenIDIssuer names, for RotateSigningKeys, the identity pools' OpenID
// token issuer (GetOpenIdToken) rather than a user pool.
const OpenIDIssuer = "cognito-identity"

// maxTokenLifetime is the longest any JWT Cognate signs can live: access
// and ID tokens at most 24 hours, developer OpenID tokens likewise.
const maxTokenLifetime = 24 * time.Hour

// RotateSigningKeys makes fresh signing keys current for one issuer: a
// user pool (its ID and access token keys) or OpenIDIssuer. The replaced
// keys stay in the JWKS, and keep verifying, until every token they signed
// has expired; then the janitor deletes them. Other nodes (and this one)
// pick the new keys up within their key cache's lifetime.
func (a *App) RotateSigningKeys(ctx context.Context, issuer string) error {
	if issuer == OpenIDIssuer {
		if err := a.idpool.EnsureKeys(ctx); err != nil {
			return err
		}
		return a.tokens.Rotate(ctx, issuer, "openid", maxTokenLifetime)
	}
	if rec, err := a.store.Pools().Get(ctx, issuer); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("no user pool %q", issuer)
		}
		return err
	} else if userpool.Deleting(rec) {
		return fmt.Errorf("no user pool %q (it is being deleted)", issuer)
	}
	for _, use := range []string{"id", "access"} {
		if err := a.tokens.Rotate(ctx, issuer, use, maxTokenLifetime); err != nil {
			return err
		}
	}
	return nil
}
