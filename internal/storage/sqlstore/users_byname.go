package sqlstore

import (
	"context"
	"slices"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Users in username order (migration 0023). List and the username
// searches read the pool's "username" rows of user_lookups, whose primary
// key (pool_id, kind, lookup_key) orders them, and each user by its
// primary key: no index of users by username key, which would repeat
// those rows (issue 15: a user's bytes). List lists a user by the username
// lookup whose key is its username_key (during a re-key a user holds two
// username lookups, and username_key is the first); a search finds it by
// the key its filter's ListedBy names, which the domain takes from the
// rule in force: after a re-key's switch, the first key is of the old rule
// until the last pass reaches the user. A user is read once per listing
// while that choice stays the same (a switch in the middle of a listing
// can move a user across the page token). Keys are unique in a pool, so
// the key alone orders and resumes; the page token keeps its (key, sub) form.
// Users without a username key (the store allows a user with no lookups)
// sort first, by sub, from the partial index users_without_username.

// usernameKeyed is a user with the key it was listed by; current is
// whether that key is the user's username_key (see byUsernameSelect).
type usernameKeyed struct {
	u       storage.User
	key     string
	current bool
}

func scanKeyed(r Row) (usernameKeyed, error) {
	var k usernameKeyed
	var usernameKey string
	var err error
	k.u, err = scanUser(extraCols{r, []any{&k.key, &usernameKey}})
	k.current = k.key == usernameKey
	return k, err
}

// The queries of the username order (see TestSearchUsesIndexes). The
// rows by which a user is not listed (byUsername) are left out in Go, not
// by a condition u.username_key = l.lookup_key: with it,
// PostgreSQL's planner expects one row of the join and hashes the pool's
// users rather than walking the lookups in order.
const noUsernameQuery = `SELECT ` + userCols + `, username_key, username_key FROM users
	WHERE pool_id = ? AND username_key = '' AND sub > ? ORDER BY sub LIMIT ?`

var (
	byUsernameSelect = `SELECT ` + userColsU + `, l.lookup_key, u.username_key FROM user_lookups l
		JOIN users u ON u.pool_id = l.pool_id AND u.sub = l.sub
		WHERE l.pool_id = ? AND l.kind = 'username' AND `
	usernameExactQuery = byUsernameSelect + `l.lookup_key = ? AND u.sub > ? LIMIT ?`
	usernameAfterQuery = byUsernameSelect + `l.lookup_key > ? ORDER BY l.lookup_key LIMIT ?`
	usernameFromQuery  = byUsernameSelect + `l.lookup_key >= ? AND l.lookup_key < ? ORDER BY l.lookup_key LIMIT ?`
	usernameNextQuery  = byUsernameSelect + `l.lookup_key > ? AND l.lookup_key < ? ORDER BY l.lookup_key LIMIT ?`
)

func (s users) List(ctx context.Context, poolID string, pg storage.Page) ([]storage.User, string, error) {
	l := listing{kind: "users", scope: poolID}
	after, err := l.decode(pg.Token, 2)
	if err != nil {
		return nil, "", wrap("users: list", err)
	}
	n := limit(pg)
	items, err := s.byUsername(ctx, poolID, "", "", nil, after, n+1)
	if err != nil {
		return nil, "", wrap("users: list", err)
	}
	items, next := page(items, n, l, func(k usernameKeyed) []string { return []string{k.key, k.u.Sub} })
	out := make([]storage.User, len(items))
	for i, k := range items {
		out[i] = k.u
	}
	return out, next, nil
}

// byUsername reads up to n users in username order after the token after
// (key, sub): all of them when hi is "", else those whose key starts at lo
// and is below hi; each by the key that listedBy picks.
func (s users) byUsername(ctx context.Context, poolID, lo, hi string, by func(*storage.User) string, after []string, n int) ([]usernameKeyed, error) {
	var out []usernameKeyed
	if lo == "" && after[0] == "" { // the users without a key come first
		rows, err := s.s.read().Query(ctx, noUsernameQuery, poolID, after[1], n)
		items, err := collect(rows, err, scanKeyed)
		if err != nil || len(items) == n {
			return items, err
		}
		out = items
	}
	// The reads are separate statements: a user whose username key
	// changes between two of them (a re-key's last step) may be read by
	// both, and is kept once.
	seen := make(map[string]bool, len(out))
	for _, k := range out {
		seen[k.u.Sub] = true
	}
	from, inclusive := max(lo, after[0]), lo != "" && after[0] < lo
	batch := 0
	for len(out) < n {
		// Each read asks for the users still wanted, or twice the last
		// read's rows when that was more (up to maxSkipBatch): rows left
		// out (a re-key's second keys, which may all sort after the
		// users' first) then cost a few reads, not one each.
		batch = max(n-len(out), min(2*batch, maxSkipBatch))
		var rows Rows
		var err error
		switch {
		case hi == "":
			rows, err = s.s.read().Query(ctx, usernameAfterQuery, poolID, from, batch)
		case inclusive:
			rows, err = s.s.read().Query(ctx, usernameFromQuery, poolID, from, hi, batch)
		default:
			rows, err = s.s.read().Query(ctx, usernameNextQuery, poolID, from, hi, batch)
		}
		items, err := collect(rows, err, scanKeyed)
		if err != nil {
			return nil, err
		}
		for _, k := range items {
			if listedBy(k, by) && !seen[k.u.Sub] {
				seen[k.u.Sub] = true
				out = append(out, k)
			}
			if len(out) == n {
				return out, nil
			}
		}
		if len(items) < batch {
			break
		}
		from, inclusive = items[len(items)-1].key, false
	}
	return out, nil
}

// maxSkipBatch bounds the rows one read of byUsername asks for beyond the
// users still wanted.
const maxSkipBatch = 1000

// listedBy reports whether k is the row by which its user is found: its
// key is the one by names, or the user's username_key when by is nil.
func listedBy(k usernameKeyed, by func(*storage.User) string) bool {
	if by == nil {
		return k.current
	}
	return k.key == by(&k.u)
}

// byUsernameExact reads the users found by the username key key (see
// listedBy), after the token's sub: at most one (keys are unique in a
// pool), or those without a key when key is "".
func (s users) byUsernameExact(ctx context.Context, poolID, key string, by func(*storage.User) string, afterSub string, n int) ([]usernameKeyed, error) {
	if key == "" {
		rows, err := s.s.read().Query(ctx, noUsernameQuery, poolID, afterSub, n)
		return collect(rows, err, scanKeyed)
	}
	rows, err := s.s.read().Query(ctx, usernameExactQuery, poolID, key, afterSub, n)
	items, err := collect(rows, err, scanKeyed)
	return slices.DeleteFunc(items, func(k usernameKeyed) bool { return !listedBy(k, by) }), err
}
