package userpool

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// maxClientSecrets is how many secrets an app client may have at once: two,
// so that a secret can be rotated without downtime.
const maxClientSecrets = 2

// clientSecret is one of an app client's secrets. Every secret a client
// has is accepted, for SECRET_HASH and wherever the secret itself is sent.
type clientSecret struct {
	ID      string    `json:"Id"`
	Value   string    `json:"Value"`
	Created time.Time `json:"Created"`
}

// The sealed secret of an app client (storage.Client.SecretSealed) is
// either one secret as it was created, or once AddUserPoolClientSecret or
// DeleteUserPoolClientSecret have changed it, a JSON list of clientSecret.
// A secret matches [\w+]+, so a list, which starts with '[', is never
// taken for one.

// openClientSecrets reads a client's secrets from their sealed form,
// oldest first.
func (s *Service) openClientSecrets(rec storage.Client) ([]clientSecret, error) {
	if len(rec.SecretSealed) == 0 {
		return nil, nil
	}
	plain, err := s.ring.Open(rec.SecretSealed, clientSecretAAD(rec.ID))
	if err != nil {
		return nil, fmt.Errorf("userpool: client %s secret: %w", rec.ID, err)
	}
	if len(plain) == 0 || plain[0] != '[' {
		return []clientSecret{{ID: firstSecretID(rec.ID), Value: string(plain), Created: rec.CreatedAt}}, nil
	}
	var list []clientSecret
	if err := json.Unmarshal(plain, &list); err != nil {
		return nil, fmt.Errorf("userpool: client %s secrets: %w", rec.ID, err)
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Created.Before(list[j].Created) })
	return list, nil
}

// sealClientSecrets is the sealed form of a list of secrets.
func (s *Service) sealClientSecrets(clientID string, list []clientSecret) ([]byte, error) {
	doc, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	return s.ring.Seal(doc, clientSecretAAD(clientID)), nil
}

// firstSecretID is the ClientSecretId of the secret a client was created
// with: fixed by the client id, so it stays the same before and after the
// list is first written.
func firstSecretID(clientID string) string {
	sum := sha256.Sum256([]byte("client-secret-id:" + clientID))
	return hex.EncodeToString(sum[:16])
}

// acceptsSecret reports whether a ClientSecret sent with a request
// (GetTokensFromRefreshToken, RevokeToken) is right: any of the client's
// secrets, or anything for a client without a secret.
func (c *client) acceptsSecret(given string) bool {
	if c.secret == "" {
		return true
	}
	ok := false
	for _, cs := range c.secrets {
		// Compare with every secret so timing doesn't tell which matched.
		if secret.Equal(given, cs.Value) {
			ok = true
		}
	}
	return ok
}

// describeSecret is a secret's ClientSecretDescriptor; its value only when
// withValue.
func describeSecret(cs clientSecret, withValue bool) cip.ClientSecretDescriptorType {
	d := cip.ClientSecretDescriptorType{ClientSecretId: cs.ID, ClientSecretCreateDate: awstime.New(cs.Created)}
	if withValue {
		d.ClientSecretValue = cs.Value
	}
	return d
}

// editClientSecrets changes a client's secrets in one transaction: fn gets
// them, oldest first, and returns the new list.
func (s *Service) editClientSecrets(ctx context.Context, poolID, clientID string, fn func([]clientSecret) ([]clientSecret, error)) error {
	if _, err := s.adminPool(ctx, poolID); err != nil {
		return err
	}
	defer s.cache.forgetClient(clientID)
	return s.store.InTx(ctx, func(tx storage.Stores) error {
		rec, err := tx.Clients().Get(ctx, clientID)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && rec.PoolID != poolID) {
			return clientNotFound(clientID)
		}
		if err != nil {
			return err
		}
		list, err := s.openClientSecrets(rec)
		if err != nil {
			return err
		}
		list, err = fn(list)
		if err != nil {
			return err
		}
		if rec.SecretSealed, err = s.sealClientSecrets(rec.ID, list); err != nil {
			return err
		}
		rec.UpdatedAt = s.now()
		err = tx.Clients().Update(ctx, rec)
		if errors.Is(err, storage.ErrNotFound) {
			return clientNotFound(clientID)
		}
		return err
	})
}

// AddUserPoolClientSecret gives a confidential app client another secret,
// the one given or a generated one, up to two at a time. Both are accepted
// until one is deleted. The value is returned only when generated.
func (s *Service) AddUserPoolClientSecret(ctx context.Context, in *cip.AddUserPoolClientSecretRequest) (*cip.AddUserPoolClientSecretResponse, error) {
	added := clientSecret{ID: uuid.NewString(), Value: in.ClientSecret}
	if added.Value == "" {
		added.Value = secret.RandomString(51, secret.LowerAlnum)
	}
	err := s.editClientSecrets(ctx, in.UserPoolId, in.ClientId, func(list []clientSecret) ([]clientSecret, error) {
		switch {
		case len(list) == 0:
			return nil, errorf(InvalidParameter, "Client %s has no secret: only confidential clients can have secrets added.", in.ClientId)
		case len(list) >= maxClientSecrets:
			return nil, errorf(LimitExceeded, "Client %s already has %d secrets: delete one before adding another.", in.ClientId, maxClientSecrets)
		}
		for _, cs := range list {
			if secret.Equal(cs.Value, added.Value) {
				return nil, errorf(InvalidParameter, "Client %s already has this secret.", in.ClientId)
			}
		}
		added.Created = s.now()
		if !added.Created.After(list[len(list)-1].Created) {
			added.Created = list[len(list)-1].Created.Add(time.Microsecond) // keep the order
		}
		return append(list, added), nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.AddUserPoolClientSecretResponse{ClientSecretDescriptor: ptr(describeSecret(added, in.ClientSecret == ""))}, nil
}

// ListUserPoolClientSecrets lists an app client's secrets, oldest first,
// without their values; [] for a client without a secret.
func (s *Service) ListUserPoolClientSecrets(ctx context.Context, in *cip.ListUserPoolClientSecretsRequest) (*cip.ListUserPoolClientSecretsResponse, error) {
	if _, err := s.adminPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	_, cl, err := s.loadClientOfPool(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	out := &cip.ListUserPoolClientSecretsResponse{ClientSecrets: []cip.ClientSecretDescriptorType{}}
	for _, cs := range cl.secrets {
		out.ClientSecrets = append(out.ClientSecrets, describeSecret(cs, false))
	}
	return out, nil
}

// DeleteUserPoolClientSecret removes one of an app client's secrets; it is
// refused from then on. The last secret cannot be deleted.
func (s *Service) DeleteUserPoolClientSecret(ctx context.Context, in *cip.DeleteUserPoolClientSecretRequest) (*cip.DeleteUserPoolClientSecretResponse, error) {
	err := s.editClientSecrets(ctx, in.UserPoolId, in.ClientId, func(list []clientSecret) ([]clientSecret, error) {
		kept := make([]clientSecret, 0, len(list))
		for _, cs := range list {
			if cs.ID != in.ClientSecretId {
				kept = append(kept, cs)
			}
		}
		switch {
		case len(kept) == len(list):
			return nil, errorf(ResourceNotFound, "Client secret %s does not exist.", in.ClientSecretId)
		case len(kept) == 0:
			return nil, errorf(InvalidParameter, "Client secret %s is the last secret of client %s and cannot be deleted.", in.ClientSecretId, in.ClientId)
		}
		return kept, nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.DeleteUserPoolClientSecretResponse{}, nil
}
