package userpool

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cognate-dev/cognate/internal/storage"
)

// txStore is a store whose InTx runs the callback and then fails the
// transaction with the next error of errs (nil once errs runs out).
type txStore struct {
	storage.Store
	errs []error
}

func (s *txStore) InTx(_ context.Context, fn func(tx storage.Stores) error) error {
	if err := fn(nil); err != nil {
		return err
	}
	if len(s.errs) == 0 {
		return nil
	}
	err := s.errs[0]
	s.errs = s.errs[1:]
	return err
}

func TestUserTxRedoesStaleTransactions(t *testing.T) {
	stale := fmt.Errorf("users: put: %w", storage.ErrStale)
	other := errors.New("disk on fire")
	many := make([]error, staleAttempts+5)
	for i := range many {
		many[i] = stale
	}
	for _, tc := range []struct {
		name     string
		errs     []error
		wantRuns int
		wantErr  error
	}{
		{"commits at once", nil, 1, nil},
		{"stale twice", []error{stale, stale}, 3, nil},
		{"other error is final", []error{other}, 1, other},
		{"stale, then another error", []error{stale, other}, 2, other},
		{"stale every time", many, staleAttempts, storage.ErrStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Service{store: &txStore{errs: tc.errs}}
			runs := 0
			err := s.userTx(context.Background(), func(storage.Stores) error { runs++; return nil })
			if runs != tc.wantRuns {
				t.Errorf("fn ran %d times, want %d", runs, tc.wantRuns)
			}
			if (tc.wantErr == nil) != (err == nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}
	t.Run("stops when the context ends", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		s := &Service{store: &txStore{errs: many}}
		runs := 0
		err := s.userTx(ctx, func(storage.Stores) error {
			if runs++; runs == 2 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, storage.ErrStale) || runs > 3 {
			t.Errorf("after cancel: %d runs, err %v", runs, err)
		}
	})
	if e := AsError(fmt.Errorf("x: %w", storage.ErrStale)); e == nil || e.Kind != TooManyRequests {
		t.Errorf("a stale write the retries could not place is %v, want TooManyRequestsException", e)
	}
}
