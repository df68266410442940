"""Self-service with an access token: GetUser, GlobalSignOut, RevokeToken,
DeleteUser, ChangePassword."""

import unittest

from support import CognitoTestCase, unique, unique_email, secret_hash, attrs, PASSWORD, OTHER_PASSWORD


class GetUser(CognitoTestCase):

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_shape(self):
        email = unique_email()
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": email}])
        r = self.anon.get_user(AccessToken=self.tokens(self.client_id, name)["AccessToken"])
        self.assertEqual(r["Username"], name)
        a = attrs(r["UserAttributes"])
        self.assertEqual(a["email"], email)
        self.assertIn("sub", a)

    def test_read_attributes(self):
        c = self.new_client(ReadAttributes=["email"])
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()},
                                               {"Name": "name", "Value": "Ada"}])
        a = attrs(self.anon.get_user(AccessToken=self.tokens(c["ClientId"], name)["AccessToken"])["UserAttributes"])
        self.assertIn("email", a)
        self.assertNotIn("name", a)

    def test_invalid_token(self):
        self.assertError("NotAuthorizedException", self.anon.get_user, AccessToken="abc.def.ghi",
                         message="Invalid Access Token")

    def test_id_token_refused(self):
        name = self.confirmed_user()
        self.assertError("NotAuthorizedException", self.anon.get_user,
                         AccessToken=self.tokens(self.client_id, name)["IdToken"])

    def test_tampered_token(self):
        name = self.confirmed_user()
        tok = self.tokens(self.client_id, name)["AccessToken"]
        head, body, sig = tok.split(".")
        forged = head + "." + body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB") + "." + sig
        self.assertError("NotAuthorizedException", self.anon.get_user, AccessToken=forged)

    def test_token_pattern_validation(self):
        self.assertValidation(self.raw.get_user, AccessToken="not/a/token", member="accessToken")

    def test_deleted_user(self):
        name = self.confirmed_user()
        tok = self.tokens(self.client_id, name)["AccessToken"]
        self.idp.admin_delete_user(UserPoolId=self.pool_id, Username=name)
        with self.assertRaises(self.anon.exceptions.ClientError) as cm:
            self.anon.get_user(AccessToken=tok)
        self.assertIn(cm.exception.response["Error"]["Code"], ("UserNotFoundException", "NotAuthorizedException"))


class GlobalSignOut(CognitoTestCase):

    def test_revokes_all_sessions(self):
        c = self.new_client()
        name = self.confirmed_user()
        t1 = self.tokens(c["ClientId"], name)
        t2 = self.tokens(c["ClientId"], name)
        r = self.anon.global_sign_out(AccessToken=t1["AccessToken"])
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        for t in (t1, t2):
            self.assertError("NotAuthorizedException", self.anon.get_user, AccessToken=t["AccessToken"],
                             message="Access Token has been revoked")
            self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=c["ClientId"],
                             AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": t["RefreshToken"]},
                             message="Refresh Token has been revoked")
        self.assertError("NotAuthorizedException", self.anon.global_sign_out, AccessToken=t1["AccessToken"])

    def test_invalid_token(self):
        self.assertError("NotAuthorizedException", self.anon.global_sign_out, AccessToken="abc.def.ghi")


class RevokeToken(CognitoTestCase):

    def test_revokes_session(self):
        c = self.new_client()
        name = self.confirmed_user()
        t1 = self.tokens(c["ClientId"], name)
        t2 = self.tokens(c["ClientId"], name)
        r = self.anon.revoke_token(Token=t1["RefreshToken"], ClientId=c["ClientId"])
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=c["ClientId"],
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": t1["RefreshToken"]})
        self.assertError("NotAuthorizedException", self.anon.get_user, AccessToken=t1["AccessToken"])
        # The other session is untouched.
        self.anon.get_user(AccessToken=t2["AccessToken"])
        # Revoking again, or an unknown token, is not an error.
        self.anon.revoke_token(Token=t1["RefreshToken"], ClientId=c["ClientId"])

    def test_client_secret(self):
        c = self.new_client(GenerateSecret=True)
        name = self.confirmed_user()
        t = self.sign_in(c["ClientId"], name, client_secret=c["ClientSecret"])["AuthenticationResult"]
        self.assertError("NotAuthorizedException", self.anon.revoke_token, Token=t["RefreshToken"],
                         ClientId=c["ClientId"])
        self.assertError("NotAuthorizedException", self.anon.revoke_token, Token=t["RefreshToken"],
                         ClientId=c["ClientId"], ClientSecret="x" * 51)
        self.anon.revoke_token(Token=t["RefreshToken"], ClientId=c["ClientId"], ClientSecret=c["ClientSecret"])

    def test_revocation_disabled(self):
        c = self.new_client(EnableTokenRevocation=False)
        name = self.confirmed_user()
        t = self.tokens(c["ClientId"], name)
        self.assertError("UnsupportedOperationException", self.anon.revoke_token, Token=t["RefreshToken"],
                         ClientId=c["ClientId"])

    def test_token_of_other_client(self):
        c1, c2 = self.new_client(), self.new_client()
        name = self.confirmed_user()
        t = self.tokens(c1["ClientId"], name)
        with self.assertRaises(self.anon.exceptions.ClientError):
            self.anon.revoke_token(Token=t["RefreshToken"], ClientId=c2["ClientId"])
        self.anon.initiate_auth(ClientId=c1["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                AuthParameters={"REFRESH_TOKEN": t["RefreshToken"]})

    def test_access_token_refused(self):
        c = self.new_client()
        name = self.confirmed_user()
        t = self.tokens(c["ClientId"], name)
        self.assertError("UnsupportedTokenTypeException", self.anon.revoke_token, Token=t["AccessToken"],
                         ClientId=c["ClientId"])


class DeleteUser(CognitoTestCase):

    def test_delete_self(self):
        c = self.new_client()
        name = self.confirmed_user()
        t = self.tokens(c["ClientId"], name)
        self.anon.delete_user(AccessToken=t["AccessToken"])
        self.assertError("UserNotFoundException", self.idp.admin_get_user, UserPoolId=self.pool_id, Username=name)
        self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=c["ClientId"],
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": t["RefreshToken"]})


class ChangePassword(CognitoTestCase):

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_change(self):
        name = self.confirmed_user()
        t = self.tokens(self.client_id, name)
        r = self.anon.change_password(AccessToken=t["AccessToken"], PreviousPassword=PASSWORD,
                                      ProposedPassword=OTHER_PASSWORD)
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        self.assertError("NotAuthorizedException", self.sign_in, self.client_id, name, PASSWORD)
        self.sign_in(self.client_id, name, OTHER_PASSWORD)

    def test_wrong_previous(self):
        name = self.confirmed_user()
        t = self.tokens(self.client_id, name)
        self.assertError("NotAuthorizedException", self.anon.change_password, AccessToken=t["AccessToken"],
                         PreviousPassword="Wrong1!pass", ProposedPassword=OTHER_PASSWORD,
                         message="Incorrect username or password.")

    def test_policy(self):
        name = self.confirmed_user()
        t = self.tokens(self.client_id, name)
        self.assertError("InvalidPasswordException", self.anon.change_password, AccessToken=t["AccessToken"],
                         PreviousPassword=PASSWORD, ProposedPassword="weak")

    def test_invalid_token(self):
        self.assertError("NotAuthorizedException", self.anon.change_password, AccessToken="abc.def.ghi",
                         PreviousPassword=PASSWORD, ProposedPassword=OTHER_PASSWORD)

    def test_passphrase(self):
        # Cognito refuses whitespace only at either end of a password; inner
        # spaces are allowed and count as special characters.
        name = self.confirmed_user()
        t = self.tokens(self.client_id, name)
        self.assertError("InvalidParameterException", self.anon.change_password, AccessToken=t["AccessToken"],
                         PreviousPassword=PASSWORD, ProposedPassword=" Correct horse battery 9",
                         message="1 validation error detected: Value at 'proposedPassword' failed to satisfy "
                                 "constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$")
        self.anon.change_password(AccessToken=t["AccessToken"], PreviousPassword=PASSWORD,
                                  ProposedPassword="Correct horse battery 9")
        self.sign_in(self.client_id, name, "Correct horse battery 9")

    def test_history(self):
        p = self.new_pool(Policies={"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 2}})
        c = self.new_client(p["Id"])
        name = self.confirmed_user(p["Id"])
        t = self.tokens(c["ClientId"], name)
        self.assertError("PasswordHistoryPolicyViolationException", self.anon.change_password,
                         AccessToken=t["AccessToken"], PreviousPassword=PASSWORD, ProposedPassword=PASSWORD)


if __name__ == "__main__":
    unittest.main()
