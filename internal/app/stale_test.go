package app_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/storage"
)

// staleStore is a store that, once armed, refuses the next write of a user
// (Users.Put, in or outside a transaction) with storage.ErrStale, as a
// write that lost a race with a concurrent request would be refused.
type staleStore struct {
	storage.Store
	armed atomic.Bool
	hits  atomic.Int32
}

func (s *staleStore) Users() storage.Users { return staleUsers{s.Store.Users(), s} }

func (s *staleStore) InTx(ctx context.Context, fn func(tx storage.Stores) error) error {
	return s.Store.InTx(ctx, func(tx storage.Stores) error { return fn(staleStores{tx, s}) })
}

type staleStores struct {
	storage.Stores
	s *staleStore
}

func (t staleStores) Users() storage.Users { return staleUsers{t.Stores.Users(), t.s} }

type staleUsers struct {
	storage.Users
	s *staleStore
}

func (u staleUsers) Put(ctx context.Context, usr storage.User) error {
	if u.s.armed.CompareAndSwap(true, false) {
		u.s.hits.Add(1)
		return fmt.Errorf("injected: %w", storage.ErrStale)
	}
	return u.Users.Put(ctx, usr)
}

// TestStaleUserWriteIsRedone makes the user write of an operation that
// uses up a code meet a concurrent change (storage.ErrStale, injected
// once). The operation must redo its change as a whole (code, counters
// and user in one transaction) and succeed with the right code. Before,
// the protocol layer redid the whole operation after the code had been
// used up in a commit of its own: the right code answered
// ExpiredCodeException and the user stayed UNCONFIRMED (unverified, on
// the old password).
func TestStaleUserWriteIsRedone(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			stale := &staleStore{}
			s := start(t, newConfig(t, backend), app.WithStoreWrapper(func(st storage.Store) storage.Store {
				stale.Store = st
				return stale
			}))
			poolID := s.pool(nil)
			clientID, _ := s.appClient(poolID, false)
			inject := func(t *testing.T, op string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s with the right code after a stale write: %v", op, err)
				}
				if stale.armed.Load() || stale.hits.Load() == 0 {
					t.Fatalf("%s: no user write met the injected stale version", op)
				}
				stale.hits.Store(0)
			}

			// ConfirmSignUp.
			result(s.idp.SignUp(ctx, &cip.SignUpInput{
				ClientId: aws.String(clientID), Username: aws.String("ana"), Password: aws.String("Correct-Horse-9"),
				UserAttributes: []types.AttributeType{attr("email", "ana@example.com")},
			})).must(t)
			code := s.lastCode()
			stale.armed.Store(true)
			_, err := s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("ana"), ConfirmationCode: aws.String(code)})
			inject(t, "ConfirmSignUp", err)
			u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ana")})).must(t)
			if v, _ := attrValue(u.UserAttributes, "email_verified"); u.UserStatus != types.UserStatusTypeConfirmed || v != "true" {
				t.Fatalf("after ConfirmSignUp: status %s, email_verified %q", u.UserStatus, v)
			}

			// ConfirmForgotPassword.
			result(s.forgot(clientID, "ana")).must(t)
			code = s.lastCode()
			stale.armed.Store(true)
			inject(t, "ConfirmForgotPassword", s.confirmForgot(clientID, "ana", code, "Brand-New-Pass-1"))
			s.signIn(clientID, "ana", "Brand-New-Pass-1")

			// VerifyUserAttribute.
			tokens := s.signIn(clientID, "ana", "Brand-New-Pass-1")
			result(s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tokens.AccessToken,
				UserAttributes: []types.AttributeType{attr("email", "ana@example.org")}})).must(t)
			code = s.lastCode()
			stale.armed.Store(true)
			_, err = s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tokens.AccessToken,
				AttributeName: aws.String("email"), Code: aws.String(code)})
			inject(t, "VerifyUserAttribute", err)
			u = result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ana")})).must(t)
			if v, _ := attrValue(u.UserAttributes, "email_verified"); v != "true" {
				t.Fatalf("after VerifyUserAttribute: email_verified %q", v)
			}
		})
	}
}
