package sqlstore

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// defaultLimit is the page size when storage.Page.Limit <= 0.
const defaultLimit = 60

// micros stores a time as unix microseconds; the zero time is 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros reads a time stored by micros, in UTC.
func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// blob returns b, or nil when it is empty, so that empty byte slices read
// back the same way from both dialects.
func blob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// listing names one listing for its page tokens: the kind of record
// listed and the scope (the pool listed in, or "" for a top-level listing).
// A token carries both, so it resumes only the listing that issued it.
type listing struct {
	kind, scope string
}

// encode makes the opaque token that resumes the listing after the item
// with the given sort key.
func (l listing) encode(key ...string) string {
	b, _ := json.Marshal(append([]string{l.kind, l.scope}, key...)) // []string always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// decode reads a token of the listing with a sort key of n parts; ""
// starts at the beginning (every part "", which sorts before any stored
// key). A token the listing did not issue is storage.ErrBadPageToken.
func (l listing) decode(tok string, n int) ([]string, error) {
	if tok == "" {
		return make([]string, n), nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, storage.ErrBadPageToken
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil || len(parts) != n+2 ||
		parts[0] != l.kind || parts[1] != l.scope {
		return nil, storage.ErrBadPageToken
	}
	return parts[2:], nil
}

// limit returns the page size asked for.
func limit(p storage.Page) int {
	if p.Limit <= 0 {
		return defaultLimit
	}
	return p.Limit
}

// scanFunc scans the current row into a new item.
type scanFunc[T any] func(r Row) (T, error)

// collect reads every row with scan.
func collect[T any](rows Rows, err error, scan scanFunc[T]) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// page trims a result fetched with LIMIT n+1 to n items and returns the
// listing's token for the next page, built from the last item's sort key.
func page[T any](items []T, n int, l listing, key func(T) []string) ([]T, string) {
	if len(items) <= n {
		return items, ""
	}
	items = items[:n]
	return items, l.encode(key(items[n-1])...)
}

// wrap adds the operation to an error.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

// srpSaltColumn stores a user's SRP salt, hex as the domain keeps it (and
// as SALT is sent), as its raw bytes (migration 0019): half the size, in
// the row and in every copy of it. An empty salt is stored empty.
func srpSaltColumn(h string) ([]byte, error) {
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: SRP salt is not hex: %w", err)
	}
	return b, nil
}

// srpSalt reads srp_salt back as hex: raw bytes since migration 0019, or
// the hex text an SQLite row written before it still holds.
type srpSalt string

func (s *srpSalt) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*s = srpSalt(v)
	case []byte:
		*s = srpSalt(hex.EncodeToString(v))
	case nil:
		*s = ""
	default:
		return fmt.Errorf("sqlstore: srp_salt of type %T", src)
	}
	return nil
}
