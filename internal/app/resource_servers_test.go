package app_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func scope(name, desc string) types.ResourceServerScopeType {
	return types.ResourceServerScopeType{ScopeName: aws.String(name), ScopeDescription: aws.String(desc)}
}

func TestResourceServers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		id := "https://api.example.com"
		created := result(s.idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String(id), Name: aws.String("api"),
			Scopes: []types.ResourceServerScopeType{scope("read", "Read"), scope("write", "Write")},
		})).must(t).ResourceServer
		if aws.ToString(created.UserPoolId) != poolID || aws.ToString(created.Identifier) != id || len(created.Scopes) != 2 {
			t.Fatalf("created %+v", created)
		}
		described := result(s.idp.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String(id),
		})).must(t).ResourceServer
		if !reflect.DeepEqual(described, created) {
			t.Fatalf("described %+v, created %+v", described, created)
		}

		_, err := s.idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String(id), Name: aws.String("again"),
		})
		wantCode(t, err, "InvalidParameterException", id)
		_, err = s.idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String("dup-scopes"), Name: aws.String("d"),
			Scopes: []types.ResourceServerScopeType{scope("read", "a"), scope("read", "b")},
		})
		wantCode(t, err, "InvalidParameterException", "read")
		_, err = s.idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{
			UserPoolId: aws.String("us-east-1_nothere"), Identifier: aws.String("x"), Name: aws.String("x"),
		})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Update replaces the name and scopes.
		updated := result(s.idp.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String(id), Name: aws.String("api v2"),
			Scopes: []types.ResourceServerScopeType{scope("admin", "Admin")},
		})).must(t).ResourceServer
		if aws.ToString(updated.Name) != "api v2" || len(updated.Scopes) != 1 || aws.ToString(updated.Scopes[0].ScopeName) != "admin" {
			t.Fatalf("updated %+v", updated)
		}
		_, err = s.idp.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String("ghost"), Name: aws.String("g"),
		})
		wantCode(t, err, "ResourceNotFoundException", "")

		result(s.idp.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String(id),
		})).must(t)
		_, err = s.idp.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String(id),
		})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String(id),
		})
		wantCode(t, err, "ResourceNotFoundException", "")
	})
}

// TestResourceServerPagesAndLimit: ListResourceServers pages through all
// servers once each; a pool holds at most 25.
func TestResourceServerPagesAndLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		for i := 0; i < 25; i++ {
			result(s.idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{
				UserPoolId: aws.String(poolID), Identifier: aws.String(fmt.Sprintf("api-%02d", 24-i)), Name: aws.String("api"),
			})).must(t)
		}
		_, err := s.idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String("one-too-many"), Name: aws.String("api"),
		})
		wantCode(t, err, "LimitExceededException", "")

		var got []string
		var token *string
		for pages := 1; ; pages++ {
			out := result(s.idp.ListResourceServers(ctx, &cip.ListResourceServersInput{
				UserPoolId: aws.String(poolID), MaxResults: aws.Int32(10), NextToken: token,
			})).must(t)
			if len(out.ResourceServers) > 10 {
				t.Fatalf("page of %d", len(out.ResourceServers))
			}
			for _, rs := range out.ResourceServers {
				got = append(got, aws.ToString(rs.Identifier))
			}
			if out.NextToken == nil {
				if pages != 3 {
					t.Fatalf("%d pages, want 3", pages)
				}
				break
			}
			token = out.NextToken
		}
		if len(got) != 25 || got[0] != "api-00" || got[24] != "api-24" {
			t.Fatalf("listed %v", got)
		}
		seen := map[string]bool{}
		for _, g := range got {
			if seen[g] {
				t.Fatalf("%s listed twice", g)
			}
			seen[g] = true
		}
	})
}

// TestClientOAuthScopes: an app client may allow the standard scopes and
// the custom scopes of the pool's resource servers; anything else is
// ScopeDoesNotExistException.
func TestClientOAuthScopes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		result(s.idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{
			UserPoolId: aws.String(poolID), Identifier: aws.String("https://api.example.com"), Name: aws.String("api"),
			Scopes: []types.ResourceServerScopeType{scope("read", "Read")},
		})).must(t)
		newClient := func(scopes ...string) error {
			_, err := s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
				UserPoolId: aws.String(poolID), ClientName: aws.String("web"), AllowedOAuthScopes: scopes,
			})
			return err
		}
		ok := []string{"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin", "https://api.example.com/read"}
		if err := newClient(ok...); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"https://api.example.com/write", "https://other.example.com/read", "read", "offline_access"} {
			wantCode(t, newClient("openid", bad), "ScopeDoesNotExistException", "")
		}
		clientID, _ := s.appClient(poolID, false)
		_, err := s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID), AllowedOAuthScopes: []string{"https://api.example.com/admin"},
		})
		wantCode(t, err, "ScopeDoesNotExistException", "")
		result(s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID), AllowedOAuthScopes: []string{"https://api.example.com/read"},
		})).must(t)
	})
}
