package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// otherCode returns a 6-digit code that differs from code.
func otherCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

func (s *server) getUser(tok *types.AuthenticationResultType) *cip.GetUserOutput {
	s.t.Helper()
	return result(s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})).must(s.t)
}

func (s *server) adminGetUser(poolID, username string) *cip.AdminGetUserOutput {
	s.t.Helper()
	return result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})).must(s.t)
}

func TestUpdateUserAttributesAndVerify(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString},
			{Name: aws.String("badge"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
		}})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "erin", "Correct-Horse-9", attr("email", "erin@example.com"), attr("email_verified", "true"), attr("custom:badge", "B1"))
		tok := s.signIn(clientID, "erin", "Correct-Horse-9")

		// A plain attribute changes at once, with nothing to verify.
		out := result(s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{
			AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{attr("name", "Erin"), attr("custom:team", "blue")},
		})).must(t)
		if len(out.CodeDeliveryDetailsList) != 0 {
			t.Fatalf("deliveries for plain attributes: %+v", out.CodeDeliveryDetailsList)
		}
		u := s.getUser(tok)
		if v, _ := attrValue(u.UserAttributes, "name"); v != "Erin" {
			t.Fatalf("name %q", v)
		}
		if v, _ := attrValue(u.UserAttributes, "custom:team"); v != "blue" {
			t.Fatalf("custom:team %q", v)
		}

		// A new email is unverified and gets a code.
		out = result(s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{
			AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{attr("email", "erin@new.example")},
		})).must(t)
		if len(out.CodeDeliveryDetailsList) != 1 {
			t.Fatalf("deliveries %+v", out.CodeDeliveryDetailsList)
		}
		if d := out.CodeDeliveryDetailsList[0]; aws.ToString(d.AttributeName) != "email" || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.Destination) != "e***@n***" {
			t.Fatalf("delivery %+v %s", d, aws.ToString(d.Destination))
		}
		code := s.lastCode()
		u = s.getUser(tok)
		if v, _ := attrValue(u.UserAttributes, "email"); v != "erin@new.example" {
			t.Fatalf("email %q", v)
		}
		if v, _ := attrValue(u.UserAttributes, "email_verified"); v != "false" {
			t.Fatalf("email_verified %q after a change", v)
		}
		_, err := s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(otherCode(code))})
		wantCode(t, err, "CodeMismatchException", "")
		result(s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(code)})).must(t)
		if v, _ := attrValue(s.getUser(tok).UserAttributes, "email_verified"); v != "true" {
			t.Fatalf("email_verified %q after verification", v)
		}
		_, err = s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(code)})
		wantCode(t, err, "ExpiredCodeException", "")

		// A code asked for later verifies too; a code never verifies a value
		// it was not sent to.
		result(s.idp.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email")})).must(t)
		stale := s.lastCode()
		result(s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("erin"), UserAttributes: []types.AttributeType{attr("email", "erin@third.example")},
		})).must(t)
		if code := s.lastCode(); code == stale {
			t.Fatal("no new code for the admin's change")
		}
		_, err = s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(stale)})
		wantCode(t, err, "CodeMismatchException", "")

		// Refusals.
		update := func(attrs ...types.AttributeType) error {
			_, err := s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: attrs})
			return err
		}
		wantCode(t, update(attr("sub", "x")), "InvalidParameterException", "")
		wantCode(t, update(attr("custom:badge", "B2")), "InvalidParameterException", "")
		wantCode(t, update(attr("custom:nope", "1")), "InvalidParameterException", "")
		wantCode(t, update(attr("email_verified", "true")), "NotAuthorizedException", "")
		wantCode(t, update(attr("email", "not an email")), "InvalidParameterException", "")
		_, err = s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: aws.String("nope"), AttributeName: aws.String("email"), Code: aws.String("123456")})
		wantCode(t, err, "NotAuthorizedException", "")

		// Deleting.
		result(s.idp.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"name"}})).must(t)
		if _, ok := attrValue(s.getUser(tok).UserAttributes, "name"); ok {
			t.Fatal("name still there")
		}
		_, err = s.idp.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"custom:badge"}})
		wantCode(t, err, "InvalidParameterException", "")
		result(s.idp.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("erin"), UserAttributeNames: []string{"custom:team", "email"},
		})).must(t)
		a := s.adminGetUser(poolID, "erin")
		for _, n := range []string{"custom:team", "email", "email_verified"} {
			if _, ok := attrValue(a.UserAttributes, n); ok {
				t.Fatalf("%s still there: %+v", n, a.UserAttributes)
			}
		}
		_, err = s.idp.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("nobody"), UserAttributeNames: []string{"name"},
		})
		wantCode(t, err, "UserNotFoundException", "")

		// An admin may mark an email verified directly: no code is sent.
		before := len(s.outbox())
		result(s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("erin"),
			UserAttributes: []types.AttributeType{attr("email", "erin@admin.example"), attr("email_verified", "true")},
		})).must(t)
		if len(s.outbox()) != before {
			t.Fatal("a code was sent for an admin-verified email")
		}
		a = s.adminGetUser(poolID, "erin")
		if v, _ := attrValue(a.UserAttributes, "email_verified"); v != "true" {
			t.Fatalf("email_verified %q", v)
		}
	})
}

func TestClientAttributePermissions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)},
		}})
		out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientName: aws.String("narrow"),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
			ReadAttributes:    []string{"email", "name"},
			WriteAttributes:   []string{"name"},
		})).must(t)
		clientID := *out.UserPoolClient.ClientId
		s.user(poolID, "fay", "Correct-Horse-9", attr("email", "fay@example.com"), attr("nickname", "f"))
		tok := s.signIn(clientID, "fay", "Correct-Horse-9")

		u := s.getUser(tok)
		if _, ok := attrValue(u.UserAttributes, "nickname"); ok {
			t.Fatal("GetUser shows an attribute the client may not read")
		}
		if v, _ := attrValue(u.UserAttributes, "email"); v != "fay@example.com" {
			t.Fatalf("email %q", v)
		}
		result(s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{attr("name", "Fay")}})).must(t)
		_, err := s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{attr("nickname", "ff")}})
		wantCode(t, err, "NotAuthorizedException", "unauthorized attribute")
		_, err = s.idp.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"nickname"}})
		wantCode(t, err, "NotAuthorizedException", "")

		// A required attribute can't be removed, by the user or an admin.
		_, err = s.idp.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("fay"), UserAttributeNames: []string{"email"},
		})
		wantCode(t, err, "InvalidParameterException", "required")
		_, err = s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("fay"), UserAttributes: []types.AttributeType{attr("sub", "x")},
		})
		wantCode(t, err, "InvalidParameterException", "")
	})
}

func TestVerificationBeforeUpdate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{
			AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail},
			UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{
				AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
			},
		})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "gus", "Correct-Horse-9", attr("email", "gus@old.example"), attr("email_verified", "true"))
		tok := s.signIn(clientID, "gus@old.example", "Correct-Horse-9")

		out := result(s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{
			AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{attr("email", "gus@new.example")},
		})).must(t)
		if len(out.CodeDeliveryDetailsList) != 1 || aws.ToString(out.CodeDeliveryDetailsList[0].Destination) != "g***@n***" {
			t.Fatalf("deliveries %+v", out.CodeDeliveryDetailsList)
		}
		code := s.lastCode()
		if !containsText(s.lastMessage(), "gus@new.example") {
			t.Fatal("the code did not go to the new address")
		}
		// The old value stays, verified, and still signs in; the pending one
		// shows nowhere.
		for _, attrs := range [][]types.AttributeType{s.getUser(tok).UserAttributes, s.adminGetUser(poolID, "gus").UserAttributes} {
			if v, _ := attrValue(attrs, "email"); v != "gus@old.example" {
				t.Fatalf("email %q before verification", v)
			}
			if v, _ := attrValue(attrs, "email_verified"); v != "true" {
				t.Fatalf("email_verified %q before verification", v)
			}
			for _, a := range attrs {
				if containsText(aws.ToString(a.Value), "gus@new.example") {
					t.Fatalf("pending value visible as %s", aws.ToString(a.Name))
				}
			}
		}
		tok = s.signIn(clientID, "gus@old.example", "Correct-Horse-9")
		if id := s.verifyJWT(poolID, *tok.IdToken); id["email"] != "gus@old.example" {
			t.Fatalf("ID token %v", id)
		}
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "gus@new.example", "PASSWORD": "Correct-Horse-9"},
		})
		wantCode(t, err, "UserNotFoundException", "")

		_, err = s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(otherCode(code))})
		wantCode(t, err, "CodeMismatchException", "")
		result(s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(code)})).must(t)
		if v, _ := attrValue(s.getUser(tok).UserAttributes, "email"); v != "gus@new.example" {
			t.Fatalf("email %q after verification", v)
		}
		s.signIn(clientID, "gus@new.example", "Correct-Horse-9")
		_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "gus@old.example", "PASSWORD": "Correct-Horse-9"},
		})
		wantCode(t, err, "UserNotFoundException", "")
	})
}

func TestAttributeVerificationCodeLimit(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "hal", "Correct-Horse-9", attr("email", "hal@example.com"))
	tok := s.signIn(clientID, "hal", "Correct-Horse-9")
	req := &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email")}
	for i := 0; i < 5; i++ {
		d := result(s.idp.GetUserAttributeVerificationCode(ctx, req)).must(t).CodeDeliveryDetails
		if aws.ToString(d.Destination) != "h***@e***" {
			t.Fatalf("destination %q", aws.ToString(d.Destination))
		}
	}
	_, err := s.idp.GetUserAttributeVerificationCode(ctx, req)
	wantCode(t, err, "LimitExceededException", "Attempt limit exceeded, please try after some time.")
	_, err = s.idp.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("name")})
	wantCode(t, err, "InvalidParameterException", "")

	// Wrong codes: five are answered, then the code is dead.
	code := s.lastCode()
	verify := func(c string) error {
		_, err := s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(c)})
		return err
	}
	for i := 0; i < 5; i++ {
		wantCode(t, verify(otherCode(code)), "CodeMismatchException", "")
	}
	wantCode(t, verify(code), "LimitExceededException", "")
}

func TestAddCustomAttributes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		result(s.idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{
			UserPoolId: aws.String(poolID),
			CustomAttributes: []types.SchemaAttributeType{
				{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString},
				{Name: aws.String("age"), AttributeDataType: types.AttributeDataTypeNumber, NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("0"), MaxValue: aws.String("150")}},
			},
		})).must(t)
		pool := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(t).UserPool
		found := 0
		for _, a := range pool.SchemaAttributes {
			switch aws.ToString(a.Name) {
			case "custom:tier":
				found++
			case "custom:age":
				found++
				if a.AttributeDataType != types.AttributeDataTypeNumber {
					t.Fatalf("custom:age type %s", a.AttributeDataType)
				}
			}
		}
		if found != 2 {
			t.Fatalf("schema %+v", pool.SchemaAttributes)
		}
		_, err := s.idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{
			UserPoolId:       aws.String(poolID),
			CustomAttributes: []types.SchemaAttributeType{{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString}},
		})
		wantCode(t, err, "InvalidParameterException", "custom:tier")
		_, err = s.idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{
			UserPoolId:       aws.String(poolID),
			CustomAttributes: []types.SchemaAttributeType{{Name: aws.String("a-name-longer-than-twenty"), AttributeDataType: types.AttributeDataTypeString}},
		})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{
			UserPoolId:       aws.String("us-east-1_nope12345"),
			CustomAttributes: []types.SchemaAttributeType{{Name: aws.String("x"), AttributeDataType: types.AttributeDataTypeString}},
		})
		wantCode(t, err, "ResourceNotFoundException", "")

		// The new attributes can be set and are checked.
		s.user(poolID, "ida", "Correct-Horse-9", attr("custom:tier", "gold"), attr("custom:age", "42"))
		u := s.adminGetUser(poolID, "ida")
		if v, _ := attrValue(u.UserAttributes, "custom:tier"); v != "gold" {
			t.Fatalf("custom:tier %q", v)
		}
		_, err = s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("ida"), UserAttributes: []types.AttributeType{attr("custom:age", "200")},
		})
		wantCode(t, err, "InvalidParameterException", "")
	})
}

func TestDeleteUser(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "jo", "Correct-Horse-9")
		tok := s.signIn(clientID, "jo", "Correct-Horse-9")
		result(s.idp.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: tok.AccessToken})).must(t)
		_, err := s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})
		wantCode(t, err, "NotAuthorizedException", "")
		_, err = s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("jo")})
		wantCode(t, err, "UserNotFoundException", "")
		_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken},
		})
		wantCode(t, err, "NotAuthorizedException", "")
		_, err = s.idp.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: tok.AccessToken})
		wantCode(t, err, "NotAuthorizedException", "")
		// The name is free again.
		s.user(poolID, "jo", "Correct-Horse-9")
	})
}
