"""Identity pool administration: Create/Describe/List/Update/DeleteIdentityPool,
Set/GetIdentityPoolRoles, Set/GetPrincipalTagAttributeMap and tags, as the
Amazon Cognito Federated Identities API reference documents them."""

import re
import unittest

from identity_support import ACCOUNT, ID_RE, REGION, IdentityTestCase, trust_policy, unique

MISSING_POOL = REGION + ":00000000-0000-0000-0000-000000000000"
VALIDATION_RE = r"^\d+ validation errors? detected: "


class CreateIdentityPool(IdentityTestCase):

    def test_returns_the_pool(self):
        up = self.user_pool()
        client = self.app_client(up)
        name = unique("pool name ")
        p = self.ci.create_identity_pool(
            IdentityPoolName=name, AllowUnauthenticatedIdentities=True, AllowClassicFlow=True,
            DeveloperProviderName="login.probe.example",
            CognitoIdentityProviders=[{"ProviderName": self.provider_name(up), "ClientId": client,
                                       "ServerSideTokenCheck": True}],
            SupportedLoginProviders={"accounts.google.com": "123.apps.googleusercontent.com"},
            IdentityPoolTags={"team": "red"})
        self.addCleanup(self.ci.delete_identity_pool, IdentityPoolId=p["IdentityPoolId"])
        self.assertRegex(p["IdentityPoolId"], ID_RE)
        self.assertEqual(p["IdentityPoolName"], name)
        self.assertIs(p["AllowUnauthenticatedIdentities"], True)
        self.assertIs(p["AllowClassicFlow"], True)
        self.assertEqual(p["DeveloperProviderName"], "login.probe.example")
        self.assertEqual(p["CognitoIdentityProviders"], [
            {"ProviderName": self.provider_name(up), "ClientId": client, "ServerSideTokenCheck": True}])
        self.assertEqual(p["SupportedLoginProviders"], {"accounts.google.com": "123.apps.googleusercontent.com"})
        self.assertEqual(p["IdentityPoolTags"], {"team": "red"})
        d = self.ci.describe_identity_pool(IdentityPoolId=p["IdentityPoolId"])
        d.pop("ResponseMetadata")
        p.pop("ResponseMetadata")
        self.assertEqual(d, p)

    def test_invalid_name(self):
        self.assertError("ValidationException", self.ci_raw.create_identity_pool,
                         IdentityPoolName="bad/name!", AllowUnauthenticatedIdentities=False, message_re=VALIDATION_RE)

    def test_missing_required_member(self):
        self.assertError("ValidationException", self.ci_raw.create_identity_pool,
                         IdentityPoolName=unique("p"), message_re=VALIDATION_RE)

    def test_unknown_user_pool_provider_name(self):
        self.assertError("InvalidParameterException", self.ci.create_identity_pool,
                         IdentityPoolName=unique("p"), AllowUnauthenticatedIdentities=False,
                         CognitoIdentityProviders=[{"ProviderName": "example.com/nothing", "ClientId": "abc"}])

    def test_invalid_oidc_arn(self):
        self.assertError("InvalidParameterException", self.ci.create_identity_pool,
                         IdentityPoolName=unique("p"), AllowUnauthenticatedIdentities=False,
                         OpenIdConnectProviderARNs=["arn:aws:iam::000000000000:role/not-a-provider"])

    def test_unsigned_is_refused(self):
        with self.assertRaises(Exception) as cm:
            self.ci_anon.create_identity_pool(IdentityPoolName=unique("p"), AllowUnauthenticatedIdentities=False)
        self.assertIn(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], (400, 403))

    def test_wrong_secret_is_refused(self):
        c = self.srv.client("cognito-identity", secret="not-the-secret")
        with self.assertRaises(Exception) as cm:
            c.list_identity_pools(MaxResults=1)
        self.assertIn(cm.exception.response["Error"]["Code"],
                      ("InvalidSignatureException", "SignatureDoesNotMatch", "UnrecognizedClientException"))


class DescribeIdentityPool(IdentityTestCase):

    def test_not_found(self):
        self.assertError("ResourceNotFoundException", self.ci.describe_identity_pool, IdentityPoolId=MISSING_POOL,
                         message="IdentityPool '%s' not found." % MISSING_POOL)

    def test_malformed_id(self):
        self.assertError("ValidationException", self.ci_raw.describe_identity_pool,
                         IdentityPoolId="not-a-pool-id", message_re=VALIDATION_RE)


class ListIdentityPools(IdentityTestCase):

    def test_pagination(self):
        mine = {self.identity_pool()["IdentityPoolId"] for _ in range(3)}
        seen, token, pages = {}, None, 0
        while True:
            kw = {"MaxResults": 2}
            if token:
                kw["NextToken"] = token
            r = self.ci.list_identity_pools(**kw)
            self.assertIsInstance(r["IdentityPools"], list)
            self.assertLessEqual(len(r["IdentityPools"]), 2)
            for p in r["IdentityPools"]:
                self.assertEqual(set(p), {"IdentityPoolId", "IdentityPoolName"})
                seen[p["IdentityPoolId"]] = p["IdentityPoolName"]
            pages += 1
            token = r.get("NextToken")
            if not token:
                break
        self.assertTrue(mine <= set(seen))
        self.assertGreaterEqual(pages, 2)

    def test_paginator(self):
        mine = self.identity_pool()["IdentityPoolId"]
        ids = [p["IdentityPoolId"] for page in self.ci.get_paginator("list_identity_pools").paginate(
            PaginationConfig={"PageSize": 1}) for p in page["IdentityPools"]]
        self.assertIn(mine, ids)
        self.assertEqual(len(ids), len(set(ids)))

    def test_max_results_bounds(self):
        for n in (0, 61):
            self.assertError("ValidationException", self.ci_raw.list_identity_pools, MaxResults=n,
                             message_re=VALIDATION_RE)

    def test_max_results_required(self):
        self.assertError("ValidationException", self.ci_raw.list_identity_pools, message_re=VALIDATION_RE)

    def test_other_regions(self):
        # A client configured for another region neither lists nor reads
        # this region's pools, as at AWS's regional endpoints.
        other = "ap-southeast-1" if REGION != "ap-southeast-1" else "us-west-2"
        away = self.srv.client("cognito-identity", region=other)
        theirs = away.create_identity_pool(IdentityPoolName=unique("away"),
                                           AllowUnauthenticatedIdentities=False)["IdentityPoolId"]
        try:
            mine = self.identity_pool()["IdentityPoolId"]
            self.assertTrue(theirs.startswith(other + ":"))
            listed = {p["IdentityPoolId"] for page in away.get_paginator("list_identity_pools").paginate(
                PaginationConfig={"PageSize": 60}) for p in page["IdentityPools"]}
            self.assertIn(theirs, listed)
            self.assertNotIn(mine, listed)
            self.assertTrue(all(i.startswith(other + ":") for i in listed), listed)
            self.assertError("ResourceNotFoundException", away.describe_identity_pool, IdentityPoolId=mine,
                             message="IdentityPool '%s' not found." % mine)
            self.assertError("ResourceNotFoundException", self.ci.describe_identity_pool, IdentityPoolId=theirs,
                             message="IdentityPool '%s' not found." % theirs)
        finally:
            away.delete_identity_pool(IdentityPoolId=theirs)

    def test_bad_token(self):
        self.assertError("InvalidParameterException", self.ci.list_identity_pools, MaxResults=5,
                         NextToken="bm90LWEtdG9rZW4=")


class UpdateIdentityPool(IdentityTestCase):

    def test_replaces_settings(self):
        p = self.identity_pool(allow_unauth=True, SupportedLoginProviders={"graph.facebook.com": "123"},
                               IdentityPoolTags={"a": "1"})
        pid = p["IdentityPoolId"]
        u = self.ci.update_identity_pool(IdentityPoolId=pid, IdentityPoolName="renamed",
                                         AllowUnauthenticatedIdentities=False)
        self.assertEqual(u["IdentityPoolName"], "renamed")
        self.assertIs(u["AllowUnauthenticatedIdentities"], False)
        d = self.ci.describe_identity_pool(IdentityPoolId=pid)
        self.assertEqual(d["IdentityPoolName"], "renamed")
        self.assertFalse(d.get("SupportedLoginProviders"))
        # Tags are left alone when IdentityPoolTags is not given.
        self.assertEqual(d["IdentityPoolTags"], {"a": "1"})

    def test_not_found(self):
        self.assertError("ResourceNotFoundException", self.ci.update_identity_pool, IdentityPoolId=MISSING_POOL,
                         IdentityPoolName="x", AllowUnauthenticatedIdentities=False)

    def test_developer_provider_cannot_change(self):
        p = self.identity_pool(DeveloperProviderName="dev.one")
        self.assertError("InvalidParameterException", self.ci.update_identity_pool,
                         IdentityPoolId=p["IdentityPoolId"], IdentityPoolName=p["IdentityPoolName"],
                         AllowUnauthenticatedIdentities=False, DeveloperProviderName="dev.two")


class DeleteIdentityPool(IdentityTestCase):

    def test_delete(self):
        pid = self.ci.create_identity_pool(IdentityPoolName=unique("p"),
                                           AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
        identity = self.get_id(pid)
        self.ci.delete_identity_pool(IdentityPoolId=pid)
        self.assertError("ResourceNotFoundException", self.ci.describe_identity_pool, IdentityPoolId=pid)
        self.assertError("ResourceNotFoundException", self.ci.delete_identity_pool, IdentityPoolId=pid)
        self.assertError("ResourceNotFoundException", self.ci.describe_identity, IdentityId=identity)
        self.assertError("ResourceNotFoundException", self.ci_anon.get_id, IdentityPoolId=pid)


class IdentityPoolRoles(IdentityTestCase):

    def test_roles_round_trip(self):
        up = self.user_pool()
        client = self.app_client(up)
        pid = self.identity_pool(CognitoIdentityProviders=[
            {"ProviderName": self.provider_name(up), "ClientId": client}])["IdentityPoolId"]
        auth = self.role(trust_policy(pid))
        unauth = self.role(trust_policy(pid, "unauthenticated"))
        key = "%s:%s" % (self.provider_name(up), client)
        mappings = {key: {"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole", "RulesConfiguration": {
            "Rules": [{"Claim": "custom:team", "MatchType": "Equals", "Value": "red", "RoleARN": auth}]}}}
        self.ci.set_identity_pool_roles(IdentityPoolId=pid, Roles={"authenticated": auth, "unauthenticated": unauth},
                                        RoleMappings=mappings)
        r = self.ci.get_identity_pool_roles(IdentityPoolId=pid)
        self.assertEqual(r["IdentityPoolId"], pid)
        self.assertEqual(r["Roles"], {"authenticated": auth, "unauthenticated": unauth})
        self.assertEqual(r["RoleMappings"], mappings)
        token = {key: {"Type": "Token", "AmbiguousRoleResolution": "Deny"}}
        self.ci.set_identity_pool_roles(IdentityPoolId=pid, Roles={"authenticated": auth}, RoleMappings=token)
        r = self.ci.get_identity_pool_roles(IdentityPoolId=pid)
        self.assertEqual(r["Roles"], {"authenticated": auth})
        self.assertEqual(r["RoleMappings"], token)

    def test_invalid_role_type(self):
        pid = self.identity_pool()["IdentityPoolId"]
        self.assertError("ValidationException", self.ci.set_identity_pool_roles, IdentityPoolId=pid,
                         Roles={"admin": "arn:aws:iam::%s:role/x" % ACCOUNT})

    def test_invalid_role_arn(self):
        pid = self.identity_pool()["IdentityPoolId"]
        self.assertError("InvalidParameterException", self.ci.set_identity_pool_roles, IdentityPoolId=pid,
                         Roles={"authenticated": "arn:aws:s3:::not-a-role-at-all"})

    def test_rules_mapping_needs_rules(self):
        up = self.user_pool()
        client = self.app_client(up)
        pid = self.identity_pool(CognitoIdentityProviders=[
            {"ProviderName": self.provider_name(up), "ClientId": client}])["IdentityPoolId"]
        key = "%s:%s" % (self.provider_name(up), client)
        self.assertError("InvalidParameterException", self.ci.set_identity_pool_roles, IdentityPoolId=pid,
                         Roles={}, RoleMappings={key: {"Type": "Rules", "AmbiguousRoleResolution": "Deny"}})

    def test_mapping_key_must_be_a_provider(self):
        pid = self.identity_pool()["IdentityPoolId"]
        self.assertError("InvalidParameterException", self.ci.set_identity_pool_roles, IdentityPoolId=pid,
                         Roles={}, RoleMappings={"graph.facebook.com": {"Type": "Token",
                                                                         "AmbiguousRoleResolution": "Deny"}})

    def test_not_found(self):
        self.assertError("ResourceNotFoundException", self.ci.get_identity_pool_roles, IdentityPoolId=MISSING_POOL)
        self.assertError("ResourceNotFoundException", self.ci.set_identity_pool_roles, IdentityPoolId=MISSING_POOL,
                         Roles={})


class PrincipalTagAttributeMap(IdentityTestCase):

    def test_round_trip(self):
        up = self.user_pool()
        client = self.app_client(up)
        provider = self.provider_name(up)
        pid = self.identity_pool(CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client}])[
            "IdentityPoolId"]
        r = self.ci.set_principal_tag_attribute_map(IdentityPoolId=pid, IdentityProviderName=provider,
                                                    UseDefaults=False, PrincipalTags={"dept": "custom:dept"})
        self.assertEqual(r["IdentityPoolId"], pid)
        self.assertEqual(r["IdentityProviderName"], provider)
        self.assertIs(r["UseDefaults"], False)
        self.assertEqual(r["PrincipalTags"], {"dept": "custom:dept"})
        g = self.ci.get_principal_tag_attribute_map(IdentityPoolId=pid, IdentityProviderName=provider)
        self.assertEqual(g["PrincipalTags"], {"dept": "custom:dept"})
        self.assertIs(g["UseDefaults"], False)
        self.ci.set_principal_tag_attribute_map(IdentityPoolId=pid, IdentityProviderName=provider, UseDefaults=True)
        g = self.ci.get_principal_tag_attribute_map(IdentityPoolId=pid, IdentityProviderName=provider)
        self.assertIs(g["UseDefaults"], True)
        # The developer guide's default map for a user pool: client <- aud, username <- sub.
        self.assertEqual(g["PrincipalTags"], {"client": "aud", "username": "sub"})

    def test_provider_not_configured(self):
        pid = self.identity_pool()["IdentityPoolId"]
        self.assertError("InvalidParameterException", self.ci.get_principal_tag_attribute_map, IdentityPoolId=pid,
                         IdentityProviderName="cognito-idp.%s.amazonaws.com/%s_nothing" % (REGION, REGION))

    def test_not_found(self):
        self.assertError("ResourceNotFoundException", self.ci.get_principal_tag_attribute_map,
                         IdentityPoolId=MISSING_POOL, IdentityProviderName="accounts.google.com")


class Tags(IdentityTestCase):

    def arn(self, pid):
        return "arn:aws:cognito-identity:%s:%s:identitypool/%s" % (REGION, ACCOUNT, pid)

    def test_tag_untag_list(self):
        pid = self.identity_pool(IdentityPoolTags={"a": "1"})["IdentityPoolId"]
        arn = self.arn(pid)
        self.assertEqual(self.ci.list_tags_for_resource(ResourceArn=arn)["Tags"], {"a": "1"})
        self.ci.tag_resource(ResourceArn=arn, Tags={"b": "2", "a": "one"})
        self.assertEqual(self.ci.list_tags_for_resource(ResourceArn=arn)["Tags"], {"a": "one", "b": "2"})
        self.assertEqual(self.ci.describe_identity_pool(IdentityPoolId=pid)["IdentityPoolTags"], {"a": "one", "b": "2"})
        self.ci.untag_resource(ResourceArn=arn, TagKeys=["a", "missing"])
        self.assertEqual(self.ci.list_tags_for_resource(ResourceArn=arn)["Tags"], {"b": "2"})
        self.ci.untag_resource(ResourceArn=arn, TagKeys=["b"])
        self.assertEqual(self.ci.list_tags_for_resource(ResourceArn=arn)["Tags"], {})

    def test_unknown_resource(self):
        self.assertError("ResourceNotFoundException", self.ci.list_tags_for_resource,
                         ResourceArn=self.arn(MISSING_POOL))
        self.assertError("ResourceNotFoundException", self.ci.tag_resource, ResourceArn=self.arn(MISSING_POOL),
                         Tags={"a": "b"})

    def test_too_many_tags(self):
        pid = self.identity_pool()["IdentityPoolId"]
        tags = {"k%d" % i: "v" for i in range(51)}
        self.assertError("InvalidParameterException", self.ci_raw.tag_resource, ResourceArn=self.arn(pid), Tags=tags)


if __name__ == "__main__":
    unittest.main()
