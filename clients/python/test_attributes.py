"""Attributes and verification: UpdateUserAttributes, DeleteUserAttributes,
AdminUpdateUserAttributes, AdminDeleteUserAttributes,
GetUserAttributeVerificationCode, VerifyUserAttribute."""

import time
import unittest

from support import CognitoTestCase, unique, unique_email, unique_phone, attrs, PASSWORD


class AdminUpdateUserAttributes(CognitoTestCase):

    def test_update(self):
        name = self.confirmed_user(attributes=[{"Name": "given_name", "Value": "John"}])
        before = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)
        time.sleep(1.1)
        r = self.idp.admin_update_user_attributes(UserPoolId=self.pool_id, Username=name,
                                                  UserAttributes=[{"Name": "given_name", "Value": "Jane"},
                                                                  {"Name": "family_name", "Value": "Doe"}])
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        u = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)
        a = attrs(u["UserAttributes"])
        self.assertEqual(a["given_name"], "Jane")
        self.assertEqual(a["family_name"], "Doe")
        self.assertGreater(u["UserLastModifiedDate"], before["UserLastModifiedDate"])
        self.assertEqual(u["UserCreateDate"], before["UserCreateDate"])

    def test_new_email_unverified(self):
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()},
                                               {"Name": "email_verified", "Value": "true"}])
        self.idp.admin_update_user_attributes(UserPoolId=self.pool_id, Username=name,
                                              UserAttributes=[{"Name": "email", "Value": unique_email()}])
        self.assertEqual(attrs(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserAttributes"])
                         ["email_verified"], "false")

    def test_email_verified_by_admin(self):
        name = self.confirmed_user()
        email = unique_email()
        self.idp.admin_update_user_attributes(UserPoolId=self.pool_id, Username=name,
                                              UserAttributes=[{"Name": "email", "Value": email},
                                                              {"Name": "email_verified", "Value": "true"}])
        a = attrs(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserAttributes"])
        self.assertEqual(a["email"], email)
        self.assertEqual(a["email_verified"], "true")

    def test_sub_not_writable(self):
        name = self.confirmed_user()
        self.assertError("InvalidParameterException", self.idp.admin_update_user_attributes, UserPoolId=self.pool_id,
                         Username=name, UserAttributes=[{"Name": "sub", "Value": "x"}])

    def test_immutable(self):
        p = self.new_pool(Schema=[{"Name": "badge", "AttributeDataType": "String", "Mutable": False}])
        name = self.confirmed_user(p["Id"], attributes=[{"Name": "custom:badge", "Value": "1"}])
        self.assertError("InvalidParameterException", self.idp.admin_update_user_attributes, UserPoolId=p["Id"],
                         Username=name, UserAttributes=[{"Name": "custom:badge", "Value": "2"}])

    def test_unknown_attribute(self):
        name = self.confirmed_user()
        self.assertError("InvalidParameterException", self.idp.admin_update_user_attributes, UserPoolId=self.pool_id,
                         Username=name, UserAttributes=[{"Name": "custom:nope", "Value": "x"}],
                         message="user.custom:nope: Attribute does not exist in the schema.\n")

    def test_unknown_user(self):
        self.assertError("UserNotFoundException", self.idp.admin_update_user_attributes, UserPoolId=self.pool_id,
                         Username=unique(), UserAttributes=[{"Name": "name", "Value": "x"}])

    def test_alias_exists(self):
        p = self.new_pool(AliasAttributes=["email"])
        email = unique_email()
        self.confirmed_user(p["Id"], attributes=[{"Name": "email", "Value": email},
                                                 {"Name": "email_verified", "Value": "true"}])
        other = self.confirmed_user(p["Id"])
        self.assertError("AliasExistsException", self.idp.admin_update_user_attributes, UserPoolId=p["Id"],
                         Username=other, UserAttributes=[{"Name": "email", "Value": email},
                                                         {"Name": "email_verified", "Value": "true"}])


class AdminDeleteUserAttributes(CognitoTestCase):

    def test_delete(self):
        name = self.confirmed_user(attributes=[{"Name": "nickname", "Value": "Joe"},
                                               {"Name": "given_name", "Value": "John"}])
        self.idp.admin_delete_user_attributes(UserPoolId=self.pool_id, Username=name, UserAttributeNames=["nickname"])
        a = attrs(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserAttributes"])
        self.assertNotIn("nickname", a)
        self.assertEqual(a["given_name"], "John")

    def test_unknown_attribute(self):
        name = self.confirmed_user()
        self.assertError("InvalidParameterException", self.idp.admin_delete_user_attributes, UserPoolId=self.pool_id,
                         Username=name, UserAttributeNames=["nickname", "custom:foo", "custom:bar"],
                         message="Invalid user attributes: user.custom:foo: Attribute does not exist in the schema.\n"
                                 "user.custom:bar: Attribute does not exist in the schema.\n")

    def test_required_attribute(self):
        p = self.new_pool(Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True}])
        name = self.confirmed_user(p["Id"], attributes=[{"Name": "name", "Value": "N"}])
        self.assertError("InvalidParameterException", self.idp.admin_delete_user_attributes, UserPoolId=p["Id"],
                         Username=name, UserAttributeNames=["name"])

    def test_unknown_user_and_pool(self):
        self.assertError("UserNotFoundException", self.idp.admin_delete_user_attributes, UserPoolId=self.pool_id,
                         Username=unique(), UserAttributeNames=["nickname"], message="User does not exist.")
        self.assertError("ResourceNotFoundException", self.idp.admin_delete_user_attributes,
                         UserPoolId="us-east-1_aaaaaaaa", Username=unique(), UserAttributeNames=["nickname"],
                         message="User pool us-east-1_aaaaaaaa does not exist.")


class UpdateUserAttributes(CognitoTestCase):
    POOL = {"AutoVerifiedAttributes": ["email"]}

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_update(self):
        name = self.confirmed_user()
        t = self.tokens(self.client_id, name)
        r = self.anon.update_user_attributes(AccessToken=t["AccessToken"],
                                             UserAttributes=[{"Name": "family_name", "Value": "Doe"}])
        self.assertEqual(r.get("CodeDeliveryDetailsList", []), [])
        self.assertEqual(attrs(self.anon.get_user(AccessToken=t["AccessToken"])["UserAttributes"])["family_name"],
                         "Doe")

    def test_email_change_sends_code(self):
        self.needs_outbox()
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()},
                                               {"Name": "email_verified", "Value": "true"}])
        t = self.tokens(self.client_id, name)
        new = unique_email()
        r = self.anon.update_user_attributes(AccessToken=t["AccessToken"],
                                             UserAttributes=[{"Name": "email", "Value": new}])
        d = r["CodeDeliveryDetailsList"]
        self.assertEqual(len(d), 1)
        self.assertEqual(d[0]["AttributeName"], "email")
        self.assertEqual(d[0]["DeliveryMedium"], "EMAIL")
        a = attrs(self.anon.get_user(AccessToken=t["AccessToken"])["UserAttributes"])
        self.assertEqual(a["email"], new)
        self.assertEqual(a["email_verified"], "false")
        self.anon.verify_user_attribute(AccessToken=t["AccessToken"], AttributeName="email",
                                        Code=self.srv.last_code(new))
        a = attrs(self.anon.get_user(AccessToken=t["AccessToken"])["UserAttributes"])
        self.assertEqual(a["email_verified"], "true")

    def test_verified_flag_not_client_writable(self):
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()}])
        t = self.tokens(self.client_id, name)
        self.assertError("NotAuthorizedException", self.anon.update_user_attributes, AccessToken=t["AccessToken"],
                         UserAttributes=[{"Name": "email_verified", "Value": "true"}])

    def test_write_attributes(self):
        c = self.new_client(WriteAttributes=["nickname"])
        name = self.confirmed_user()
        t = self.tokens(c["ClientId"], name)
        self.anon.update_user_attributes(AccessToken=t["AccessToken"],
                                         UserAttributes=[{"Name": "nickname", "Value": "N"}])
        self.assertError("NotAuthorizedException", self.anon.update_user_attributes, AccessToken=t["AccessToken"],
                         UserAttributes=[{"Name": "name", "Value": "N"}],
                         message="A client attempted to write unauthorized attribute")

    def test_require_verification_before_update(self):
        self.needs_outbox()
        p = self.new_pool(AutoVerifiedAttributes=["email"],
                          UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]})
        c = self.new_client(p["Id"])
        old = unique_email()
        name = self.confirmed_user(p["Id"], attributes=[{"Name": "email", "Value": old},
                                                        {"Name": "email_verified", "Value": "true"}])
        t = self.tokens(c["ClientId"], name)
        new = unique_email()
        self.anon.update_user_attributes(AccessToken=t["AccessToken"], UserAttributes=[{"Name": "email", "Value": new}])
        a = attrs(self.anon.get_user(AccessToken=t["AccessToken"])["UserAttributes"])
        self.assertEqual(a["email"], old)
        self.assertEqual(a["email_verified"], "true")
        self.anon.verify_user_attribute(AccessToken=t["AccessToken"], AttributeName="email",
                                        Code=self.srv.last_code(new))
        a = attrs(self.anon.get_user(AccessToken=t["AccessToken"])["UserAttributes"])
        self.assertEqual(a["email"], new)


class DeleteUserAttributes(CognitoTestCase):

    def test_delete(self):
        c = self.new_client()
        name = self.confirmed_user(attributes=[{"Name": "nickname", "Value": "N"}])
        t = self.tokens(c["ClientId"], name)
        r = self.anon.delete_user_attributes(AccessToken=t["AccessToken"], UserAttributeNames=["nickname"])
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        self.assertNotIn("nickname", attrs(self.anon.get_user(AccessToken=t["AccessToken"])["UserAttributes"]))


class Verification(CognitoTestCase):
    POOL = {"AutoVerifiedAttributes": ["email"]}

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_get_code_and_verify(self):
        self.needs_outbox()
        email = unique_email()
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": email}])
        t = self.tokens(self.client_id, name)
        r = self.anon.get_user_attribute_verification_code(AccessToken=t["AccessToken"], AttributeName="email")
        d = r["CodeDeliveryDetails"]
        self.assertEqual((d["AttributeName"], d["DeliveryMedium"]), ("email", "EMAIL"))
        self.assertEqual(d["Destination"], email[0] + "***@e***")
        code = self.srv.last_code(email)
        wrong = "000000" if code != "000000" else "111111"
        self.assertError("CodeMismatchException", self.anon.verify_user_attribute, AccessToken=t["AccessToken"],
                         AttributeName="email", Code=wrong)
        r = self.anon.verify_user_attribute(AccessToken=t["AccessToken"], AttributeName="email", Code=code)
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})
        self.assertEqual(attrs(self.anon.get_user(AccessToken=t["AccessToken"])["UserAttributes"])["email_verified"],
                         "true")

    def test_no_such_attribute(self):
        name = self.confirmed_user()
        t = self.tokens(self.client_id, name)
        self.assertError("InvalidParameterException", self.anon.get_user_attribute_verification_code,
                         AccessToken=t["AccessToken"], AttributeName="email")

    def test_verify_without_code_requested(self):
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()}])
        t = self.tokens(self.client_id, name)
        with self.assertRaises(self.anon.exceptions.ClientError) as cm:
            self.anon.verify_user_attribute(AccessToken=t["AccessToken"], AttributeName="email", Code="123456")
        self.assertIn(cm.exception.response["Error"]["Code"], ("CodeMismatchException", "ExpiredCodeException"))


if __name__ == "__main__":
    unittest.main()
