"""Managed login branding (Create/Describe/DescribeByClient/Update/Delete
ManagedLoginBranding), terms (Create/Describe/List/Update/DeleteTerms),
GetSigningCertificate and linked identities (AdminLinkProviderForUser,
AdminDisableProviderForUser)."""

import base64
import json
import re
import unittest

from support import CognitoTestCase, attrs, jwt_claims

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


class ManagedLoginBranding(CognitoTestCase):

    def test_lifecycle(self):
        client = self.new_client()["ClientId"]
        b = self.idp.create_managed_login_branding(
            UserPoolId=self.pool_id, ClientId=client,
            Settings={"components": {"form": {"borderRadius": 4}}},
            Assets=[{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG}],
        )["ManagedLoginBranding"]
        self.assertRegex(b["ManagedLoginBrandingId"], UUID)
        self.assertEqual(b["Settings"], {"components": {"form": {"borderRadius": 4}}})
        self.assertEqual(b["Assets"][0]["Bytes"], PNG)
        self.assertTimestamp(b["CreationDate"])
        self.assertError("ManagedLoginBrandingExistsException", self.idp.create_managed_login_branding,
                         UserPoolId=self.pool_id, ClientId=client, UseCognitoProvidedValues=True)
        merged = self.idp.describe_managed_login_branding_by_client(
            UserPoolId=self.pool_id, ClientId=client, ReturnMergedResources=True)["ManagedLoginBranding"]
        self.assertEqual(merged["Settings"]["components"]["form"]["borderRadius"], 4)
        self.assertEqual(merged["Settings"]["categories"]["global"]["colorSchemeMode"], "LIGHT")
        u = self.idp.update_managed_login_branding(
            UserPoolId=self.pool_id, ManagedLoginBrandingId=b["ManagedLoginBrandingId"],
            Settings={"categories": {"global": {"colorSchemeMode": "DARK"}}})["ManagedLoginBranding"]
        self.assertEqual(u["Settings"], {"components": {"form": {"borderRadius": 4}},
                                         "categories": {"global": {"colorSchemeMode": "DARK"}}})
        self.assertEqual(len(u["Assets"]), 1)
        self.idp.delete_managed_login_branding(UserPoolId=self.pool_id, ManagedLoginBrandingId=b["ManagedLoginBrandingId"])
        self.assertError("ResourceNotFoundException", self.idp.describe_managed_login_branding,
                         UserPoolId=self.pool_id, ManagedLoginBrandingId=b["ManagedLoginBrandingId"])

    def test_defaults_exclude_values(self):
        client = self.new_client()["ClientId"]
        self.assertError("InvalidParameterException", self.idp.create_managed_login_branding,
                         UserPoolId=self.pool_id, ClientId=client, UseCognitoProvidedValues=True, Settings={"a": 1})


class Terms(CognitoTestCase):

    def test_lifecycle(self):
        client = self.new_client()["ClientId"]
        links = {"cognito:default": "https://example.com/terms"}
        t = self.idp.create_terms(UserPoolId=self.pool_id, ClientId=client, TermsName="terms-of-use",
                                  TermsSource="LINK", Enforcement="NONE", Links=links)["Terms"]
        self.assertRegex(t["TermsId"], UUID)
        self.assertEqual((t["ClientId"], t["Links"]), (client, links))
        self.assertError("TermsExistsException", self.idp.create_terms, UserPoolId=self.pool_id, ClientId=client,
                         TermsName="terms-of-use", TermsSource="LINK", Enforcement="NONE", Links=links)
        listed = self.idp.list_terms(UserPoolId=self.pool_id)["Terms"]
        self.assertIn(t["TermsId"], [x["TermsId"] for x in listed])
        u = self.idp.update_terms(UserPoolId=self.pool_id, TermsId=t["TermsId"],
                                  Links={"cognito:german": "https://example.com/de"})["Terms"]
        self.assertEqual(u["Links"], {"cognito:german": "https://example.com/de"})
        self.idp.delete_terms(UserPoolId=self.pool_id, TermsId=t["TermsId"])
        self.assertError("ResourceNotFoundException", self.idp.describe_terms,
                         UserPoolId=self.pool_id, TermsId=t["TermsId"])


class SigningCertificate(CognitoTestCase):

    def test_stable(self):
        c = self.idp.get_signing_certificate(UserPoolId=self.pool_id)["Certificate"]
        self.assertEqual(base64.b64decode(c)[:1], b"\x30")  # a DER SEQUENCE
        self.assertEqual(self.idp.get_signing_certificate(UserPoolId=self.pool_id)["Certificate"], c)


class LinkProvider(CognitoTestCase):

    def test_link_and_disable(self):
        pool = self.new_pool()["Id"]
        self.idp.create_identity_provider(UserPoolId=pool, ProviderName="Google", ProviderType="Google",
                                          ProviderDetails={"client_id": "g", "client_secret": "s",
                                                           "authorize_scopes": "openid"})
        client = self.new_client(pool)["ClientId"]
        user = self.confirmed_user(pool)
        self.idp.admin_link_provider_for_user(
            UserPoolId=pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": user},
            SourceUser={"ProviderName": "Google", "ProviderAttributeName": "Cognito_Subject",
                        "ProviderAttributeValue": "1234"})
        got = attrs(self.idp.admin_get_user(UserPoolId=pool, Username=user)["UserAttributes"])
        ids = json.loads(got["identities"])
        self.assertEqual([(i["userId"], i["providerName"], i["providerType"], i["primary"]) for i in ids],
                         [("1234", "Google", "Google", "false")])
        claims = jwt_claims(self.tokens(client, user)["IdToken"])
        self.assertEqual(claims["identities"][0]["userId"], "1234")
        self.assertError("InvalidParameterException", self.idp.admin_link_provider_for_user,
                         UserPoolId=pool, DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": user},
                         SourceUser={"ProviderName": "Cognito", "ProviderAttributeName": "Cognito_Subject",
                                     "ProviderAttributeValue": user})
        self.idp.admin_disable_provider_for_user(
            UserPoolId=pool, User={"ProviderName": "Google", "ProviderAttributeName": "Cognito_Subject",
                                   "ProviderAttributeValue": "1234"})
        got = attrs(self.idp.admin_get_user(UserPoolId=pool, Username=user)["UserAttributes"])
        self.assertNotIn("identities", got)


if __name__ == "__main__":
    unittest.main()
