package app_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/userpool"
)

func TestTerms(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		other, _ := s.appClient(poolID, false)
		links := map[string]string{"cognito:default": "https://example.com/terms", "cognito:french": "https://example.com/fr/terms"}
		create := func(client, name string, links map[string]string) (*cip.CreateTermsOutput, error) {
			return s.idp.CreateTerms(ctx, &cip.CreateTermsInput{
				UserPoolId: aws.String(poolID), ClientId: aws.String(client), TermsName: aws.String(name),
				TermsSource: types.TermsSourceTypeLink, Enforcement: types.TermsEnforcementTypeNone, Links: links,
			})
		}
		before := time.Now().Add(-time.Second)
		terms := result(create(clientID, "terms-of-use", links)).must(t).Terms
		id := aws.ToString(terms.TermsId)
		if !uuidV4.MatchString(id) || aws.ToString(terms.UserPoolId) != poolID || aws.ToString(terms.ClientId) != clientID ||
			aws.ToString(terms.TermsName) != "terms-of-use" || terms.TermsSource != types.TermsSourceTypeLink ||
			terms.Enforcement != types.TermsEnforcementTypeNone || !reflect.DeepEqual(terms.Links, links) ||
			terms.CreationDate == nil || terms.CreationDate.Before(before) || terms.LastModifiedDate == nil {
			t.Fatalf("created %+v", terms)
		}
		privacy := result(create(clientID, "privacy-policy", map[string]string{"cognito:english": "https://example.com/privacy"})).must(t).Terms
		otherTerms := result(create(other, "terms-of-use", links)).must(t).Terms

		// One of each name per client.
		_, err := create(clientID, "terms-of-use", links)
		wantCode(t, err, "TermsExistsException", "terms-of-use")

		// Described and listed.
		described := result(s.idp.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: aws.String(poolID), TermsId: aws.String(id)})).must(t).Terms
		if !reflect.DeepEqual(described, terms) {
			t.Fatalf("described %+v, created %+v", described, terms)
		}
		want := map[string]string{id: "terms-of-use", aws.ToString(privacy.TermsId): "privacy-policy", aws.ToString(otherTerms.TermsId): "terms-of-use"}
		got := map[string]string{}
		var token *string
		pages := 0
		for {
			page := result(s.idp.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: aws.String(poolID), MaxResults: aws.Int32(2), NextToken: token})).must(t)
			pages++
			for _, d := range page.Terms {
				got[aws.ToString(d.TermsId)] = aws.ToString(d.TermsName)
				if d.Enforcement != types.TermsEnforcementTypeNone || d.CreationDate == nil || d.LastModifiedDate == nil {
					t.Fatalf("listed %+v", d)
				}
			}
			if token = page.NextToken; token == nil {
				break
			}
		}
		if !reflect.DeepEqual(got, want) || pages != 2 {
			t.Fatalf("listed %v in %d pages, want %v in 2", got, pages, want)
		}
		_, err = s.idp.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: aws.String(poolID), NextToken: aws.String("garbage")})
		wantCode(t, err, "InvalidParameterException", "")

		// Updated: only what the request gives; Links replace the old ones.
		newLinks := map[string]string{"cognito:spanish": "https://example.com/es/terms"}
		updated := result(s.idp.UpdateTerms(ctx, &cip.UpdateTermsInput{
			UserPoolId: aws.String(poolID), TermsId: aws.String(id), Links: newLinks})).must(t).Terms
		if !reflect.DeepEqual(updated.Links, newLinks) || aws.ToString(updated.TermsName) != "terms-of-use" ||
			updated.LastModifiedDate.Before(*updated.CreationDate) {
			t.Fatalf("updated %+v", updated)
		}
		_, err = s.idp.UpdateTerms(ctx, &cip.UpdateTermsInput{
			UserPoolId: aws.String(poolID), TermsId: privacy.TermsId, TermsName: aws.String("terms-of-use")})
		wantCode(t, err, "TermsExistsException", "")

		// The sign-up page's view: a link per document for a language.
		shown, err := s.app.UserPools().Terms(ctx, poolID, clientID, "cognito:spanish")
		if err != nil || !reflect.DeepEqual(shown, []userpool.TermsLink{{Name: "terms-of-use", URL: "https://example.com/es/terms"},
			{Name: "privacy-policy", URL: "https://example.com/privacy"}}) {
			t.Fatalf("Terms for Spanish: %+v, %v", shown, err)
		}
		shown, err = s.app.UserPools().Terms(ctx, poolID, other, "cognito:french")
		if err != nil || !reflect.DeepEqual(shown, []userpool.TermsLink{{Name: "terms-of-use", URL: "https://example.com/fr/terms"}}) {
			t.Fatalf("Terms for French: %+v, %v", shown, err)
		}

		// Bad input.
		_, err = create(other, "privacy-policy", map[string]string{"cognito:default": "not a url"})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = create(other, "privacy-policy", nil)
		wantCode(t, err, "InvalidParameterException", "")
		_, err = create(other, "TERMS_OF_USE", links)
		wantCode(t, err, "InvalidParameterException", "")
		_, err = create(other, "privacy-policy", map[string]string{"cognito:klingon": "https://example.com"})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.idp.CreateTerms(ctx, &cip.CreateTermsInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(other), TermsName: aws.String("privacy-policy"),
			TermsSource: "FILE", Enforcement: types.TermsEnforcementTypeNone, Links: links})
		wantCode(t, err, "InvalidParameterException", "")

		// Missing things.
		_, err = create("nosuchclient1234567890abcd", "terms-of-use", links)
		wantCode(t, err, "ResourceNotFoundException", "")
		missing := "8d5c9a1e-3b1f-4c2a-9e6f-0a1b2c3d4e5f"
		_, err = s.idp.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: aws.String(poolID), TermsId: aws.String(missing)})
		wantCode(t, err, "ResourceNotFoundException", missing)
		_, err = s.idp.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: aws.String(poolID), TermsId: aws.String(missing)})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: aws.String("us-east-1_nope")})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Deleted; a deleted client's terms go with it.
		result(s.idp.DeleteTerms(ctx, &cip.DeleteTermsInput{UserPoolId: aws.String(poolID), TermsId: aws.String(id)})).must(t)
		_, err = s.idp.DeleteTerms(ctx, &cip.DeleteTermsInput{UserPoolId: aws.String(poolID), TermsId: aws.String(id)})
		wantCode(t, err, "ResourceNotFoundException", "")
		result(create(clientID, "terms-of-use", links)).must(t)
		result(s.idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(other)})).must(t)
		_, err = s.idp.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: aws.String(poolID), TermsId: otherTerms.TermsId})
		wantCode(t, err, "ResourceNotFoundException", "")
		if n := len(result(s.idp.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: aws.String(poolID)})).must(t).Terms); n != 2 {
			t.Fatalf("%d terms left, want 2", n)
		}
	})
}
