package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognate-dev/cognate/internal/cognitomigrate"
	"github.com/cognate-dev/cognate/internal/config"
	"github.com/cognate-dev/cognate/internal/userpool"
)

// MigrateFromCognito copies the Cognito pools old reaches into the
// storage cfg names (cognate migrate-from-cognito) and turns their lazy
// migration on; see cognitomigrate.Copy. Run it while the server is
// stopped, or restart the server after (a serving server sees new pools
// at once, and changed ones within seconds).
func MigrateFromCognito(ctx context.Context, cfg config.Config, getenv func(string) string, log *slog.Logger,
	old *cip.Client, opts cognitomigrate.Options) (cognitomigrate.Counts, error) {
	if cfg.DatabaseURL == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("app: data directory: %w", err)
		}
	}
	a, err := New(ctx, cfg, log, getenv)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	return cognitomigrate.Copy(ctx, old, a.users, opts)
}

// FinishCognitoMigration turns off the lazy migration of the pool poolID
// (every pool when ""), so that sign-ins no longer ask the old Cognito
// pools; it writes the ids of the pools it changed to w. Users who never
// signed in since the copy have no password: they become RESET_REQUIRED
// (userpool.FinishCognitoSource).
func FinishCognitoMigration(ctx context.Context, cfg config.Config, getenv func(string) string, log *slog.Logger,
	poolID string, w io.Writer) error {
	if err := checkExisting(cfg); err != nil {
		return err
	}
	a, err := New(ctx, cfg, log, getenv)
	if err != nil {
		return err
	}
	defer a.Close()
	ids := []string{poolID}
	if poolID == "" {
		pools, err := all(ctx, a.store.Pools().List)
		if err != nil {
			return err
		}
		ids = ids[:0]
		for _, p := range pools {
			if !userpool.Deleting(p) {
				ids = append(ids, p.ID)
			}
		}
	}
	for _, id := range ids {
		n, on, err := a.users.FinishCognitoSource(ctx, id)
		if err != nil {
			return fmt.Errorf("user pool %s: %w", id, err)
		}
		if on {
			fmt.Fprintf(w, "%s: lazy migration from Cognito turned off; %d users who had not signed in must reset their password\n", id, n)
		}
	}
	return nil
}
