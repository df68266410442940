"""Sign-up: SignUp, ConfirmSignUp, ResendConfirmationCode,
AdminConfirmSignUp."""

import unittest
import uuid

from support import CognitoTestCase, unique, unique_email, unique_phone, secret_hash, PASSWORD, attrs


class SignUp(CognitoTestCase):
    POOL = {"AutoVerifiedAttributes": ["email"]}

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_success_shape(self):
        email = unique_email()
        r = self.anon.sign_up(ClientId=self.client_id, Username=unique(), Password=PASSWORD,
                              UserAttributes=[{"Name": "email", "Value": email}])
        self.assertIs(r["UserConfirmed"], False)
        uuid.UUID(r["UserSub"])
        d = r["CodeDeliveryDetails"]
        self.assertEqual(d["DeliveryMedium"], "EMAIL")
        self.assertEqual(d["AttributeName"], "email")
        self.assertTrue(d["Destination"].startswith(email[0]))
        self.assertIn("***", d["Destination"])
        self.assertNotIn(email, d["Destination"])

    def test_no_delivery_without_auto_verified_attribute(self):
        r = self.anon.sign_up(ClientId=self.client_id, Username=unique(), Password=PASSWORD)
        self.assertNotIn("CodeDeliveryDetails", r)

    def test_user_is_unconfirmed(self):
        name = unique()
        self.anon.sign_up(ClientId=self.client_id, Username=name, Password=PASSWORD,
                          UserAttributes=[{"Name": "email", "Value": unique_email()}, {"Name": "name", "Value": "N"}])
        u = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)
        self.assertEqual(u["UserStatus"], "UNCONFIRMED")
        self.assertIs(u["Enabled"], True)
        a = attrs(u["UserAttributes"])
        self.assertEqual(a["name"], "N")
        self.assertEqual(a.get("email_verified", "false"), "false")

    def test_existing_username(self):
        name = unique()
        self.anon.sign_up(ClientId=self.client_id, Username=name, Password=PASSWORD)
        self.assertError("UsernameExistsException", self.anon.sign_up, ClientId=self.client_id, Username=name,
                         Password=PASSWORD, message="User already exists")

    def test_password_policy(self):
        cases = {
            "Sh0rt!": "Password did not conform with policy: Password not long enough",
            "alllower1!": "Password did not conform with policy: Password must have uppercase characters",
            "ALLUPPER1!": "Password did not conform with policy: Password must have lowercase characters",
            "NoNumbers!!": "Password did not conform with policy: Password must have numeric characters",
            "NoSymbols11": "Password did not conform with policy: Password must have symbol characters",
        }
        for pw, msg in cases.items():
            with self.subTest(pw=pw):
                self.assertError("InvalidPasswordException", self.anon.sign_up, ClientId=self.client_id,
                                 Username=unique(), Password=pw, message=msg)

    def test_password_pattern(self):
        # Cognito refuses whitespace at either end of a password, and names
        # its pattern (not the model's [\S]+); inner spaces are allowed.
        err = self.assertValidation(self.raw.sign_up, ClientId=self.client_id, Username=unique(),
                                    Password=" has space 1A!", member="password")
        self.assertNotIn("has space", err["Message"])
        self.assertTrue(err["Message"].endswith("Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$"),
                        err["Message"])
        self.anon.sign_up(ClientId=self.client_id, Username=unique(), Password="has space 1A")

    def test_unknown_attribute(self):
        self.assertError("InvalidParameterException", self.anon.sign_up, ClientId=self.client_id, Username=unique(),
                         Password=PASSWORD, UserAttributes=[{"Name": "custom:nope", "Value": "x"}],
                         message="Attributes did not conform to the schema: custom:nope: "
                                 "Attribute does not exist in the schema.")

    def test_unknown_client(self):
        self.assertError("ResourceNotFoundException", self.anon.sign_up, ClientId="abcdefghijklmnopqrstuvwxyz",
                         Username=unique(), Password=PASSWORD)

    def test_secret_hash(self):
        c = self.new_client(GenerateSecret=True)
        name = unique()
        self.assertError("NotAuthorizedException", self.anon.sign_up, ClientId=c["ClientId"], Username=name,
                         Password=PASSWORD,
                         message="Client %s is configured for secret but secret was not received" % c["ClientId"])
        self.assertError("NotAuthorizedException", self.anon.sign_up, ClientId=c["ClientId"], Username=name,
                         Password=PASSWORD, SecretHash=secret_hash("wrong", name, c["ClientId"]),
                         message="Unable to verify secret hash for client %s" % c["ClientId"])
        self.anon.sign_up(ClientId=c["ClientId"], Username=name, Password=PASSWORD,
                          SecretHash=secret_hash(c["ClientSecret"], name, c["ClientId"]))

    def test_admin_only(self):
        p = self.new_pool(AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})
        c = self.new_client(p["Id"])
        self.assertError("NotAuthorizedException", self.anon.sign_up, ClientId=c["ClientId"], Username=unique(),
                         Password=PASSWORD, message="SignUp is not permitted for this user pool")

    def test_required_attribute(self):
        p = self.new_pool(Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True}])
        c = self.new_client(p["Id"])
        self.assertError("InvalidParameterException", self.anon.sign_up, ClientId=c["ClientId"], Username=unique(),
                         Password=PASSWORD, message="Attributes did not conform to the schema: name: "
                                                    "The attribute is required")

    def test_signed_request_accepted(self):
        r = self.idp.sign_up(ClientId=self.client_id, Username=unique(), Password=PASSWORD)
        self.assertIs(r["UserConfirmed"], False)

    def test_write_attributes_enforced(self):
        c = self.new_client(WriteAttributes=["email"])
        self.assertError("NotAuthorizedException", self.anon.sign_up, ClientId=c["ClientId"], Username=unique(),
                         Password=PASSWORD, UserAttributes=[{"Name": "name", "Value": "x"}])

    def test_email_username_pool_uses_uuid_username(self):
        p = self.new_pool(UsernameAttributes=["email"])
        c = self.new_client(p["Id"])
        email = unique_email()
        r = self.anon.sign_up(ClientId=c["ClientId"], Username=email, Password=PASSWORD)
        u = self.idp.admin_get_user(UserPoolId=p["Id"], Username=email)
        self.assertEqual(u["Username"], r["UserSub"])
        self.assertEqual(attrs(u["UserAttributes"])["email"], email)
        self.assertError("InvalidParameterException", self.anon.sign_up, ClientId=c["ClientId"], Username="plain",
                         Password=PASSWORD, message="Username should be an email.")

    def test_phone_username_pool(self):
        p = self.new_pool(UsernameAttributes=["phone_number"])
        c = self.new_client(p["Id"])
        phone = unique_phone()
        r = self.anon.sign_up(ClientId=c["ClientId"], Username=phone, Password=PASSWORD)
        u = self.idp.admin_get_user(UserPoolId=p["Id"], Username=phone)
        self.assertEqual(u["Username"], r["UserSub"])
        self.assertError("InvalidParameterException", self.anon.sign_up, ClientId=c["ClientId"], Username="plain",
                         Password=PASSWORD, message="Username should be a phone number.")

    def test_email_alias_username_refused(self):
        p = self.new_pool(AliasAttributes=["email"])
        c = self.new_client(p["Id"])
        self.assertError("InvalidParameterException", self.anon.sign_up, ClientId=c["ClientId"],
                         Username=unique_email(), Password=PASSWORD,
                         message="Username cannot be of email format, since user pool is configured for email alias.")

    def test_invalid_email(self):
        self.assertError("InvalidParameterException", self.anon.sign_up, ClientId=self.client_id, Username=unique(),
                         Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "not-an-email"}],
                         message="Invalid email address format.")

    def test_invalid_phone(self):
        self.assertError("InvalidParameterException", self.anon.sign_up, ClientId=self.client_id, Username=unique(),
                         Password=PASSWORD, UserAttributes=[{"Name": "phone_number", "Value": "5551234"}],
                         message="Invalid phone number format.")


class ConfirmSignUp(CognitoTestCase):
    POOL = {"AutoVerifiedAttributes": ["email"]}

    def setUp(self):
        self.needs_outbox()
        self.client_id = self.new_client()["ClientId"]

    def sign_up(self, client_id=None, **kw):
        name, email = unique(), unique_email()
        self.anon.sign_up(ClientId=client_id or self.client_id, Username=name, Password=PASSWORD,
                          UserAttributes=[{"Name": "email", "Value": email}], **kw)
        return name, email

    def test_confirm(self):
        name, email = self.sign_up()
        r = self.anon.confirm_sign_up(ClientId=self.client_id, Username=name, ConfirmationCode=self.srv.last_code(email))
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        u = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)
        self.assertEqual(u["UserStatus"], "CONFIRMED")
        self.assertEqual(attrs(u["UserAttributes"])["email_verified"], "true")
        self.sign_in(self.client_id, name)

    def test_wrong_code(self):
        name, email = self.sign_up()
        code = self.srv.last_code(email)
        wrong = "000000" if code != "000000" else "111111"
        self.assertError("CodeMismatchException", self.anon.confirm_sign_up, ClientId=self.client_id, Username=name,
                         ConfirmationCode=wrong, message="Invalid verification code provided, please try again.")
        self.assertEqual(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserStatus"], "UNCONFIRMED")

    def test_code_single_use(self):
        name, email = self.sign_up()
        code = self.srv.last_code(email)
        self.anon.confirm_sign_up(ClientId=self.client_id, Username=name, ConfirmationCode=code)
        self.assertError("NotAuthorizedException", self.anon.confirm_sign_up, ClientId=self.client_id, Username=name,
                         ConfirmationCode=code, message="User cannot be confirmed. Current status is CONFIRMED")

    def test_unknown_user(self):
        self.assertError("UserNotFoundException", self.anon.confirm_sign_up, ClientId=self.client_id,
                         Username=unique(), ConfirmationCode="123456")

    def test_code_of_other_user(self):
        name1, email1 = self.sign_up()
        name2, email2 = self.sign_up()
        code1 = self.srv.last_code(email1)
        self.assertError("CodeMismatchException", self.anon.confirm_sign_up, ClientId=self.client_id,
                         Username=name2, ConfirmationCode=code1)

    def test_too_many_failed_attempts(self):
        name, email = self.sign_up()
        code = self.srv.last_code(email)
        wrong = "000000" if code != "000000" else "111111"
        codes = []
        for _ in range(6):
            try:
                self.anon.confirm_sign_up(ClientId=self.client_id, Username=name, ConfirmationCode=wrong)
            except self.anon.exceptions.ClientError as e:
                codes.append(e.response["Error"]["Code"])
        self.assertEqual(codes[0], "CodeMismatchException")
        self.assertIn("TooManyFailedAttemptsException", codes)
        # The right code no longer works once attempts are spent.
        with self.assertRaises(self.anon.exceptions.ClientError):
            self.anon.confirm_sign_up(ClientId=self.client_id, Username=name, ConfirmationCode=code)

    def test_secret_hash(self):
        c = self.new_client(GenerateSecret=True)
        name, email = unique(), unique_email()
        sh = secret_hash(c["ClientSecret"], name, c["ClientId"])
        self.anon.sign_up(ClientId=c["ClientId"], Username=name, Password=PASSWORD, SecretHash=sh,
                          UserAttributes=[{"Name": "email", "Value": email}])
        code = self.srv.last_code(email)
        self.assertError("NotAuthorizedException", self.anon.confirm_sign_up, ClientId=c["ClientId"], Username=name,
                         ConfirmationCode=code)
        self.anon.confirm_sign_up(ClientId=c["ClientId"], Username=name, ConfirmationCode=code, SecretHash=sh)

    def test_code_format_validation(self):
        name, _ = self.sign_up()
        self.assertValidation(self.raw.confirm_sign_up, ClientId=self.client_id, Username=name,
                              ConfirmationCode="", member="confirmationCode")


class ResendConfirmationCode(CognitoTestCase):
    POOL = {"AutoVerifiedAttributes": ["email"]}

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_resend(self):
        self.needs_outbox()
        name, email = unique(), unique_email()
        self.anon.sign_up(ClientId=self.client_id, Username=name, Password=PASSWORD,
                          UserAttributes=[{"Name": "email", "Value": email}])
        first = self.srv.last_code(email)
        r = self.anon.resend_confirmation_code(ClientId=self.client_id, Username=name)
        self.assertEqual(r["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL")
        self.assertEqual(r["CodeDeliveryDetails"]["AttributeName"], "email")
        second = self.srv.last_code(email)
        self.assertEqual(len(self.srv.messages(email)), 2)
        if first != second:
            self.assertError("CodeMismatchException", self.anon.confirm_sign_up, ClientId=self.client_id,
                             Username=name, ConfirmationCode=first)
        self.anon.confirm_sign_up(ClientId=self.client_id, Username=name, ConfirmationCode=second)

    def test_unknown_user(self):
        self.assertError("UserNotFoundException", self.anon.resend_confirmation_code, ClientId=self.client_id,
                         Username=unique(), message="Username/client id combination not found.")

    def test_confirmed_user(self):
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()}])
        self.assertError("InvalidParameterException", self.anon.resend_confirmation_code, ClientId=self.client_id,
                         Username=name, message="User is already confirmed.")


class AdminConfirmSignUp(CognitoTestCase):

    def test_confirm(self):
        c = self.new_client()
        name = unique()
        self.anon.sign_up(ClientId=c["ClientId"], Username=name, Password=PASSWORD)
        self.assertError("UserNotConfirmedException", self.sign_in, c["ClientId"], name,
                         message="User is not confirmed.")
        r = self.idp.admin_confirm_sign_up(UserPoolId=self.pool_id, Username=name)
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        self.assertEqual(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserStatus"], "CONFIRMED")
        self.sign_in(c["ClientId"], name)

    def test_already_confirmed(self):
        name = self.confirmed_user()
        self.assertError("NotAuthorizedException", self.idp.admin_confirm_sign_up, UserPoolId=self.pool_id,
                         Username=name, message="User cannot be confirmed. Current status is CONFIRMED")

    def test_unknown_user(self):
        self.assertError("UserNotFoundException", self.idp.admin_confirm_sign_up, UserPoolId=self.pool_id,
                         Username=unique(), message="User does not exist.")


if __name__ == "__main__":
    unittest.main()
