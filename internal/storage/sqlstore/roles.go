package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
)

// roles implements storage.Roles: iam_roles and iam_role_policies.
type roles struct{ s scope }

const roleCols = `id, name, path, assume_role_policy, description, max_session_duration,
	permissions_boundary, tags, created_at, updated_at`

func scanRole(r Row) (storage.Role, error) {
	var ro storage.Role
	var tags string
	var created, updated int64
	err := r.Scan(&ro.ID, &ro.Name, &ro.Path, &ro.AssumeRolePolicy, &ro.Description, &ro.MaxSessionDuration,
		&ro.PermissionsBoundary, &tags, &created, &updated)
	if err != nil {
		return storage.Role{}, err
	}
	if ro.Tags, err = decodeTags(tags); err != nil {
		return storage.Role{}, fmt.Errorf("decode tags of role %s: %w", ro.ID, err)
	}
	ro.CreatedAt, ro.UpdatedAt = fromMicros(created), fromMicros(updated)
	return ro, nil
}

// encodeTags stores tags as a JSON array; nil and empty both read back as
// nil.
func encodeTags(tags []storage.Tag) string {
	if len(tags) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(tags) // []Tag always marshals
	return string(b)
}

func decodeTags(s string) ([]storage.Tag, error) {
	var tags []storage.Tag
	if err := json.Unmarshal([]byte(s), &tags); err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return tags, nil
}

func (s roles) Create(ctx context.Context, r storage.Role) error {
	_, err := s.s.exec(ctx, `INSERT INTO iam_roles (`+roleCols+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Name, r.Path, r.AssumeRolePolicy, r.Description, r.MaxSessionDuration,
		r.PermissionsBoundary, encodeTags(r.Tags), micros(r.CreatedAt), micros(r.UpdatedAt), strings.ToLower(r.Name))
	return wrap("roles: create "+r.Name, err)
}

func (s roles) Get(ctx context.Context, name string) (storage.Role, error) {
	r, err := scanRole(s.s.read().QueryRow(ctx, `SELECT `+roleCols+` FROM iam_roles WHERE name_key = ?`, strings.ToLower(name)))
	return r, wrap("roles: get "+name, err)
}

func (s roles) Update(ctx context.Context, r storage.Role) error {
	return wrap("roles: update "+r.Name, mustChange(s.s.exec(ctx, `UPDATE iam_roles SET assume_role_policy = ?,
		description = ?, max_session_duration = ?, permissions_boundary = ?, tags = ?, updated_at = ? WHERE id = ?`,
		r.AssumeRolePolicy, r.Description, r.MaxSessionDuration, r.PermissionsBoundary, encodeTags(r.Tags),
		micros(r.UpdatedAt), r.ID)))
}

// Delete removes the role in one statement that also checks it has no
// inline policies; when nothing was deleted, a second read tells a role
// with policies (ErrConflict) from a missing one.
func (s roles) Delete(ctx context.Context, id string) error {
	return wrap("roles: delete "+id, s.s.write(ctx, func(q Querier) error {
		n, err := q.Exec(ctx, `DELETE FROM iam_roles WHERE id = ?
			AND NOT EXISTS (SELECT 1 FROM iam_role_policies WHERE role_id = ?)`, id, id)
		if err != nil || n > 0 {
			return err
		}
		var count int64
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM iam_roles WHERE id = ?`, id).Scan(&count); err != nil {
			return err
		}
		if count > 0 {
			return fmt.Errorf("%w: role has inline policies", storage.ErrConflict)
		}
		return storage.ErrNotFound
	}))
}

func (s roles) List(ctx context.Context, pathPrefix string, pg storage.Page) ([]storage.Role, string, error) {
	if pathPrefix == "" {
		pathPrefix = "/"
	}
	l := listing{kind: "roles", scope: pathPrefix}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("roles: list", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+roleCols+`, name_key FROM iam_roles
		WHERE substr(path, 1, ?) = ? AND name_key > ? ORDER BY name_key LIMIT ?`,
		len(pathPrefix), pathPrefix, after[0], n+1)
	type keyed struct {
		r   storage.Role
		key string
	}
	items, err := collect(rows, err, func(r Row) (keyed, error) {
		var k keyed
		var tags string
		var created, updated int64
		err := r.Scan(&k.r.ID, &k.r.Name, &k.r.Path, &k.r.AssumeRolePolicy, &k.r.Description, &k.r.MaxSessionDuration,
			&k.r.PermissionsBoundary, &tags, &created, &updated, &k.key)
		if err != nil {
			return keyed{}, err
		}
		if k.r.Tags, err = decodeTags(tags); err != nil {
			return keyed{}, fmt.Errorf("decode tags of role %s: %w", k.r.ID, err)
		}
		k.r.CreatedAt, k.r.UpdatedAt = fromMicros(created), fromMicros(updated)
		return k, nil
	})
	if err != nil {
		return nil, "", wrap("roles: list", err)
	}
	items, next := page(items, n, l, func(k keyed) []string { return []string{k.key} })
	out := make([]storage.Role, len(items))
	for i, k := range items {
		out[i] = k.r
	}
	return out, next, nil
}

const rolePolicyCols = `role_id, name, document, created_at, updated_at`

func scanRolePolicy(r Row) (storage.RolePolicy, error) {
	var p storage.RolePolicy
	var created, updated int64
	if err := r.Scan(&p.RoleID, &p.Name, &p.Document, &created, &updated); err != nil {
		return storage.RolePolicy{}, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return p, nil
}

// PutPolicy upserts; a missing role fails the foreign key (ErrNotFound).
func (s roles) PutPolicy(ctx context.Context, p storage.RolePolicy) error {
	_, err := s.s.exec(ctx, `INSERT INTO iam_role_policies (`+rolePolicyCols+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (role_id, name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
		p.RoleID, p.Name, p.Document, micros(p.CreatedAt), micros(p.UpdatedAt))
	return wrap("roles: put policy "+p.Name, err)
}

func (s roles) GetPolicy(ctx context.Context, roleID, name string) (storage.RolePolicy, error) {
	p, err := scanRolePolicy(s.s.read().QueryRow(ctx, `SELECT `+rolePolicyCols+` FROM iam_role_policies
		WHERE role_id = ? AND name = ?`, roleID, name))
	return p, wrap("roles: get policy "+name, err)
}

func (s roles) Policies(ctx context.Context, roleID string) ([]storage.RolePolicy, error) {
	rows, err := s.s.read().Query(ctx, `SELECT `+rolePolicyCols+` FROM iam_role_policies
		WHERE role_id = ? ORDER BY name`, roleID)
	out, err := collect(rows, err, scanRolePolicy)
	return out, wrap("roles: policies of "+roleID, err)
}

func (s roles) ListPolicies(ctx context.Context, roleID string, pg storage.Page) ([]storage.RolePolicy, string, error) {
	l := listing{kind: "role policies", scope: roleID}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("roles: list policies", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+rolePolicyCols+` FROM iam_role_policies
		WHERE role_id = ? AND name > ? ORDER BY name LIMIT ?`, roleID, after[0], n+1)
	items, err := collect(rows, err, scanRolePolicy)
	if err != nil {
		return nil, "", wrap("roles: list policies", err)
	}
	items, next := page(items, n, l, func(p storage.RolePolicy) []string { return []string{p.Name} })
	return items, next, nil
}

func (s roles) DeletePolicy(ctx context.Context, roleID, name string) error {
	return wrap("roles: delete policy "+name, mustChange(s.s.exec(ctx,
		`DELETE FROM iam_role_policies WHERE role_id = ? AND name = ?`, roleID, name)))
}

var _ storage.Roles = roles{}
