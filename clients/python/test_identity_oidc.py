"""Identity pools with an external OpenID Connect provider registered in
IAM (OpenIdConnectProviderARNs): the Logins key is the provider URL without
scheme; tokens are checked against the provider's JWKS, issuer, audience
(its client ids) and expiry; an unreachable provider is
ExternalServiceException."""

import json
import socket
import unittest

from cryptography.hazmat.primitives.asymmetric import rsa

from identity_support import (ID_RE, IdentityTestCase, OIDCProvider, jwt_claims, tamper, trust_policy, unique)


class OIDCLogins(IdentityTestCase):

    def setup(self, allow_unauth=False):
        s = type("Setup", (), {})()
        s.idp = OIDCProvider("/" + unique("oidc"))
        self.addCleanup(s.idp.close)
        s.arn = self.iam.create_open_id_connect_provider(Url=s.idp.issuer, ClientIDList=["probe-client"],
                                                         ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
        self.addCleanup(self._quietly, self.iam.delete_open_id_connect_provider, OpenIDConnectProviderArn=s.arn)
        s.pool_id = self.identity_pool(allow_unauth=allow_unauth, OpenIdConnectProviderARNs=[s.arn])["IdentityPoolId"]
        s.auth_role = self.role(trust_policy(s.pool_id))
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id, Roles={"authenticated": s.auth_role})
        s.key = s.idp.host
        return s

    def test_get_id_and_credentials(self):
        s = self.setup()
        logins = {s.key: s.idp.token(sub="ext-1")}
        identity = self.get_id(s.pool_id, logins)
        self.assertRegex(identity, ID_RE)
        self.assertEqual(self.get_id(s.pool_id, {s.key: s.idp.token(sub="ext-1")}), identity)
        self.assertNotEqual(self.get_id(s.pool_id, {s.key: s.idp.token(sub="ext-2")}), identity)
        r = self.credentials(identity, logins)
        self.assertCredentials(r["Credentials"])
        self.assertEqual(self.ci.describe_identity(IdentityId=identity)["Logins"], [s.key])
        tok = self.ci_anon.get_open_id_token(IdentityId=identity, Logins=logins)["Token"]
        self.assertIn(s.key, jwt_claims(tok)["amr"])

    def test_bad_tokens(self):
        s = self.setup()
        identity = self.get_id(s.pool_id, {s.key: s.idp.token(sub="ext-1")})
        other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for bad in (s.idp.token(sub="ext-1", aud="someone-else"), s.idp.token(sub="ext-1", ttl=-300),
                    tamper(s.idp.token(sub="ext-1")), s.idp.token(sub="ext-1", key=other_key),
                    s.idp.token(sub="ext-1", iss="https://evil.example")):
            self.assertError("NotAuthorizedException", self.credentials, identity, {s.key: bad})
            self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                             Logins={s.key: bad})

    def test_unreachable_provider(self):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        url = "http://127.0.0.1:%d/%s" % (port, unique("gone"))
        arn = self.iam.create_open_id_connect_provider(Url=url, ClientIDList=["probe-client"],
                                                       ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
        self.addCleanup(self._quietly, self.iam.delete_open_id_connect_provider, OpenIDConnectProviderArn=arn)
        pid = self.identity_pool(OpenIdConnectProviderARNs=[arn])["IdentityPoolId"]
        # A token claiming that issuer, signed by some key: the keys cannot be fetched.
        fake = OIDCProvider()
        self.addCleanup(fake.close)
        tok = fake.token(iss=url)
        self.assertError("ExternalServiceException", self.ci_anon.get_id, IdentityPoolId=pid,
                         Logins={url.split("://", 1)[1]: tok})

    def test_rules_mapping_on_oidc_claims(self):
        s = self.setup()
        admin = self.role(trust_policy(s.pool_id))
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id, Roles={"authenticated": s.auth_role},
                                        RoleMappings={s.key: {"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
                                                              "RulesConfiguration": {"Rules": [
                                                                  {"Claim": "dept", "MatchType": "StartsWith",
                                                                   "Value": "eng", "RoleARN": admin}]}}})
        for dept, want in (("engineering", admin), ("sales", s.auth_role)):
            logins = {s.key: s.idp.token(sub="u-" + dept, dept=dept)}
            identity = self.get_id(s.pool_id, logins)
            arn = self.caller(self.credentials(identity, logins)["Credentials"])["Arn"]
            self.assertEqual(arn.split("/")[1], want.split("/")[-1], dept)

    def test_principal_tags_defaults(self):
        s = self.setup()
        self.ci.set_principal_tag_attribute_map(IdentityPoolId=s.pool_id, IdentityProviderName=s.key, UseDefaults=True)
        logins = {s.key: s.idp.token(sub="ext-tags")}
        identity = self.get_id(s.pool_id, logins)
        tok = self.ci_anon.get_open_id_token(IdentityId=identity, Logins=logins)["Token"]
        self.assertEqual(jwt_claims(tok)["https://aws.amazon.com/tags"]["principal_tags"],
                         {"client": ["probe-client"], "username": ["ext-tags"]})

    def test_link_user_pool_and_oidc(self):
        s = self.linked_setup()
        idp = OIDCProvider("/" + unique("oidc"))
        self.addCleanup(idp.close)
        arn = self.iam.create_open_id_connect_provider(Url=idp.issuer, ClientIDList=["probe-client"],
                                                       ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
        self.addCleanup(self._quietly, self.iam.delete_open_id_connect_provider, OpenIDConnectProviderArn=arn)
        d = self.ci.describe_identity_pool(IdentityPoolId=s.pool_id)
        self.ci.update_identity_pool(IdentityPoolId=s.pool_id, IdentityPoolName=d["IdentityPoolName"],
                                     AllowUnauthenticatedIdentities=False,
                                     CognitoIdentityProviders=d["CognitoIdentityProviders"],
                                     OpenIdConnectProviderARNs=[arn])
        identity = self.get_id(s.pool_id, s.logins)
        both = dict(s.logins)
        both[idp.host] = idp.token(sub="ext-linked")
        self.assertEqual(self.credentials(identity, both)["IdentityId"], identity)
        self.assertEqual(sorted(self.ci.describe_identity(IdentityId=identity)["Logins"]), sorted([s.provider, idp.host]))
        # The OIDC login alone now opens the identity...
        self.assertEqual(self.get_id(s.pool_id, {idp.host: idp.token(sub="ext-linked")}), identity)
        # ...and a second subject of the same provider cannot be linked to it.
        again = {s.provider: self.id_token(s.client_id, s.username), idp.host: idp.token(sub="ext-other")}
        self.assertError("ResourceConflictException", self.credentials, identity, again)
        # A bad token among good ones fails the whole call.
        mixed = {s.provider: self.id_token(s.client_id, s.username), idp.host: tamper(idp.token(sub="ext-linked"))}
        self.assertError("NotAuthorizedException", self.credentials, identity, mixed)


if __name__ == "__main__":
    unittest.main()
