package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/cognate-dev/cognate/internal/storage"
)

// users implements storage.Users. A user is one row of users, which also
// keeps its Lookups (as JSON, in the caller's order) so that a read is one
// indexed row; user_lookups indexes the lookups and keeps them unique.
// Some columns are packed (see users_packed.go).
type users struct{ s scope }

const userCols = `pool_id, sub, username, status, enabled, attributes, password_hash,
	srp_salt, srp_verifier, mfa, password_changed_at, lookups, created_at, updated_at, version, username_key`

// userRow is a user as stored: the columns after pool_id and sub, in the
// order of the INSERT and UPDATE statements below.
func userRow(ctx context.Context, u storage.User) ([]any, error) {
	attrs := u.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	// Attributes and lookups are stored as JSON, which would silently
	// replace invalid UTF-8: hold them to the text rule here.
	for k, v := range attrs {
		if !storable(k) || !storable(v) {
			return nil, badTextErr(ctx)
		}
	}
	for _, l := range u.Lookups {
		if !storable(l.Kind) || !storable(l.Key) {
			return nil, badTextErr(ctx)
		}
	}
	a, err := packAttributes(attrs)
	if err != nil {
		return nil, fmt.Errorf("encode attributes: %w", err)
	}
	usernameKey := ""
	for _, l := range u.Lookups {
		if l.Kind == storage.LookupUsername && usernameKey == "" {
			usernameKey = l.Key
		}
	}
	lk, err := packLookups(u.Lookups, usernameKey)
	if err != nil {
		return nil, fmt.Errorf("encode lookups: %w", err)
	}
	salt, err := srpSaltColumn(u.SRPSalt)
	if err != nil {
		return nil, err
	}
	return []any{packUsername(u.Username, usernameKey), usernameKey, u.Status, u.Enabled, a,
		packHash(u.PasswordHash), salt, []byte(u.SRPVerifier), blob(u.MFA), micros(u.PasswordChangedAt), lk,
		micros(u.CreatedAt), micros(u.UpdatedAt)}, nil
}

func scanUser(r Row) (storage.User, error) {
	var u storage.User
	var username, usernameKey, attrs, hash, lookups string
	var salt srpSalt
	var verifier []byte
	var changed, created, updated int64
	err := r.Scan(&u.PoolID, &u.Sub, &username, &u.Status, &u.Enabled, &attrs, &hash,
		&salt, &verifier, &u.MFA, &changed, &lookups, &created, &updated, &u.Version, &usernameKey)
	if err != nil {
		return storage.User{}, err
	}
	u.Username, u.PasswordHash = unpackUsername(username, usernameKey), unpackHash(hash)
	u.SRPSalt, u.SRPVerifier = string(salt), storage.SRPVerifiers(verifier)
	if u.Attributes, err = unpackAttributes(attrs); err != nil {
		return storage.User{}, fmt.Errorf("decode attributes of %s: %w", u.Sub, err)
	}
	if u.Lookups, err = unpackLookups(lookups, usernameKey); err != nil {
		return storage.User{}, fmt.Errorf("decode lookups of %s: %w", u.Sub, err)
	}
	u.MFA = blob(u.MFA)
	u.PasswordChangedAt = fromMicros(changed)
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return u, nil
}

// Create adds the user and its lookups; ErrConflict if the sub or a lookup
// is taken, ErrNotFound if the pool does not exist.
func (s users) Create(ctx context.Context, u storage.User) error {
	row, err := userRow(ctx, u)
	if err != nil {
		return wrap("users: create "+u.Sub, err)
	}
	return wrap("users: create "+u.Sub, s.s.write(ctx, func(q Querier) error {
		args := append([]any{u.PoolID, u.Sub}, row...)
		if _, err := q.Exec(ctx, `INSERT INTO users (pool_id, sub, username, username_key, status,
			enabled, attributes, password_hash, srp_salt, srp_verifier, mfa, password_changed_at,
			lookups, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			args...); err != nil {
			return err
		}
		if err := countUsers(ctx, q, u.PoolID, 1); err != nil {
			return err
		}
		seen := make(map[storage.Lookup]bool, len(u.Lookups))
		for _, l := range u.Lookups {
			if seen[l] {
				continue // a lookup listed twice is stored once
			}
			seen[l] = true
			if err := addLookup(ctx, q, u.PoolID, u.Sub, l); err != nil {
				return err
			}
		}
		return indexUser(ctx, q, u, false)
	}))
}

func addLookup(ctx context.Context, q Querier, poolID, sub string, l storage.Lookup) error {
	_, err := q.Exec(ctx, `INSERT INTO user_lookups (pool_id, kind, lookup_key, sub) VALUES (?, ?, ?, ?)`,
		poolID, l.Kind, l.Key, sub)
	if err != nil {
		return fmt.Errorf("lookup %s: %w", l.Kind, err)
	}
	return nil
}

// Put replaces the user and changes only the lookups that differ.
func (s users) Put(ctx context.Context, u storage.User) error {
	row, err := userRow(ctx, u)
	if err != nil {
		return wrap("users: put "+u.Sub, err)
	}
	return wrap("users: put "+u.Sub, s.s.write(ctx, func(q Querier) error {
		args := append(row, u.PoolID, u.Sub, u.Version, u.Version)
		n, err := q.Exec(ctx, `UPDATE users SET username = ?, username_key = ?, status = ?,
			enabled = ?, attributes = ?, password_hash = ?, srp_salt = ?, srp_verifier = ?, mfa = ?,
			password_changed_at = ?, lookups = ?, created_at = ?, updated_at = ?, version = version + 1
			WHERE pool_id = ? AND sub = ? AND (? = 0 OR version = ?)`, args...)
		if err != nil {
			return err
		}
		if n == 0 {
			var one int
			err := q.QueryRow(ctx, `SELECT 1 FROM users WHERE pool_id = ? AND sub = ?`, u.PoolID, u.Sub).Scan(&one)
			if err == nil {
				return storage.ErrStale
			}
			return err // ErrNotFound when the user is gone
		}
		rows, err := q.Query(ctx, `SELECT kind, lookup_key FROM user_lookups WHERE pool_id = ? AND sub = ?`,
			u.PoolID, u.Sub)
		old, err := collect(rows, err, func(r Row) (storage.Lookup, error) {
			var l storage.Lookup
			return l, r.Scan(&l.Kind, &l.Key)
		})
		if err != nil {
			return err
		}
		keep := make(map[storage.Lookup]bool, len(u.Lookups))
		for _, l := range u.Lookups {
			keep[l] = true
		}
		for _, l := range old {
			if keep[l] {
				delete(keep, l) // already stored
				continue
			}
			if _, err := q.Exec(ctx, `DELETE FROM user_lookups WHERE pool_id = ? AND kind = ? AND lookup_key = ?`,
				u.PoolID, l.Kind, l.Key); err != nil {
				return err
			}
		}
		for _, l := range u.Lookups {
			if !keep[l] {
				continue
			}
			delete(keep, l) // a lookup listed twice is inserted once
			if err := addLookup(ctx, q, u.PoolID, u.Sub, l); err != nil {
				return err
			}
		}
		return indexUser(ctx, q, u, true)
	}))
}

func (s users) GetBySub(ctx context.Context, poolID, sub string) (storage.User, error) {
	u, err := scanUser(s.s.read().QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE pool_id = ? AND sub = ?`,
		poolID, sub))
	return u, wrap("users: get "+sub, err)
}

func (s users) GetByLookup(ctx context.Context, poolID, kind, key string) (storage.User, error) {
	u, err := scanUser(s.s.read().QueryRow(ctx, `SELECT `+userCols+` FROM users
		WHERE pool_id = ? AND sub = (SELECT sub FROM user_lookups
			WHERE pool_id = ? AND kind = ? AND lookup_key = ?)`, poolID, poolID, kind, key))
	return u, wrap("users: get by "+kind, err)
}

// Delete removes the user; lookups, search entries, group memberships,
// auth events, codes and refresh tokens go with it by foreign key, and
// identity logins that named it lose the link.
func (s users) Delete(ctx context.Context, poolID, sub string) error {
	return wrap("users: delete "+sub, s.s.write(ctx, func(q Querier) error {
		if _, err := q.Exec(ctx, `UPDATE identity_logins SET user_pool_id = '', user_sub = ''
			WHERE user_pool_id = ? AND user_sub = ?`, poolID, sub); err != nil {
			return err
		}
		if err := mustChange(q.Exec(ctx, `DELETE FROM users WHERE pool_id = ? AND sub = ?`, poolID, sub)); err != nil {
			return err
		}
		return countUsers(ctx, q, poolID, -1)
	}))
}

// countUsers moves the pool's user count by delta, in the statement group
// that creates or deletes users.
func countUsers(ctx context.Context, q Querier, poolID string, delta int) error {
	_, err := q.Exec(ctx, `UPDATE pools SET user_count = user_count + ? WHERE id = ?`, delta, poolID)
	return err
}

// Count reads the pool's user count, which Create and Delete keep.
func (s users) Count(ctx context.Context, poolID string) (int, error) {
	var n int64
	err := s.s.read().QueryRow(ctx, `SELECT user_count FROM pools WHERE id = ?`, poolID).Scan(&n)
	if errors.Is(err, storage.ErrNotFound) { // a pool id no pool can have
		return 0, nil
	}
	return int(n), wrap("users: count", err)
}

// extraCols scans more columns after the ones a scan function asks for.
type extraCols struct {
	r     Row
	extra []any
}

func (e extraCols) Scan(dest ...any) error { return e.r.Scan(append(dest, e.extra...)...) }
