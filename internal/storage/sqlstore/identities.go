package sqlstore

import (
	"context"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// identities implements storage.Identities: identity pools, identities and
// identity_logins, the user <-> identity link.
type identities struct{ s scope }

const identityPoolCols = `id, region, name, config, created_at, updated_at`

func scanIdentityPool(r Row) (storage.IdentityPool, error) {
	var p storage.IdentityPool
	var created, updated int64
	if err := r.Scan(&p.ID, &p.Region, &p.Name, &p.Config, &created, &updated); err != nil {
		return storage.IdentityPool{}, err
	}
	p.Config = blob(p.Config)
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return p, nil
}

func (s identities) CreatePool(ctx context.Context, p storage.IdentityPool) error {
	_, err := s.s.exec(ctx, `INSERT INTO identity_pools (`+identityPoolCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, p.Region, p.Name, blob(p.Config), micros(p.CreatedAt), micros(p.UpdatedAt))
	return wrap("identities: create pool "+p.ID, err)
}

func (s identities) GetPool(ctx context.Context, id string) (storage.IdentityPool, error) {
	p, err := scanIdentityPool(s.s.read().QueryRow(ctx,
		`SELECT `+identityPoolCols+` FROM identity_pools WHERE id = ?`, id))
	return p, wrap("identities: get pool "+id, err)
}

// UpdatePool replaces Name, Config and UpdatedAt; ErrNotFound if absent.
func (s identities) UpdatePool(ctx context.Context, p storage.IdentityPool) error {
	return wrap("identities: update pool "+p.ID, mustChange(s.s.exec(ctx,
		`UPDATE identity_pools SET name = ?, config = ?, updated_at = ? WHERE id = ?`,
		p.Name, blob(p.Config), micros(p.UpdatedAt), p.ID)))
}

// DeletePool removes the pool; identities and logins go by foreign key.
func (s identities) DeletePool(ctx context.Context, id string) error {
	return wrap("identities: delete pool "+id, mustChange(s.s.exec(ctx,
		`DELETE FROM identity_pools WHERE id = ?`, id)))
}

// identityPoolListing is Identities.ListPools for page tokens.
var identityPoolListing = listing{kind: "identity_pools"}

func (s identities) ListPools(ctx context.Context, pg storage.Page) ([]storage.IdentityPool, string, error) {
	after, err := identityPoolListing.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("identities: list pools", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+identityPoolCols+` FROM identity_pools
		WHERE id > ? ORDER BY id LIMIT ?`, after[0], n+1)
	items, err := collect(rows, err, scanIdentityPool)
	if err != nil {
		return nil, "", wrap("identities: list pools", err)
	}
	items, next := page(items, n, identityPoolListing, func(p storage.IdentityPool) []string { return []string{p.ID} })
	return items, next, nil
}

const identityCols = `id, pool_id, linked_at, merged_into, created_at, updated_at`

func scanIdentity(r Row) (storage.Identity, error) {
	var i storage.Identity
	var linked, created, updated int64
	if err := r.Scan(&i.ID, &i.PoolID, &linked, &i.MergedInto, &created, &updated); err != nil {
		return storage.Identity{}, err
	}
	i.LinkedAt = fromMicros(linked)
	i.CreatedAt, i.UpdatedAt = fromMicros(created), fromMicros(updated)
	return i, nil
}

// Create adds the identity; ErrNotFound if its pool does not exist.
func (s identities) Create(ctx context.Context, id storage.Identity) error {
	_, err := s.s.exec(ctx, `INSERT INTO identities (`+identityCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		id.ID, id.PoolID, micros(id.LinkedAt), id.MergedInto, micros(id.CreatedAt), micros(id.UpdatedAt))
	return wrap("identities: create "+id.ID, err)
}

// Update replaces LinkedAt, MergedInto and UpdatedAt.
func (s identities) Update(ctx context.Context, id storage.Identity) error {
	return wrap("identities: update "+id.ID, mustChange(s.s.exec(ctx,
		`UPDATE identities SET linked_at = ?, merged_into = ?, updated_at = ? WHERE id = ?`,
		micros(id.LinkedAt), id.MergedInto, micros(id.UpdatedAt), id.ID)))
}

func (s identities) Get(ctx context.Context, id string) (storage.Identity, error) {
	i, err := scanIdentity(s.s.read().QueryRow(ctx, `SELECT `+identityCols+` FROM identities WHERE id = ?`, id))
	return i, wrap("identities: get "+id, err)
}

func (s identities) Touch(ctx context.Context, id string, at time.Time) error {
	return wrap("identities: touch "+id, mustChange(s.s.exec(ctx,
		`UPDATE identities SET updated_at = ? WHERE id = ?`, micros(at), id)))
}

// Delete removes the identity; its logins go by foreign key.
func (s identities) Delete(ctx context.Context, id string) error {
	return wrap("identities: delete "+id, mustChange(s.s.exec(ctx, `DELETE FROM identities WHERE id = ?`, id)))
}

func (s identities) List(ctx context.Context, poolID string, pg storage.Page) ([]storage.Identity, string, error) {
	l := listing{kind: "identities", scope: poolID}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("identities: list", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+identityCols+` FROM identities
		WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?`, poolID, after[0], n+1)
	items, err := collect(rows, err, scanIdentity)
	if err != nil {
		return nil, "", wrap("identities: list", err)
	}
	items, next := page(items, n, l, func(i storage.Identity) []string { return []string{i.ID} })
	return items, next, nil
}

const loginCols = `identity_id, identity_pool_id, provider, subject, user_pool_id, user_sub, created_at`

func scanLogin(r Row) (storage.IdentityLogin, error) {
	var l storage.IdentityLogin
	var created int64
	err := r.Scan(&l.IdentityID, &l.IdentityPoolID, &l.Provider, &l.Subject, &l.UserPoolID, &l.UserSub, &created)
	if err != nil {
		return storage.IdentityLogin{}, err
	}
	l.CreatedAt = fromMicros(created)
	return l, nil
}

// AddLogin links the login; ErrConflict if it is linked already,
// ErrNotFound if the identity is not in the identity pool.
func (s identities) AddLogin(ctx context.Context, l storage.IdentityLogin) error {
	_, err := s.s.exec(ctx, `INSERT INTO identity_logins (`+loginCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		l.IdentityID, l.IdentityPoolID, l.Provider, l.Subject, l.UserPoolID, l.UserSub, micros(l.CreatedAt))
	return wrap("identities: add login to "+l.IdentityID, err)
}

func (s identities) RemoveLogin(ctx context.Context, identityPoolID, provider, subject string) error {
	return wrap("identities: remove login", mustChange(s.s.exec(ctx, `DELETE FROM identity_logins
		WHERE identity_pool_id = ? AND provider = ? AND subject = ?`, identityPoolID, provider, subject)))
}

func (s identities) FindLogin(ctx context.Context, identityPoolID, provider, subject string) (storage.IdentityLogin, error) {
	l, err := scanLogin(s.s.read().QueryRow(ctx, `SELECT `+loginCols+` FROM identity_logins
		WHERE identity_pool_id = ? AND provider = ? AND subject = ?`, identityPoolID, provider, subject))
	return l, wrap("identities: find login", err)
}

// Logins lists the identity's logins by provider and subject.
func (s identities) Logins(ctx context.Context, identityID string) ([]storage.IdentityLogin, error) {
	rows, err := s.s.read().Query(ctx, `SELECT `+loginCols+` FROM identity_logins
		WHERE identity_id = ? ORDER BY provider, subject`, identityID)
	out, err := collect(rows, err, scanLogin)
	return out, wrap("identities: logins of "+identityID, err)
}

// LoginsOfUser lists the logins naming the user, by identity pool,
// provider and subject.
func (s identities) LoginsOfUser(ctx context.Context, userPoolID, userSub string) ([]storage.IdentityLogin, error) {
	if userPoolID == "" || userSub == "" {
		return nil, nil // '' marks "no user"; it names no one
	}
	rows, err := s.s.read().Query(ctx, `SELECT `+loginCols+` FROM identity_logins
		WHERE user_pool_id = ? AND user_sub = ? ORDER BY identity_pool_id, provider, subject`, userPoolID, userSub)
	out, err := collect(rows, err, scanLogin)
	return out, wrap("identities: logins of user "+userSub, err)
}
