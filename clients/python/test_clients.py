"""App clients: CreateUserPoolClient, DescribeUserPoolClient,
UpdateUserPoolClient, DeleteUserPoolClient, ListUserPoolClients."""

import unittest

from support import CognitoTestCase, unique, PASSWORD


class CreateUserPoolClient(CognitoTestCase):

    def test_defaults(self):
        c = self.idp.create_user_pool_client(UserPoolId=self.pool_id, ClientName="app")["UserPoolClient"]
        self.assertRegex(c["ClientId"], r"^[a-z0-9]{26}$")
        self.assertEqual(c["UserPoolId"], self.pool_id)
        self.assertEqual(c["ClientName"], "app")
        self.assertNotIn("ClientSecret", c)
        self.assertTimestamp(c["CreationDate"])
        self.assertTimestamp(c["LastModifiedDate"])
        self.assertEqual(c["RefreshTokenValidity"], 30)
        self.assertEqual(c["AccessTokenValidity"], 60)
        self.assertEqual(c["IdTokenValidity"], 60)
        self.assertEqual(c["TokenValidityUnits"], {"AccessToken": "minutes", "IdToken": "minutes",
                                                   "RefreshToken": "days"})
        self.assertEqual(sorted(c["ExplicitAuthFlows"]),
                         ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
        self.assertEqual(c["AllowedOAuthFlowsUserPoolClient"], False)
        self.assertEqual(c["PreventUserExistenceErrors"], "LEGACY")
        self.assertIs(c["EnableTokenRevocation"], True)
        self.assertIs(c["EnablePropagateAdditionalUserContextData"], False)
        self.assertEqual(c["AuthSessionValidity"], 3)

    def test_generate_secret(self):
        c = self.idp.create_user_pool_client(UserPoolId=self.pool_id, ClientName="s",
                                             GenerateSecret=True)["UserPoolClient"]
        self.assertRegex(c["ClientSecret"], r"^[a-z0-9]{40,}$")
        d = self.idp.describe_user_pool_client(UserPoolId=self.pool_id, ClientId=c["ClientId"])["UserPoolClient"]
        self.assertEqual(d["ClientSecret"], c["ClientSecret"])

    def test_settings_echoed(self):
        c = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="x", RefreshTokenValidity=10, AccessTokenValidity=2,
            IdTokenValidity=3, TokenValidityUnits={"AccessToken": "hours", "IdToken": "hours",
                                                   "RefreshToken": "days"},
            ReadAttributes=["email", "email_verified"], WriteAttributes=["email"],
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            PreventUserExistenceErrors="ENABLED", EnableTokenRevocation=False, AuthSessionValidity=4,
        )["UserPoolClient"]
        self.assertEqual(c["RefreshTokenValidity"], 10)
        self.assertEqual(c["AccessTokenValidity"], 2)
        self.assertEqual(c["IdTokenValidity"], 3)
        self.assertEqual(c["TokenValidityUnits"]["AccessToken"], "hours")
        self.assertEqual(sorted(c["ReadAttributes"]), ["email", "email_verified"])
        self.assertEqual(c["WriteAttributes"], ["email"])
        self.assertEqual(sorted(c["ExplicitAuthFlows"]), ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"])
        self.assertEqual(c["PreventUserExistenceErrors"], "ENABLED")
        self.assertIs(c["EnableTokenRevocation"], False)
        self.assertEqual(c["AuthSessionValidity"], 4)

    def test_unknown_pool(self):
        self.assertError("ResourceNotFoundException", self.idp.create_user_pool_client,
                         UserPoolId="us-east-1_000000000", ClientName="x")

    def test_access_token_validity_range(self):
        self.assertError("InvalidParameterException", self.idp.create_user_pool_client, UserPoolId=self.pool_id,
                         ClientName="x", AccessTokenValidity=2, TokenValidityUnits={"AccessToken": "days"})
        self.assertError("InvalidParameterException", self.idp.create_user_pool_client, UserPoolId=self.pool_id,
                         ClientName="x", AccessTokenValidity=4, TokenValidityUnits={"AccessToken": "minutes"})

    def test_refresh_token_validity_range(self):
        self.assertError("InvalidParameterException", self.idp.create_user_pool_client, UserPoolId=self.pool_id,
                         ClientName="x", RefreshTokenValidity=3651)
        self.assertError("InvalidParameterException", self.idp.create_user_pool_client, UserPoolId=self.pool_id,
                         ClientName="x", RefreshTokenValidity=59, TokenValidityUnits={"RefreshToken": "minutes"})

    def test_unknown_read_attribute(self):
        self.assertError("InvalidParameterException", self.idp.create_user_pool_client, UserPoolId=self.pool_id,
                         ClientName="x", ReadAttributes=["custom:nope"])

    def test_invalid_flow_enum(self):
        self.assertValidation(self.raw.create_user_pool_client, UserPoolId=self.pool_id, ClientName="x",
                              ExplicitAuthFlows=["ALLOW_EVERYTHING"])

    def test_mixed_legacy_and_new_flows(self):
        self.assertError("InvalidParameterException", self.idp.create_user_pool_client, UserPoolId=self.pool_id,
                         ClientName="x", ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])

    def test_client_name_validation(self):
        self.assertValidation(self.raw.create_user_pool_client, UserPoolId=self.pool_id, ClientName="",
                              member="clientName")

    def test_auth_session_validity_range(self):
        self.assertValidation(self.raw.create_user_pool_client, UserPoolId=self.pool_id, ClientName="x",
                              AuthSessionValidity=16, member="authSessionValidity")


class DescribeUserPoolClient(CognitoTestCase):

    def test_describe(self):
        c = self.new_client()
        d = self.idp.describe_user_pool_client(UserPoolId=self.pool_id, ClientId=c["ClientId"])["UserPoolClient"]
        self.assertEqual(d, c)

    def test_unknown_client(self):
        self.assertError("ResourceNotFoundException", self.idp.describe_user_pool_client, UserPoolId=self.pool_id,
                         ClientId="abcdefghijklmnopqrstuvwxyz",
                         message="User pool client abcdefghijklmnopqrstuvwxyz does not exist.")

    def test_client_of_other_pool(self):
        other = self.new_pool()
        c = self.new_client(other["Id"])
        self.assertError("ResourceNotFoundException", self.idp.describe_user_pool_client, UserPoolId=self.pool_id,
                         ClientId=c["ClientId"])

    def test_bad_client_id_pattern(self):
        self.assertValidation(self.raw.describe_user_pool_client, UserPoolId=self.pool_id, ClientId="bad id!",
                              member="clientId")


class UpdateUserPoolClient(CognitoTestCase):

    def test_unspecified_settings_reset(self):
        c = self.new_client(ReadAttributes=["email"], PreventUserExistenceErrors="ENABLED", AccessTokenValidity=5,
                            EnableTokenRevocation=False)
        u = self.idp.update_user_pool_client(UserPoolId=self.pool_id, ClientId=c["ClientId"],
                                             ClientName="renamed")["UserPoolClient"]
        self.assertEqual(u["ClientName"], "renamed")
        self.assertNotIn("ReadAttributes", u)
        self.assertEqual(u["PreventUserExistenceErrors"], "LEGACY")
        self.assertEqual(u["AccessTokenValidity"], 60)
        self.assertIs(u["EnableTokenRevocation"], True)
        self.assertEqual(sorted(u["ExplicitAuthFlows"]),
                         ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
        self.assertEqual(u["CreationDate"], c["CreationDate"])
        d = self.idp.describe_user_pool_client(UserPoolId=self.pool_id, ClientId=c["ClientId"])["UserPoolClient"]
        self.assertEqual(d, u)

    def test_secret_kept(self):
        c = self.new_client(GenerateSecret=True)
        u = self.idp.update_user_pool_client(UserPoolId=self.pool_id, ClientId=c["ClientId"])["UserPoolClient"]
        self.assertEqual(u["ClientSecret"], c["ClientSecret"])

    def test_flows_take_effect(self):
        c = self.new_client()
        user = self.confirmed_user()
        self.sign_in(c["ClientId"], user)
        self.idp.update_user_pool_client(UserPoolId=self.pool_id, ClientId=c["ClientId"],
                                         ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"])
        self.assertError("InvalidParameterException", self.sign_in, c["ClientId"], user)

    def test_unknown_client(self):
        self.assertError("ResourceNotFoundException", self.idp.update_user_pool_client, UserPoolId=self.pool_id,
                         ClientId="abcdefghijklmnopqrstuvwxyz")


class DeleteUserPoolClient(CognitoTestCase):

    def test_delete(self):
        c = self.new_client()
        user = self.confirmed_user()
        tokens = self.tokens(c["ClientId"], user)
        self.idp.delete_user_pool_client(UserPoolId=self.pool_id, ClientId=c["ClientId"])
        self.assertError("ResourceNotFoundException", self.idp.describe_user_pool_client, UserPoolId=self.pool_id,
                         ClientId=c["ClientId"])
        self.assertError("ResourceNotFoundException", self.anon.initiate_auth, ClientId=c["ClientId"],
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        self.assertError("ResourceNotFoundException", self.idp.delete_user_pool_client, UserPoolId=self.pool_id,
                         ClientId=c["ClientId"])


class ListUserPoolClients(CognitoTestCase):

    def test_paginates(self):
        p = self.new_pool()
        ids = {self.new_client(p["Id"])["ClientId"] for _ in range(3)}
        seen = set()
        for page in self.idp.get_paginator("list_user_pool_clients").paginate(UserPoolId=p["Id"],
                                                                              PaginationConfig={"PageSize": 2}):
            self.assertLessEqual(len(page["UserPoolClients"]), 2)
            for c in page["UserPoolClients"]:
                self.assertEqual(set(c), {"ClientId", "UserPoolId", "ClientName"})
                seen.add(c["ClientId"])
        self.assertEqual(seen, ids)

    def test_empty(self):
        p = self.new_pool()
        r = self.idp.list_user_pool_clients(UserPoolId=p["Id"])
        self.assertEqual(r["UserPoolClients"], [])
        self.assertNotIn("NextToken", r)

    def test_unknown_pool(self):
        self.assertError("ResourceNotFoundException", self.idp.list_user_pool_clients,
                         UserPoolId="us-east-1_000000000")


if __name__ == "__main__":
    unittest.main()
