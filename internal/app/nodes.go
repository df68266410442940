package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// What a database remembers about the nodes that share it (Settings names).
const (
	// keyCheckSetting holds a random value sealed under the master key of
	// the first start: a node whose key cannot open it has another key.
	keyCheckSetting = "master-key-check"
	// publicURLSetting holds the public URL the database first saw.
	publicURLSetting = "first-public-url"
)

// errWrongMasterKey is the cause of a start refused for its master key.
var errWrongMasterKey = errors.New("app: this database was sealed with another master key")

// checkMasterKey makes sure the node's master key opens what the database
// holds sealed, so that a node given another key than the others refuses
// to start instead of answering every sign-in with an internal error.
// The proof is a random value sealed at the first start; a database from
// before that proof is checked against its sealed root credentials and one
// user pool's signing keys, and then gets it (unless record is false: the
// commands that only read).
func (a *App) checkMasterKey(ctx context.Context, ring *secret.KeyRing, record bool) error {
	settings := a.store.Settings()
	sealed, err := settings.Get(ctx, keyCheckSetting)
	if errors.Is(err, storage.ErrNotFound) {
		if err := a.checkSealedData(ctx, ring); err != nil {
			return wrongMasterKey(err)
		}
		if !record {
			return nil
		}
		sealed, err = settings.PutIfAbsent(ctx, keyCheckSetting, ring.Seal(secret.RandomBytes(32), []byte(keyCheckSetting)))
	}
	if err != nil {
		return fmt.Errorf("app: master key check: %w", err)
	}
	if _, err := ring.Open(sealed, []byte(keyCheckSetting)); err != nil {
		return wrongMasterKey(err)
	}
	return nil
}

// checkSealedData opens the sealed root credentials and the signing keys
// of the first user pool, where the database has them.
func (a *App) checkSealedData(ctx context.Context, ring *secret.KeyRing) error {
	root, err := a.store.Settings().Get(ctx, rootSetting)
	switch {
	case err == nil:
		if _, err := ring.Open(root, []byte(rootAAD)); err != nil {
			return err
		}
	case !errors.Is(err, storage.ErrNotFound):
		return err
	}
	pools, _, err := a.store.Pools().List(ctx, storage.Page{Limit: 1})
	if err != nil || len(pools) == 0 {
		return err
	}
	return a.tokens.CheckSealed(ctx, pools[0].ID)
}

func wrongMasterKey(cause error) error {
	if !errors.Is(cause, secret.ErrSealed) {
		return fmt.Errorf("app: master key check: %w", cause)
	}
	return fmt.Errorf("%w (%v). Every node that shares a database needs the same master key: "+
		"set %s, or %s naming a file, to the key of the first node "+
		"(kept in its <data-dir>/%s unless one of these was set there)",
		errWrongMasterKey, cause, secret.EnvMasterKey, secret.EnvMasterKeyFile, secret.KeyFileName)
}

// notePublicURL records the public URL the database first saw and warns
// when this node's differs: the issuer of the tokens a node signs is its
// public URL, and the others refuse tokens of another issuer.
func (a *App) notePublicURL(ctx context.Context) error {
	first, err := a.store.Settings().PutIfAbsent(ctx, publicURLSetting, []byte(a.cfg.PublicURL))
	if err != nil {
		return fmt.Errorf("app: public URL: %w", err)
	}
	if string(first) != a.cfg.PublicURL {
		a.log.Warn("this node's public URL differs from the one the database first saw: "+
			"the tokens it issues name another issuer, which nodes and clients using the first one refuse; "+
			"give every node one --public-url (the load balancer's)",
			"public_url", a.cfg.PublicURL, "first_public_url", string(first))
	}
	return nil
}
