"""Federation settings: CreateIdentityProvider, DescribeIdentityProvider,
UpdateIdentityProvider, DeleteIdentityProvider, ListIdentityProviders,
GetIdentityProviderByIdentifier, the resource-server operations, the user
pool domain operations and GetCSVHeader."""

import unittest

from support import CognitoTestCase, unique

OIDC = {
    "client_id": "idp-client", "client_secret": "idp-secret", "authorize_scopes": "openid email",
    "oidc_issuer": "https://issuer.example.com", "attributes_request_method": "GET",
}


class IdentityProviders(CognitoTestCase):

    def test_lifecycle(self):
        pool = self.new_pool()["Id"]
        p = self.idp.create_identity_provider(
            UserPoolId=pool, ProviderName="corp", ProviderType="OIDC", ProviderDetails=OIDC,
            AttributeMapping={"email": "email"}, IdpIdentifiers=["corp.example.com"])["IdentityProvider"]
        self.assertEqual(p["UserPoolId"], pool)
        self.assertEqual(p["ProviderType"], "OIDC")
        self.assertEqual(p["ProviderDetails"]["client_secret"], "idp-secret")
        self.assertEqual(p["AttributeMapping"]["email"], "email")
        self.assertEqual(p["IdpIdentifiers"], ["corp.example.com"])
        self.assertTimestamp(p["CreationDate"])
        self.assertTimestamp(p["LastModifiedDate"])
        d = self.idp.get_identity_provider_by_identifier(UserPoolId=pool, IdpIdentifier="corp.example.com")
        self.assertEqual(d["IdentityProvider"]["ProviderName"], "corp")
        listed = self.idp.list_identity_providers(UserPoolId=pool)["Providers"]
        self.assertEqual([x["ProviderName"] for x in listed], ["corp"])
        self.assertError("DuplicateProviderException", self.idp.create_identity_provider,
                         UserPoolId=pool, ProviderName="corp", ProviderType="OIDC", ProviderDetails=OIDC)
        u = self.idp.update_identity_provider(UserPoolId=pool, ProviderName="corp",
                                              ProviderDetails={"authorize_scopes": "openid"})["IdentityProvider"]
        self.assertEqual(u["ProviderDetails"]["authorize_scopes"], "openid")
        self.idp.delete_identity_provider(UserPoolId=pool, ProviderName="corp")
        self.assertError("ResourceNotFoundException", self.idp.describe_identity_provider,
                         UserPoolId=pool, ProviderName="corp")

    def test_missing_details(self):
        details = dict(OIDC)
        del details["oidc_issuer"]
        self.assertError("InvalidParameterException", self.idp.create_identity_provider,
                         UserPoolId=self.pool_id, ProviderName="bad", ProviderType="OIDC", ProviderDetails=details)

    def test_client_providers(self):
        self.assertError("InvalidParameterException", self.idp.create_user_pool_client,
                         UserPoolId=self.pool_id, ClientName="c", SupportedIdentityProviders=["Nope"],
                         message="The provider Nope does not exist for User Pool %s" % self.pool_id)


class ResourceServers(CognitoTestCase):

    def test_lifecycle_and_client_scopes(self):
        pool = self.new_pool()["Id"]
        rs = self.idp.create_resource_server(
            UserPoolId=pool, Identifier="https://api.example.com", Name="api",
            Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])["ResourceServer"]
        self.assertEqual(rs["Scopes"], [{"ScopeName": "read", "ScopeDescription": "Read"}])
        self.assertError("InvalidParameterException", self.idp.create_resource_server,
                         UserPoolId=pool, Identifier="https://api.example.com", Name="again")
        self.idp.create_user_pool_client(UserPoolId=pool, ClientName="c",
                                         AllowedOAuthScopes=["openid", "https://api.example.com/read"])
        self.assertError("ScopeDoesNotExistException", self.idp.create_user_pool_client,
                         UserPoolId=pool, ClientName="c", AllowedOAuthScopes=["https://api.example.com/write"])
        page = self.idp.list_resource_servers(UserPoolId=pool, MaxResults=1)
        self.assertEqual(len(page["ResourceServers"]), 1)
        self.assertNotIn("NextToken", page)
        self.idp.delete_resource_server(UserPoolId=pool, Identifier="https://api.example.com")
        self.assertError("ResourceNotFoundException", self.idp.describe_resource_server,
                         UserPoolId=pool, Identifier="https://api.example.com")


class UserPoolDomains(CognitoTestCase):

    def test_lifecycle(self):
        pool, other = self.new_pool()["Id"], self.new_pool()["Id"]
        name = unique("login")
        self.assertEqual(self.idp.describe_user_pool_domain(Domain=name)["DomainDescription"], {})
        out = self.idp.create_user_pool_domain(UserPoolId=pool, Domain=name)
        self.assertEqual(out["ManagedLoginVersion"], 1)
        d = self.idp.describe_user_pool_domain(Domain=name)["DomainDescription"]
        self.assertEqual(d["UserPoolId"], pool)
        self.assertEqual(d["Status"], "ACTIVE")
        self.assertEqual(self.idp.describe_user_pool(UserPoolId=pool)["UserPool"]["Domain"], name)
        self.assertError("InvalidParameterException", self.idp.create_user_pool_domain,
                         UserPoolId=other, Domain=name)
        self.idp.delete_user_pool_domain(UserPoolId=pool, Domain=name)
        self.idp.create_user_pool_domain(UserPoolId=other, Domain=name)
        self.idp.delete_user_pool_domain(UserPoolId=other, Domain=name)


class GetCSVHeader(CognitoTestCase):

    def test_header(self):
        h = self.idp.get_csv_header(UserPoolId=self.pool_id)
        self.assertEqual(h["UserPoolId"], self.pool_id)
        self.assertEqual(h["CSVHeader"][0], "name")
        self.assertEqual(h["CSVHeader"][-2:], ["cognito:mfa_enabled", "cognito:username"])
        self.assertNotIn("sub", h["CSVHeader"])


if __name__ == "__main__":
    unittest.main()
