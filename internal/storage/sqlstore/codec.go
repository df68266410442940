package sqlstore

import (
	"encoding/base64"
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

// errBadToken reports a page token this store did not issue.
var errBadToken = fmt.Errorf("invalid page token: %w", storage.ErrBadPageToken)

// encodeToken makes the opaque token that resumes after the given sort key.
func encodeToken(key ...string) string {
	b, _ := json.Marshal(key) // []string always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken reads a token of n key parts; "" starts at the beginning
// (every part "", which sorts before any stored key).
func decodeToken(tok string, n int) ([]string, error) {
	if tok == "" {
		return make([]string, n), nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, errBadToken
	}
	var key []string
	if err := json.Unmarshal(b, &key); err != nil || len(key) != n {
		return nil, errBadToken
	}
	return key, nil
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
// token for the next page, built from the last item's sort key.
func page[T any](items []T, n int, key func(T) []string) ([]T, string) {
	if len(items) <= n {
		return items, ""
	}
	items = items[:n]
	return items, encodeToken(key(items[n-1])...)
}

// wrap adds the operation to an error.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
