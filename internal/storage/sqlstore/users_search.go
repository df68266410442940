package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cognate-dev/cognate/internal/storage"
)

// maxIndexed bounds the bytes of an attribute value kept in user_search,
// well inside PostgreSQL's limit on a B-tree entry. Longer values are cut
// (on a rune boundary); Search then checks the full value of each match.
const maxIndexed = 512

// prefixEnd is appended to a prefix to bound its range: every string that
// starts with p sorts below p+prefixEnd in bytewise order (bar strings that
// continue with U+10FFFF itself, a noncharacter).
const prefixEnd = "\U0010FFFF"

type searchEntry struct{ name, value string }

// searchEntries lists the user_search rows of u.
func searchEntries(u storage.User) map[searchEntry]bool {
	out := make(map[searchEntry]bool, len(u.Attributes))
	for name, v := range u.Attributes {
		if v != "" && storage.SearchableAttribute(name) {
			out[searchEntry{name, cut(v)}] = true
		}
	}
	return out
}

// cut shortens v to at most maxIndexed bytes without splitting a rune.
func cut(v string) string {
	if len(v) <= maxIndexed {
		return v
	}
	i := maxIndexed
	for i > 0 && !utf8.RuneStart(v[i]) {
		i--
	}
	return v[:i]
}

// searchOfUserQuery reads a user's search rows, through the index by user
// (migration 0018), never the pool's.
const searchOfUserQuery = `SELECT attr_name, attr_value FROM user_search WHERE pool_id = ? AND sub = ?`

// indexUser brings u's user_search rows up to date inside the statement
// group that writes u. When replacing, only the rows that changed are
// written.
func indexUser(ctx context.Context, q Querier, u storage.User, replacing bool) error {
	want := searchEntries(u)
	if replacing {
		rows, err := q.Query(ctx, searchOfUserQuery, u.PoolID, u.Sub)
		old, err := collect(rows, err, func(r Row) (searchEntry, error) {
			var e searchEntry
			return e, r.Scan(&e.name, &e.value)
		})
		if err != nil {
			return err
		}
		for _, e := range old {
			if want[e] {
				delete(want, e) // already stored
				continue
			}
			if _, err := q.Exec(ctx, `DELETE FROM user_search
				WHERE pool_id = ? AND attr_name = ? AND attr_value = ? AND sub = ?`,
				u.PoolID, e.name, e.value, u.Sub); err != nil {
				return err
			}
		}
	}
	for e := range want {
		if _, err := q.Exec(ctx, `INSERT INTO user_search (pool_id, attr_name, attr_value, sub)
			VALUES (?, ?, ?, ?)`, u.PoolID, e.name, e.value, u.Sub); err != nil {
			return err
		}
	}
	return nil
}

// searchPlan is how Search reads one kind of key: the FROM clause (users
// aliased u), the pool and sub columns of the table whose index serves the
// search, the key column (which with the sub orders the result and makes
// the page token) and any condition besides the key.
type searchPlan struct {
	from, pool, sub, key, cond string
}

// query builds the plan's query. An exact search (key = ?) continues
// after the token's sub, which the index orders within the key. A prefix
// search reads the range key >= ? AND key < ?; its next pages (next)
// continue after the token's (key, sub), with the lower bound raised to
// the token's key, so that the index seek starts there. The first page
// has no row comparison: PostgreSQL would start its index scan at the
// comparison's empty key and sub rather than at the prefix. The arguments are the
// pool, the condition's, the key's (one or two), the token's (sub, or key
// and sub, on next pages) and the limit.
func (p searchPlan) query(prefix, next bool) string {
	where := `SELECT ` + userColsU + `, ` + p.key + ` FROM ` + p.from + `
		WHERE ` + p.pool + ` = ? AND ` + p.cond
	switch {
	case !prefix:
		return where + p.key + ` = ? AND ` + p.sub + ` > ? ORDER BY ` + p.sub + ` LIMIT ?`
	case !next:
		return where + p.key + ` >= ? AND ` + p.key + ` < ? ORDER BY ` + p.key + `, ` + p.sub + ` LIMIT ?`
	}
	return where + p.key + ` >= ? AND ` + p.key + ` < ? AND (` + p.key + `, ` + p.sub + `) > (?, ?)
		ORDER BY ` + p.key + `, ` + p.sub + ` LIMIT ?`
}

func usersPlan(key string) searchPlan {
	return searchPlan{from: `users u`, pool: `u.pool_id`, sub: `u.sub`, key: key}
}

// The plans, each with its exact and prefix query.
var (
	planSub     = usersPlan(`u.sub`)     // the primary key
	planStatus  = usersPlan(`u.status`)  // users_by_status
	planEnabled = usersPlan(`u.enabled`) // users_by_enabled
	planAttr    = searchPlan{            // user_search
		from: `user_search s JOIN users u ON u.pool_id = s.pool_id AND u.sub = s.sub`,
		pool: `s.pool_id`, sub: `s.sub`, key: `s.attr_value`, cond: `s.attr_name = ? AND `,
	}
	searchQueries = func() map[*searchPlan][3]string {
		m := map[*searchPlan][3]string{}
		for _, p := range []*searchPlan{&planSub, &planStatus, &planEnabled, &planAttr} {
			m[p] = [3]string{p.query(false, false), p.query(true, false), p.query(true, true)}
		}
		return m
	}()
)

func (s users) Search(ctx context.Context, poolID string, f storage.UserFilter, pg storage.Page) ([]storage.User, string, error) {
	// A token resumes only the search that issued it: same pool, key,
	// kind of match and value.
	op := "="
	if f.Prefix {
		op = "^="
	}
	l := listing{kind: "users_search", scope: poolID + "\n" + f.Key + "\n" + op + "\n" + f.Value}
	after, err := l.decode(pg.Token, 2)
	if err != nil {
		return nil, "", wrap("users: search", err)
	}
	plan := &planAttr
	args := []any{poolID}
	var value any = f.Value
	switch {
	case f.Key == storage.SearchUsername:
		return s.searchUsername(ctx, poolID, f, after, l, limit(pg))
	case f.Key == storage.SearchSub:
		plan = &planSub
	case f.Key == storage.SearchStatus:
		plan = &planStatus
	case f.Key == storage.SearchEnabled:
		if f.Prefix || (f.Value != "true" && f.Value != "false") {
			return nil, "", nil
		}
		plan, value = &planEnabled, f.Value == "true"
	case storage.SearchableAttribute(f.Key):
		value = cut(f.Value)
		args = append(args, f.Key)
	default:
		return nil, "", nil
	}
	n := limit(pg)
	query := searchQueries[plan][0]
	if f.Prefix {
		lo := value.(string)
		if after[0] > lo {
			lo = after[0]
		}
		query = searchQueries[plan][1]
		args = append(args, lo, value.(string)+prefixEnd)
		if pg.Token != "" {
			query = searchQueries[plan][2]
			args = append(args, after[0], after[1])
		}
		args = append(args, n+1)
	} else {
		args = append(args, value, after[1], n+1)
	}
	type found struct {
		u   storage.User
		key string
	}
	rows, err := s.s.read().Query(ctx, query, args...)
	items, err := collect(rows, err, func(r Row) (found, error) {
		var x found
		var k any
		var err error
		x.u, err = scanUser(extraCols{r, []any{&k}})
		x.key = keyString(k)
		return x, err
	})
	if err != nil {
		return nil, "", wrap("users: search", err)
	}
	items, next := page(items, n, l, func(x found) []string { return []string{x.key, x.u.Sub} })
	out := make([]storage.User, 0, len(items))
	for _, x := range items {
		if plan == &planAttr && !matches(x.u.Attributes[f.Key], f) {
			continue // the index held a cut value and the full one differs
		}
		out = append(out, x.u)
	}
	return out, next, nil
}

// searchUsername is Search on the username key (see users_byname.go).
func (s users) searchUsername(ctx context.Context, poolID string, f storage.UserFilter, after []string, l listing, n int) ([]storage.User, string, error) {
	var items []usernameKeyed
	var err error
	if f.Prefix {
		items, err = s.byUsername(ctx, poolID, f.Value, f.Value+prefixEnd, f.ListedBy, after, n+1)
	} else {
		items, err = s.byUsernameExact(ctx, poolID, f.Value, f.ListedBy, after[1], n+1)
	}
	if err != nil {
		return nil, "", wrap("users: search", err)
	}
	items, next := page(items, n, l, func(k usernameKeyed) []string { return []string{k.key, k.u.Sub} })
	out := make([]storage.User, len(items))
	for i, k := range items {
		out[i] = k.u
	}
	return out, next, nil
}

// keyString renders a scanned key column for a page token.
func keyString(k any) string {
	switch v := k.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatBool(v != 0)
	}
	return ""
}

func matches(v string, f storage.UserFilter) bool {
	if f.Prefix {
		return strings.HasPrefix(v, f.Value)
	}
	return v == f.Value
}
