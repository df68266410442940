"""Groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups,
AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser,
ListUsersInGroup, and the group claims in tokens."""

import unittest

from support import CognitoTestCase, unique, jwt_claims

ROLE_A = "arn:aws:iam::123456789012:role/a"
ROLE_B = "arn:aws:iam::123456789012:role/b"


class Groups(CognitoTestCase):

    def test_create_get_update_delete(self):
        g = unique("g")
        r = self.idp.create_group(UserPoolId=self.pool_id, GroupName=g, Description="d", RoleArn=ROLE_A,
                                  Precedence=3)["Group"]
        self.assertEqual((r["GroupName"], r["UserPoolId"], r["Description"], r["RoleArn"], r["Precedence"]),
                         (g, self.pool_id, "d", ROLE_A, 3))
        self.assertTimestamp(r["CreationDate"])
        self.assertTimestamp(r["LastModifiedDate"])
        self.assertEqual(self.idp.get_group(UserPoolId=self.pool_id, GroupName=g)["Group"], r)
        u = self.idp.update_group(UserPoolId=self.pool_id, GroupName=g, Description="d2", Precedence=1)["Group"]
        self.assertEqual((u["Description"], u["Precedence"], u["RoleArn"]), ("d2", 1, ROLE_A))
        r = self.idp.delete_group(UserPoolId=self.pool_id, GroupName=g)
        self.assertEqual(list(r), ["ResponseMetadata"])
        self.assertError("ResourceNotFoundException", self.idp.get_group, UserPoolId=self.pool_id, GroupName=g,
                         message="Group not found.")

    def test_minimal_group_shape(self):
        g = unique("g")
        r = self.idp.create_group(UserPoolId=self.pool_id, GroupName=g)["Group"]
        self.assertNotIn("Precedence", r)
        self.assertNotIn("RoleArn", r)
        self.assertNotIn("Description", r)

    def test_duplicate(self):
        g = unique("g")
        self.idp.create_group(UserPoolId=self.pool_id, GroupName=g)
        self.assertError("GroupExistsException", self.idp.create_group, UserPoolId=self.pool_id, GroupName=g,
                         message="A group with the name %s already exists." % g)

    def test_validation(self):
        self.assertValidation(self.raw.create_group, UserPoolId=self.pool_id, GroupName=unique(), Precedence=-1,
                              member="precedence")
        self.assertValidation(self.raw.create_group, UserPoolId=self.pool_id, GroupName=unique(),
                              RoleArn="not-an-arn", member="roleArn")

    def test_unknown(self):
        self.assertError("ResourceNotFoundException", self.idp.delete_group, UserPoolId=self.pool_id,
                         GroupName=unique())
        self.assertError("ResourceNotFoundException", self.idp.update_group, UserPoolId=self.pool_id,
                         GroupName=unique(), Description="x")
        self.assertError("ResourceNotFoundException", self.idp.create_group, UserPoolId="us-east-1_000000000",
                         GroupName=unique())

    def test_list_pagination(self):
        p = self.new_pool()
        made = {unique("g") for _ in range(5)}
        for g in made:
            self.idp.create_group(UserPoolId=p["Id"], GroupName=g)
        r = self.idp.list_groups(UserPoolId=p["Id"], Limit=2)
        self.assertEqual(len(r["Groups"]), 2)
        self.assertIn("NextToken", r)
        seen = {g["GroupName"] for pg in self.idp.get_paginator("list_groups").paginate(
            UserPoolId=p["Id"], PaginationConfig={"PageSize": 2}) for g in pg["Groups"]}
        self.assertEqual(seen, made)
        self.assertEqual(self.idp.list_groups(UserPoolId=self.new_pool()["Id"])["Groups"], [])


class Membership(CognitoTestCase):

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_membership(self):
        g1, g2 = unique("g"), unique("g")
        self.idp.create_group(UserPoolId=self.pool_id, GroupName=g1, RoleArn=ROLE_A, Precedence=2)
        self.idp.create_group(UserPoolId=self.pool_id, GroupName=g2, RoleArn=ROLE_B, Precedence=1)
        name = self.confirmed_user()
        r = self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=name, GroupName=g1)
        self.assertEqual(list(r), ["ResponseMetadata"])
        self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=name, GroupName=g1)  # again: no-op
        self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=name, GroupName=g2)
        gs = self.idp.admin_list_groups_for_user(UserPoolId=self.pool_id, Username=name)["Groups"]
        self.assertEqual(sorted(g["GroupName"] for g in gs), sorted([g1, g2]))
        us = self.idp.list_users_in_group(UserPoolId=self.pool_id, GroupName=g1)["Users"]
        self.assertEqual([u["Username"] for u in us], [name])

        t = self.tokens(self.client_id, name)
        ac, ic = jwt_claims(t["AccessToken"]), jwt_claims(t["IdToken"])
        self.assertEqual(ac["cognito:groups"], [g2, g1])  # by precedence
        self.assertEqual(ic["cognito:groups"], [g2, g1])
        self.assertEqual(sorted(ic["cognito:roles"]), sorted([ROLE_A, ROLE_B]))
        self.assertEqual(ic["cognito:preferred_role"], ROLE_B)
        self.assertNotIn("cognito:roles", ac)

        self.idp.admin_remove_user_from_group(UserPoolId=self.pool_id, Username=name, GroupName=g1)
        self.idp.admin_remove_user_from_group(UserPoolId=self.pool_id, Username=name, GroupName=g1)  # no-op
        self.assertEqual(self.idp.list_users_in_group(UserPoolId=self.pool_id, GroupName=g1)["Users"], [])
        self.idp.delete_group(UserPoolId=self.pool_id, GroupName=g2)
        self.assertEqual(self.idp.admin_list_groups_for_user(UserPoolId=self.pool_id, Username=name)["Groups"], [])
        self.assertNotIn("cognito:groups", jwt_claims(self.tokens(self.client_id, name)["AccessToken"]))

    def test_errors(self):
        g = unique("g")
        self.idp.create_group(UserPoolId=self.pool_id, GroupName=g)
        self.assertError("UserNotFoundException", self.idp.admin_add_user_to_group, UserPoolId=self.pool_id,
                         Username=unique(), GroupName=g, message="User does not exist.")
        name = self.confirmed_user()
        self.assertError("ResourceNotFoundException", self.idp.admin_add_user_to_group, UserPoolId=self.pool_id,
                         Username=name, GroupName=unique(), message="Group not found.")
        self.assertError("ResourceNotFoundException", self.idp.list_users_in_group, UserPoolId=self.pool_id,
                         GroupName=unique())
        self.assertError("UserNotFoundException", self.idp.admin_list_groups_for_user, UserPoolId=self.pool_id,
                         Username=unique())

    def test_deleted_user_leaves_group(self):
        g = unique("g")
        self.idp.create_group(UserPoolId=self.pool_id, GroupName=g)
        a, b = self.confirmed_user(), self.confirmed_user()
        for n in (a, b):
            self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=n, GroupName=g)
        self.idp.admin_delete_user(UserPoolId=self.pool_id, Username=a)
        self.assertEqual([u["Username"] for u in self.idp.list_users_in_group(UserPoolId=self.pool_id,
                                                                              GroupName=g)["Users"]], [b])

    def test_pagination(self):
        name = self.confirmed_user()
        gs = [unique("g") for _ in range(5)]
        for g in gs:
            self.idp.create_group(UserPoolId=self.pool_id, GroupName=g)
            self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=name, GroupName=g)
        r = self.idp.admin_list_groups_for_user(UserPoolId=self.pool_id, Username=name, Limit=3)
        self.assertEqual(len(r["Groups"]), 3)
        r2 = self.idp.admin_list_groups_for_user(UserPoolId=self.pool_id, Username=name, Limit=3,
                                                 NextToken=r["NextToken"])
        self.assertEqual(len(r2["Groups"]), 2)
        self.assertNotIn("NextToken", r2)


if __name__ == "__main__":
    unittest.main()
