package app_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// oidcDetails are valid ProviderDetails for an OIDC provider.
func oidcDetails() map[string]string {
	return map[string]string{
		"client_id": "idp-client", "client_secret": "idp-secret", "authorize_scopes": "openid email",
		"oidc_issuer": "https://issuer.example.com", "attributes_request_method": "GET",
	}
}

func TestIdentityProviders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		before := time.Now().Add(-time.Minute)
		created := result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("corp"), ProviderType: types.IdentityProviderTypeTypeOidc,
			ProviderDetails:  oidcDetails(),
			AttributeMapping: map[string]string{"email": "email", "username": "sub"},
			IdpIdentifiers:   []string{"corp.example.com"},
		})).must(t).IdentityProvider
		if aws.ToString(created.UserPoolId) != poolID || aws.ToString(created.ProviderName) != "corp" || created.ProviderType != types.IdentityProviderTypeTypeOidc {
			t.Fatalf("created %+v", created)
		}
		if created.CreationDate == nil || created.CreationDate.Before(before) || created.LastModifiedDate == nil {
			t.Fatalf("dates %v %v", created.CreationDate, created.LastModifiedDate)
		}
		if created.ProviderDetails["client_secret"] != "idp-secret" || created.ProviderDetails["oidc_issuer"] != "https://issuer.example.com" {
			t.Fatalf("details %v", created.ProviderDetails)
		}

		// Describe and by-identifier see the same provider, secret included.
		described := result(s.idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("corp"),
		})).must(t).IdentityProvider
		if !reflect.DeepEqual(described.ProviderDetails, created.ProviderDetails) ||
			!reflect.DeepEqual(described.AttributeMapping, map[string]string{"email": "email", "username": "sub"}) ||
			!reflect.DeepEqual(described.IdpIdentifiers, []string{"corp.example.com"}) {
			t.Fatalf("described %+v", described)
		}
		byID := result(s.idp.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{
			UserPoolId: aws.String(poolID), IdpIdentifier: aws.String("corp.example.com"),
		})).must(t).IdentityProvider
		if aws.ToString(byID.ProviderName) != "corp" {
			t.Fatalf("by identifier: %+v", byID)
		}
		_, err := s.idp.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{
			UserPoolId: aws.String(poolID), IdpIdentifier: aws.String("nobody.example.com"),
		})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Duplicates: the name, and an identifier another provider has.
		_, err = s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("corp"), ProviderType: types.IdentityProviderTypeTypeOidc,
			ProviderDetails: oidcDetails(),
		})
		wantCode(t, err, "DuplicateProviderException", "")
		_, err = s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("other"), ProviderType: types.IdentityProviderTypeTypeOidc,
			ProviderDetails: oidcDetails(), IdpIdentifiers: []string{"corp.example.com"},
		})
		wantCode(t, err, "DuplicateProviderException", "")

		// Update merges details and replaces the mapping.
		upd := result(s.idp.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("corp"),
			ProviderDetails:  map[string]string{"authorize_scopes": "openid profile"},
			AttributeMapping: map[string]string{"name": "name"},
		})).must(t).IdentityProvider
		if upd.ProviderDetails["authorize_scopes"] != "openid profile" || upd.ProviderDetails["client_secret"] != "idp-secret" {
			t.Fatalf("updated details %v", upd.ProviderDetails)
		}
		if !reflect.DeepEqual(upd.AttributeMapping, map[string]string{"name": "name", "username": "sub"}) {
			t.Fatalf("updated mapping %v", upd.AttributeMapping)
		}
		if !reflect.DeepEqual(upd.IdpIdentifiers, []string{"corp.example.com"}) {
			t.Fatalf("update dropped identifiers: %v", upd.IdpIdentifiers)
		}
		_, err = s.idp.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("ghost"), AttributeMapping: map[string]string{"email": "email"},
		})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Not found, and deleted.
		_, err = s.idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("ghost"),
		})
		wantCode(t, err, "ResourceNotFoundException", "")
		result(s.idp.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("corp"),
		})).must(t)
		_, err = s.idp.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("corp"),
		})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("corp"),
		})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{UserPoolId: aws.String("us-east-1_nothere")})
		wantCode(t, err, "ResourceNotFoundException", "")
	})
}

func TestIdentityProviderValidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		create := func(name string, typ types.IdentityProviderTypeType, details, mapping map[string]string) error {
			_, err := s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
				UserPoolId: aws.String(poolID), ProviderName: aws.String(name), ProviderType: typ,
				ProviderDetails: details, AttributeMapping: mapping,
			})
			return err
		}
		without := func(key string) map[string]string {
			d := oidcDetails()
			delete(d, key)
			return d
		}
		for _, key := range []string{"client_id", "authorize_scopes", "oidc_issuer", "attributes_request_method"} {
			wantCode(t, create("corp", types.IdentityProviderTypeTypeOidc, without(key), nil), "InvalidParameterException", key)
		}
		bad := oidcDetails()
		bad["attributes_request_method"] = "PUT"
		wantCode(t, create("corp", types.IdentityProviderTypeTypeOidc, bad, nil), "InvalidParameterException", "attributes_request_method")
		wantCode(t, create("corp", "Myspace", oidcDetails(), nil), "InvalidParameterException", "")
		wantCode(t, create("corp", types.IdentityProviderTypeTypeSaml, map[string]string{"IDPSignout": "true"}, nil),
			"InvalidParameterException", "MetadataURL")
		wantCode(t, create("corp", types.IdentityProviderTypeTypeOidc, oidcDetails(), map[string]string{"no_such_attr": "x"}),
			"InvalidParameterException", "no_such_attr")
		google := map[string]string{"client_id": "g", "client_secret": "gs", "authorize_scopes": "email profile openid"}
		wantCode(t, create("MyGoogle", types.IdentityProviderTypeTypeGoogle, google, nil), "InvalidParameterException", "Google")
		wantCode(t, create("Google", types.IdentityProviderTypeTypeGoogle, map[string]string{"client_id": "g", "authorize_scopes": "email"}, nil),
			"InvalidParameterException", "client_secret")
		wantCode(t, create("Facebook", types.IdentityProviderTypeTypeFacebook, map[string]string{"client_id": "f", "client_secret": "fs",
			"authorize_scopes": "email", "token_request_method": "PATCH"}, nil), "InvalidParameterException", "token_request_method")

		// A social provider gets Cognito's endpoints and username mapping.
		if err := create("Google", types.IdentityProviderTypeTypeGoogle, google, nil); err != nil {
			t.Fatal(err)
		}
		g := result(s.idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("Google"),
		})).must(t).IdentityProvider
		if g.ProviderDetails["authorize_url"] != "https://accounts.google.com/o/oauth2/v2/auth" || g.ProviderDetails["client_secret"] != "gs" ||
			g.AttributeMapping["username"] != "sub" {
			t.Fatalf("google %+v", g)
		}
		// Apple's private key is kept but never shown.
		apple := map[string]string{"client_id": "com.example", "team_id": "T", "key_id": "K", "private_key": "PK", "authorize_scopes": "email name"}
		if err := create("SignInWithApple", types.IdentityProviderTypeTypeSignInWithApple, apple, nil); err != nil {
			t.Fatal(err)
		}
		a := result(s.idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("SignInWithApple"),
		})).must(t).IdentityProvider
		if _, shown := a.ProviderDetails["private_key"]; shown || a.ProviderDetails["team_id"] != "T" {
			t.Fatalf("apple details %v", a.ProviderDetails)
		}
		if err := create("saml-corp", types.IdentityProviderTypeTypeSaml, map[string]string{"MetadataURL": "https://idp.example.com/metadata"}, nil); err != nil {
			t.Fatal(err)
		}
	})
}

func TestListIdentityProvidersPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		var want []string
		for _, n := range []string{"e-idp", "a-idp", "d-idp", "b-idp", "c-idp"} {
			result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
				UserPoolId: aws.String(poolID), ProviderName: aws.String(n), ProviderType: types.IdentityProviderTypeTypeOidc,
				ProviderDetails: oidcDetails(),
			})).must(t)
			want = append(want, n)
		}
		sort.Strings(want)
		var got []string
		token, pages := (*string)(nil), 0
		for {
			out := result(s.idp.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{
				UserPoolId: aws.String(poolID), MaxResults: aws.Int32(2), NextToken: token,
			})).must(t)
			pages++
			if len(out.Providers) > 2 {
				t.Fatalf("page of %d", len(out.Providers))
			}
			for _, p := range out.Providers {
				if p.ProviderType != types.IdentityProviderTypeTypeOidc || p.CreationDate == nil {
					t.Fatalf("provider %+v", p)
				}
				got = append(got, aws.ToString(p.ProviderName))
			}
			if out.NextToken == nil {
				break
			}
			token = out.NextToken
		}
		if !reflect.DeepEqual(got, want) || pages != 3 {
			t.Fatalf("listed %v in %d pages, want %v in 3", got, pages, want)
		}
		_, err := s.idp.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{
			UserPoolId: aws.String(poolID), NextToken: aws.String("!!!"),
		})
		wantCode(t, err, "InvalidParameterException", "")
	})
}

// TestClientIdentityProviders: an app client supports COGNITO and the
// pool's IdPs, nothing else.
func TestClientIdentityProviders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		newClient := func(providers ...string) error {
			_, err := s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
				UserPoolId: aws.String(poolID), ClientName: aws.String("web"), SupportedIdentityProviders: providers,
			})
			return err
		}
		wantCode(t, newClient("COGNITO", "corp"), "InvalidParameterException", "The provider corp does not exist for User Pool "+poolID)
		result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
			UserPoolId: aws.String(poolID), ProviderName: aws.String("corp"), ProviderType: types.IdentityProviderTypeTypeOidc,
			ProviderDetails: oidcDetails(),
		})).must(t)
		if err := newClient("COGNITO", "corp"); err != nil {
			t.Fatal(err)
		}
		clientID, _ := s.appClient(poolID, false)
		_, err := s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID), SupportedIdentityProviders: []string{"Facebook"},
		})
		wantCode(t, err, "InvalidParameterException", "Facebook")
	})
}

// TestIdentityProviderSecretSealed: an IdP's client secret is sealed at
// rest, while its other details are stored as they are.
func TestIdentityProviderSecretSealed(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	details := oidcDetails()
	details["client_id"] = "client-id-in-the-clear-4711"
	details["client_secret"] = "secret-never-in-the-clear-4711"
	result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: aws.String(poolID), ProviderName: aws.String("corp"), ProviderType: types.IdentityProviderTypeTypeOidc,
		ProviderDetails: details,
	})).must(t)
	var all []byte
	err := filepath.WalkDir(s.dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		all = append(all, b...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(all, []byte(details["client_id"])) {
		t.Fatal("the data directory does not hold the provider's client_id: not reading the database")
	}
	if bytes.Contains(all, []byte(details["client_secret"])) {
		t.Fatal("the provider's client secret is stored in the clear")
	}
}
