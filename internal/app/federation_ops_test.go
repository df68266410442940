package app_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestSigningCertificate: a pool's SAML signing certificate is an RSA 2048
// self-signed X.509 certificate, the same on every call and after a
// restart, and its key is the one SAMLSigner signs with.
func TestSigningCertificate(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			cfg := newConfig(t, b)
			s := start(t, cfg)
			poolID, otherPool := s.pool(nil), s.pool(nil)
			get := func(s *server, pool string) string {
				t.Helper()
				return aws.ToString(result(s.idp.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{
					UserPoolId: aws.String(pool)})).must(t).Certificate)
			}
			first := get(s, poolID)
			der, err := base64.StdEncoding.DecodeString(first)
			if err != nil {
				t.Fatalf("certificate is not base64: %v", err)
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				t.Fatal(err)
			}
			if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
				t.Fatalf("not self-signed: %v", err)
			}
			if cert.PublicKeyAlgorithm != x509.RSA || cert.PublicKey.(interface{ Size() int }).Size() != 256 ||
				cert.Subject.CommonName != poolID || time.Until(cert.NotAfter) < 5*365*24*time.Hour {
				t.Fatalf("certificate %v %v %v %v", cert.PublicKeyAlgorithm, cert.Subject, cert.NotBefore, cert.NotAfter)
			}
			if get(s, poolID) != first {
				t.Fatal("certificate changed between calls")
			}
			if get(s, otherPool) == first {
				t.Fatal("two pools share a certificate")
			}
			priv, signer, err := s.app.UserPools().SAMLSigner(ctx, poolID)
			if err != nil {
				t.Fatal(err)
			}
			if !priv.PublicKey.Equal(cert.PublicKey) || !signer.Equal(cert) {
				t.Fatal("SAMLSigner's key is not the certificate's")
			}
			_, err = s.idp.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: aws.String("us-east-1_nope")})
			wantCode(t, err, "ResourceNotFoundException", "")
			_, err = s.idp.GetSigningCertificate(ctx, &cip.GetSigningCertificateInput{UserPoolId: aws.String("bad id")})
			wantCode(t, err, "InvalidParameterException", "")
			s.stop()

			s2 := start(t, cfg)
			if get(s2, poolID) != first {
				t.Fatal("certificate changed across a restart")
			}
			if _, _, err := s2.app.UserPools().SAMLSigner(ctx, poolID); err != nil {
				t.Fatalf("key does not open after a restart: %v", err)
			}
		})
	}
}

// linkedIdentity is one entry of the identities attribute and claim.
type linkedIdentity struct {
	UserID       string  `json:"userId"`
	ProviderName string  `json:"providerName"`
	ProviderType string  `json:"providerType"`
	Issuer       *string `json:"issuer"`
	Primary      string  `json:"primary"`
	DateCreated  string  `json:"dateCreated"`
}

func TestAdminLinkProviderForUser(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		for name, typ := range map[string]types.IdentityProviderTypeType{"Google": types.IdentityProviderTypeTypeGoogle, "corp": types.IdentityProviderTypeTypeOidc} {
			details := oidcDetails()
			if typ == types.IdentityProviderTypeTypeGoogle {
				details = map[string]string{"client_id": "g", "client_secret": "s", "authorize_scopes": "openid email"}
			}
			result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: aws.String(poolID),
				ProviderName: aws.String(name), ProviderType: typ, ProviderDetails: details})).must(t)
		}
		s.user(poolID, "ann", "Correct-Horse-9")
		s.user(poolID, "bob", "Correct-Horse-9")
		link := func(dest, provider, attr, value string) error {
			_, err := s.idp.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{
				UserPoolId:      aws.String(poolID),
				DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String(dest)},
				SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String(provider),
					ProviderAttributeName: aws.String(attr), ProviderAttributeValue: aws.String(value)},
			})
			return err
		}
		identities := func(username string) []linkedIdentity {
			t.Helper()
			u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})).must(t)
			raw, ok := attrValue(u.UserAttributes, "identities")
			if !ok {
				return nil
			}
			var ids []linkedIdentity
			if err := json.Unmarshal([]byte(raw), &ids); err != nil {
				t.Fatalf("identities %q: %v", raw, err)
			}
			return ids
		}

		before := time.Now().Add(-time.Second)
		if err := link("ann", "Google", "Cognito_Subject", "g-123"); err != nil {
			t.Fatal(err)
		}
		if err := link("ann", "corp", "email", "ann@corp.example"); err != nil {
			t.Fatal(err)
		}
		ids := identities("ann")
		if len(ids) != 2 {
			t.Fatalf("identities %+v", ids)
		}
		iss := "https://issuer.example.com"
		created, _ := strconv.ParseInt(ids[0].DateCreated, 10, 64)
		if !reflect.DeepEqual(ids[1], linkedIdentity{UserID: "ann@corp.example", ProviderName: "corp", ProviderType: "OIDC",
			Issuer: &iss, Primary: "false", DateCreated: ids[1].DateCreated}) ||
			ids[0].UserID != "g-123" || ids[0].ProviderType != "Google" || ids[0].Issuer != nil ||
			time.UnixMilli(created).Before(before) {
			t.Fatalf("identities %+v", ids)
		}
		// The ID token carries them as an array.
		tok := s.signIn(clientID, "ann", "Correct-Horse-9")
		claim, ok := jwtClaims(t, *tok.IdToken)["identities"].([]any)
		if !ok || len(claim) != 2 || claim[0].(map[string]any)["userId"] != "g-123" || claim[0].(map[string]any)["primary"] != "false" {
			t.Fatalf("identities claim %#v", jwtClaims(t, *tok.IdToken)["identities"])
		}
		// Users cannot write their identities (the claim says who they are).
		_, err := s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken,
			UserAttributes: []types.AttributeType{attr("identities", `[{"userId":"x","providerName":"Google"}]`)}})
		wantCode(t, err, "NotAuthorizedException", "unauthorized attribute")
		if len(identities("ann")) != 2 {
			t.Fatal("identities changed by the user")
		}
		// LinkedUser finds the user by the identity.
		u, ok, err := s.app.UserPools().LinkedUser(ctx, poolID, "Google", "g-123")
		if err != nil || !ok || u.Username != "ann" {
			t.Fatalf("LinkedUser: %v %v %v", u, ok, err)
		}
		if _, ok, err := s.app.UserPools().LinkedUser(ctx, poolID, "Google", "g-999"); ok || err != nil {
			t.Fatalf("LinkedUser of an unlinked identity: %v %v", ok, err)
		}

		// Again to the same user: nothing changes; to another: AliasExists.
		if err := link("ann", "Google", "Cognito_Subject", "g-123"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, link("bob", "Google", "Cognito_Subject", "g-123"), "AliasExistsException", "")

		// Documented refusals.
		wantCode(t, link("bob", "Cognito", "Cognito_Subject", "ann"), "InvalidParameterException", "may not be passed in as a SourceUser")
		wantCode(t, link("bob", "Facebook", "Cognito_Subject", "f-1"), "InvalidParameterException", "Facebook")
		wantCode(t, link("bob", "Google", "email", "bob@gmail.com"), "InvalidParameterException", "Cognito_Subject")
		wantCode(t, link("nobody", "Google", "Cognito_Subject", "g-5"), "UserNotFoundException", "")
		_, err = s.idp.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{UserPoolId: aws.String("us-east-1_nope"),
			DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String("ann")},
			SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Google"),
				ProviderAttributeName: aws.String("Cognito_Subject"), ProviderAttributeValue: aws.String("x")}})
		wantCode(t, err, "ResourceNotFoundException", "")
		// An identity that signed in as a user of its own cannot be merged.
		s.user(poolID, "Google_g-777", "Correct-Horse-9")
		wantCode(t, link("bob", "Google", "Cognito_Subject", "g-777"), "InvalidParameterException", "Merging is not currently supported")
		// At most five links per user.
		for i := range 5 {
			if err := link("bob", "Google", "Cognito_Subject", "b-"+strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, link("bob", "Google", "Cognito_Subject", "b-5"), "LimitExceededException", "")

		// AdminDisableProviderForUser removes the link, and the identity is free again.
		disable := func(provider, attr, value string) error {
			_, err := s.idp.AdminDisableProviderForUser(ctx, &cip.AdminDisableProviderForUserInput{UserPoolId: aws.String(poolID),
				User: &types.ProviderUserIdentifierType{ProviderName: aws.String(provider),
					ProviderAttributeName: aws.String(attr), ProviderAttributeValue: aws.String(value)}})
			return err
		}
		if err := disable("Google", "Cognito_Subject", "g-123"); err != nil {
			t.Fatal(err)
		}
		if ids := identities("ann"); len(ids) != 1 || ids[0].ProviderName != "corp" {
			t.Fatalf("identities after unlinking %+v", ids)
		}
		if _, ok, _ := s.app.UserPools().LinkedUser(ctx, poolID, "Google", "g-123"); ok {
			t.Fatal("unlinked identity still finds its user")
		}
		wantCode(t, disable("Google", "Cognito_Subject", "g-123"), "UserNotFoundException", "")
		wantCode(t, disable("Nope", "Cognito_Subject", "g-123"), "InvalidParameterException", "")
		if err := link("bob", "corp", "email", "x@corp.example"); err == nil {
			t.Fatal("a sixth link was allowed")
		}
		if err := disable("corp", "email", "ann@corp.example"); err != nil {
			t.Fatal(err)
		}
		if ids := identities("ann"); ids != nil {
			t.Fatalf("identities after the last unlink %+v", ids)
		}
		// A federated user of the identity is disabled.
		if err := disable("Google", "Cognito_Subject", "g-777"); err != nil {
			t.Fatal(err)
		}
		if u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("Google_g-777")})).must(t); u.Enabled {
			t.Fatal("federated user still enabled")
		}
		// A native user (Cognito, Cognito_Subject): disabled.
		if err := disable("Cognito", "Cognito_Subject", "ann"); err != nil {
			t.Fatal(err)
		}
		if u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ann")})).must(t); u.Enabled {
			t.Fatal("native user still enabled")
		}
		wantCode(t, disable("Cognito", "email", "ann"), "InvalidParameterException", "")

		// A deleted user's links go with it.
		result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bob")})).must(t)
		if _, ok, _ := s.app.UserPools().LinkedUser(ctx, poolID, "Google", "b-1"); ok {
			t.Fatal("a deleted user's link remains")
		}
		if err := link("ann", "Google", "Cognito_Subject", "b-1"); err != nil {
			t.Fatal(err)
		}
	})
}
