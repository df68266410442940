"""ListUsers: filters, AttributesToGet, Limit and PaginationToken."""

import unittest

from support import CognitoTestCase, unique, unique_email, attrs, PASSWORD


class ListUsers(CognitoTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = unique("t")

    def make(self, pool_id, n=1, **kw):
        names = []
        for i in range(n):
            names.append(self.confirmed_user(pool_id, **kw))
        return names

    def test_shape(self):
        p = self.new_pool()
        email = unique_email()
        name = self.confirmed_user(p["Id"], attributes=[{"Name": "email", "Value": email}])
        users = self.idp.list_users(UserPoolId=p["Id"])["Users"]
        self.assertEqual(len(users), 1)
        u = users[0]
        self.assertEqual(u["Username"], name)
        self.assertEqual(u["UserStatus"], "CONFIRMED")
        self.assertIs(u["Enabled"], True)
        self.assertTimestamp(u["UserCreateDate"])
        self.assertTimestamp(u["UserLastModifiedDate"])
        self.assertEqual(attrs(u["Attributes"])["email"], email)

    def test_filters(self):
        p = self.new_pool()
        pid = p["Id"]
        a = self.confirmed_user(pid, attributes=[{"Name": "email", "Value": "ann@example.com"},
                                                 {"Name": "phone_number", "Value": "+15550001111"},
                                                 {"Name": "given_name", "Value": "Ann"},
                                                 {"Name": "family_name", "Value": "Lee"}])
        b = self.confirmed_user(pid, attributes=[{"Name": "email", "Value": "bob@example.org"},
                                                 {"Name": "name", "Value": "Bob \"B\" Smith"}])
        c = unique()
        self.idp.admin_create_user(UserPoolId=pid, Username=c, MessageAction="SUPPRESS")
        self.idp.admin_disable_user(UserPoolId=pid, Username=b)
        sub_a = attrs(self.idp.admin_get_user(UserPoolId=pid, Username=a)["UserAttributes"])["sub"]

        def names(f):
            return sorted(u["Username"] for u in self.idp.list_users(UserPoolId=pid, Filter=f)["Users"])

        self.assertEqual(names('email = "ann@example.com"'), [a])
        self.assertEqual(names('email="ann@example.com"'), [a])
        self.assertEqual(names('email ^= "ann"'), [a])
        self.assertEqual(names('email ^= "nobody"'), [])
        self.assertEqual(names('phone_number ^= "+1555000"'), [a])
        self.assertEqual(names('given_name = "Ann"'), [a])
        self.assertEqual(names('family_name = "Lee"'), [a])
        self.assertEqual(names('name = "Bob \\"B\\" Smith"'), [b])
        self.assertEqual(names('username = "%s"' % a), [a])
        self.assertEqual(names('sub = "%s"' % sub_a), [a])
        self.assertEqual(names('status = "Disabled"'), [b])
        self.assertEqual(names('status = "Enabled"'), sorted([a, c]))
        self.assertEqual(names('cognito:user_status = "FORCE_CHANGE_PASSWORD"'), [c])
        self.assertEqual(names('cognito:user_status = "force_change_password"'), [c])
        self.assertEqual(names('family_name = ""'), [])

    def test_bad_filters(self):
        for f in ('username = foo', 'username=', 'email = "x" extra', 'email ~= "x"', 'nickname = "x"'):
            with self.subTest(filter=f):
                self.assertError("InvalidParameterException", self.idp.list_users, UserPoolId=self.pool_id, Filter=f,
                                 message="Error while parsing filter.")

    def test_filter_length(self):
        self.assertValidation(self.raw.list_users, UserPoolId=self.pool_id, Filter='email = "%s"' % ("x" * 300),
                              member="filter")

    def test_attributes_to_get(self):
        p = self.new_pool()
        self.confirmed_user(p["Id"], attributes=[{"Name": "email", "Value": unique_email()},
                                                 {"Name": "given_name", "Value": "Jane"}])
        u = self.idp.list_users(UserPoolId=p["Id"], AttributesToGet=["given_name"])["Users"][0]
        self.assertEqual(u["Attributes"], [{"Name": "given_name", "Value": "Jane"}])
        u = self.idp.list_users(UserPoolId=p["Id"], AttributesToGet=[])["Users"][0]
        self.assertEqual(u.get("Attributes", []), [])

    def test_pagination(self):
        p = self.new_pool()
        made = set(self.make(p["Id"], 7))
        seen = []
        r = self.idp.list_users(UserPoolId=p["Id"], Limit=3)
        self.assertEqual(len(r["Users"]), 3)
        self.assertIn("PaginationToken", r)
        seen += [u["Username"] for u in r["Users"]]
        while "PaginationToken" in r:
            r = self.idp.list_users(UserPoolId=p["Id"], Limit=3, PaginationToken=r["PaginationToken"])
            seen += [u["Username"] for u in r["Users"]]
        self.assertEqual(sorted(seen), sorted(made))
        pages = list(self.idp.get_paginator("list_users").paginate(UserPoolId=p["Id"],
                                                                   PaginationConfig={"PageSize": 2}))
        self.assertEqual(sorted(u["Username"] for pg in pages for u in pg["Users"]), sorted(made))

    def test_limit_range(self):
        self.assertValidation(self.raw.list_users, UserPoolId=self.pool_id, Limit=61, member="limit")

    def test_bad_pagination_token(self):
        self.assertError("InvalidParameterException", self.idp.list_users, UserPoolId=self.pool_id,
                         PaginationToken="bogus")

    def test_empty_pool(self):
        p = self.new_pool()
        r = self.idp.list_users(UserPoolId=p["Id"])
        self.assertEqual(r["Users"], [])
        self.assertNotIn("PaginationToken", r)

    def test_unknown_pool(self):
        self.assertError("ResourceNotFoundException", self.idp.list_users, UserPoolId="us-east-1_000000000")


if __name__ == "__main__":
    unittest.main()
