package userpool

import (
	"cmp"
	"context"
	"errors"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Copying a Cognito pool (cognate migrate-from-cognito): the pool, its app
// clients and its users are created under the ids they have in Cognito, so
// that configured clients, stored client ids and tokens' sub claims stay
// valid. Each Copy operation does nothing for a record that exists
// already, so that a copy can be run again to resume or to catch up.

// CopyUserPool creates a pool with the id it has in Cognito (its region is
// the id's prefix) and the settings in, unless a pool with that id exists;
// it reports whether it created one.
func (s *Service) CopyUserPool(ctx context.Context, id string, in *cip.CreateUserPoolRequest) (bool, error) {
	region, _, ok := strings.Cut(id, "_")
	if !ok || region == "" {
		return false, errorf(InvalidParameter, "Invalid user pool id %q.", id)
	}
	if rec, err := s.store.Pools().Get(ctx, id); err == nil {
		if Deleting(rec) {
			return false, errorf(ConcurrentModification, "The user pool %s is being deleted; copy it again once it is gone.", id)
		}
		return false, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return false, err
	}
	if _, err := s.createUserPool(ctx, region, id, in); err != nil {
		return false, err
	}
	return true, nil
}

// CopyUserPoolClient creates an app client with the id it has in Cognito
// (and the secret in.ClientSecret, if any), unless a client with that id
// exists; it reports whether it created one.
func (s *Service) CopyUserPoolClient(ctx context.Context, id string, in *cip.CreateUserPoolClientRequest) (bool, error) {
	if _, err := s.store.Clients().Get(ctx, id); err == nil {
		return false, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return false, err
	}
	if _, err := s.createUserPoolClient(ctx, id, in); err != nil {
		return false, err
	}
	return true, nil
}

// ErrDeletedHere is CopyUser's refusal of a user deleted from the pool
// while it migrated: a deletion here is final, as in Cognito, so a later
// copy run does not bring the user back.
var ErrDeletedHere = errors.New("userpool: the user was deleted here during the migration")

// ErrNameTaken is CopyUser's refusal of a user whose username another
// user (another sub) holds here: that user is someone else, left as is.
var ErrNameTaken = errors.New("userpool: another user holds the username here")

// CopyUser creates the user ou describes, with its sub, status and
// enabled flag and no password, unless the pool has a user with that
// sub; it reports whether it created one. A sub deleted here during the
// migration is ErrDeletedHere; a username another user holds here is
// ErrNameTaken.
func (s *Service) CopyUser(ctx context.Context, poolID string, ou *OldUser) (bool, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return false, err
	}
	// Checked first, so that a deleted user whose name another user took
	// since counts as deleted, not as existing; checked again below.
	if gone, err := s.store.DeletedSubs().Has(ctx, poolID, ou.Attributes["sub"]); err != nil || gone {
		return false, cmp.Or(err, ErrDeletedHere)
	}
	if _, err := s.store.Users().GetBySub(ctx, poolID, ou.Attributes["sub"]); err == nil {
		return false, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return false, err
	}
	if u, err := s.getByKey(ctx, p, storage.LookupUsername, ou.Username); err == nil && u.Sub != "" {
		return false, ErrNameTaken
	} else if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return false, err
	}
	u, err := s.copiedUser(p, ou)
	if err != nil {
		return false, err
	}
	u.Status = ou.Status
	created := false
	err = s.userTx(ctx, func(tx storage.Stores) error {
		// The record is read in the create's transaction: a deletion
		// that commits between the reads above and this create either
		// comes first (its record refuses the create) or conflicts with it.
		if gone, err := tx.DeletedSubs().Has(ctx, poolID, u.Sub); err != nil || gone {
			return cmp.Or(err, ErrDeletedHere)
		}
		created = false
		if _, err := tx.Users().GetBySub(ctx, poolID, u.Sub); err == nil {
			return nil // copied meanwhile (a concurrent run)
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		created = true
		return s.saveUser(ctx, tx, p, u, true)
	})
	return created && err == nil, err
}

// copiedUser builds the user ou describes, keeping its username and sub.
func (s *Service) copiedUser(p *pool, ou *OldUser) (*storage.User, error) {
	attrs := make([]cip.AttributeType, 0, len(ou.Attributes))
	for k, v := range ou.Attributes {
		if k == "sub" || k == "identities" {
			continue
		}
		attrs = append(attrs, cip.AttributeType{Name: k, Value: v})
	}
	name := ou.Username
	for _, a := range p.cfg.UsernameAttributes {
		// The pool signs users in by email or phone number: Cognito's
		// username is the sub, and newUser takes the attribute.
		if v := ou.Attributes[a]; v != "" {
			name = v
			break
		}
	}
	u, err := p.newUser(name, attrs, writer{admin: true}, s.now())
	if err != nil {
		return nil, err
	}
	if sub := ou.Attributes["sub"]; sub != "" {
		u.Sub = sub
	}
	u.Username = canonicalName(ou.Username)
	u.Enabled = ou.Enabled
	return u, nil
}
