package identitypool

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	ca "github.com/cognate-dev/cognate/internal/awsmodel/cognateadmin"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// TestCredentialsIssuedNamesTheUser checks the recorder the STS service
// calls for the basic flow: an issuance that names only the identity is
// recorded with the user its user-pool login links to.
func TestCredentialsIssuedNamesTheUser(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.Pools().Create(ctx, storage.Pool{ID: "us-east-1_abc", Region: "us-east-1", Name: "p", CreatedAt: now, UpdatedAt: now}))
	must(st.Users().Create(ctx, storage.User{PoolID: "us-east-1_abc", Sub: "sub-1", Username: "ann", Status: "CONFIRMED",
		Enabled: true, Lookups: []storage.Lookup{{Kind: storage.LookupUsername, Key: "ann"}}, CreatedAt: now, UpdatedAt: now}))
	must(st.Identities().CreatePool(ctx, storage.IdentityPool{ID: "us-east-1:p", Region: "us-east-1", Name: "ip", CreatedAt: now, UpdatedAt: now}))
	must(st.Identities().Create(ctx, storage.Identity{ID: "us-east-1:i", PoolID: "us-east-1:p", LinkedAt: now, CreatedAt: now, UpdatedAt: now}))
	must(st.Identities().AddLogin(ctx, storage.IdentityLogin{IdentityID: "us-east-1:i", IdentityPoolID: "us-east-1:p",
		Provider: "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", Subject: "sub-1", UserPoolID: "us-east-1_abc", UserSub: "sub-1", CreatedAt: now}))

	s := New(Deps{Store: st, PublicURL: "http://127.0.0.1:7350"})
	must(s.CredentialsIssued(ctx, Issuance{
		IdentityID: "us-east-1:i", IdentityPoolID: "us-east-1:p", RoleARN: "arn:aws:iam::000000000000:role/r",
		AccessKeyID: "ASIAEXAMPLE", Expiration: now.Add(time.Hour), Source: "sts:AssumeRoleWithWebIdentity",
	}))
	out, err := s.ListAuditEvents(ctx, &ca.ListAuditEventsInput{UserPoolId: "us-east-1_abc", Sub: "sub-1"})
	must(err)
	if len(out.Events) != 1 {
		t.Fatalf("%d events", len(out.Events))
	}
	e := out.Events[0]
	if e.EventType != EventCredentialsIssued || e.IdentityId != "us-east-1:i" || e.Username != "ann" ||
		e.RoleArn != "arn:aws:iam::000000000000:role/r" || e.Details["Source"] != "sts:AssumeRoleWithWebIdentity" {
		t.Fatalf("event %+v", e)
	}
}
