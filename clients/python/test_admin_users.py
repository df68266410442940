"""Admin user management: AdminCreateUser, AdminGetUser, AdminDeleteUser,
AdminSetUserPassword, AdminDisableUser, AdminEnableUser,
AdminUserGlobalSignOut."""

import unittest
import uuid

from support import CognitoTestCase, unique, unique_email, unique_phone, PASSWORD, OTHER_PASSWORD, attrs


class AdminCreateUser(CognitoTestCase):

    def test_shape(self):
        name, email = unique(), unique_email()
        u = self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, MessageAction="SUPPRESS",
                                       UserAttributes=[{"Name": "email", "Value": email}])["User"]
        self.assertEqual(u["Username"], name)
        self.assertEqual(u["UserStatus"], "FORCE_CHANGE_PASSWORD")
        self.assertIs(u["Enabled"], True)
        self.assertTimestamp(u["UserCreateDate"])
        self.assertTimestamp(u["UserLastModifiedDate"])
        a = attrs(u["Attributes"])
        uuid.UUID(a["sub"])
        self.assertEqual(a["email"], email)
        self.assertNotIn("MFAOptions", u)

    def test_invitation_sent_by_email(self):
        self.needs_outbox()
        name, email = unique(), unique_email()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, TemporaryPassword="Temp0rary!pw",
                                   DesiredDeliveryMediums=["EMAIL"],
                                   UserAttributes=[{"Name": "email", "Value": email}])
        m = self.srv.last_message(email)
        self.assertIn(name, m["body"])
        self.assertIn("Temp0rary!pw", m["body"])
        self.assertEqual(m["subject"], "Your temporary password")

    def test_invitation_template(self):
        self.needs_outbox()
        p = self.new_pool(AdminCreateUserConfig={"InviteMessageTemplate": {
            "EmailMessage": "Hi {username}, use {####}", "EmailSubject": "Welcome"}})
        name, email = unique(), unique_email()
        self.idp.admin_create_user(UserPoolId=p["Id"], Username=name, TemporaryPassword="Temp0rary!pw",
                                   DesiredDeliveryMediums=["EMAIL"],
                                   UserAttributes=[{"Name": "email", "Value": email}])
        m = self.srv.last_message(email)
        self.assertEqual(m["subject"], "Welcome")
        self.assertEqual(m["body"].strip(), "Hi %s, use Temp0rary!pw" % name)

    def test_suppress_sends_nothing(self):
        self.needs_outbox()
        email = unique_email()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=unique(), MessageAction="SUPPRESS",
                                   DesiredDeliveryMediums=["EMAIL"], UserAttributes=[{"Name": "email", "Value": email}])
        self.assertEqual(self.srv.messages(email), [])

    def test_resend(self):
        self.needs_outbox()
        name, email = unique(), unique_email()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, TemporaryPassword="Temp0rary!pw",
                                   DesiredDeliveryMediums=["EMAIL"], UserAttributes=[{"Name": "email", "Value": email}])
        r = self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, MessageAction="RESEND",
                                       DesiredDeliveryMediums=["EMAIL"])
        self.assertEqual(r["User"]["Username"], name)
        self.assertEqual(r["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD")
        self.assertEqual(len(self.srv.messages(email)), 2)

    def test_resend_confirmed_user(self):
        name = self.confirmed_user()
        self.assertError("UnsupportedUserStateException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=name, MessageAction="RESEND")

    def test_resend_unknown_user(self):
        self.assertError("UserNotFoundException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=unique(), MessageAction="RESEND")

    def test_existing_user(self):
        name = self.confirmed_user()
        self.assertError("UsernameExistsException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=name, message="User account already exists")

    def test_temporary_password_policy(self):
        self.assertError("InvalidPasswordException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=unique(), TemporaryPassword="short",
                         message="Password did not conform with policy: Password not long enough")

    def test_temporary_passphrase(self):
        c = self.new_client()
        name = unique()
        self.assertValidation(self.idp.admin_create_user, UserPoolId=self.pool_id, Username=name,
                              TemporaryPassword="Temp0rary pw ", MessageAction="SUPPRESS", member="temporaryPassword")
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, TemporaryPassword="Temp0rary pw",
                                   MessageAction="SUPPRESS")
        r = self.sign_in(c["ClientId"], name, "Temp0rary pw")
        self.assertEqual(r["ChallengeName"], "NEW_PASSWORD_REQUIRED")
        respond = dict(ClientId=c["ClientId"], ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"])
        self.assertValidation(self.anon.respond_to_auth_challenge, **respond,
                              ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": " Perm4nent pw"})
        r = self.anon.respond_to_auth_challenge(**respond, ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": "Perm4nent pw"})
        self.assertIn("AuthenticationResult", r)
        self.assertIn("AuthenticationResult", self.sign_in(c["ClientId"], name, "Perm4nent pw"))

    def test_email_delivery_without_email(self):
        self.assertError("InvalidParameterException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=unique(), DesiredDeliveryMediums=["EMAIL"])

    def test_sign_in_with_temporary_password(self):
        c = self.new_client()
        name = unique()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, TemporaryPassword="Temp0rary!pw",
                                   MessageAction="SUPPRESS")
        r = self.sign_in(c["ClientId"], name, "Temp0rary!pw")
        self.assertEqual(r["ChallengeName"], "NEW_PASSWORD_REQUIRED")
        self.assertNotIn("AuthenticationResult", r)
        self.assertGreaterEqual(len(r["Session"]), 20)
        self.assertEqual(r["ChallengeParameters"]["USER_ID_FOR_SRP"], name)
        self.assertIn("requiredAttributes", r["ChallengeParameters"])
        self.assertIn("userAttributes", r["ChallengeParameters"])

    def test_email_username_pool(self):
        p = self.new_pool(UsernameAttributes=["email"])
        email = unique_email()
        u = self.idp.admin_create_user(UserPoolId=p["Id"], Username=email, MessageAction="SUPPRESS")["User"]
        a = attrs(u["Attributes"])
        self.assertEqual(u["Username"], a["sub"])
        self.assertEqual(a["email"], email)

    def test_email_verified_without_email(self):
        self.assertError("InvalidParameterException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=unique(), MessageAction="SUPPRESS",
                         UserAttributes=[{"Name": "email_verified", "Value": "true"}])

    def test_boolean_any_case(self):
        name = unique()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, MessageAction="SUPPRESS",
                                   UserAttributes=[{"Name": "email", "Value": unique_email()},
                                                   {"Name": "email_verified", "Value": "True"}])
        self.assertEqual(attrs(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserAttributes"])
                         ["email_verified"], "true")

    def test_sub_not_writable(self):
        self.assertError("InvalidParameterException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=unique(), MessageAction="SUPPRESS",
                         UserAttributes=[{"Name": "sub", "Value": str(uuid.uuid4())}])

    def test_invalid_message_action(self):
        self.assertValidation(self.raw.admin_create_user, UserPoolId=self.pool_id, Username=unique(),
                              MessageAction="SHOUT", member="messageAction")

    def test_unknown_pool(self):
        self.assertError("ResourceNotFoundException", self.idp.admin_create_user, UserPoolId="us-east-1_000000000",
                         Username=unique())


class AdminGetUser(CognitoTestCase):

    def test_shape(self):
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()},
                                               {"Name": "email_verified", "Value": "true"}])
        u = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)
        self.assertEqual(u["Username"], name)
        self.assertEqual(u["UserStatus"], "CONFIRMED")
        self.assertIs(u["Enabled"], True)
        self.assertTimestamp(u["UserCreateDate"])
        self.assertTimestamp(u["UserLastModifiedDate"])
        a = attrs(u["UserAttributes"])
        self.assertEqual(a["email_verified"], "true")
        self.assertEqual(u["UserAttributes"][0]["Name"], "sub")

    def test_by_sub(self):
        name = self.confirmed_user()
        sub = attrs(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserAttributes"])["sub"]
        self.assertEqual(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=sub)["Username"], name)

    def test_unknown(self):
        self.assertError("UserNotFoundException", self.idp.admin_get_user, UserPoolId=self.pool_id,
                         Username=unique(), message="User does not exist.")

    def test_status_transitions(self):
        c = self.new_client()
        name = unique()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, TemporaryPassword="Temp0rary!pw",
                                   MessageAction="SUPPRESS")
        status = lambda: self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserStatus"]
        self.assertEqual(status(), "FORCE_CHANGE_PASSWORD")
        r = self.sign_in(c["ClientId"], name, "Temp0rary!pw")
        out = self.anon.respond_to_auth_challenge(ClientId=c["ClientId"], ChallengeName="NEW_PASSWORD_REQUIRED",
                                                  Session=r["Session"],
                                                  ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": PASSWORD})
        self.assertIn("AccessToken", out["AuthenticationResult"])
        self.assertEqual(status(), "CONFIRMED")
        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=name, Password=OTHER_PASSWORD,
                                         Permanent=False)
        self.assertEqual(status(), "FORCE_CHANGE_PASSWORD")
        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=name, Password=OTHER_PASSWORD,
                                         Permanent=True)
        self.assertEqual(status(), "CONFIRMED")


class AdminDeleteUser(CognitoTestCase):

    def test_delete(self):
        c = self.new_client()
        name = self.confirmed_user()
        tokens = self.tokens(c["ClientId"], name)
        self.idp.admin_delete_user(UserPoolId=self.pool_id, Username=name)
        self.assertError("UserNotFoundException", self.idp.admin_get_user, UserPoolId=self.pool_id, Username=name)
        self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=c["ClientId"],
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        with self.assertRaises(self.anon.exceptions.ClientError):
            self.anon.get_user(AccessToken=tokens["AccessToken"])
        self.assertError("UserNotFoundException", self.idp.admin_delete_user, UserPoolId=self.pool_id, Username=name)

    def test_name_reusable(self):
        name = self.confirmed_user()
        self.idp.admin_delete_user(UserPoolId=self.pool_id, Username=name)
        self.confirmed_user(username=name)


class AdminSetUserPassword(CognitoTestCase):

    def test_permanent(self):
        c = self.new_client()
        name = self.confirmed_user()
        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=name, Password=OTHER_PASSWORD,
                                         Permanent=True)
        self.assertError("NotAuthorizedException", self.sign_in, c["ClientId"], name, PASSWORD)
        self.assertIn("AuthenticationResult", self.sign_in(c["ClientId"], name, OTHER_PASSWORD))

    def test_policy(self):
        name = self.confirmed_user()
        self.assertError("InvalidPasswordException", self.idp.admin_set_user_password, UserPoolId=self.pool_id,
                         Username=name, Password="weakpassword", Permanent=True)

    def test_passphrase(self):
        c = self.new_client()
        name = self.confirmed_user()
        self.assertValidation(self.idp.admin_set_user_password, UserPoolId=self.pool_id, Username=name,
                              Password="\tCorrect horse battery 9", Permanent=True, member="password")
        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=name, Password="Correct horse battery 9",
                                         Permanent=True)
        self.assertIn("AuthenticationResult", self.sign_in(c["ClientId"], name, "Correct horse battery 9"))

    def test_unknown_user(self):
        self.assertError("UserNotFoundException", self.idp.admin_set_user_password, UserPoolId=self.pool_id,
                         Username=unique(), Password=PASSWORD, Permanent=True)

    def test_confirms_unconfirmed_user(self):
        c = self.new_client()
        name = unique()
        self.anon.sign_up(ClientId=c["ClientId"], Username=name, Password=PASSWORD)
        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=name, Password=OTHER_PASSWORD,
                                         Permanent=True)
        self.assertEqual(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserStatus"], "CONFIRMED")


class AdminDisableEnableUser(CognitoTestCase):

    def test_disable_enable(self):
        c = self.new_client()
        name = self.confirmed_user()
        tokens = self.tokens(c["ClientId"], name)
        r = self.idp.admin_disable_user(UserPoolId=self.pool_id, Username=name)
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        self.assertIs(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["Enabled"], False)
        self.assertError("NotAuthorizedException", self.sign_in, c["ClientId"], name, message="User is disabled.")
        self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=c["ClientId"],
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        self.assertError("NotAuthorizedException", self.anon.get_user, AccessToken=tokens["AccessToken"])
        self.idp.admin_enable_user(UserPoolId=self.pool_id, Username=name)
        self.assertIs(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["Enabled"], True)
        self.sign_in(c["ClientId"], name)

    def test_unknown_user(self):
        self.assertError("UserNotFoundException", self.idp.admin_disable_user, UserPoolId=self.pool_id,
                         Username=unique())
        self.assertError("UserNotFoundException", self.idp.admin_enable_user, UserPoolId=self.pool_id,
                         Username=unique())


class AdminUserGlobalSignOut(CognitoTestCase):

    def test_revokes_tokens(self):
        c = self.new_client()
        name = self.confirmed_user()
        tokens = self.tokens(c["ClientId"], name)
        self.idp.admin_user_global_sign_out(UserPoolId=self.pool_id, Username=name)
        self.assertError("NotAuthorizedException", self.anon.get_user, AccessToken=tokens["AccessToken"],
                         message="Access Token has been revoked")
        self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=c["ClientId"],
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        # A new sign-in works.
        self.anon.get_user(AccessToken=self.tokens(c["ClientId"], name)["AccessToken"])

    def test_unknown_user(self):
        self.assertError("UserNotFoundException", self.idp.admin_user_global_sign_out, UserPoolId=self.pool_id,
                         Username=unique())


if __name__ == "__main__":
    unittest.main()
