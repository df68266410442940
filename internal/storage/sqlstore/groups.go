package sqlstore

import (
	"context"
	"strings"

	"github.com/cognate-dev/cognate/internal/storage"
)

// groups implements storage.Groups over pool_groups and group_members.
type groups struct{ s scope }

const groupCols = `pool_id, name, description, role_arn, precedence, created_at, updated_at`

func scanGroup(r Row) (storage.Group, error) {
	var g storage.Group
	var prec, created, updated int64
	if err := r.Scan(&g.PoolID, &g.Name, &g.Description, &g.RoleARN, &prec, &created, &updated); err != nil {
		return storage.Group{}, err
	}
	g.Precedence = int(prec)
	g.CreatedAt, g.UpdatedAt = fromMicros(created), fromMicros(updated)
	return g, nil
}

// precedence stores a group's precedence; anything negative is "none".
func precedence(g storage.Group) int64 {
	if g.Precedence < 0 {
		return storage.NoPrecedence
	}
	return int64(g.Precedence)
}

func (s groups) Create(ctx context.Context, g storage.Group) error {
	_, err := s.s.exec(ctx, `INSERT INTO pool_groups (`+groupCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		g.PoolID, g.Name, g.Description, g.RoleARN, precedence(g), micros(g.CreatedAt), micros(g.UpdatedAt))
	return wrap("groups: create "+g.Name, err)
}

func (s groups) Get(ctx context.Context, poolID, name string) (storage.Group, error) {
	g, err := scanGroup(s.s.read().QueryRow(ctx, `SELECT `+groupCols+` FROM pool_groups
		WHERE pool_id = ? AND name = ?`, poolID, name))
	return g, wrap("groups: get "+name, err)
}

func (s groups) Update(ctx context.Context, g storage.Group) error {
	return wrap("groups: update "+g.Name, mustChange(s.s.exec(ctx, `UPDATE pool_groups
		SET description = ?, role_arn = ?, precedence = ?, updated_at = ? WHERE pool_id = ? AND name = ?`,
		g.Description, g.RoleARN, precedence(g), micros(g.UpdatedAt), g.PoolID, g.Name)))
}

// Delete removes the group; its memberships go by foreign key.
func (s groups) Delete(ctx context.Context, poolID, name string) error {
	return wrap("groups: delete "+name, mustChange(s.s.exec(ctx,
		`DELETE FROM pool_groups WHERE pool_id = ? AND name = ?`, poolID, name)))
}

func (s groups) List(ctx context.Context, poolID string, pg storage.Page) ([]storage.Group, string, error) {
	l := listing{kind: "groups", scope: poolID}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("groups: list", err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+groupCols+` FROM pool_groups
		WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?`, poolID, after[0], n+1)
	items, err := collect(rows, err, scanGroup)
	if err != nil {
		return nil, "", wrap("groups: list", err)
	}
	items, next := page(items, n, l, func(g storage.Group) []string { return []string{g.Name} })
	return items, next, nil
}

// AddMember inserts the membership unless it exists. The foreign keys turn
// a missing group or user into ErrNotFound.
func (s groups) AddMember(ctx context.Context, poolID, name, sub string) error {
	_, err := s.s.exec(ctx, `INSERT INTO group_members (pool_id, group_name, sub) VALUES (?, ?, ?)
		ON CONFLICT (pool_id, group_name, sub) DO NOTHING`, poolID, name, sub)
	return wrap("groups: add member to "+name, err)
}

func (s groups) RemoveMember(ctx context.Context, poolID, name, sub string) error {
	_, err := s.s.exec(ctx, `DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND sub = ?`,
		poolID, name, sub)
	return wrap("groups: remove member from "+name, err)
}

// userColsU is userCols qualified with the alias u, for joins.
var userColsU = "u." + strings.Join(strings.Fields(strings.ReplaceAll(userCols, ",", " ")), ", u.")

func (s groups) Members(ctx context.Context, poolID, name string, pg storage.Page) ([]storage.User, string, error) {
	l := listing{kind: "group_members", scope: poolID + "/" + name}
	after, err := l.decode(pg.Token, 1)
	if err != nil {
		return nil, "", wrap("groups: members of "+name, err)
	}
	n := limit(pg)
	rows, err := s.s.read().Query(ctx, `SELECT `+userColsU+` FROM group_members m
		JOIN users u ON u.pool_id = m.pool_id AND u.sub = m.sub
		WHERE m.pool_id = ? AND m.group_name = ? AND m.sub > ? ORDER BY m.sub LIMIT ?`,
		poolID, name, after[0], n+1)
	items, err := collect(rows, err, scanUser)
	if err != nil {
		return nil, "", wrap("groups: members of "+name, err)
	}
	items, next := page(items, n, l, func(u storage.User) []string { return []string{u.Sub} })
	return items, next, nil
}

// ofUserQuery reads a user's groups through group_members_by_user.
const ofUserQuery = `SELECT g.pool_id, g.name, g.description, g.role_arn,
	g.precedence, g.created_at, g.updated_at FROM group_members m
	JOIN pool_groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
	WHERE m.pool_id = ? AND m.sub = ? ORDER BY m.group_name`

func (s groups) OfUser(ctx context.Context, poolID, sub string) ([]storage.Group, error) {
	rows, err := s.s.read().Query(ctx, ofUserQuery, poolID, sub)
	items, err := collect(rows, err, scanGroup)
	return items, wrap("groups: of user "+sub, err)
}
