"""Sign-in identifiers: AliasAttributes, UsernameAttributes,
UsernameConfiguration (case sensitivity), AliasExistsException,
ForceAliasCreation."""

import unittest

from support import CognitoTestCase, unique, unique_email, unique_phone, attrs, PASSWORD


class EmailAlias(CognitoTestCase):
    POOL = {"AliasAttributes": ["email", "preferred_username"], "AutoVerifiedAttributes": ["email"]}

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_sign_in_by_verified_email(self):
        email = unique_email()
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": email},
                                               {"Name": "email_verified", "Value": "true"}])
        c = self.tokens(self.client_id, email)
        self.assertEqual(self.anon.get_user(AccessToken=c["AccessToken"])["Username"], name)

    def test_unverified_email_is_no_alias(self):
        email = unique_email()
        self.confirmed_user(attributes=[{"Name": "email", "Value": email}])
        with self.assertRaises(self.anon.exceptions.ClientError):
            self.sign_in(self.client_id, email)

    def test_alias_exists(self):
        email = unique_email()
        self.confirmed_user(attributes=[{"Name": "email", "Value": email},
                                        {"Name": "email_verified", "Value": "true"}])
        self.assertError("AliasExistsException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=unique(), MessageAction="SUPPRESS",
                         UserAttributes=[{"Name": "email", "Value": email},
                                         {"Name": "email_verified", "Value": "true"}],
                         message="An account with the given email already exists.")

    def test_force_alias_creation(self):
        email = unique_email()
        first = self.confirmed_user(attributes=[{"Name": "email", "Value": email},
                                                {"Name": "email_verified", "Value": "true"}])
        second = unique()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=second, MessageAction="SUPPRESS",
                                   ForceAliasCreation=True,
                                   UserAttributes=[{"Name": "email", "Value": email},
                                                   {"Name": "email_verified", "Value": "true"}])
        a = attrs(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=first)["UserAttributes"])
        self.assertEqual(a["email_verified"], "false")
        self.assertEqual(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=email)["Username"], second)

    def test_preferred_username_alias(self):
        pref = unique("pref")
        name = self.confirmed_user()
        self.idp.admin_update_user_attributes(UserPoolId=self.pool_id, Username=name,
                                              UserAttributes=[{"Name": "preferred_username", "Value": pref}])
        c = self.tokens(self.client_id, pref)
        self.assertEqual(self.anon.get_user(AccessToken=c["AccessToken"])["Username"], name)
        other = self.confirmed_user()
        self.assertError("AliasExistsException", self.idp.admin_update_user_attributes, UserPoolId=self.pool_id,
                         Username=other, UserAttributes=[{"Name": "preferred_username", "Value": pref}])

    def test_email_shaped_username_refused(self):
        self.assertError("InvalidParameterException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=unique_email(), MessageAction="SUPPRESS")


class EmailUsername(CognitoTestCase):
    POOL = {"UsernameAttributes": ["email"]}

    def test_username_is_sub(self):
        c = self.new_client()
        email = unique_email()
        self.confirmed_user(username=email)
        u = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=email)
        self.assertEqual(u["Username"], attrs(u["UserAttributes"])["sub"])
        a = self.tokens(c["ClientId"], email)
        from support import jwt_claims
        self.assertEqual(jwt_claims(a["AccessToken"])["username"], u["Username"])
        self.assertEqual(jwt_claims(a["IdToken"])["cognito:username"], u["Username"])
        users = self.idp.list_users(UserPoolId=self.pool_id, Filter='email = "%s"' % email)["Users"]
        self.assertEqual([x["Username"] for x in users], [u["Username"]])

    def test_duplicate_email(self):
        email = unique_email()
        self.confirmed_user(username=email)
        self.assertError("UsernameExistsException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=email, MessageAction="SUPPRESS")

    def test_email_and_phone(self):
        p = self.new_pool(UsernameAttributes=["email", "phone_number"])
        c = self.new_client(p["Id"])
        phone = unique_phone()
        r = self.anon.sign_up(ClientId=c["ClientId"], Username=phone, Password=PASSWORD)
        self.assertEqual(self.idp.admin_get_user(UserPoolId=p["Id"], Username=phone)["Username"], r["UserSub"])
        self.assertError("InvalidParameterException", self.anon.sign_up, ClientId=c["ClientId"], Username="plain",
                         Password=PASSWORD, message="Username should be either an email or a phone number.")


class CaseInsensitive(CognitoTestCase):
    POOL = {"UsernameConfiguration": {"CaseSensitive": False}, "AliasAttributes": ["email"]}

    def test_username(self):
        c = self.new_client()
        name = "MiXeD" + unique()
        self.confirmed_user(username=name)
        u = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name.lower())
        self.assertEqual(u["Username"], name)
        self.tokens(c["ClientId"], name.upper())
        self.assertError("UsernameExistsException", self.idp.admin_create_user, UserPoolId=self.pool_id,
                         Username=name.lower(), MessageAction="SUPPRESS")
        self.assertError("UsernameExistsException", self.anon.sign_up, ClientId=c["ClientId"],
                         Username=name.upper(), Password=PASSWORD)

    def test_email_alias(self):
        c = self.new_client()
        email = unique_email()
        self.confirmed_user(attributes=[{"Name": "email", "Value": email},
                                        {"Name": "email_verified", "Value": "true"}])
        self.tokens(c["ClientId"], email.upper())

    def test_default_is_case_sensitive(self):
        p = self.new_pool()
        name = "MiXeD" + unique()
        self.confirmed_user(p["Id"], username=name)
        self.assertError("UserNotFoundException", self.idp.admin_get_user, UserPoolId=p["Id"], Username=name.lower())
        self.confirmed_user(p["Id"], username=name.lower())


if __name__ == "__main__":
    unittest.main()
