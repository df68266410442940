"""Developer-authenticated identities: GetOpenIdTokenForDeveloperIdentity,
LookupDeveloperIdentity, MergeDeveloperIdentities, UnlinkDeveloperIdentity,
and the tokens they return used with GetCredentialsForIdentity and STS."""

import unittest

from identity_support import ID_RE, REGION, IdentityTestCase, jwt_claims, tamper, trust_policy, unique

COGNITO = "cognito-identity.amazonaws.com"


class DeveloperIdentities(IdentityTestCase):

    def setup(self, allow_unauth=False):
        s = type("Setup", (), {})()
        s.dev = "login." + unique("dev") + ".example"
        s.pool_id = self.identity_pool(allow_unauth=allow_unauth, DeveloperProviderName=s.dev)["IdentityPoolId"]
        s.auth_role = self.role(trust_policy(s.pool_id))
        s.unauth_role = self.role(trust_policy(s.pool_id, "unauthenticated"))
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id,
                                        Roles={"authenticated": s.auth_role, "unauthenticated": s.unauth_role})
        return s

    def dev_token(self, s, user, **kw):
        return self.ci.get_open_id_token_for_developer_identity(IdentityPoolId=s.pool_id, Logins={s.dev: user}, **kw)

    def test_token_and_credentials(self):
        s = self.setup()
        r = self.dev_token(s, "alice")
        self.assertRegex(r["IdentityId"], ID_RE)
        c = jwt_claims(r["Token"])
        self.assertEqual(c["sub"], r["IdentityId"])
        self.assertEqual(c["aud"], s.pool_id)
        self.assertIn("authenticated", c["amr"])
        self.assertIn(s.dev, c["amr"])
        self.assertEqual(c["exp"] - c["iat"], 900)  # 15 minutes by default
        self.assertEqual(self.dev_token(s, "alice")["IdentityId"], r["IdentityId"])
        creds = self.credentials(r["IdentityId"], {COGNITO: r["Token"]})
        self.assertEqual(creds["IdentityId"], r["IdentityId"])
        self.assertCredentials(creds["Credentials"])
        a = self.sts_anon.assume_role_with_web_identity(RoleArn=s.auth_role, RoleSessionName="dev",
                                                        WebIdentityToken=r["Token"])
        self.assertEqual(a["SubjectFromWebIdentityToken"], r["IdentityId"])

    def test_token_duration(self):
        s = self.setup()
        c = jwt_claims(self.dev_token(s, "bob", TokenDuration=3600)["Token"])
        self.assertEqual(c["exp"] - c["iat"], 3600)
        self.assertError("ValidationException", self.ci_raw.get_open_id_token_for_developer_identity,
                         IdentityPoolId=s.pool_id, Logins={s.dev: "bob"}, TokenDuration=86401)

    def test_token_does_not_open_other_identities(self):
        s = self.setup()
        alice = self.dev_token(s, "alice")
        bob = self.dev_token(s, "bob")
        self.assertError("NotAuthorizedException", self.credentials, bob["IdentityId"], {COGNITO: alice["Token"]})
        self.assertError("NotAuthorizedException", self.credentials, alice["IdentityId"], {COGNITO: tamper(alice["Token"])})

    def test_developer_provider_login_is_not_accepted_unsigned(self):
        s = self.setup()
        alice = self.dev_token(s, "alice")
        self.assertError("NotAuthorizedException", self.credentials, alice["IdentityId"], {s.dev: "alice"})
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id, Logins={s.dev: "alice"})

    def test_developer_operations_are_signed(self):
        s = self.setup()
        with self.assertRaises(Exception) as cm:
            self.ci_anon.get_open_id_token_for_developer_identity(IdentityPoolId=s.pool_id, Logins={s.dev: "x"})
        self.assertIn(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], (400, 403))
        with self.assertRaises(Exception):
            self.ci_anon.lookup_developer_identity(IdentityPoolId=s.pool_id, DeveloperUserIdentifier="x")

    def test_already_registered(self):
        s = self.setup()
        alice = self.dev_token(s, "alice")["IdentityId"]
        bob = self.dev_token(s, "bob")["IdentityId"]
        self.assertError("DeveloperUserAlreadyRegisteredException",
                         self.ci.get_open_id_token_for_developer_identity, IdentityPoolId=s.pool_id, IdentityId=bob,
                         Logins={s.dev: "alice"})
        self.assertNotEqual(alice, bob)

    def test_link_a_second_identifier(self):
        s = self.setup()
        alice = self.dev_token(s, "alice")["IdentityId"]
        r = self.ci.get_open_id_token_for_developer_identity(IdentityPoolId=s.pool_id, IdentityId=alice,
                                                             Logins={s.dev: "alice-2"})
        self.assertEqual(r["IdentityId"], alice)
        ids = self.ci.lookup_developer_identity(IdentityPoolId=s.pool_id, IdentityId=alice)[
            "DeveloperUserIdentifierList"]
        self.assertEqual(sorted(ids), ["alice", "alice-2"])

    def test_lookup(self):
        s = self.setup()
        alice = self.dev_token(s, "alice")["IdentityId"]
        r = self.ci.lookup_developer_identity(IdentityPoolId=s.pool_id, DeveloperUserIdentifier="alice")
        self.assertEqual(r["IdentityId"], alice)
        self.assertEqual(r["DeveloperUserIdentifierList"], ["alice"])
        r = self.ci.lookup_developer_identity(IdentityPoolId=s.pool_id, IdentityId=alice, MaxResults=10)
        self.assertEqual(r["DeveloperUserIdentifierList"], ["alice"])
        self.assertError("ResourceNotFoundException", self.ci.lookup_developer_identity, IdentityPoolId=s.pool_id,
                         DeveloperUserIdentifier="nobody")
        bob = self.dev_token(s, "bob")["IdentityId"]
        self.assertError("ResourceConflictException", self.ci.lookup_developer_identity, IdentityPoolId=s.pool_id,
                         IdentityId=bob, DeveloperUserIdentifier="alice")

    def test_lookup_paginates(self):
        s = self.setup()
        alice = self.dev_token(s, "alice")["IdentityId"]
        for extra in ("alice-2", "alice-3"):
            self.ci.get_open_id_token_for_developer_identity(IdentityPoolId=s.pool_id, IdentityId=alice,
                                                             Logins={s.dev: extra})
        seen, token = [], None
        while True:
            kw = {"IdentityPoolId": s.pool_id, "IdentityId": alice, "MaxResults": 2}
            if token:
                kw["NextToken"] = token
            r = self.ci.lookup_developer_identity(**kw)
            self.assertEqual(r["IdentityId"], alice)
            self.assertLessEqual(len(r["DeveloperUserIdentifierList"]), 2)
            seen += r["DeveloperUserIdentifierList"]
            token = r.get("NextToken")
            if not token:
                break
        self.assertEqual(sorted(seen), ["alice", "alice-2", "alice-3"])

    def test_expired_token(self):
        import time
        s = self.setup()
        r = self.dev_token(s, "erin", TokenDuration=1)
        time.sleep(2.2)
        self.assertError("NotAuthorizedException", self.credentials, r["IdentityId"], {COGNITO: r["Token"]})
        self.assertError("ExpiredTokenException", self.sts_anon.assume_role_with_web_identity, RoleArn=s.auth_role,
                         RoleSessionName="late", WebIdentityToken=r["Token"])

    def test_lookup_needs_an_id(self):
        s = self.setup()
        self.assertError("InvalidParameterException", self.ci.lookup_developer_identity, IdentityPoolId=s.pool_id)

    def test_merge(self):
        s = self.setup()
        alice = self.dev_token(s, "alice")["IdentityId"]
        alias = self.dev_token(s, "alice-alias")["IdentityId"]
        r = self.ci.merge_developer_identities(SourceUserIdentifier="alice-alias", DestinationUserIdentifier="alice",
                                               DeveloperProviderName=s.dev, IdentityPoolId=s.pool_id)
        self.assertEqual(r["IdentityId"], alice)
        self.assertEqual(self.ci.lookup_developer_identity(IdentityPoolId=s.pool_id,
                                                           DeveloperUserIdentifier="alice-alias")["IdentityId"], alice)
        self.assertEqual(self.dev_token(s, "alice-alias")["IdentityId"], alice)
        self.assertNotEqual(alias, alice)
        shown = [i["IdentityId"] for i in self.ci.list_identities(IdentityPoolId=s.pool_id, MaxResults=60,
                                                                  HideDisabled=True)["Identities"]]
        self.assertNotIn(alias, shown)

    def test_merge_unknown(self):
        s = self.setup()
        self.dev_token(s, "alice")
        self.assertError("ResourceNotFoundException", self.ci.merge_developer_identities,
                         SourceUserIdentifier="nobody", DestinationUserIdentifier="alice",
                         DeveloperProviderName=s.dev, IdentityPoolId=s.pool_id)

    def test_merge_wrong_provider(self):
        s = self.setup()
        self.dev_token(s, "alice")
        self.dev_token(s, "bob")
        self.assertError("InvalidParameterException", self.ci.merge_developer_identities,
                         SourceUserIdentifier="bob", DestinationUserIdentifier="alice",
                         DeveloperProviderName="other.example", IdentityPoolId=s.pool_id)

    def test_unlink(self):
        s = self.setup()
        alice = self.dev_token(s, "alice")["IdentityId"]
        self.ci.unlink_developer_identity(IdentityId=alice, IdentityPoolId=s.pool_id, DeveloperProviderName=s.dev,
                                          DeveloperUserIdentifier="alice")
        self.assertError("ResourceNotFoundException", self.ci.lookup_developer_identity, IdentityPoolId=s.pool_id,
                         DeveloperUserIdentifier="alice")
        self.assertNotEqual(self.dev_token(s, "alice")["IdentityId"], alice)

    def test_unlink_not_linked(self):
        s = self.setup()
        alice = self.dev_token(s, "alice")["IdentityId"]
        self.dev_token(s, "bob")
        self.assertError("ResourceNotFoundException", self.ci.unlink_developer_identity, IdentityId=alice,
                         IdentityPoolId=s.pool_id, DeveloperProviderName=s.dev, DeveloperUserIdentifier="bob")

    def test_pool_without_developer_provider(self):
        pid = self.identity_pool()["IdentityPoolId"]
        self.assertError("InvalidParameterException", self.ci.get_open_id_token_for_developer_identity,
                         IdentityPoolId=pid, Logins={"login.other.example": "x"})

    def test_principal_tags_in_token(self):
        s = self.setup()
        r = self.dev_token(s, "carol", PrincipalTags={"team": "blue"})
        tags = jwt_claims(r["Token"])["https://aws.amazon.com/tags"]["principal_tags"]
        self.assertEqual(tags, {"team": ["blue"]})
        a = self.sts_anon.assume_role_with_web_identity(RoleArn=s.auth_role, RoleSessionName="dev",
                                                        WebIdentityToken=r["Token"])
        self.assertCredentials(a["Credentials"])

    def test_guest_then_developer(self):
        # A guest identity becomes authenticated when the developer links a
        # user identifier to it, and is no longer a guest after that.
        s = self.setup(allow_unauth=True)
        guest = self.get_id(s.pool_id)
        r = self.ci.get_open_id_token_for_developer_identity(IdentityPoolId=s.pool_id, IdentityId=guest,
                                                             Logins={s.dev: "dave"})
        self.assertEqual(r["IdentityId"], guest)
        self.assertError("NotAuthorizedException", self.credentials, guest)


if __name__ == "__main__":
    unittest.main()
