package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/config"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// rootCredentials are the administrator's SigV4 credentials; they sign the
// admin operations.
type rootCredentials struct {
	AccessKeyID     string `json:"akid"`
	SecretAccessKey string `json:"secret"`
}

const (
	// rootPrincipal is the Caller.Principal of requests signed with the
	// root credentials: the administrator.
	rootPrincipal = "root"
	rootSetting   = "root-credentials"
	rootAAD       = "root-credentials"
)

// LookupCredential implements awsproto.CredentialSource.
func (r rootCredentials) LookupCredential(_ context.Context, accessKeyID, sessionToken string) (awsproto.Credential, error) {
	if sessionToken != "" || r.AccessKeyID == "" || !secret.Equal(accessKeyID, r.AccessKeyID) {
		return awsproto.Credential{}, awsproto.ErrUnknownAccessKey
	}
	return awsproto.Credential{SecretAccessKey: r.SecretAccessKey, Principal: rootPrincipal}, nil
}

// loadRootCredentials takes the root credentials from the environment, or
// from storage (sealed), or, when create is set, generates and stores them
// on the first start (created is then true). Without create, none stored
// is the zero rootCredentials.
func loadRootCredentials(ctx context.Context, settings storage.Settings, ring *secret.KeyRing, cfg config.Config, create bool) (rootCredentials, bool, error) {
	if cfg.RootAccessKeyID != "" || cfg.RootSecretAccessKey != "" {
		if cfg.RootAccessKeyID == "" || cfg.RootSecretAccessKey == "" {
			return rootCredentials{}, false, errors.New("app: set both COGNATE_ROOT_ACCESS_KEY_ID and COGNATE_ROOT_SECRET_ACCESS_KEY")
		}
		return rootCredentials{cfg.RootAccessKeyID, cfg.RootSecretAccessKey}, false, nil
	}
	if !create {
		stored, err := settings.Get(ctx, rootSetting)
		if errors.Is(err, storage.ErrNotFound) {
			return rootCredentials{}, false, nil
		}
		if err != nil {
			return rootCredentials{}, false, fmt.Errorf("app: root credentials: %w", err)
		}
		rc, err := openRootCredentials(ring, stored)
		return rc, false, err
	}
	fresh := rootCredentials{
		AccessKeyID:     "AKIA" + secret.RandomString(16, secret.UpperAlnum),
		SecretAccessKey: secret.RandomString(40, secret.Alnum),
	}
	plain, err := json.Marshal(fresh)
	if err != nil {
		return rootCredentials{}, false, err
	}
	stored, err := settings.PutIfAbsent(ctx, rootSetting, ring.Seal(plain, []byte(rootAAD)))
	if err != nil {
		return rootCredentials{}, false, fmt.Errorf("app: root credentials: %w", err)
	}
	rc, err := openRootCredentials(ring, stored)
	if err != nil {
		return rootCredentials{}, false, err
	}
	return rc, rc == fresh, nil
}

// openRootCredentials opens the stored (sealed) root credentials.
func openRootCredentials(ring *secret.KeyRing, stored []byte) (rootCredentials, error) {
	opened, err := ring.Open(stored, []byte(rootAAD))
	if err != nil {
		return rootCredentials{}, fmt.Errorf("app: root credentials cannot be opened with this master key: %w", err)
	}
	var rc rootCredentials
	if err := json.Unmarshal(opened, &rc); err != nil {
		return rootCredentials{}, fmt.Errorf("app: root credentials: %w", err)
	}
	return rc, nil
}
