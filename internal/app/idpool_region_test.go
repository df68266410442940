package app_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestIdentityPoolRegions: signed identity-pool operations see only the
// pools and identities of the region they are signed for, as AWS's
// regional endpoints do: a client configured for ap-southeast-1 neither
// lists nor reads, changes or deletes a us-west-2 pool or identity, and
// is told ResourceNotFoundException in AWS's words. Unsigned operations
// carry no region and find a pool by its id, whatever its region.
func TestIdentityPoolRegions(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		id, key := s.app.RootCredentials()
		west, south := s.identityClientIn("us-west-2", id, key), s.identityClientIn("ap-southeast-1", id, key)
		create := func(c *cid.Client, name string) string {
			out := result(c.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
				IdentityPoolName: aws.String(name), AllowUnauthenticatedIdentities: true, DeveloperProviderName: aws.String("login.example.app"),
			})).must(t)
			return *out.IdentityPoolId
		}
		westPool := create(west, "west")
		southPools := []string{create(south, "south-1"), create(south, "south-2"), create(south, "south-3")}
		for range 3 {
			create(west, "west-more")
		}
		if !strings.HasPrefix(westPool, "us-west-2:") || !strings.HasPrefix(southPools[0], "ap-southeast-1:") {
			t.Fatalf("pool ids %s %s: want the region as prefix", westPool, southPools[0])
		}

		// Listing: only the signed region's pools, on full pages.
		list := func(c *cid.Client, max int32) []string {
			var ids []string
			var token *string
			for pages := 0; ; pages++ {
				out := result(c.ListIdentityPools(ctx, &cid.ListIdentityPoolsInput{MaxResults: aws.Int32(max), NextToken: token})).must(t)
				if len(out.IdentityPools) == 0 && out.NextToken != nil || pages > 20 {
					t.Fatalf("empty page with a next token, or no end: %+v", out)
				}
				for _, p := range out.IdentityPools {
					ids = append(ids, *p.IdentityPoolId)
				}
				if token = out.NextToken; token == nil {
					return ids
				}
			}
		}
		slices.Sort(southPools)
		if got := list(south, 60); !slices.Equal(got, southPools) {
			t.Fatalf("ap-southeast-1 lists %v, want %v", got, southPools)
		}
		if got := list(south, 1); !slices.Equal(got, southPools) {
			t.Fatalf("ap-southeast-1 pages of 1 list %v, want %v", got, southPools)
		}
		if got := list(west, 2); len(got) != 4 || !slices.Contains(got, westPool) {
			t.Fatalf("us-west-2 lists %v", got)
		}
		if got := list(s.ci, 60); len(got) != 0 {
			t.Fatalf("us-east-1 lists %v", got)
		}

		// An identity of the us-west-2 pool (GetId is unsigned: any
		// client finds the pool by its id).
		identity := result(south.GetId(ctx, &cid.GetIdInput{IdentityPoolId: &westPool})).must(t).IdentityId
		if !strings.HasPrefix(*identity, "us-west-2:") {
			t.Fatalf("identity %s of a us-west-2 pool", *identity)
		}

		// Every signed operation signed for ap-southeast-1 misses the pool.
		notFound := "IdentityPool '" + westPool + "' not found."
		arn := "arn:aws:cognito-identity:us-west-2:" + s.cfg.AccountID + ":identitypool/" + westPool
		for name, call := range map[string]func() error{
			"DescribeIdentityPool": func() error {
				_, err := south.DescribeIdentityPool(ctx, &cid.DescribeIdentityPoolInput{IdentityPoolId: &westPool})
				return err
			},
			"UpdateIdentityPool": func() error {
				_, err := south.UpdateIdentityPool(ctx, &cid.UpdateIdentityPoolInput{IdentityPoolId: &westPool, IdentityPoolName: aws.String("taken")})
				return err
			},
			"SetIdentityPoolRoles": func() error {
				_, err := south.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{IdentityPoolId: &westPool, Roles: map[string]string{"authenticated": authRole}})
				return err
			},
			"GetIdentityPoolRoles": func() error {
				_, err := south.GetIdentityPoolRoles(ctx, &cid.GetIdentityPoolRolesInput{IdentityPoolId: &westPool})
				return err
			},
			"ListIdentities": func() error {
				_, err := south.ListIdentities(ctx, &cid.ListIdentitiesInput{IdentityPoolId: &westPool, MaxResults: aws.Int32(10)})
				return err
			},
			"LookupDeveloperIdentity": func() error {
				_, err := south.LookupDeveloperIdentity(ctx, &cid.LookupDeveloperIdentityInput{IdentityPoolId: &westPool, IdentityId: identity})
				return err
			},
			"GetOpenIdTokenForDeveloperIdentity": func() error {
				_, err := south.GetOpenIdTokenForDeveloperIdentity(ctx, &cid.GetOpenIdTokenForDeveloperIdentityInput{
					IdentityPoolId: &westPool, Logins: map[string]string{"login.example.app": "u1"},
				})
				return err
			},
			"DeleteIdentityPool": func() error {
				_, err := south.DeleteIdentityPool(ctx, &cid.DeleteIdentityPoolInput{IdentityPoolId: &westPool})
				return err
			},
		} {
			err := call()
			if err == nil {
				t.Fatalf("%s signed for ap-southeast-1 reached a us-west-2 pool", name)
			}
			wantCode(t, err, "ResourceNotFoundException", notFound)
		}
		for name, call := range map[string]func() error{
			"TagResource": func() error {
				_, err := south.TagResource(ctx, &cid.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"k": "v"}})
				return err
			},
			"ListTagsForResource": func() error {
				_, err := south.ListTagsForResource(ctx, &cid.ListTagsForResourceInput{ResourceArn: &arn})
				return err
			},
		} {
			if err := call(); err == nil {
				t.Fatalf("%s signed for ap-southeast-1 reached a us-west-2 pool", name)
			} else {
				wantCode(t, err, "ResourceNotFoundException", "")
			}
		}
		_, err := south.DescribeIdentity(ctx, &cid.DescribeIdentityInput{IdentityId: identity})
		wantCode(t, err, "ResourceNotFoundException", "Identity '"+*identity+"' not found.")
		err = s.adminIn("ap-southeast-1", id, key, "DescribeIdentityOwner", map[string]string{"IdentityId": *identity}, nil)
		wantCode(t, err, "ResourceNotFoundException", "Identity '"+*identity+"' not found.")
		del := result(south.DeleteIdentities(ctx, &cid.DeleteIdentitiesInput{IdentityIdsToDelete: []string{*identity}})).must(t)
		if len(del.UnprocessedIdentityIds) != 0 {
			t.Fatalf("DeleteIdentities: %+v", del.UnprocessedIdentityIds)
		}

		// Signed for its own region, the pool and identity are untouched.
		pool := result(west.DescribeIdentityPool(ctx, &cid.DescribeIdentityPoolInput{IdentityPoolId: &westPool})).must(t)
		if *pool.IdentityPoolName != "west" || len(pool.IdentityPoolTags) != 0 {
			t.Fatalf("us-west-2 pool changed by ap-southeast-1 calls: %+v", pool)
		}
		result(west.DescribeIdentity(ctx, &cid.DescribeIdentityInput{IdentityId: identity})).must(t)
		result(west.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{IdentityPoolId: &westPool, Roles: map[string]string{"unauthenticated": guestRole}})).must(t)
		creds := result(south.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: identity})).must(t)
		if creds.Credentials == nil || s.issuer.last(t).RoleARN != guestRole {
			t.Fatalf("unsigned GetCredentialsForIdentity: %+v", creds)
		}
		var owner struct{ IdentityPoolId string }
		if err := s.adminIn("us-west-2", id, key, "DescribeIdentityOwner", map[string]string{"IdentityId": *identity}, &owner); err != nil || owner.IdentityPoolId != westPool {
			t.Fatalf("DescribeIdentityOwner in us-west-2: %+v %v", owner, err)
		}
		result(west.DeleteIdentityPool(ctx, &cid.DeleteIdentityPoolInput{IdentityPoolId: &westPool})).must(t)
		if got := list(west, 60); slices.Contains(got, westPool) || len(got) != 3 {
			t.Fatalf("after delete us-west-2 lists %v", got)
		}
	})
}
