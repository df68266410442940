package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// passwordSignIn tries USER_PASSWORD_AUTH and returns the error.
func (s *server) passwordSignIn(clientID, username, password string) error {
	_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
	return err
}

// signUpConfirmable signs a user up and returns the code they were sent.
func (s *server) signUpCode(clientID, username string, attrs ...types.AttributeType) string {
	s.t.Helper()
	result(s.idp.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(clientID), Username: aws.String(username), Password: aws.String("Correct-Horse-9"),
		UserAttributes: attrs,
	})).must(s.t)
	return s.lastCode()
}

func TestEmailAliasAndForceAliasCreation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{
			types.AliasAttributeTypeEmail, types.AliasAttributeTypePreferredUsername,
		}})
		clientID, _ := s.appClient(poolID, false)

		// A username in email format is refused where email is an alias.
		_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("kim@example.com"), Password: aws.String("Correct-Horse-9")})
		wantCode(t, err, "InvalidParameterException", "email")

		_, err = s.idp.SignUp(ctx, &cip.SignUpInput{
			ClientId: aws.String(clientID), Username: aws.String("kim"), Password: aws.String("Correct-Horse-9"),
			UserAttributes: []types.AttributeType{attr("preferred_username", "kimmy")},
		})
		wantCode(t, err, "InvalidParameterException", "preferred_username")

		code := s.signUpCode(clientID, "kim", attr("email", "kim@example.com"))
		// Unconfirmed: the alias does not sign in yet.
		wantCode(t, s.passwordSignIn(clientID, "kim@example.com", "Correct-Horse-9"), "UserNotFoundException", "")
		result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("kim"), ConfirmationCode: aws.String(code)})).must(t)
		tok := s.signIn(clientID, "kim@example.com", "Correct-Horse-9")
		if c := s.verifyJWT(poolID, *tok.AccessToken); c["username"] != "kim" {
			t.Fatalf("username claim %v", c["username"])
		}

		// A second account may sign up with the same email, but confirming
		// it is refused until it forces the alias over.
		code2 := s.signUpCode(clientID, "kim2", attr("email", "kim@example.com"))
		_, err = s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("kim2"), ConfirmationCode: aws.String(code2)})
		wantCode(t, err, "AliasExistsException", "An account with the given email already exists.")
		_, err = s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("kim2"), ConfirmationCode: aws.String(otherCode(code2)), ForceAliasCreation: true})
		wantCode(t, err, "CodeMismatchException", "")
		result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
			ClientId: aws.String(clientID), Username: aws.String("kim2"), ConfirmationCode: aws.String(code2), ForceAliasCreation: true,
		})).must(t)
		tok2 := s.signIn(clientID, "kim@example.com", "Correct-Horse-9")
		if c := s.verifyJWT(poolID, *tok2.AccessToken); c["username"] != "kim2" {
			t.Fatalf("the alias signs in %v, want kim2", c["username"])
		}
		old := s.adminGetUser(poolID, "kim")
		if v, _ := attrValue(old.UserAttributes, "email_verified"); v != "false" {
			t.Fatalf("previous holder's email_verified %q", v)
		}
		if v, _ := attrValue(old.UserAttributes, "email"); v != "kim@example.com" {
			t.Fatalf("previous holder's email %q", v)
		}

		// An admin can't verify an email another account holds.
		_, err = s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("kim"), UserAttributes: []types.AttributeType{attr("email_verified", "true")},
		})
		wantCode(t, err, "AliasExistsException", "")

		// preferred_username is an alias once set, unique among users.
		result(s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{attr("preferred_username", "kimmy")}})).must(t)
		s.signIn(clientID, "kimmy", "Correct-Horse-9")
		_, err = s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok2.AccessToken, UserAttributes: []types.AttributeType{attr("preferred_username", "kimmy")}})
		wantCode(t, err, "AliasExistsException", "")

		// AdminCreateUser with a verified email another account holds.
		_, err = s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String("kim3"), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{attr("email", "kim@example.com"), attr("email_verified", "true")},
		})
		wantCode(t, err, "AliasExistsException", "")
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String("kim3"), MessageAction: types.MessageActionTypeSuppress, ForceAliasCreation: true,
			UserAttributes: []types.AttributeType{attr("email", "kim@example.com"), attr("email_verified", "true")},
		})).must(t)
		if v, _ := attrValue(s.adminGetUser(poolID, "kim2").UserAttributes, "email_verified"); v != "false" {
			t.Fatalf("kim2 kept the alias: email_verified %q", v)
		}
		if got := aws.ToString(s.adminGetUser(poolID, "kim@example.com").Username); got != "kim3" {
			t.Fatalf("the alias finds %q, want kim3", got)
		}
	})
}

func TestCaseInsensitiveUsernames(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{
			UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
			AliasAttributes:       []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "Lena", "Correct-Horse-9", attr("email", "Lena@Example.com"), attr("email_verified", "true"))
		for _, name := range []string{"Lena", "lena", "LENA", "lena@example.com", "LENA@EXAMPLE.COM"} {
			tok := s.signIn(clientID, name, "Correct-Horse-9")
			u := s.getUser(tok)
			if aws.ToString(u.Username) != "Lena" {
				t.Fatalf("signed in as %q: username %q, want the case given", name, aws.ToString(u.Username))
			}
			if v, _ := attrValue(u.UserAttributes, "email"); v != "Lena@Example.com" {
				t.Fatalf("email %q, want the case given", v)
			}
		}
		_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("LENA"), Password: aws.String("Correct-Horse-9")})
		wantCode(t, err, "UsernameExistsException", "")
		if got := aws.ToString(s.adminGetUser(poolID, "lEnA").Username); got != "Lena" {
			t.Fatalf("AdminGetUser %q", got)
		}

		// A case-sensitive pool keeps them apart.
		other := s.pool(nil)
		s.user(other, "Max", "Correct-Horse-9")
		s.user(other, "max", "Other-Horse-9")
		_, err = s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(other), Username: aws.String("MAX")})
		wantCode(t, err, "UserNotFoundException", "")
	})
}

func TestUsernameAttributesShowTheSub(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "nia@example.com", "Correct-Horse-9")
		s.user(poolID, "oz@example.com", "Correct-Horse-9")
		tok := s.signIn(clientID, "nia@example.com", "Correct-Horse-9")
		u := s.getUser(tok)
		sub, _ := attrValue(u.UserAttributes, "sub")
		if aws.ToString(u.Username) != sub {
			t.Fatalf("username %q, want the sub %q", aws.ToString(u.Username), sub)
		}
		if c := s.verifyJWT(poolID, *tok.IdToken); c["cognito:username"] != sub {
			t.Fatalf("cognito:username %v", c["cognito:username"])
		}
		// The email is the sign-in name: another user's is refused, and a
		// new one signs in at once (it need not be verified).
		_, err := s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{attr("email", "oz@example.com")}})
		wantCode(t, err, "AliasExistsException", "")
		result(s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{attr("email", "nia@new.example")}})).must(t)
		s.signIn(clientID, "nia@new.example", "Correct-Horse-9")
		wantCode(t, s.passwordSignIn(clientID, "nia@example.com", "Correct-Horse-9"), "UserNotFoundException", "")
		_, err = s.idp.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"email"}})
		wantCode(t, err, "InvalidParameterException", "")
	})
}
