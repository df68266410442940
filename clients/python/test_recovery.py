"""Recovery: ForgotPassword, ConfirmForgotPassword, AdminResetUserPassword,
AccountRecoverySetting, PreventUserExistenceErrors on the recovery and
confirmation operations."""

import unittest

from support import CognitoTestCase, unique, unique_email, unique_phone, attrs, PASSWORD, OTHER_PASSWORD


def verified_email(email):
    return [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]


class ForgotPassword(CognitoTestCase):

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_full_flow(self):
        self.needs_outbox()
        email = unique_email()
        name = self.confirmed_user(attributes=verified_email(email))
        r = self.anon.forgot_password(ClientId=self.client_id, Username=name)
        self.assertEqual(r["CodeDeliveryDetails"], {"Destination": email[0] + "***@e***", "DeliveryMedium": "EMAIL",
                                                    "AttributeName": "email"})
        code = self.srv.last_code(email)
        wrong = "000000" if code != "000000" else "111111"
        self.assertError("CodeMismatchException", self.anon.confirm_forgot_password, ClientId=self.client_id,
                         Username=name, ConfirmationCode=wrong, Password=OTHER_PASSWORD,
                         message="Invalid verification code provided, please try again.")
        r = self.anon.confirm_forgot_password(ClientId=self.client_id, Username=name, ConfirmationCode=code,
                                              Password=OTHER_PASSWORD)
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        self.sign_in(self.client_id, name, OTHER_PASSWORD)
        self.assertError("ExpiredCodeException", self.anon.confirm_forgot_password, ClientId=self.client_id,
                         Username=name, ConfirmationCode=code, Password=PASSWORD,
                         message="Invalid code provided, please request a code again.")

    def test_unknown_user_legacy(self):
        self.assertError("UserNotFoundException", self.anon.forgot_password, ClientId=self.client_id,
                         Username=unique(), message="Username/client id combination not found.")

    def test_no_verified_destination(self):
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()}])
        self.assertError("InvalidParameterException", self.anon.forgot_password, ClientId=self.client_id,
                         Username=name,
                         message="Cannot reset password for the user as there is no registered/verified email or "
                                 "phone_number")

    def test_admin_only_recovery(self):
        p = self.new_pool(AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]})
        c = self.new_client(p["Id"])
        name = self.confirmed_user(p["Id"], attributes=verified_email(unique_email()))
        self.assertError("NotAuthorizedException", self.anon.forgot_password, ClientId=c["ClientId"], Username=name,
                         message="Contact administrator to reset password.")

    def test_recovery_priority(self):
        p = self.new_pool(AccountRecoverySetting={"RecoveryMechanisms": [
            {"Name": "verified_phone_number", "Priority": 1}, {"Name": "verified_email", "Priority": 2}]})
        c = self.new_client(p["Id"])
        phone = unique_phone()
        name = self.confirmed_user(p["Id"], attributes=verified_email(unique_email()) + [
            {"Name": "phone_number", "Value": phone}, {"Name": "phone_number_verified", "Value": "true"}])
        d = self.anon.forgot_password(ClientId=c["ClientId"], Username=name)["CodeDeliveryDetails"]
        self.assertEqual(d["DeliveryMedium"], "SMS")
        self.assertEqual(d["AttributeName"], "phone_number")
        self.assertTrue(d["Destination"].endswith(phone[-4:]))
        self.assertNotIn(phone, d["Destination"])

    def test_disabled_user(self):
        name = self.confirmed_user(attributes=verified_email(unique_email()))
        self.idp.admin_disable_user(UserPoolId=self.pool_id, Username=name)
        self.assertError("NotAuthorizedException", self.anon.forgot_password, ClientId=self.client_id, Username=name)

    def test_code_request_limit(self):
        name = self.confirmed_user(attributes=verified_email(unique_email()))
        codes = []
        for _ in range(8):
            try:
                self.anon.forgot_password(ClientId=self.client_id, Username=name)
                codes.append("ok")
            except self.anon.exceptions.ClientError as e:
                codes.append(e.response["Error"]["Code"])
        self.assertEqual(codes[0], "ok")
        self.assertIn("LimitExceededException", codes)

    def test_confirm_policy(self):
        self.needs_outbox()
        email = unique_email()
        name = self.confirmed_user(attributes=verified_email(email))
        self.anon.forgot_password(ClientId=self.client_id, Username=name)
        self.assertError("InvalidPasswordException", self.anon.confirm_forgot_password, ClientId=self.client_id,
                         Username=name, ConfirmationCode=self.srv.last_code(email), Password="weak")

    def test_confirm_passphrase(self):
        self.needs_outbox()
        email = unique_email()
        name = self.confirmed_user(attributes=verified_email(email))
        self.anon.forgot_password(ClientId=self.client_id, Username=name)
        code = self.srv.last_code(email)
        self.assertError("InvalidParameterException", self.anon.confirm_forgot_password, ClientId=self.client_id,
                         Username=name, ConfirmationCode=code, Password="Correct horse battery 9 ",
                         message="1 validation error detected: Value at 'password' failed to satisfy constraint: "
                                 "Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$")
        self.anon.confirm_forgot_password(ClientId=self.client_id, Username=name, ConfirmationCode=code,
                                          Password="Correct horse battery 9")
        self.sign_in(self.client_id, name, "Correct horse battery 9")

    def test_confirm_unknown_user(self):
        self.assertError("UserNotFoundException", self.anon.confirm_forgot_password, ClientId=self.client_id,
                         Username=unique(), ConfirmationCode="123456", Password=PASSWORD)


class AdminResetUserPassword(CognitoTestCase):

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_reset(self):
        self.needs_outbox()
        email = unique_email()
        name = self.confirmed_user(attributes=verified_email(email))
        t = self.tokens(self.client_id, name)
        r = self.idp.admin_reset_user_password(UserPoolId=self.pool_id, Username=name)
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        self.assertEqual(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserStatus"],
                         "RESET_REQUIRED")
        self.assertError("PasswordResetRequiredException", self.sign_in, self.client_id, name,
                         message="Password reset required for the user")
        self.anon.confirm_forgot_password(ClientId=self.client_id, Username=name,
                                          ConfirmationCode=self.srv.last_code(email), Password=OTHER_PASSWORD)
        self.assertEqual(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserStatus"], "CONFIRMED")
        self.sign_in(self.client_id, name, OTHER_PASSWORD)

    def test_force_change_password_user(self):
        name = unique()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, MessageAction="SUPPRESS",
                                   UserAttributes=verified_email(unique_email()))
        self.assertError("NotAuthorizedException", self.idp.admin_reset_user_password, UserPoolId=self.pool_id,
                         Username=name, message="User password cannot be reset in the current state.")

    def test_no_verified_destination(self):
        name = self.confirmed_user()
        self.assertError("InvalidParameterException", self.idp.admin_reset_user_password, UserPoolId=self.pool_id,
                         Username=name,
                         message="Cannot reset password for the user as there is no registered/verified email or "
                                 "phone_number")

    def test_repeated(self):
        name = self.confirmed_user(attributes=verified_email(unique_email()))
        for _ in range(3):
            self.idp.admin_reset_user_password(UserPoolId=self.pool_id, Username=name)
            self.assertEqual(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserStatus"],
                             "RESET_REQUIRED")

    def test_unknown_user(self):
        self.assertError("UserNotFoundException", self.idp.admin_reset_user_password, UserPoolId=self.pool_id,
                         Username=unique())


class PreventUserExistenceErrors(CognitoTestCase):
    POOL = {"AutoVerifiedAttributes": ["email"]}

    def setUp(self):
        self.client_id = self.new_client(PreventUserExistenceErrors="ENABLED")["ClientId"]

    def test_sign_in(self):
        name = self.confirmed_user()
        unknown = self.assertError("NotAuthorizedException", self.sign_in, self.client_id, unique())
        wrong = self.assertError("NotAuthorizedException", self.sign_in, self.client_id, name, "Wrong1!pass")
        self.assertEqual(unknown["Message"], wrong["Message"])
        self.assertEqual(unknown["Message"], "Incorrect username or password.")

    def test_forgot_password(self):
        r = self.anon.forgot_password(ClientId=self.client_id, Username=unique())
        d = r["CodeDeliveryDetails"]
        self.assertIn(d["DeliveryMedium"], ("EMAIL", "SMS"))
        self.assertIn("***", d["Destination"])

    def test_confirm_forgot_password(self):
        self.assertError("CodeMismatchException", self.anon.confirm_forgot_password, ClientId=self.client_id,
                         Username=unique(), ConfirmationCode="123456", Password=PASSWORD)

    def test_confirm_sign_up(self):
        self.assertError("CodeMismatchException", self.anon.confirm_sign_up, ClientId=self.client_id,
                         Username=unique(), ConfirmationCode="123456")

    def test_resend_confirmation_code(self):
        r = self.anon.resend_confirmation_code(ClientId=self.client_id, Username=unique())
        self.assertIn("CodeDeliveryDetails", r)


if __name__ == "__main__":
    unittest.main()
