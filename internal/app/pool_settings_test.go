package app_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// auditDetails returns the Details of the pool's audit events of a type,
// newest first.
func auditDetails(t *testing.T, s *server, poolID, eventType string) []map[string]any {
	t.Helper()
	var events struct{ Events []map[string]any }
	result(0, s.admin("ListAuditEvents", map[string]any{"UserPoolId": poolID}, &events)).must(t)
	var out []map[string]any
	for _, e := range events.Events {
		if e["EventType"] == eventType {
			details, _ := e["Details"].(map[string]any)
			out = append(out, details)
		}
	}
	return out
}

// getAttr reads one attribute of a user through AdminGetUser.
func getAttr(t *testing.T, s *server, poolID, username, name string) (string, bool) {
	t.Helper()
	u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})).must(t)
	return attrValue(u.UserAttributes, name)
}

// TestDeleteCustomAttribute: CognateAdmin.DeleteCustomAttribute takes a
// custom attribute out of the schema, the app clients' Read and
// WriteAttributes (refusing, named, a client that would be left with an
// empty list), and every user's values; the users' new tokens lack the
// claim, the attribute cannot be written, and it can be added back empty.
func TestDeleteCustomAttribute(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
		}})
		clientID, _ := s.appClient(poolID, false)
		listed := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("listed"),
			ReadAttributes: []string{"custom:tier", "custom:plan", "email"}, WriteAttributes: []string{"custom:tier", "email"}})).must(t).UserPoolClient
		only := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("only"),
			ReadAttributes: []string{"custom:tier"}})).must(t).UserPoolClient
		const pw = "Correct-Horse-9"
		s.user(poolID, "ann", pw, attr("custom:tier", "gold"), attr("custom:plan", "pro"))
		s.user(poolID, "bob", pw, attr("custom:tier", "silver"))
		s.user(poolID, "cy", pw)
		if claims := jwtClaims(t, *s.signIn(clientID, "ann", pw).IdToken); claims["custom:tier"] != "gold" {
			t.Fatalf("ID token before: %v", claims)
		}
		del := func(name string) (map[string]any, error) {
			var out map[string]any
			err := s.admin("DeleteCustomAttribute", map[string]any{"UserPoolId": poolID, "Name": name}, &out)
			return out, err
		}

		// A client reading only the attribute would read everything after.
		_, err := del("custom:tier")
		wantCode(t, err, "InvalidParameterException", *only.ClientId)
		if v, _ := getAttr(t, s, poolID, "ann", "custom:tier"); v != "gold" {
			t.Fatal("a refused removal changed a user")
		}
		result(s.idp.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: only.ClientId})).must(t)

		out := result(del("tier")).must(t)
		if out["Name"] != "custom:tier" || out["UsersUpdated"] != float64(2) || out["ClientsUpdated"] != float64(1) {
			t.Fatalf("DeleteCustomAttribute %v", out)
		}
		if _, ok := getAttr(t, s, poolID, "ann", "custom:tier"); ok {
			t.Fatal("ann keeps custom:tier")
		}
		if v, _ := getAttr(t, s, poolID, "ann", "custom:plan"); v != "pro" {
			t.Fatal("ann lost custom:plan")
		}
		d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(t).UserPool
		if _, ok := attrSchema(d.SchemaAttributes, "custom:tier"); ok {
			t.Fatal("the schema keeps custom:tier")
		}
		c := result(s.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: listed.ClientId})).must(t).UserPoolClient
		if !slices.Equal(c.ReadAttributes, []string{"custom:plan", "email"}) || !slices.Equal(c.WriteAttributes, []string{"email"}) {
			t.Fatalf("client attributes read %v write %v", c.ReadAttributes, c.WriteAttributes)
		}
		claims := jwtClaims(t, *s.signIn(clientID, "ann", pw).IdToken)
		if _, ok := claims["custom:tier"]; ok || claims["custom:plan"] != "pro" {
			t.Fatalf("ID token after: %v", claims)
		}
		_, err = s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID), Username: aws.String("bob"),
			UserAttributes: []types.AttributeType{attr("custom:tier", "gold")}})
		wantCode(t, err, "InvalidParameterException", "")

		// Added back, it starts empty.
		result(s.idp.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: aws.String(poolID),
			CustomAttributes: []types.SchemaAttributeType{{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString}}})).must(t)
		if _, ok := getAttr(t, s, poolID, "bob", "custom:tier"); ok {
			t.Fatal("a removed value came back")
		}

		if got := auditDetails(t, s, poolID, "CustomAttributeDeleted"); len(got) != 1 || got[0]["Name"] != "custom:tier" || got[0]["UsersUpdated"] != "2" {
			t.Fatalf("audited %v", got)
		}
		_, err = del("custom:nope")
		wantCode(t, err, "InvalidParameterException", "does not exist")
		_, err = del("email")
		wantCode(t, err, "InvalidParameterException", "not a custom attribute")
		wantCode(t, s.admin("DeleteCustomAttribute", map[string]any{"UserPoolId": "us-east-1_nope", "Name": "tier"}, nil), "ResourceNotFoundException", "")
		wantCode(t, s.admin("DeleteCustomAttribute", map[string]any{"UserPoolId": poolID}, nil), "ValidationException", "")
	})
}

// TestUpdateCustomAttribute: CognateAdmin.UpdateCustomAttribute changes a
// custom attribute's constraints and Mutable flag: existing values are
// kept and counted when out of the new bounds, new writes are held to
// them.
func TestUpdateCustomAttribute(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("code"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true),
				StringAttributeConstraints: &types.StringAttributeConstraintsType{MaxLength: aws.String("10")}},
			{Name: aws.String("score"), AttributeDataType: types.AttributeDataTypeNumber, Mutable: aws.Bool(true)},
		}})
		s.user(poolID, "ann", "Correct-Horse-9", attr("custom:code", "abcdefgh"), attr("custom:score", "50"))
		s.user(poolID, "bob", "Correct-Horse-9", attr("custom:code", "abc"), attr("custom:score", "5"))
		update := func(in map[string]any) (map[string]any, error) {
			in["UserPoolId"] = poolID
			var out map[string]any
			err := s.admin("UpdateCustomAttribute", in, &out)
			return out, err
		}
		set := func(name, value string) error {
			_, err := s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID),
				Username: aws.String("bob"), UserAttributes: []types.AttributeType{attr(name, value)}})
			return err
		}

		out := result(update(map[string]any{"Name": "custom:code", "StringAttributeConstraints": map[string]any{"MaxLength": "5"}})).must(t)
		named, _ := out["SomeUsersOutOfConstraints"].([]any)
		if out["UsersOutOfConstraints"] != float64(1) || len(named) != 1 || named[0] != "ann" || out["AttributeDataType"] != "String" {
			t.Fatalf("UpdateCustomAttribute %v", out)
		}
		if v, _ := getAttr(t, s, poolID, "ann", "custom:code"); v != "abcdefgh" {
			t.Fatalf("ann's value %q", v)
		}
		wantCode(t, set("custom:code", "abcdefg"), "InvalidParameterException", "no longer than 5")
		result(0, set("custom:code", "abcd")).must(t)

		out = result(update(map[string]any{"Name": "score", "NumberAttributeConstraints": map[string]any{"MinValue": "10", "MaxValue": "100"}})).must(t)
		if out["UsersOutOfConstraints"] != float64(1) {
			t.Fatalf("UpdateCustomAttribute %v", out)
		}
		wantCode(t, set("custom:score", "5"), "InvalidParameterException", "greater than or equal to 10")

		result(update(map[string]any{"Name": "code", "Mutable": false})).must(t)
		wantCode(t, set("custom:code", "xy"), "InvalidParameterException", "cannot be updated")
		d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(t).UserPool
		a, _ := attrSchema(d.SchemaAttributes, "custom:code")
		if aws.ToBool(a.Mutable) || a.StringAttributeConstraints == nil || aws.ToString(a.StringAttributeConstraints.MaxLength) != "5" {
			t.Fatalf("DescribeUserPool custom:code %+v", a)
		}
		if got := auditDetails(t, s, poolID, "CustomAttributeUpdated"); len(got) != 3 || got[0]["Mutable"] != "false" || got[2]["MaxLength"] != "5" {
			t.Fatalf("audited %v", got)
		}

		_, err := update(map[string]any{"Name": "code", "NumberAttributeConstraints": map[string]any{"MinValue": "1"}})
		wantCode(t, err, "InvalidParameterException", "no NumberAttributeConstraints")
		_, err = update(map[string]any{"Name": "code", "StringAttributeConstraints": map[string]any{"MinLength": "9", "MaxLength": "3"}})
		wantCode(t, err, "InvalidParameterException", "Max length cannot be less than min length")
		_, err = update(map[string]any{"Name": "given_name", "Mutable": false})
		wantCode(t, err, "InvalidParameterException", "not a custom attribute")
	})
}

// TestUpdateRequiredAttribute: CognateAdmin.UpdateRequiredAttribute makes
// a standard attribute required on a populated pool: the users lacking it
// are counted and named and keep signing in; new users must have it.
func TestUpdateRequiredAttribute(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		const pw = "Correct-Horse-9"
		s.user(poolID, "ann", pw, attr("given_name", "Ann"))
		s.user(poolID, "bob", pw)
		update := func(name string, required bool) (map[string]any, error) {
			var out map[string]any
			err := s.admin("UpdateRequiredAttribute", map[string]any{"UserPoolId": poolID, "Name": name, "Required": required}, &out)
			return out, err
		}
		create := func(name string, attrs ...types.AttributeType) error {
			_, err := s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name),
				MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs})
			return err
		}

		out := result(update("given_name", true)).must(t)
		named, _ := out["SomeUsersMissing"].([]any)
		if out["UsersMissing"] != float64(1) || len(named) != 1 || named[0] != "bob" || out["Required"] != true {
			t.Fatalf("UpdateRequiredAttribute %v", out)
		}
		s.signIn(clientID, "bob", pw)
		wantCode(t, create("cy"), "InvalidParameterException", "given_name")
		result(0, create("dee", attr("given_name", "Dee"))).must(t)
		d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(t).UserPool
		if a, _ := attrSchema(d.SchemaAttributes, "given_name"); !aws.ToBool(a.Required) {
			t.Fatal("DescribeUserPool: given_name not required")
		}

		result(update("given_name", false)).must(t)
		result(0, create("cy")).must(t)
		if got := auditDetails(t, s, poolID, "RequiredAttributeUpdated"); len(got) != 2 || got[1]["UsersMissing"] != "1" || got[0]["Required"] != "false" {
			t.Fatalf("audited %v", got)
		}

		_, err := update("sub", false)
		wantCode(t, err, "InvalidParameterException", "")
		_, err = update("nope", true)
		wantCode(t, err, "InvalidParameterException", "does not exist")
		wantCode(t, s.admin("UpdateRequiredAttribute", map[string]any{"UserPoolId": poolID, "Name": "email"}, nil), "ValidationException", "")
	})
}

// TestUpdateSignInAttributes: CognateAdmin.UpdateSignInAttributes adds an
// email alias to a populated pool (refused, naming them, while two users
// share a verified email), after which users sign in with it (password
// and SRP); removing it stops that; UsernameAttributes then make every
// email, verified or not, a sign-in name, refused while two users share
// one.
func TestUpdateSignInAttributes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		const pw = "Correct-Horse-9"
		s.user(poolID, "ann", pw, attr("email", "shared@example.com"), attr("email_verified", "true"))
		s.user(poolID, "dup", pw, attr("email", "shared@example.com"), attr("email_verified", "true"))
		s.user(poolID, "bob", pw, attr("preferred_username", "bobby"))
		s.user(poolID, "cy", pw, attr("email", "cy@example.com"))
		s.user(poolID, "eve", pw, attr("email", "cy@example.com"))
		update := func(in map[string]any) (map[string]any, error) {
			in["UserPoolId"] = poolID
			var out map[string]any
			err := s.admin("UpdateSignInAttributes", in, &out)
			return out, err
		}
		signIn := func(name string) error {
			_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}})
			return err
		}
		deleteUser := func(name string) {
			result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})).must(t)
		}

		_, err := update(map[string]any{"AliasAttributes": []string{"email", "preferred_username"}})
		wantCode(t, err, "InvalidParameterException", "ann, dup (email)")
		wantCode(t, signIn("shared@example.com"), "UserNotFoundException", "")
		deleteUser("dup")

		out := result(update(map[string]any{"AliasAttributes": []string{"email", "preferred_username"}})).must(t)
		if out["UsersRekeyed"] != float64(2) || len(out["AliasAttributes"].([]any)) != 2 || out["UsernameAttributes"] != nil {
			t.Fatalf("UpdateSignInAttributes %v", out)
		}
		tok := jwtClaims(t, *s.signIn(clientID, "shared@example.com", pw).IdToken)
		if tok["cognito:username"] != "ann" {
			t.Fatalf("signed in as %v", tok["cognito:username"])
		}
		s.signIn(clientID, "bobby", pw)
		result(s.srpSignIn(poolID, clientID, "shared@example.com", pw, nil)).must(t)
		s.signIn(clientID, "ann", pw)
		wantCode(t, signIn("cy@example.com"), "UserNotFoundException", "") // not verified: no alias
		d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(t).UserPool
		if len(d.AliasAttributes) != 2 {
			t.Fatalf("DescribeUserPool AliasAttributes %v", d.AliasAttributes)
		}
		// A new user cannot take the alias.
		_, err = s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("zed"),
			MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{attr("preferred_username", "bobby")}})
		wantCode(t, err, "AliasExistsException", "")

		// Removed: only usernames sign in.
		out = result(update(map[string]any{"AliasAttributes": []string{}})).must(t)
		if out["UsersRekeyed"] != float64(2) {
			t.Fatalf("UpdateSignInAttributes %v", out)
		}
		wantCode(t, signIn("shared@example.com"), "UserNotFoundException", "")
		wantCode(t, signIn("bobby"), "UserNotFoundException", "")

		// Email as username: any email, verified or not, so cy and eve collide.
		_, err = update(map[string]any{"UsernameAttributes": []string{"email"}})
		wantCode(t, err, "InvalidParameterException", "cy, eve (email)")
		deleteUser("eve")
		out = result(update(map[string]any{"UsernameAttributes": []string{"email"}})).must(t)
		if out["UsersRekeyed"] != float64(2) {
			t.Fatalf("UpdateSignInAttributes %v", out)
		}
		s.signIn(clientID, "cy@example.com", pw)
		s.signIn(clientID, "cy", pw)
		result(s.srpSignIn(poolID, clientID, "shared@example.com", pw, nil)).must(t)

		_, err = update(map[string]any{"AliasAttributes": []string{"email"}})
		wantCode(t, err, "InvalidParameterException", "Only one of AliasAttributes and UsernameAttributes")
		_, err = update(map[string]any{"UsernameAttributes": []string{"preferred_username"}})
		wantCode(t, err, "InvalidParameterException", "")
		_, err = update(map[string]any{"AliasAttributes": []string{"email", "email"}, "UsernameAttributes": []string{}})
		wantCode(t, err, "InvalidParameterException", "twice")

		got := auditDetails(t, s, poolID, "SignInAttributesUpdated")
		if len(got) != 3 || got[2]["AliasAttributes"] != "email,preferred_username" || got[0]["UsernameAttributes"] != "email" {
			t.Fatalf("audited %v", got)
		}
	})
}
