package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/google/uuid"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/storage"
)

// BenchmarkConsolePages measures the console's pages over HTTP on a pool
// of COGNATE_CONSOLE_BENCH_USERS users (default 10,000; the README's
// figures are for 100,000 and 1,000,000), built directly through storage,
// every 100th with an identity, and an audit log of one event per user.
// Each page reports its median (p50-ms) and 99th percentile (p99-ms).
func BenchmarkConsolePages(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("COGNATE_CONSOLE_BENCH_USERS")); err == nil && v > 0 {
		n = v
	}
	var st storage.Store
	s := start(b, newConfig(b, "sqlite"), app.WithStoreWrapper(func(x storage.Store) storage.Store { st = x; return x }))
	poolID := s.pool(&cip.CreateUserPoolInput{PoolName: aws.String("big")})
	idPool := storage.IdentityPool{ID: "us-east-1:" + uuid.NewString(), Region: "us-east-1", Name: "big-ids",
		Config: []byte(`{"AllowUnauthenticatedIdentities":false}`), CreatedAt: time.Now(), UpdatedAt: time.Now()}
	mustDo(b, st.Identities().CreatePool(context.Background(), idPool))
	start := time.Now()
	mid, midIdentity := fillPool(b, st, poolID, idPool.ID, n)
	b.Logf("%d users, %d identities, %d audit events in %v", n, n/100, n, time.Since(start).Round(time.Second))

	id, key := s.app.RootCredentials()
	br := newConsoleBrowser(b, s.http.URL)
	br.signInRoot(id, key)
	pages := []struct{ name, path string }{
		// The pages that name the middle user must find them.
		{"home", "/console/"},
		{"users", "/console/pools/" + poolID + "/users"},
		{"users-filter-prefix", "/console/pools/" + poolID + "/users?filter=" + url.QueryEscape(`email ^= "`+mid.Username[:9]+`"`)},
		{"users-filter-exact", "/console/pools/" + poolID + "/users?filter=" + url.QueryEscape(`email = "`+mid.Attributes["email"]+`"`)},
		{"users-by-identity", "/console/pools/" + poolID + "/users?identity=" + url.QueryEscape(midIdentity)},
		{"who-owns", "/console/owner?q=" + url.QueryEscape("private/"+midIdentity+"/photo.jpg")},
		{"user", "/console/pools/" + poolID + "/users/" + mid.Sub},
		{"pool", "/console/pools/" + poolID},
		{"identity-pool", "/console/identity-pools/" + idPool.ID},
		{"identity", "/console/identities/" + midIdentity},
		{"audit", "/console/audit"},
		{"audit-by-user", "/console/audit?pool=" + poolID + "&sub=" + mid.Sub},
		{"audit-by-type", "/console/audit?type=ConsoleSignIn"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t0 := time.Now()
				code, text := br.get(p.path)
				if code != http.StatusOK || (strings.Contains(p.name, "-") && p.name != "identity-pool" && p.name != "audit-by-type" && !strings.Contains(text, mid.Username)) {
					b.Fatalf("%s: %d, without %s: %s", p.path, code, mid.Username, text)
				}
				took = append(took, time.Since(t0))
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// fillPool creates n users in batches of one transaction each; every
// 100th user gets an identity in idPoolID, and every user an audit event.
// It returns the middle user and their identity id.
func fillPool(b *testing.B, st storage.Store, poolID, idPoolID string, n int) (storage.User, string) {
	ctx := context.Background()
	now := time.Now().UTC()
	provider := "cognito-idp.us-east-1.amazonaws.com/" + poolID
	var mid storage.User
	var midIdentity string
	const batch = 2000
	for lo := 0; lo < n; lo += batch {
		err := st.InTx(ctx, func(tx storage.Stores) error {
			for i := lo; i < min(lo+batch, n); i++ {
				name := fmt.Sprintf("user%07d", i)
				u := storage.User{PoolID: poolID, Sub: uuid.NewString(), Username: name, Status: "CONFIRMED", Enabled: true,
					Attributes: map[string]string{"email": name + "@example.com", "email_verified": "true"},
					Lookups:    []storage.Lookup{{Kind: storage.LookupUsername, Key: name}}, CreatedAt: now, UpdatedAt: now}
				u.Attributes["sub"] = u.Sub
				if err := tx.Users().Create(ctx, u); err != nil {
					return err
				}
				e := storage.AuditEvent{ID: uuid.NewString(), Time: now.Add(time.Duration(i) * time.Microsecond), Type: "CredentialsIssued",
					UserPoolID: poolID, UserSub: u.Sub, Username: name}
				if i%100 == 0 || i == n/2 {
					ident := storage.Identity{ID: "us-east-1:" + uuid.NewString(), PoolID: idPoolID, CreatedAt: now, UpdatedAt: now, LinkedAt: now}
					if err := tx.Identities().Create(ctx, ident); err != nil {
						return err
					}
					if err := tx.Identities().AddLogin(ctx, storage.IdentityLogin{IdentityID: ident.ID, IdentityPoolID: idPoolID,
						Provider: provider, Subject: u.Sub, UserPoolID: poolID, UserSub: u.Sub, CreatedAt: now}); err != nil {
						return err
					}
					e.IdentityID, e.IdentityPoolID = ident.ID, idPoolID
					if i == n/2 {
						midIdentity = ident.ID
					}
				}
				if err := tx.Audit().Record(ctx, e); err != nil {
					return err
				}
				if i == n/2 {
					mid = u
				}
			}
			return nil
		})
		mustDo(b, err)
	}
	return mid, midIdentity
}

func mustDo(b testing.TB, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
