package app

import (
	"context"
	"time"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// janitorInterval is how often expired state is swept.
const janitorInterval = 10 * time.Minute

// janitor removes expired refresh tokens and nonces, signing keys no longer
// published and auth events past their retention, until ctx is done. Every
// node may run it: the deletes are idempotent.
func (a *App) janitor(ctx context.Context) {
	t := time.NewTicker(janitorInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.sweep(ctx)
		}
	}
}

func (a *App) sweep(ctx context.Context) {
	now := a.now()
	a.limiter.Sweep()
	if _, err := a.store.AuthEvents().DeleteBefore(ctx, now.Add(-userpool.AuthEventRetention)); err != nil {
		a.log.Warn("janitor: old auth events", "err", err)
	}
	if n, err := a.store.Tokens().DeleteExpired(ctx, now); err != nil {
		a.log.Warn("janitor: expired refresh tokens", "err", err)
	} else if n > 0 {
		a.log.Debug("janitor: expired refresh tokens removed", "count", n)
	}
	if _, err := a.tokens.Prune(ctx); err != nil {
		a.log.Warn("janitor: retired signing keys", "err", err)
	}
	if _, err := a.users.PruneSecurity(ctx); err != nil {
		a.log.Warn("janitor: idle sign-in guards", "err", err)
	}
	if _, err := a.store.Nonces().DeleteExpired(ctx, now); err != nil {
		a.log.Warn("janitor: expired nonces", "err", err)
	}
}
