package userpool

import (
	"context"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// codeStore holds at most one code, with the Codes methods verifyCode uses.
type codeStore struct {
	storage.Store
	code    *storage.Code
	deleted bool
}

func (s *codeStore) Codes() storage.Codes { return codeStoreCodes{s} }

type codeStoreCodes struct {
	s *codeStore
}

func (c codeStoreCodes) Put(context.Context, storage.Code) error { panic("unused") }

func (c codeStoreCodes) Get(context.Context, string, string, string) (storage.Code, error) {
	if c.s.code == nil {
		return storage.Code{}, storage.ErrNotFound
	}
	return *c.s.code, nil
}

func (c codeStoreCodes) AddAttempt(context.Context, string, string, string) (storage.Code, error) {
	if c.s.code == nil {
		return storage.Code{}, storage.ErrNotFound
	}
	c.s.code.Attempts++
	return *c.s.code, nil
}

func (c codeStoreCodes) Delete(context.Context, string, string, string) error {
	if c.s.code == nil {
		return storage.ErrNotFound
	}
	c.s.code, c.s.deleted = nil, true
	return nil
}

func TestVerifyCodeCountsFirst(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	u := &storage.User{PoolID: "us-east-1_p", Sub: "s"}
	for _, tc := range []struct {
		name       string
		purpose    string
		attempts   int // counted before this one
		expired    bool
		none       bool
		given      string
		want       Kind // "" for accepted
		wantDelete bool
	}{
		{name: "right code, first attempt", purpose: purposeForgot, given: "123456"},
		{name: "right code, last counted attempt", purpose: purposeForgot, attempts: maxCodeAttempts - 1, given: "123456"},
		{name: "right code past the limit", purpose: purposeForgot, attempts: maxCodeAttempts, given: "123456", want: LimitExceeded},
		{name: "wrong code", purpose: purposeForgot, given: "654321", want: CodeMismatch},
		{name: "wrong code at the limit", purpose: purposeForgot, attempts: maxCodeAttempts - 1, given: "654321", want: CodeMismatch},
		{name: "sign-up: last wrong code ends it", purpose: purposeSignUp, attempts: maxCodeAttempts - 1, given: "654321",
			want: TooManyFailedAttempts, wantDelete: true},
		{name: "sign-up: past the limit", purpose: purposeSignUp, attempts: maxCodeAttempts, given: "123456", want: ExpiredCode},
		{name: "expired", purpose: purposeVerify + "email", expired: true, given: "123456", want: ExpiredCode, wantDelete: true},
		{name: "no code", purpose: purposeForgot, none: true, given: "123456", want: ExpiredCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &codeStore{}
			if !tc.none {
				expires := now.Add(time.Hour)
				if tc.expired {
					expires = now
				}
				st.code = &storage.Code{PoolID: u.PoolID, Sub: u.Sub, Purpose: tc.purpose, Attempts: tc.attempts,
					Hash: codeHash(u.PoolID, u.Sub, tc.purpose, "", "123456"), ExpiresAt: expires}
			}
			s := &Service{store: st, now: func() time.Time { return now }}
			_, err := s.verifyCode(context.Background(), u, tc.purpose, "", tc.given)
			switch e := AsError(err); {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (e == nil || e.Kind != tc.want):
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
			if st.deleted != tc.wantDelete {
				t.Errorf("deleted = %v, want %v", st.deleted, tc.wantDelete)
			}
			if !tc.none && !st.deleted && st.code.Attempts != tc.attempts+1 {
				t.Errorf("attempts = %d, want %d: every attempt is counted", st.code.Attempts, tc.attempts+1)
			}
		})
	}
}
