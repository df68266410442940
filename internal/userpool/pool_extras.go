package userpool

import (
	"context"
	"errors"

	"github.com/cognate-dev/cognate/internal/storage"
)

// poolExtras are the pool settings that have operations of their own and
// are not part of UserPoolType: UpdateUserPool keeps them as they are.
// Each is keyed by app client where Cognito sets it per client; "ALL" is
// the pool-wide entry.
type poolExtras struct {
	UICustomization map[string]*uiCustomization `json:"CognateUICustomization,omitempty"`
	Risk            map[string]*riskSettings    `json:"CognateRisk,omitempty"`
	LogDelivery     *logDelivery                `json:"CognateLogDelivery,omitempty"`
	// RemovedAttributes are custom attributes DeleteCustomAttribute took
	// out of the schema whose values some users may still hold: no read
	// shows them, and they cannot be added back until the sweep is done.
	RemovedAttributes []string `json:"CognateRemovedAttributes,omitempty"`
	// CognitoSource is the Cognito pool this one was copied from, while
	// its users migrate lazily (cognito_source.go).
	CognitoSource *storedSource `json:"CognateCognitoSource,omitempty"`
	// CognitoCopied marks a pool that ever had a CognitoSource: it stays
	// after the migration ends, so that deletions go on being recorded
	// (removeUser) and a later copy run, which may turn the migration on
	// again, does not bring them back.
	CognitoCopied bool `json:"CognateCognitoCopied,omitempty"`
	// Rekey marks a pool whose users' lookup keys are changing to a new
	// sign-in rule (rekey.go).
	Rekey *rekeyState `json:"CognateRekey,omitempty"`
	// Deleting marks a pool that DeleteUserPool removed: no operation
	// finds it, and the deletion runner removes it (pool_delete.go).
	Deleting *poolDeletion `json:"CognateDeleting,omitempty"`
}

// allClients is the ClientId of settings that apply to every app client
// without settings of its own.
const allClients = "ALL"

// settingsKey is the map key of a ClientId given to a Set or Get
// operation: the client's id, or allClients when none or "ALL" is given.
func settingsKey(clientID string) string {
	if clientID == "" {
		return allClients
	}
	return clientID
}

// settingsClient checks the ClientId of a per-client setting: "ALL" or
// none is the pool-wide entry; any other must name an app client of the
// pool (ResourceNotFoundException otherwise). It returns the map key.
func (s *Service) settingsClient(ctx context.Context, p *pool, clientID string) (string, error) {
	key := settingsKey(clientID)
	if key == allClients {
		return key, nil
	}
	if _, _, err := s.loadClientOfPool(ctx, p.rec.ID, key); err != nil {
		return "", err
	}
	return key, nil
}

// staleClients returns the keys of m that name app clients which no
// longer exist, so that a Set operation can drop their settings: deleting
// a client does not edit its pool.
func staleClients[T any](ctx context.Context, st storage.Clients, poolID string, m map[string]T) ([]string, error) {
	var stale []string
	for id := range m {
		if id == allClients {
			continue
		}
		rec, err := st.Get(ctx, id)
		switch {
		case errors.Is(err, storage.ErrNotFound) || (err == nil && rec.PoolID != poolID):
			stale = append(stale, id)
		case err != nil:
			return nil, err
		}
	}
	return stale, nil
}
