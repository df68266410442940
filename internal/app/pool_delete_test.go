package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// TestDeleteUserPoolInBackground: DeleteUserPool of a pool of a few
// thousand users answers while they are all still stored; from that
// answer on, every API answers as for a pool that is gone (the same
// codes as once it is), and the runner deletes the users and the pool.
func TestDeleteUserPoolInBackground(t *testing.T) {
	const bulk = 3000
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			s := newServer(t, b)
			poolID := s.pool(nil)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, "alice", "Correct-Horse-9")
			tokens := s.signIn(clientID, "alice", "Correct-Horse-9")
			st := openStore(t, s.cfg)
			users := make([]storage.User, bulk)
			now := time.Now().UTC()
			for i := range users {
				name := fmt.Sprintf("bulk%05d", i)
				users[i] = storage.User{PoolID: poolID, Sub: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Username: name,
					Status: "CONFIRMED", Enabled: true, Attributes: map[string]string{},
					Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: name}}, CreatedAt: now, UpdatedAt: now}
			}
			if err := st.Users().CreateMany(ctx, users); err != nil {
				t.Fatal(err)
			}
			run, stop := context.WithCancel(ctx)
			ran := make(chan struct{})
			go func() { s.app.RunPoolDeletions(run); close(ran) }()
			t.Cleanup(func() { stop(); <-ran })

			result(s.idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID})).must(t)
			if n := storedUsers(t, st, poolID); n != bulk+1 {
				t.Fatalf("%d users stored when DeleteUserPool answered, want all %d", n, bulk+1)
			}
			marked := goneAnswers(t, s, poolID, clientID, tokens)
			t.Logf("answers about the pool being deleted: %v", marked)
			for op, code := range marked {
				if code == "" {
					t.Errorf("%s succeeded on a deleted pool", op)
				}
			}

			deadline := time.Now().Add(time.Minute)
			for {
				_, err := st.Pools().Get(ctx, poolID)
				if errors.Is(err, storage.ErrNotFound) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if time.Now().After(deadline) {
					t.Fatalf("the pool is still stored a minute after DeleteUserPool, %d users", storedUsers(t, st, poolID))
				}
				time.Sleep(100 * time.Millisecond)
			}
			if n := storedUsers(t, st, poolID); n != 0 {
				t.Fatalf("%d users left after the deletion", n)
			}
			if gone := goneAnswers(t, s, poolID, clientID, tokens); fmt.Sprint(gone) != fmt.Sprint(marked) {
				t.Fatalf("answers while deleting %v, once deleted %v", marked, gone)
			}
		})
	}
}

// goneAnswers sends requests about the pool and returns each one's error
// code ("" for a success).
func goneAnswers(t *testing.T, s *server, poolID, clientID string, tokens *types.AuthenticationResultType) map[string]string {
	t.Helper()
	code := func(err error) string {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		if err != nil {
			t.Fatalf("not an API error: %v", err)
		}
		return ""
	}
	out := map[string]string{}
	_, err := s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID})
	out["DescribeUserPool"] = code(err)
	_, err = s.idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID})
	out["DeleteUserPool"] = code(err)
	_, err = s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("alice")})
	out["AdminGetUser"] = code(err)
	_, err = s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("bob"),
		MessageAction: types.MessageActionTypeSuppress})
	out["AdminCreateUser"] = code(err)
	_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Correct-Horse-9"}})
	out["InitiateAuth"] = code(err)
	_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken)}})
	out["refresh"] = code(err)
	_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tokens.AccessToken})
	out["GetUser"] = code(err)
	list := result(s.idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})).must(t)
	for _, p := range list.UserPools {
		if aws.ToString(p.Id) == poolID {
			t.Fatalf("ListUserPools lists the deleted pool")
		}
	}
	resp, err := s.http.Client().Get(s.http.URL + "/" + poolID + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		out["jwks"] = resp.Status
	}
	return out
}

// storedUsers counts the pool's users in the store.
func storedUsers(t *testing.T, st storage.Store, poolID string) int {
	t.Helper()
	n, pg := 0, storage.Page{Limit: 1000}
	for {
		users, next, err := st.Users().List(ctx, poolID, pg)
		if err != nil {
			t.Fatal(err)
		}
		n += len(users)
		if next == "" {
			return n
		}
		pg.Token = next
	}
}

// TestIdentityPoolLoginOfDeletedPool: an identity pool refuses a login
// with an ID token of a user pool being deleted, as it refuses one of a
// user pool deleted.
func TestIdentityPoolLoginOfDeletedPool(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		tok := s.idToken(up, "alice")
		ids := s.identityPool(false, up)
		if _, err := s.getID(ids, map[string]string{awsKey(up.poolID): tok}); err != nil {
			t.Fatal(err)
		}
		result(s.idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &up.poolID})).must(t)
		_, err := s.getID(ids, map[string]string{awsKey(up.poolID): tok})
		wantCode(t, err, "NotAuthorizedException", "Invalid login token")
		marked := apiError(err)
		// An export leaves out the pool and its users' identity logins,
		// which would refer to them: it imports.
		var file bytes.Buffer
		key := secret.RandomBytes(32)
		noEnv := func(string) string { return "" }
		counts, err := app.Export(ctx, s.cfg, noEnv, &file, app.ExportOptions{Key: key})
		if err != nil {
			t.Fatal(err)
		}
		if counts["identity"] != 1 || counts["identity-login"] != 0 {
			t.Fatalf("exported %v, want the identity without its login", counts)
		}
		backend := "sqlite"
		if s.cfg.DatabaseURL != "" {
			backend = "postgres"
		}
		if _, err := app.Import(ctx, newConfig(t, backend), noEnv, &file, key); err != nil {
			t.Fatalf("import of the export: %v", err)
		}

		run, stop := context.WithCancel(ctx)
		ran := make(chan struct{})
		go func() { s.app.RunPoolDeletions(run); close(ran) }()
		defer func() { stop(); <-ran }()
		st := openStore(t, s.cfg)
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
			if _, err := st.Pools().Get(ctx, up.poolID); errors.Is(err, storage.ErrNotFound) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the pool is still stored a minute after DeleteUserPool")
			}
		}
		_, err = s.getID(ids, map[string]string{awsKey(up.poolID): tok})
		if gone := apiError(err); gone != marked {
			t.Fatalf("login of a deleted pool: %s; of one being deleted: %s", gone, marked)
		}
	})
}

// apiError is an API error's code and message ("" for none).
func apiError(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return fmt.Sprint(err)
}

// TestServeResumesPoolDeletion: a server started on a database that holds
// a pool marked for deletion, with its expired lease (a node stopped
// before it was done), deletes it at start-up, without waiting for a
// poll.
func TestServeResumesPoolDeletion(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			st, serve := unstartedServer(t, b)
			now := time.Now().UTC()
			pool := storage.Pool{ID: "us-east-1_resumedel", Region: "us-east-1", Name: "p",
				Config: []byte(`{"CognateDeleting":{"Since":"2020-01-01T00:00:00Z"}}`), CreatedAt: now, UpdatedAt: now}
			if err := st.Pools().Create(ctx, pool); err != nil {
				t.Fatal(err)
			}
			// The stopped node's lease on the deletion, expired.
			if _, ok, err := st.Leases().Take(ctx, "delete-pool/"+pool.ID, "stopped node", now.Add(-time.Hour), time.Minute); err != nil || !ok {
				t.Fatalf("take the lease: %v, %v", ok, err)
			}
			users := make([]storage.User, 500)
			for i := range users {
				name := fmt.Sprintf("left%03d", i)
				users[i] = storage.User{PoolID: pool.ID, Sub: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Username: name,
					Status: "CONFIRMED", Enabled: true, Attributes: map[string]string{},
					Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: name}}, CreatedAt: now, UpdatedAt: now}
			}
			if err := st.Users().CreateMany(ctx, users); err != nil {
				t.Fatal(err)
			}
			stop := serve()
			deadline := time.Now().Add(10 * time.Second) // well within a poll (30 s)
			for {
				_, err := st.Pools().Get(ctx, pool.ID)
				if errors.Is(err, storage.ErrNotFound) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the marked pool is still stored 10 s after start-up (%v), %d users", err, storedUsers(t, st, pool.ID))
				}
				time.Sleep(50 * time.Millisecond)
			}
			stop()
			if n := storedUsers(t, st, pool.ID); n != 0 {
				t.Fatalf("%d users left", n)
			}
		})
	}
}
