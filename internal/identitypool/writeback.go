package identitypool

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	"github.com/cognate-dev/cognate/internal/storage"
)

// The write-back option (IdentityIdAttribute, set with
// CognateAdmin.UpdateIdentityPoolOptions) makes the link visible on the
// user-pool side: whenever a user-pool login resolves to an identity, the
// user's attribute (a custom attribute the user pool defines, e.g.
// custom:identity_id) is set to the identity id, so that fresh ID tokens
// and ListUsers carry it. App clients can never write the attribute
// (ReadOnlyAttributes feeds internal/userpool's WriteAttributes check).

// writeBack sets the write-back attribute of the users whose logins the
// request presented. Failures are logged: the credentials were issued.
func (s *Service) writeBack(ctx context.Context, res *resolution) {
	attr := res.pool.cfg.IdentityIdAttribute
	if attr == "" || s.users == nil {
		return
	}
	for _, l := range res.logins {
		if l.kind != kindUserPool || str(l.claims[attr]) == res.identity.ID {
			continue
		}
		id := res.identity.ID
		_, err := s.users.UpdateSystemAttribute(ctx, l.userPoolID, l.userSub, attr, func(string) string { return id })
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			s.log.Error("identitypool: write back identity id", "user_pool", l.userPoolID, "identity", id, "err", err)
		}
	}
}

// clearWriteBack removes the write-back attribute of the identity's users
// when it still names the identity (the identity was deleted).
func (s *Service) clearWriteBack(ctx context.Context, p *ipool, identityID string, logins []storage.IdentityLogin) {
	attr := p.cfg.IdentityIdAttribute
	if attr == "" || s.users == nil {
		return
	}
	for _, l := range logins {
		if l.UserSub == "" {
			continue
		}
		_, err := s.users.UpdateSystemAttribute(ctx, l.UserPoolID, l.UserSub, attr, func(old string) string {
			if old == identityID {
				return ""
			}
			return old
		})
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			s.log.Error("identitypool: clear identity id", "user_pool", l.UserPoolID, "identity", identityID, "err", err)
		}
	}
}

// readOnlyTTL bounds how long ReadOnlyAttributes answers from memory.
const readOnlyTTL = 5 * time.Second

// readOnlyCache keeps, per user pool, the write-back attributes of the
// identity pools that name it.
type readOnlyCache struct {
	mu      sync.Mutex
	byPool  map[string][]string
	expires time.Time
}

// ReadOnlyAttributes names the attributes of a user pool that identity
// pools write back, which app clients may therefore never write. The
// userpool service asks it when it loads a pool (Deps.ReadOnlyAttributes).
func (s *Service) ReadOnlyAttributes(ctx context.Context, userPoolID string) ([]string, error) {
	c := &s.readOnly
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := s.now(); c.byPool == nil || !now.Before(c.expires) {
		m := map[string][]string{}
		token := ""
		for {
			pools, next, err := s.store.Identities().ListPools(ctx, storage.Page{Token: token, Limit: 60})
			if err != nil {
				return nil, err
			}
			for _, rec := range pools {
				p, err := parsePool(rec)
				if err != nil {
					return nil, err
				}
				if p.cfg.IdentityIdAttribute == "" {
					continue
				}
				for _, cp := range p.cfg.CognitoIdentityProviders {
					if up, ok := s.userPoolProvider(cp.ProviderName); ok {
						m[up.poolID] = append(m[up.poolID], p.cfg.IdentityIdAttribute)
					}
				}
			}
			if next == "" {
				break
			}
			token = next
		}
		c.byPool, c.expires = m, now.Add(readOnlyTTL)
	}
	return c.byPool[userPoolID], nil
}

// forgetReadOnly drops the cached answer after a local change.
func (s *Service) forgetReadOnly() {
	s.readOnly.mu.Lock()
	s.readOnly.byPool = nil
	s.readOnly.mu.Unlock()
}

// DescribeIdentityPoolOptions returns the pool's Cognate options.
func (s *Service) DescribeIdentityPoolOptions(ctx context.Context, in *ca.DescribeIdentityPoolOptionsInput) (*ca.IdentityPoolOptions, error) {
	p, err := s.loadPool(ctx, s.store, in.IdentityPoolId)
	if err != nil {
		return nil, err
	}
	return p.options(), nil
}

// options is the pool's Cognate options on the wire.
func (p *ipool) options() *ca.IdentityPoolOptions {
	return &ca.IdentityPoolOptions{IdentityPoolId: p.rec.ID, IdentityIdAttribute: p.cfg.IdentityIdAttribute,
		SessionTagsClaim: ptr(p.cfg.SessionTagsClaim)}
}

// UpdateIdentityPoolOptions sets the pool's Cognate options, all of them
// at once, as UpdateIdentityPool does: an option left out is turned off.
// The write-back attribute must be a custom attribute ("custom:...");
// SessionTagsClaim is described in sessiontags.go.
func (s *Service) UpdateIdentityPoolOptions(ctx context.Context, in *ca.UpdateIdentityPoolOptionsInput) (*ca.IdentityPoolOptions, error) {
	if a := in.IdentityIdAttribute; a != "" && (!strings.HasPrefix(a, "custom:") || len(a) == len("custom:")) {
		return nil, errorf(InvalidParameter, "IdentityIdAttribute must be a custom attribute (custom:...).")
	}
	var out *ca.IdentityPoolOptions
	var changed *ipool
	err := s.store.InTx(ctx, func(tx storage.Stores) error {
		p, err := s.loadPool(ctx, tx, in.IdentityPoolId)
		if err != nil {
			return err
		}
		p.cfg.IdentityIdAttribute = in.IdentityIdAttribute
		p.cfg.SessionTagsClaim = boolv(in.SessionTagsClaim)
		if err := s.savePool(ctx, tx, p); err != nil {
			return err
		}
		out, changed = p.options(), p
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.poolsChanged(changed)
	return out, nil
}
