package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The two spellings of "josé": NFC (é is U+00E9) and NFD (e + U+0301).
const (
	joseNFC = "jos\u00e9"
	joseNFD = "jose\u0301"
)

// TestUnicodeNameSpellings: the NFC and NFD spellings of one name are one
// user. SignUp with the other spelling is UsernameExistsException, either
// spelling signs in (password and SRP), admin operations and the ListUsers
// username filter find the user by either, and the username is stored and
// shown in NFC whichever spelling created it. preferred_username aliases
// are one alias in both spellings.
func TestUnicodeNameSpellings(t *testing.T) {
	if joseNFC == joseNFD {
		t.Fatal("the spellings must differ")
	}
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypePreferredUsername}})
		clientID, _ := s.appClient(poolID, false)
		signUp := func(name string) error {
			_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String(name),
				Password: aws.String("Correct-Horse-9"), UserAttributes: []types.AttributeType{attr("email", "jose@example.com")}})
			return err
		}
		if err := signUp(joseNFC); err != nil {
			t.Fatal(err)
		}
		wantCode(t, signUp(joseNFD), "UsernameExistsException", "User already exists")
		result(s.idp.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(poolID), Username: aws.String(joseNFD)})).must(t)

		for _, name := range []string{joseNFC, joseNFD} {
			u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})).must(t)
			if aws.ToString(u.Username) != joseNFC {
				t.Fatalf("AdminGetUser(%+q).Username = %+q, want the NFC spelling", name, aws.ToString(u.Username))
			}
			s.signIn(clientID, name, "Correct-Horse-9")
			if out := result(s.srpSignIn(poolID, clientID, name, "Correct-Horse-9", nil)).must(t); out.AuthenticationResult == nil {
				t.Fatalf("SRP sign-in as %+q: no tokens", name)
			}
			list := result(s.idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(poolID), Filter: aws.String(`username = "` + name + `"`)})).must(t)
			if len(list.Users) != 1 || aws.ToString(list.Users[0].Username) != joseNFC {
				t.Fatalf("ListUsers username = %+q: %d users", name, len(list.Users))
			}
		}

		// A user created with the NFD spelling is stored in NFC.
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ren\u0065\u0301e"),
			MessageAction: types.MessageActionTypeSuppress})).must(t)
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ren\u00e9e")})).must(t)
		if aws.ToString(u.Username) != "ren\u00e9e" {
			t.Fatalf("AdminCreateUser(NFD): Username %+q, want NFC", aws.ToString(u.Username))
		}

		// preferred_username: one alias in both spellings.
		result(s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID), Username: aws.String(joseNFC),
			UserAttributes: []types.AttributeType{attr("preferred_username", "pep\u00e9")}})).must(t)
		s.signIn(clientID, "pepe\u0301", "Correct-Horse-9")
		s.user(poolID, "other", "Correct-Horse-9")
		_, err := s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID), Username: aws.String("other"),
			UserAttributes: []types.AttributeType{attr("preferred_username", "pepe\u0301")}})
		wantCode(t, err, "AliasExistsException", "")
	})
}

// TestLegacyUnicodeNameKeys: a user written before lookup keys were NFC,
// with a name in NFD, is still found by that spelling (lookups try the key
// the old rule made first); its next write recomputes its keys, and from
// then on either spelling finds it. No migration runs at start.
func TestLegacyUnicodeNameKeys(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			cfg := newConfig(t, b)
			s := start(t, cfg)
			poolID := s.pool(nil)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, joseNFD, "Correct-Horse-9")
			sub := s.verifyJWT(poolID, *s.signIn(clientID, joseNFD, "Correct-Horse-9").IdToken)["sub"].(string)
			s.stop()

			// Write the user back as the old rule stored it: the NFD
			// spelling as username and lookup key.
			st := openStore(t, cfg)
			u, err := st.Users().GetBySub(ctx, poolID, sub)
			if err != nil {
				t.Fatal(err)
			}
			u.Username = joseNFD
			for i := range u.Lookups {
				if u.Lookups[i].Kind == "username" {
					u.Lookups[i].Key = joseNFD
				}
			}
			if err := st.Users().Put(ctx, u); err != nil {
				t.Fatal(err)
			}
			st.Close()

			s = start(t, cfg)
			get := func(name string) (*cip.AdminGetUserOutput, error) {
				return s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})
			}
			if got := result(get(joseNFD)).must(t); aws.ToString(got.Username) != joseNFD {
				t.Fatalf("legacy user: Username %+q", aws.ToString(got.Username))
			}
			s.signIn(clientID, joseNFD, "Correct-Horse-9")
			_, err = get(joseNFC)
			wantCode(t, err, "UserNotFoundException", "") // until its next write

			result(s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID),
				Username: aws.String(joseNFD), UserAttributes: []types.AttributeType{attr("name", "José")}})).must(t)
			for _, name := range []string{joseNFC, joseNFD} {
				result(get(name)).must(t)
				s.signIn(clientID, name, "Correct-Horse-9")
			}
		})
	}
}
