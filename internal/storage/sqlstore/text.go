package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cognate-dev/cognate/internal/storage"
)

// Text, as both dialects store it, is valid UTF-8 without NUL bytes:
// PostgreSQL's text type can hold nothing else, and SQLite is held to the
// same rule so that the two backends keep the same data. Keys often come
// straight from requests (a USERNAME in AuthParameters, a login's
// subject), so the stores check the strings they are given rather than
// let PostgreSQL fail a statement, and with it a transaction, that SQLite
// would have run:
//
//   - a read with such a string matches nothing (it equals no stored text);
//   - a write with such a string fails with storage.ErrInvalidText and
//     changes nothing.

// badTextErr is storage.ErrInvalidText, or the context's error once ctx is done (the
// contract reports a done context first).
func badTextErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	return storage.ErrInvalidText
}

// storable reports whether s is text both dialects store alike.
func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// badText reports whether any string argument is not storable.
func badText(args []any) bool {
	for _, a := range args {
		if s, ok := a.(string); ok && !storable(s) {
			return true
		}
	}
	return false
}

// reader runs the reads of a scope. A query with a string argument no
// stored text can equal finds no rows without reaching the database.
type reader struct{ q Querier }

// QueryRow runs a query that returns at most one row.
func (r reader) QueryRow(ctx context.Context, query string, args ...any) Row {
	if badText(args) {
		if err := ctx.Err(); err != nil {
			return errRow{fmt.Errorf("storage: %w", err)}
		}
		return noRow{}
	}
	return r.q.QueryRow(ctx, query, args...)
}

// Query runs a query that returns rows.
func (r reader) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	if badText(args) {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("storage: %w", err)
		}
		return noRows{}, nil
	}
	return r.q.Query(ctx, query, args...)
}

// Exec runs a statement (reads have none; it is here so that a reader is a
// Querier) and refuses text as a write does.
func (r reader) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return writer(r).Exec(ctx, query, args...)
}

var _ Querier = reader{}

type noRow struct{}

func (noRow) Scan(...any) error { return storage.ErrNotFound }

type noRows struct{}

func (noRows) Next() bool        { return false }
func (noRows) Scan(...any) error { return storage.ErrNotFound }
func (noRows) Err() error        { return nil }
func (noRows) Close()            {}

// writer is the Querier a scope's writes run on: it refuses a statement
// with a string argument that is not storable, before the database sees
// it.
type writer struct{ q Querier }

func (w writer) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if badText(args) {
		return 0, badTextErr(ctx)
	}
	return w.q.Exec(ctx, query, args...)
}

func (w writer) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	if badText(args) {
		return nil, badTextErr(ctx)
	}
	return w.q.Query(ctx, query, args...)
}

func (w writer) QueryRow(ctx context.Context, query string, args ...any) Row {
	if badText(args) {
		return errRow{badTextErr(ctx)}
	}
	return w.q.QueryRow(ctx, query, args...)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
