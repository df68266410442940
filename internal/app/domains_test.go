package app_test

import (
	"reflect"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestUserPoolDomains(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolA, poolB := s.pool(nil), s.pool(nil)
		describe := func(domain string) *types.DomainDescriptionType {
			t.Helper()
			return result(s.idp.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String(domain)})).must(t).DomainDescription
		}
		poolDomain := func(poolID string) (string, string) {
			t.Helper()
			p := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(t).UserPool
			return aws.ToString(p.Domain), aws.ToString(p.CustomDomain)
		}

		// An unknown domain describes as an empty DomainDescription.
		raw := s.signedJSON("AWSCognitoIdentityProviderService.DescribeUserPoolDomain", `{"Domain":"nobody-here"}`)
		if !reflect.DeepEqual(raw, map[string]any{"DomainDescription": map[string]any{}}) {
			t.Fatalf("unknown domain: %v", raw)
		}

		out := result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{
			UserPoolId: aws.String(poolA), Domain: aws.String("my-login"),
		})).must(t)
		if aws.ToInt32(out.ManagedLoginVersion) != 1 {
			t.Fatalf("ManagedLoginVersion %v, want 1 by default", out.ManagedLoginVersion)
		}
		d := describe("my-login")
		if aws.ToString(d.UserPoolId) != poolA || aws.ToString(d.Domain) != "my-login" || d.Status != types.DomainStatusTypeActive ||
			aws.ToInt32(d.ManagedLoginVersion) != 1 || aws.ToString(d.AWSAccountId) == "" || d.CustomDomainConfig != nil {
			t.Fatalf("described %+v", d)
		}
		if dom, _ := poolDomain(poolA); dom != "my-login" {
			t.Fatalf("DescribeUserPool Domain %q", dom)
		}

		// The prefix is unique across pools; a pool has one prefix domain.
		_, err := s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolB), Domain: aws.String("my-login")})
		wantCode(t, err, "InvalidParameterException", "another user pool")
		_, err = s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolA), Domain: aws.String("second-login")})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolB), Domain: aws.String("my-cognito-login")})
		wantCode(t, err, "InvalidParameterException", "reserved word")
		_, err = s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolB), Domain: aws.String("Upper")})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String("us-east-1_nothere"), Domain: aws.String("free-one")})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Update stores the managed-login version; UpdateUserPool keeps the domain.
		up := result(s.idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{
			UserPoolId: aws.String(poolA), Domain: aws.String("my-login"), ManagedLoginVersion: aws.Int32(2),
		})).must(t)
		if aws.ToInt32(up.ManagedLoginVersion) != 2 || aws.ToInt32(describe("my-login").ManagedLoginVersion) != 2 {
			t.Fatalf("after update: %v", up.ManagedLoginVersion)
		}
		_, err = s.idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{
			UserPoolId: aws.String(poolB), Domain: aws.String("my-login"), ManagedLoginVersion: aws.Int32(2),
		})
		wantCode(t, err, "InvalidParameterException", "")
		result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(poolA)})).must(t)
		if dom, _ := poolDomain(poolA); dom != "my-login" {
			t.Fatalf("UpdateUserPool dropped the domain: %q", dom)
		}

		// A dotted name is a custom domain only.
		_, err = s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{
			UserPoolId: aws.String(poolA), Domain: aws.String("auth.example.com"),
		})
		wantCode(t, err, "InvalidParameterException", "regular expression")
		_, err = s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{
			UserPoolId: aws.String(poolA), Domain: aws.String("auth..example.com"),
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/x")},
		})
		wantCode(t, err, "InvalidParameterException", "regular expression")

		// A custom domain needs a certificate and shows as CustomDomain.
		_, err = s.rawClient().CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{
			UserPoolId: aws.String(poolA), Domain: aws.String("auth.example.com"), CustomDomainConfig: &types.CustomDomainConfigType{},
		})
		wantCode(t, err, "InvalidParameterException", "certificateArn")
		cert := "arn:aws:acm:us-east-1:123456789012:certificate/abc"
		custom := result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{
			UserPoolId: aws.String(poolA), Domain: aws.String("auth.example.com"),
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(cert)},
		})).must(t)
		if aws.ToString(custom.CloudFrontDomain) == "" {
			t.Fatal("custom domain without CloudFrontDomain")
		}
		if dom, cd := poolDomain(poolA); dom != "my-login" || cd != "auth.example.com" {
			t.Fatalf("DescribeUserPool Domain %q CustomDomain %q", dom, cd)
		}
		if d := describe("auth.example.com"); d.CustomDomainConfig == nil || aws.ToString(d.CustomDomainConfig.CertificateArn) != cert {
			t.Fatalf("custom domain %+v", d)
		}

		// Delete frees the name for another pool.
		_, err = s.idp.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: aws.String(poolB), Domain: aws.String("my-login")})
		wantCode(t, err, "InvalidParameterException", "")
		result(s.idp.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: aws.String(poolA), Domain: aws.String("my-login")})).must(t)
		if d := describe("my-login"); d.Domain != nil || d.UserPoolId != nil {
			t.Fatalf("deleted domain describes as %+v", d)
		}
		if dom, _ := poolDomain(poolA); dom != "" {
			t.Fatalf("deleted domain still on the pool: %q", dom)
		}
		result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolB), Domain: aws.String("my-login")})).must(t)
		if d := describe("my-login"); aws.ToString(d.UserPoolId) != poolB {
			t.Fatalf("taken over domain describes as %+v", d)
		}

		// Deleting a pool frees its domains.
		result(s.idp.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(poolB)})).must(t)
		if d := describe("my-login"); d.Domain != nil {
			t.Fatalf("domain of a deleted pool describes as %+v", d)
		}
		poolC := s.pool(nil)
		result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolC), Domain: aws.String("my-login")})).must(t)
		if d := describe("my-login"); aws.ToString(d.UserPoolId) != poolC {
			t.Fatalf("domain after its pool was deleted: %+v", d)
		}
	})
}

// TestGetCSVHeader: the header lists the pool's attributes in schema order
// without sub, custom ones included, then the two cognito: columns.
func TestGetCSVHeader(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{
			Name: aws.String("tenant"), AttributeDataType: types.AttributeDataTypeString,
		}}})
		out := result(s.idp.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: aws.String(poolID)})).must(t)
		want := []string{"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
			"picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
			"phone_number_verified", "address", "updated_at", "custom:tenant", "cognito:mfa_enabled", "cognito:username"}
		if aws.ToString(out.UserPoolId) != poolID || !reflect.DeepEqual(out.CSVHeader, want) {
			t.Fatalf("GetCSVHeader %s %v\nwant %v", aws.ToString(out.UserPoolId), out.CSVHeader, want)
		}
		_, err := s.idp.GetCSVHeader(ctx, &cip.GetCSVHeaderInput{UserPoolId: aws.String("us-east-1_nothere")})
		wantCode(t, err, "ResourceNotFoundException", "")
	})
}

// TestUserPoolDomainRace: pools racing for one prefix get it once; the
// others are told it is taken.
func TestUserPoolDomainRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		const n = 6
		pools := make([]string, n)
		for i := range pools {
			pools[i] = s.pool(nil)
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range pools {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{
					UserPoolId: aws.String(pools[i]), Domain: aws.String("contested"),
				})
			}(i)
		}
		wg.Wait()
		winner := ""
		for i, err := range errs {
			if err == nil {
				if winner != "" {
					t.Fatalf("both %s and %s got the domain", winner, pools[i])
				}
				winner = pools[i]
				continue
			}
			wantCode(t, err, "InvalidParameterException", "another user pool")
		}
		d := result(s.idp.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("contested")})).must(t).DomainDescription
		if winner == "" || aws.ToString(d.UserPoolId) != winner {
			t.Fatalf("winner %q, domain describes as pool %q", winner, aws.ToString(d.UserPoolId))
		}
	})
}
