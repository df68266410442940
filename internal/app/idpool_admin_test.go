package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Wire shapes of the CognateAdmin operations, as a client sees them.
type (
	userRef struct {
		UserPoolId, Username, Sub, ProviderName string
		Deleted                                 bool
	}
	ownerOut struct {
		IdentityId, IdentityPoolId, MergedInto string
		Logins                                 []string
		Users                                  []userRef
		CreationDate, LastModifiedDate         float64
	}
	identitySummary struct {
		IdentityId, IdentityPoolId     string
		CreationDate, LastModifiedDate float64
	}
	userIdentitiesOut struct {
		UserPoolId, Username, Sub string
		Identities                []identitySummary
	}
	auditEvent struct {
		EventId, EventType, IdentityId, IdentityPoolId, UserPoolId, Username, Sub, RoleArn string
		EventTime                                                                          float64
		Details                                                                            map[string]string
	}
	auditOut struct {
		Events    []auditEvent
		NextToken string
	}
)

func TestIdentityOwnerBothWays(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		s.user(up.poolID, "hana", "Correct-Horse-9", attr("email", "hana@example.com"))
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("hana")})).must(t)
		sub, _ := attrValue(u.UserAttributes, "sub")
		first, second := s.identityPool(false, up), s.identityPool(false, up)
		tok := s.idToken(up, "hana")
		id1 := result(s.getID(first, map[string]string{loginKey(up.poolID): tok})).must(t)
		id2 := result(s.getID(second, map[string]string{awsKey(up.poolID): tok})).must(t)

		// From the identity id alone, the user.
		var owner ownerOut
		if err := s.admin("DescribeIdentityOwner", map[string]string{"IdentityId": id1}, &owner); err != nil {
			t.Fatal(err)
		}
		want := userRef{UserPoolId: up.poolID, Username: "hana", Sub: sub, ProviderName: awsKey(up.poolID)}
		if owner.IdentityId != id1 || owner.IdentityPoolId != first || len(owner.Users) != 1 || owner.Users[0] != want ||
			!slices.Equal(owner.Logins, []string{awsKey(up.poolID)}) || owner.CreationDate == 0 {
			t.Fatalf("owner %+v", owner)
		}

		// From the user alone (by username or by sub), the identities.
		for _, name := range []string{"hana", sub} {
			var out userIdentitiesOut
			if err := s.admin("ListUserIdentities", map[string]string{"UserPoolId": up.poolID, "Username": name}, &out); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, i := range out.Identities {
				got = append(got, i.IdentityPoolId+"|"+i.IdentityId)
			}
			wantIDs := []string{first + "|" + id1, second + "|" + id2}
			slices.Sort(got)
			slices.Sort(wantIDs)
			if out.Sub != sub || out.Username != "hana" || !slices.Equal(got, wantIDs) {
				t.Fatalf("ListUserIdentities(%s) = %+v", name, out)
			}
		}

		err := s.admin("ListUserIdentities", map[string]string{"UserPoolId": up.poolID, "Username": "nobody"}, nil)
		wantCode(t, err, "ResourceNotFoundException", "")
		err = s.admin("DescribeIdentityOwner", map[string]string{"IdentityId": "us-east-1:00000000-0000-0000-0000-000000000000"}, nil)
		wantCode(t, err, "ResourceNotFoundException", "")
		err = s.admin("DescribeIdentityOwner", map[string]string{}, nil)
		wantCode(t, err, "ValidationException", "identityId")
		err = s.adminAs("AKIAWRONGWRONGWRONG1", "wrong", "DescribeIdentityOwner", map[string]string{"IdentityId": id1}, nil)
		wantCode(t, err, "UnrecognizedClientException", "")
		// With STS wired in, an unsigned request is answered, not failed.
		var authz struct {
			Allowed  bool
			Decision string
			Message  string
		}
		result(0, s.admin("AuthorizeRequest", map[string]any{
			"Method": "GET", "Path": "/", "Headers": map[string]string{"Host": "x"}, "Action": "s3:GetObject",
			"Resource": "arn:aws:s3:::bucket/key",
		}, &authz)).must(t)
		if authz.Allowed || authz.Decision != "Unauthenticated" || !strings.HasPrefix(authz.Message, "MissingAuthenticationToken") {
			t.Fatalf("AuthorizeRequest of an unsigned request = %+v", authz)
		}

		// Deleting the identity removes the link both ways.
		out := result(s.ci.DeleteIdentities(ctx, &cid.DeleteIdentitiesInput{IdentityIdsToDelete: []string{id2}})).must(t)
		if len(out.UnprocessedIdentityIds) != 0 {
			t.Fatalf("unprocessed %+v", out.UnprocessedIdentityIds)
		}
		err = s.admin("DescribeIdentityOwner", map[string]string{"IdentityId": id2}, nil)
		wantCode(t, err, "ResourceNotFoundException", "")
		var after userIdentitiesOut
		result(0, s.admin("ListUserIdentities", map[string]string{"UserPoolId": up.poolID, "Username": "hana"}, &after)).must(t)
		if len(after.Identities) != 1 || after.Identities[0].IdentityId != id1 {
			t.Fatalf("after identity deletion %+v", after.Identities)
		}
		// The user's next sign-in to that pool gets a new identity.
		if again := result(s.getID(second, map[string]string{awsKey(up.poolID): tok})).must(t); again == id2 {
			t.Fatal("deleted identity came back")
		}

		// Deleting the user: the identity keeps its login, the owner is
		// shown as deleted, and the user's tokens no longer resolve.
		result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &up.poolID, Username: aws.String("hana")})).must(t)
		var gone ownerOut
		result(0, s.admin("DescribeIdentityOwner", map[string]string{"IdentityId": id1}, &gone)).must(t)
		if len(gone.Users) != 1 || !gone.Users[0].Deleted || gone.Users[0].Username != "" || gone.Users[0].Sub != sub ||
			gone.Users[0].UserPoolId != up.poolID || !slices.Equal(gone.Logins, []string{awsKey(up.poolID)}) {
			t.Fatalf("owner after user deletion %+v", gone)
		}
		_, err = s.getID(first, map[string]string{loginKey(up.poolID): tok})
		wantCode(t, err, "NotAuthorizedException", "deleted")
		_, err = s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: &id1, Logins: map[string]string{loginKey(up.poolID): tok},
		})
		wantCode(t, err, "NotAuthorizedException", "deleted")
		err = s.admin("ListUserIdentities", map[string]string{"UserPoolId": up.poolID, "Username": "hana"}, nil)
		wantCode(t, err, "ResourceNotFoundException", "")
		// Nor can a deleted user's token start an identity elsewhere.
		third := s.identityPool(false, up)
		_, err = s.getID(third, map[string]string{loginKey(up.poolID): tok})
		wantCode(t, err, "NotAuthorizedException", "deleted")
	})
}

func TestIdentityIdWriteBack(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool(types.SchemaAttributeType{
			Name: aws.String("identity_id"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true),
		})
		poolID := s.identityPool(false, up)
		s.user(up.poolID, "ivy", "Correct-Horse-9")

		err := s.admin("UpdateIdentityPoolOptions", map[string]string{"IdentityPoolId": poolID, "IdentityIdAttribute": "email"}, nil)
		wantCode(t, err, "InvalidParameterException", "custom")
		var opts struct{ IdentityPoolId, IdentityIdAttribute string }
		result(0, s.admin("UpdateIdentityPoolOptions", map[string]string{
			"IdentityPoolId": poolID, "IdentityIdAttribute": "custom:identity_id",
		}, &opts)).must(t)
		if opts.IdentityIdAttribute != "custom:identity_id" {
			t.Fatalf("options %+v", opts)
		}
		result(0, s.admin("DescribeIdentityPoolOptions", map[string]string{"IdentityPoolId": poolID}, &opts)).must(t)
		if opts.IdentityPoolId != poolID || opts.IdentityIdAttribute != "custom:identity_id" {
			t.Fatalf("described options %+v", opts)
		}

		id := result(s.getID(poolID, map[string]string{loginKey(up.poolID): s.idToken(up, "ivy")})).must(t)
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("ivy")})).must(t)
		if v, _ := attrValue(u.UserAttributes, "custom:identity_id"); v != id {
			t.Fatalf("AdminGetUser custom:identity_id = %q, want %s", v, id)
		}
		claims := s.verifyJWT(up.poolID, s.idToken(up, "ivy"))
		if claims["custom:identity_id"] != id {
			t.Fatalf("fresh ID token custom:identity_id = %v, want %s", claims["custom:identity_id"], id)
		}

		// No app client may write it.
		_, err = s.idp.SignUp(ctx, &cip.SignUpInput{
			ClientId: &up.clientID, Username: aws.String("mallory"), Password: aws.String("Correct-Horse-9"),
			UserAttributes: []types.AttributeType{attr("custom:identity_id", id)},
		})
		wantCode(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")

		// Deleting the identity clears it.
		result(s.ci.DeleteIdentities(ctx, &cid.DeleteIdentitiesInput{IdentityIdsToDelete: []string{id}})).must(t)
		u = result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("ivy")})).must(t)
		if v, ok := attrValue(u.UserAttributes, "custom:identity_id"); ok {
			t.Fatalf("custom:identity_id still %q after the identity was deleted", v)
		}

		// So does deleting the identity pool.
		id = result(s.getID(poolID, map[string]string{loginKey(up.poolID): s.idToken(up, "ivy")})).must(t)
		u = result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("ivy")})).must(t)
		if v, _ := attrValue(u.UserAttributes, "custom:identity_id"); v != id {
			t.Fatalf("custom:identity_id = %q, want the new identity %s", v, id)
		}
		result(s.ci.DeleteIdentityPool(ctx, &cid.DeleteIdentityPoolInput{IdentityPoolId: &poolID})).must(t)
		u = result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("ivy")})).must(t)
		if v, ok := attrValue(u.UserAttributes, "custom:identity_id"); ok {
			t.Fatalf("custom:identity_id still %q after the identity pool was deleted", v)
		}
	})
}

func TestAuditEvents(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		up := s.userPool()
		poolID := s.identityPool(true, up)
		s.user(up.poolID, "jo", "Correct-Horse-9", attr("email", "jo@example.com"))
		start := time.Now().Add(-time.Second)
		tok := s.idToken(up, "jo")
		logins := map[string]string{loginKey(up.poolID): tok}
		id := result(s.getID(poolID, logins)).must(t)
		creds := result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &id, Logins: logins})).must(t)
		result(s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &id, Logins: logins})).must(t)
		guest := result(s.getID(poolID, nil)).must(t)
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &guest})).must(t)
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("jo")})).must(t)
		sub, _ := attrValue(u.UserAttributes, "sub")

		var byIdentity auditOut
		result(0, s.admin("ListAuditEvents", map[string]any{"IdentityId": id}, &byIdentity)).must(t)
		var types []string
		for _, e := range byIdentity.Events {
			types = append(types, e.EventType)
			if e.IdentityId != id || e.IdentityPoolId != poolID || e.UserPoolId != up.poolID || e.Username != "jo" || e.Sub != sub {
				t.Errorf("event %+v does not name both ids", e)
			}
		}
		// Newest first.
		wantTypes := []string{"OpenIdTokenIssued", "CredentialsIssued", "LoginLinked", "IdentityCreated"}
		if !slices.Equal(types, wantTypes) {
			t.Fatalf("event types %v, want %v", types, wantTypes)
		}
		issued := byIdentity.Events[1]
		if issued.RoleArn != authRole || issued.Details["AccessKeyId"] != *creds.Credentials.AccessKeyId {
			t.Fatalf("issuance event %+v", issued)
		}

		// By user (username, alias or sub), with paging.
		for _, f := range []map[string]any{
			{"UserPoolId": up.poolID, "Username": "jo"},
			{"UserPoolId": up.poolID, "Sub": sub},
		} {
			var seen []string
			f["MaxResults"] = 1
			for page := 0; ; page++ {
				var out auditOut
				result(0, s.admin("ListAuditEvents", f, &out)).must(t)
				if len(out.Events) > 1 {
					t.Fatalf("page of %d", len(out.Events))
				}
				for _, e := range out.Events {
					seen = append(seen, e.EventId)
				}
				if out.NextToken == "" {
					break
				}
				f["NextToken"] = out.NextToken
			}
			if len(seen) != 4 {
				t.Fatalf("by user %v: %d events, want 4", f, len(seen))
			}
		}

		// A time range before anything happened is empty; one covering
		// now has everything, the guest's issuance included.
		var none, all auditOut
		result(0, s.admin("ListAuditEvents", map[string]any{"EndTime": start.Add(-time.Hour).Unix()}, &none)).must(t)
		result(0, s.admin("ListAuditEvents", map[string]any{"StartTime": start.Unix(), "EndTime": time.Now().Add(time.Minute).Unix()}, &all)).must(t)
		if len(none.Events) != 0 || len(all.Events) != 6 {
			t.Fatalf("time ranges: %d before, %d now (want 0 and 6): %+v", len(none.Events), len(all.Events), all.Events)
		}
		err := s.admin("ListAuditEvents", map[string]any{"Username": "jo"}, nil)
		wantCode(t, err, "InvalidParameterException", "UserPoolId")
		err = s.admin("ListAuditEvents", map[string]any{"NextToken": "bogus"}, nil)
		wantCode(t, err, "InvalidParameterException", "pagination")
	})
}
