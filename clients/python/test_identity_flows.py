"""The identity pools authentication flows with this server's user pools:
GetId, GetCredentialsForIdentity (enhanced flow), GetOpenIdToken and
sts:AssumeRoleWithWebIdentity (basic flow), guests, linking, merging,
UnlinkIdentity, DescribeIdentity, ListIdentities and DeleteIdentities, as
the developer guide's "Identity pools (federated identities)
authentication flow" and the API reference describe them."""

import time
import unittest

from identity_support import (ACCOUNT, ID_RE, REGION, IdentityTestCase, jwt_claims, jwt_header, tamper,
                              trust_policy, unique)

LOGINS_MISMATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool."
UNAUTH_DISABLED = "Unauthenticated access is not supported for this identity pool."


class EnhancedFlow(IdentityTestCase):

    def test_sign_in_and_fetch_credentials(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        self.assertRegex(identity, ID_RE)
        r = self.credentials(identity, s.logins)
        self.assertEqual(r["IdentityId"], identity)
        self.assertCredentials(r["Credentials"])
        me = self.caller(r["Credentials"])
        role_name = s.auth_role.split("/")[-1]
        self.assertEqual(me["Arn"], "arn:aws:sts::%s:assumed-role/%s/CognitoIdentityCredentials" % (ACCOUNT, role_name))
        self.assertEqual(me["Account"], ACCOUNT)
        self.assertRegex(me["UserId"], r"^AROA[A-Z0-9]+:CognitoIdentityCredentials$")

    def test_same_login_same_identity(self):
        s = self.linked_setup()
        first = self.get_id(s.pool_id, s.logins)
        again = self.get_id(s.pool_id, {s.provider: self.id_token(s.client_id, s.username)})
        self.assertEqual(first, again)
        # Amplify v6 names the provider by the token's iss without scheme.
        amplify = self.get_id(s.pool_id, {self.amplify_provider_name(s.user_pool): s.token})
        self.assertEqual(first, amplify)
        self.assertEqual(self.credentials(first, {self.amplify_provider_name(s.user_pool): s.token})["IdentityId"],
                         first)

    def test_two_app_clients_of_one_user_pool(self):
        s = self.linked_setup()
        second = self.app_client(s.user_pool)
        d = self.ci.describe_identity_pool(IdentityPoolId=s.pool_id)
        self.ci.update_identity_pool(IdentityPoolId=s.pool_id, IdentityPoolName=d["IdentityPoolName"],
                                     AllowUnauthenticatedIdentities=False,
                                     CognitoIdentityProviders=d["CognitoIdentityProviders"] + [
                                         {"ProviderName": s.provider, "ClientId": second}])
        a = self.get_id(s.pool_id, s.logins)
        b = self.get_id(s.pool_id, {s.provider: self.id_token(second, s.username)})
        self.assertEqual(a, b)

    def test_other_user_other_identity(self):
        s = self.linked_setup()
        other = self.user(s.user_pool)
        a = self.get_id(s.pool_id, s.logins)
        b = self.get_id(s.pool_id, {s.provider: self.id_token(s.client_id, other)})
        self.assertNotEqual(a, b)

    def test_credentials_without_logins_for_authenticated_identity(self):
        s = self.linked_setup(allow_unauth=True)
        identity = self.get_id(s.pool_id, s.logins)
        self.assertError("NotAuthorizedException", self.ci_anon.get_credentials_for_identity, IdentityId=identity)
        self.assertError("NotAuthorizedException", self.ci_anon.get_open_id_token, IdentityId=identity)

    def test_another_users_token_does_not_open_an_identity(self):
        s = self.linked_setup(allow_unauth=True)
        identity = self.get_id(s.pool_id, s.logins)
        mallory = self.user(s.user_pool)
        mallory_logins = {s.provider: self.id_token(s.client_id, mallory)}
        self.assertError("NotAuthorizedException", self.credentials, identity, mallory_logins)
        self.assertError("NotAuthorizedException", self.ci_anon.get_open_id_token, IdentityId=identity,
                         Logins=mallory_logins)
        # Mallory's own identity was not linked to the victim's.
        self.assertNotEqual(self.get_id(s.pool_id, mallory_logins), identity)

    def test_tampered_token(self):
        s = self.linked_setup()
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                         Logins={s.provider: tamper(s.token)},
                         message="Invalid login token. Couldn't verify signed token.")
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                         Logins={s.provider: "not-a-jwt"},
                         message="Invalid login token. Not a valid OpenId Connect identity token.")
        identity = self.get_id(s.pool_id, s.logins)
        self.assertError("NotAuthorizedException", self.credentials, identity, {s.provider: tamper(s.token)})

    def test_unsigned_token(self):
        s = self.linked_setup()
        head, payload, _ = s.token.split(".")
        import base64, json
        none = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=").decode()
        for forged in (none + "." + payload + ".", head + "." + payload + "."):
            self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                             Logins={s.provider: forged})

    def test_access_token_is_not_an_id_token(self):
        s = self.linked_setup()
        access = self.sign_in(s.client_id, s.username)["AccessToken"]
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                         Logins={s.provider: access})

    def test_token_of_an_unconfigured_client(self):
        s = self.linked_setup()
        other_client = self.app_client(s.user_pool)
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                         Logins={s.provider: self.id_token(other_client, s.username)})

    def test_token_of_another_user_pool_under_this_name(self):
        s = self.linked_setup()
        other_pool = self.user_pool()
        other_client = self.app_client(other_pool)
        token = self.id_token(other_client, self.user(other_pool))
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                         Logins={s.provider: token})

    def test_unconfigured_provider(self):
        s = self.linked_setup()
        other_pool = self.user_pool()
        other_client = self.app_client(other_pool)
        token = self.id_token(other_client, self.user(other_pool))
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                         Logins={self.provider_name(other_pool): token})
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                         Logins={"graph.facebook.com": "EAAB"})

    def test_unknown_pool_and_identity(self):
        missing = REGION + ":00000000-0000-0000-0000-000000000000"
        self.assertError("ResourceNotFoundException", self.ci_anon.get_id, IdentityPoolId=missing)
        self.assertError("ResourceNotFoundException", self.ci_anon.get_credentials_for_identity, IdentityId=missing)
        self.assertError("ResourceNotFoundException", self.ci_anon.get_open_id_token, IdentityId=missing)

    def test_wrong_account_id(self):
        s = self.linked_setup()
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, AccountId="123456789012",
                         IdentityPoolId=s.pool_id, Logins=s.logins)
        self.assertRegex(self.ci_anon.get_id(AccountId=ACCOUNT, IdentityPoolId=s.pool_id, Logins=s.logins)[
            "IdentityId"], ID_RE)

    def test_no_roles(self):
        s = self.linked_setup()
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id, Roles={})
        identity = self.get_id(s.pool_id, s.logins)
        self.assertError("InvalidIdentityPoolConfigurationException", self.credentials, identity, s.logins,
                         message="Invalid identity pool configuration. Check assigned IAM roles for this pool.")

    def test_trust_policy_of_another_pool(self):
        s = self.linked_setup()
        other = self.role(trust_policy(REGION + ":11111111-1111-1111-1111-111111111111"))
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id, Roles={"authenticated": other})
        identity = self.get_id(s.pool_id, s.logins)
        self.assertError("InvalidIdentityPoolConfigurationException", self.credentials, identity, s.logins)

    def test_role_that_does_not_exist(self):
        s = self.linked_setup()
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id,
                                        Roles={"authenticated": "arn:aws:iam::%s:role/%s" % (ACCOUNT, unique("gone"))})
        identity = self.get_id(s.pool_id, s.logins)
        self.assertError("InvalidIdentityPoolConfigurationException", self.credentials, identity, s.logins)

    def test_unauthenticated_role_refuses_authenticated_amr(self):
        # The guide's trust policy for the unauthenticated role requires amr
        # "unauthenticated": an authenticated identity cannot be given it.
        s = self.linked_setup()
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id, Roles={"authenticated": s.unauth_role})
        identity = self.get_id(s.pool_id, s.logins)
        self.assertError("InvalidIdentityPoolConfigurationException", self.credentials, identity, s.logins)


class Guests(IdentityTestCase):

    def test_guest_credentials(self):
        s = self.linked_setup(allow_unauth=True)
        guest = self.get_id(s.pool_id)
        self.assertRegex(guest, ID_RE)
        r = self.credentials(guest)
        self.assertCredentials(r["Credentials"])
        self.assertIn("/%s/" % s.unauth_role.split("/")[-1], self.caller(r["Credentials"])["Arn"])
        d = self.ci.describe_identity(IdentityId=guest)
        self.assertEqual(d["IdentityId"], guest)
        self.assertEqual(d.get("Logins", []), [])

    def test_guests_refused_when_not_allowed(self):
        s = self.linked_setup(allow_unauth=False)
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id,
                         message=UNAUTH_DISABLED)

    def test_guest_turned_off_later(self):
        s = self.linked_setup(allow_unauth=True)
        guest = self.get_id(s.pool_id)
        d = self.ci.describe_identity_pool(IdentityPoolId=s.pool_id)
        self.ci.update_identity_pool(IdentityPoolId=s.pool_id, IdentityPoolName=d["IdentityPoolName"],
                                     AllowUnauthenticatedIdentities=False,
                                     CognitoIdentityProviders=d["CognitoIdentityProviders"])
        self.assertError("NotAuthorizedException", self.credentials, guest, message=UNAUTH_DISABLED)

    def test_guest_cannot_borrow_a_signed_in_identity(self):
        s = self.linked_setup(allow_unauth=True)
        victim = self.get_id(s.pool_id, s.logins)
        self.assertError("NotAuthorizedException", self.ci_anon.get_credentials_for_identity, IdentityId=victim)
        self.assertError("NotAuthorizedException", self.ci_anon.get_credentials_for_identity, IdentityId=victim,
                         Logins={})
        self.assertError("NotAuthorizedException", self.ci_anon.get_open_id_token, IdentityId=victim)
        # Nor with a guest's OpenID token for its own identity.
        guest = self.get_id(s.pool_id)
        guest_token = self.ci_anon.get_open_id_token(IdentityId=guest)["Token"]
        self.assertError("NotAuthorizedException", self.credentials, victim,
                         {"cognito-identity.amazonaws.com": guest_token})

    def test_guest_openid_token_is_not_a_login(self):
        # A guest's own basic-flow token (amr "unauthenticated") proves no
        # login: presented as the cognito-identity.amazonaws.com login it
        # must not yield the authenticated role, even one whose trust
        # policy checks only the audience, nor outlive AllowUnauthenticatedIdentities.
        s = self.linked_setup(allow_unauth=True)
        loose = self.role(trust_policy(s.pool_id, amr=None))
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id,
                                        Roles={"authenticated": loose, "unauthenticated": s.unauth_role})
        guest = self.get_id(s.pool_id)
        token = self.ci_anon.get_open_id_token(IdentityId=guest)["Token"]
        logins = {"cognito-identity.amazonaws.com": token}
        self.assertError("NotAuthorizedException", self.credentials, guest, logins)
        other_guest = self.get_id(s.pool_id)
        self.assertError("NotAuthorizedException", self.credentials, other_guest, logins)
        d = self.ci.describe_identity_pool(IdentityPoolId=s.pool_id)
        self.ci.update_identity_pool(IdentityPoolId=s.pool_id, IdentityPoolName=d["IdentityPoolName"],
                                     AllowUnauthenticatedIdentities=False,
                                     CognitoIdentityProviders=d["CognitoIdentityProviders"])
        self.assertError("NotAuthorizedException", self.credentials, guest, logins)

    def test_guest_signs_in_and_keeps_the_identity(self):
        s = self.linked_setup(allow_unauth=True)
        guest = self.get_id(s.pool_id)
        r = self.credentials(guest, s.logins)
        self.assertEqual(r["IdentityId"], guest)
        self.assertIn("/%s/" % s.auth_role.split("/")[-1], self.caller(r["Credentials"])["Arn"])
        self.assertEqual(self.get_id(s.pool_id, s.logins), guest)
        self.assertEqual(self.ci.describe_identity(IdentityId=guest)["Logins"], [s.provider])
        # Now it is authenticated for good.
        self.assertError("NotAuthorizedException", self.credentials, guest)

    def test_guest_signing_in_with_a_known_login_switches_identity(self):
        s = self.linked_setup(allow_unauth=True)
        known = self.get_id(s.pool_id, s.logins)
        guest = self.get_id(s.pool_id)
        r = self.credentials(guest, {s.provider: self.id_token(s.client_id, s.username)})
        self.assertEqual(r["IdentityId"], known)


class BasicFlow(IdentityTestCase):

    def test_openid_token_and_assume_role(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        r = self.ci_anon.get_open_id_token(IdentityId=identity, Logins=s.logins)
        self.assertEqual(r["IdentityId"], identity)
        claims = jwt_claims(r["Token"])
        self.assertEqual(jwt_header(r["Token"])["alg"], "RS256")
        self.assertEqual(claims["sub"], identity)
        self.assertEqual(claims["aud"], s.pool_id)
        self.assertEqual(claims["iss"], self.srv.endpoint + "/cognito-identity")
        self.assertIn("authenticated", claims["amr"])
        self.assertIn(s.provider, claims["amr"])
        self.assertLessEqual(claims["exp"] - claims["iat"], 600)
        a = self.sts_anon.assume_role_with_web_identity(RoleArn=s.auth_role, RoleSessionName="basic",
                                                        WebIdentityToken=r["Token"])
        self.assertCredentials(a["Credentials"])
        self.assertEqual(a["SubjectFromWebIdentityToken"], identity)
        self.assertEqual(a["Audience"], s.pool_id)
        self.assertEqual(a["AssumedRoleUser"]["Arn"], "arn:aws:sts::%s:assumed-role/%s/basic"
                         % (ACCOUNT, s.auth_role.split("/")[-1]))
        self.assertEqual(self.caller(a["Credentials"])["Arn"], a["AssumedRoleUser"]["Arn"])

    def test_guest_openid_token_cannot_assume_the_authenticated_role(self):
        s = self.linked_setup(allow_unauth=True)
        guest = self.get_id(s.pool_id)
        token = self.ci_anon.get_open_id_token(IdentityId=guest)["Token"]
        self.assertEqual(jwt_claims(token)["amr"], ["unauthenticated"])
        self.assertError("AccessDenied", self.sts_anon.assume_role_with_web_identity, RoleArn=s.auth_role,
                         RoleSessionName="guest", WebIdentityToken=token)
        a = self.sts_anon.assume_role_with_web_identity(RoleArn=s.unauth_role, RoleSessionName="guest",
                                                        WebIdentityToken=token)
        self.assertCredentials(a["Credentials"])

    def test_discovery_and_jwks(self):
        import json
        import urllib.request
        with urllib.request.urlopen(self.srv.endpoint + "/cognito-identity/.well-known/openid-configuration") as r:
            doc = json.load(r)
        self.assertEqual(doc["issuer"], self.srv.endpoint + "/cognito-identity")
        with urllib.request.urlopen(doc["jwks_uri"]) as r:
            keys = json.load(r)["keys"]
        s = self.linked_setup(allow_unauth=True)
        token = self.ci_anon.get_open_id_token(IdentityId=self.get_id(s.pool_id))["Token"]
        self.assertIn(jwt_header(token)["kid"], [k["kid"] for k in keys])

    def test_classic_flow_disabled(self):
        s = self.linked_setup(AllowClassicFlow=False)
        identity = self.get_id(s.pool_id, s.logins)
        self.assertError("InvalidParameterException", self.ci_anon.get_open_id_token, IdentityId=identity,
                         Logins=s.logins, message="Basic (classic) flow is not enabled, please use enhanced flow.")
        self.assertCredentials(self.credentials(identity, s.logins)["Credentials"])

    def test_forged_openid_token(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        token = self.ci_anon.get_open_id_token(IdentityId=identity, Logins=s.logins)["Token"]
        self.assertError("InvalidIdentityToken", self.sts_anon.assume_role_with_web_identity, RoleArn=s.auth_role,
                         RoleSessionName="forged", WebIdentityToken=tamper(token))
        self.assertError("NotAuthorizedException", self.credentials, identity,
                         {"cognito-identity.amazonaws.com": tamper(token)})

    def test_openid_token_dies_with_the_sign_in(self):
        # A token minted from a sign-in is a login only while the sign-in
        # is: neither it nor a token chained from it survives GlobalSignOut,
        # even without ServerSideTokenCheck.
        s = self.linked_setup(server_side_check=False)
        tokens = self.sign_in(s.client_id, s.username)
        logins = {s.provider: tokens["IdToken"]}
        identity = self.get_id(s.pool_id, logins)
        first = self.ci_anon.get_open_id_token(IdentityId=identity, Logins=logins)["Token"]
        self.assertLessEqual(jwt_claims(first)["exp"], jwt_claims(tokens["IdToken"])["exp"])
        chained = self.ci_anon.get_open_id_token(IdentityId=identity,
                                                 Logins={"cognito-identity.amazonaws.com": first})["Token"]
        self.assertLessEqual(jwt_claims(chained)["exp"], jwt_claims(tokens["IdToken"])["exp"])
        self.assertCredentials(self.credentials(identity, {"cognito-identity.amazonaws.com": chained})["Credentials"])
        self.idp_anon.global_sign_out(AccessToken=tokens["AccessToken"])
        for token in (first, chained):
            derived = {"cognito-identity.amazonaws.com": token}
            self.assertError("NotAuthorizedException", self.credentials, identity, derived)
            self.assertError("NotAuthorizedException", self.ci_anon.get_open_id_token, IdentityId=identity,
                             Logins=derived)
            self.assertError("InvalidIdentityToken", self.sts_anon.assume_role_with_web_identity,
                             RoleArn=s.auth_role, RoleSessionName="late", WebIdentityToken=token)

    def test_openid_token_of_another_pool(self):
        a = self.linked_setup()
        b = self.linked_setup()
        ida = self.get_id(a.pool_id, a.logins)
        token = self.ci_anon.get_open_id_token(IdentityId=ida, Logins=a.logins)["Token"]
        # Pool b's role trusts only pool b's audience.
        self.assertError("AccessDenied", self.sts_anon.assume_role_with_web_identity, RoleArn=b.auth_role,
                         RoleSessionName="cross", WebIdentityToken=token)


class ServerSideTokenCheck(IdentityTestCase):

    def test_global_sign_out(self):
        s = self.linked_setup(server_side_check=True)
        tokens = self.sign_in(s.client_id, s.username)
        logins = {s.provider: tokens["IdToken"]}
        identity = self.get_id(s.pool_id, logins)
        self.assertCredentials(self.credentials(identity, logins)["Credentials"])
        self.idp_anon.global_sign_out(AccessToken=tokens["AccessToken"])
        self.assertError("NotAuthorizedException", self.credentials, identity, logins)
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id, Logins=logins)

    def test_without_the_check_the_token_lives_on(self):
        s = self.linked_setup(server_side_check=False)
        tokens = self.sign_in(s.client_id, s.username)
        logins = {s.provider: tokens["IdToken"]}
        identity = self.get_id(s.pool_id, logins)
        self.idp_anon.global_sign_out(AccessToken=tokens["AccessToken"])
        self.assertCredentials(self.credentials(identity, logins)["Credentials"])

    def test_revoked_refresh_token(self):
        s = self.linked_setup(server_side_check=True)
        tokens = self.sign_in(s.client_id, s.username)
        logins = {s.provider: tokens["IdToken"]}
        identity = self.get_id(s.pool_id, logins)
        self.idp_anon.revoke_token(Token=tokens["RefreshToken"], ClientId=s.client_id)
        self.assertError("NotAuthorizedException", self.credentials, identity, logins)
        fresh = {s.provider: self.id_token(s.client_id, s.username)}
        self.assertEqual(self.credentials(identity, fresh)["IdentityId"], identity)

    def test_disabled_user(self):
        s = self.linked_setup(server_side_check=True)
        identity = self.get_id(s.pool_id, s.logins)
        self.idp.admin_disable_user(UserPoolId=s.user_pool, Username=s.username)
        self.assertError("NotAuthorizedException", self.credentials, identity, s.logins)

    def test_admin_global_sign_out(self):
        s = self.linked_setup(server_side_check=True)
        identity = self.get_id(s.pool_id, s.logins)
        self.idp.admin_user_global_sign_out(UserPoolId=s.user_pool, Username=s.username)
        self.assertError("NotAuthorizedException", self.credentials, identity, s.logins)


class DeletedUser(IdentityTestCase):

    def test_tokens_of_a_deleted_user_are_refused(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        self.idp.admin_delete_user(UserPoolId=s.user_pool, Username=s.username)
        self.assertError("NotAuthorizedException", self.credentials, identity, s.logins)
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id, Logins=s.logins)

    def test_deleted_user_never_used_before(self):
        s = self.linked_setup()
        self.idp.admin_delete_user(UserPoolId=s.user_pool, Username=s.username)
        self.assertError("NotAuthorizedException", self.ci_anon.get_id, IdentityPoolId=s.pool_id, Logins=s.logins)


class Identities(IdentityTestCase):

    def test_describe_identity(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        d = self.ci.describe_identity(IdentityId=identity)
        self.assertEqual(d["IdentityId"], identity)
        self.assertEqual(d["Logins"], [s.provider])
        self.assertTimestamp(d["CreationDate"])
        self.assertTimestamp(d["LastModifiedDate"])
        self.assertLessEqual(d["CreationDate"], d["LastModifiedDate"])

    def test_describe_identity_not_found(self):
        missing = REGION + ":00000000-0000-0000-0000-000000000000"
        self.assertError("ResourceNotFoundException", self.ci.describe_identity, IdentityId=missing)

    def test_list_identities_paginates(self):
        s = self.linked_setup(allow_unauth=True)
        made = {self.get_id(s.pool_id) for _ in range(3)}
        made.add(self.get_id(s.pool_id, s.logins))
        seen, token = [], None
        while True:
            kw = {"IdentityPoolId": s.pool_id, "MaxResults": 1}
            if token:
                kw["NextToken"] = token
            r = self.ci.list_identities(**kw)
            self.assertEqual(r["IdentityPoolId"], s.pool_id)
            self.assertLessEqual(len(r["Identities"]), 1)
            for i in r["Identities"]:
                self.assertTimestamp(i["CreationDate"])
                self.assertIsInstance(i.get("Logins", []), list)
                seen.append(i["IdentityId"])
            token = r.get("NextToken")
            if not token:
                break
        self.assertEqual(sorted(seen), sorted(made))
        listed = {i["IdentityId"]: i for i in self.ci.list_identities(IdentityPoolId=s.pool_id, MaxResults=60)[
            "Identities"]}
        self.assertEqual(listed[self.get_id(s.pool_id, s.logins)]["Logins"], [s.provider])

    def test_list_identities_empty_pool(self):
        pid = self.identity_pool()["IdentityPoolId"]
        r = self.ci.list_identities(IdentityPoolId=pid, MaxResults=10)
        self.assertEqual(r["Identities"], [])
        self.assertNotIn("NextToken", r)

    def test_list_identities_needs_max_results(self):
        pid = self.identity_pool()["IdentityPoolId"]
        self.assertError("ValidationException", self.ci_raw.list_identities, IdentityPoolId=pid)

    def test_delete_identities(self):
        s = self.linked_setup(allow_unauth=True)
        signed_in = self.get_id(s.pool_id, s.logins)
        guest = self.get_id(s.pool_id)
        r = self.ci.delete_identities(IdentityIdsToDelete=[signed_in, guest])
        self.assertEqual(r["UnprocessedIdentityIds"], [])
        for i in (signed_in, guest):
            self.assertError("ResourceNotFoundException", self.ci.describe_identity, IdentityId=i)
        self.assertError("ResourceNotFoundException", self.credentials, guest)
        # The login is free again: the user's next GetId is a new identity.
        again = self.get_id(s.pool_id, s.logins)
        self.assertNotEqual(again, signed_in)

    def test_delete_identities_bounds(self):
        self.assertError("ValidationException", self.ci_raw.delete_identities, IdentityIdsToDelete=[])
        many = ["%s:%08d-0000-0000-0000-000000000000" % (REGION, i) for i in range(61)]
        self.assertError("ValidationException", self.ci_raw.delete_identities, IdentityIdsToDelete=many)


class UnlinkIdentity(IdentityTestCase):

    def test_unlink(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        self.ci_anon.unlink_identity(IdentityId=identity, Logins=s.logins, LoginsToRemove=[s.provider])
        self.assertEqual(self.ci.describe_identity(IdentityId=identity).get("Logins", []), [])
        # The identity left without logins is inaccessible; the login makes a new identity.
        self.assertError("NotAuthorizedException", self.credentials, identity, s.logins)
        self.assertNotEqual(self.get_id(s.pool_id, s.logins), identity)

    def test_unlink_needs_a_valid_login(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        mallory = {s.provider: self.id_token(s.client_id, self.user(s.user_pool))}
        self.assertError("NotAuthorizedException", self.ci_anon.unlink_identity, IdentityId=identity, Logins=mallory,
                         LoginsToRemove=[s.provider])
        self.assertError("NotAuthorizedException", self.ci_anon.unlink_identity, IdentityId=identity,
                         Logins={s.provider: tamper(s.token)}, LoginsToRemove=[s.provider])
        self.assertEqual(self.ci.describe_identity(IdentityId=identity)["Logins"], [s.provider])

    def test_unlink_amplify_name(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        key = self.amplify_provider_name(s.user_pool)
        self.ci_anon.unlink_identity(IdentityId=identity, Logins={key: s.token}, LoginsToRemove=[key])
        self.assertEqual(self.ci.describe_identity(IdentityId=identity).get("Logins", []), [])


class RoleMappings(IdentityTestCase):

    def groups_setup(self, mapping_type, ambiguous="Deny"):
        s = self.linked_setup()
        s.admin_role = self.role(trust_policy(s.pool_id))
        s.reader_role = self.role(trust_policy(s.pool_id))
        self.idp.create_group(UserPoolId=s.user_pool, GroupName="admins", RoleArn=s.admin_role, Precedence=1)
        self.idp.create_group(UserPoolId=s.user_pool, GroupName="readers", RoleArn=s.reader_role, Precedence=5)
        key = "%s:%s" % (s.provider, s.client_id)
        m = {"Type": mapping_type, "AmbiguousRoleResolution": ambiguous}
        if mapping_type == "Rules":
            m["RulesConfiguration"] = {"Rules": [
                {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "admin", "RoleARN": s.admin_role},
                {"Claim": "cognito:groups", "MatchType": "Equals", "Value": "readers", "RoleARN": s.reader_role}]}
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id, Roles={"authenticated": s.auth_role},
                                        RoleMappings={key: m})
        return s

    def role_of(self, s, username, **kw):
        logins = {s.provider: self.id_token(s.client_id, username)}
        identity = self.get_id(s.pool_id, logins)
        c = self.credentials(identity, logins, **kw)["Credentials"]
        return self.caller(c)["Arn"].split("/")[1]

    def name(self, arn):
        return arn.split("/")[-1]

    def test_token_preferred_role(self):
        s = self.groups_setup("Token")
        for g in ("admins", "readers"):
            self.idp.admin_add_user_to_group(UserPoolId=s.user_pool, Username=s.username, GroupName=g)
        self.assertEqual(self.role_of(s, s.username), self.name(s.admin_role))

    def test_token_custom_role_arn(self):
        s = self.groups_setup("Token")
        for g in ("admins", "readers"):
            self.idp.admin_add_user_to_group(UserPoolId=s.user_pool, Username=s.username, GroupName=g)
        self.assertEqual(self.role_of(s, s.username, CustomRoleArn=s.reader_role), self.name(s.reader_role))
        # A role that is not in the token's cognito:roles is refused.
        other = self.role(trust_policy(s.pool_id))
        self.assertError("NotAuthorizedException", self.role_of, s, s.username, CustomRoleArn=other)

    def test_token_no_groups_deny(self):
        s = self.groups_setup("Token", "Deny")
        self.assertError("NotAuthorizedException", self.role_of, s, s.username,
                         message="The ambiguous role mapping rules for: %s denied this request." % s.provider)

    def test_token_no_groups_authenticated_role(self):
        s = self.groups_setup("Token", "AuthenticatedRole")
        self.assertEqual(self.role_of(s, s.username), self.name(s.auth_role))

    def test_rules_first_match(self):
        s = self.groups_setup("Rules")
        self.idp.admin_add_user_to_group(UserPoolId=s.user_pool, Username=s.username, GroupName="readers")
        self.assertEqual(self.role_of(s, s.username), self.name(s.reader_role))
        other = self.user(s.user_pool)
        self.idp.admin_add_user_to_group(UserPoolId=s.user_pool, Username=other, GroupName="admins")
        self.idp.admin_add_user_to_group(UserPoolId=s.user_pool, Username=other, GroupName="readers")
        self.assertEqual(self.role_of(s, other), self.name(s.admin_role))

    def test_rules_no_match(self):
        s = self.groups_setup("Rules", "Deny")
        self.assertError("NotAuthorizedException", self.role_of, s, s.username,
                         message="The ambiguous role mapping rules for: %s denied this request." % s.provider)
        s2 = self.groups_setup("Rules", "AuthenticatedRole")
        self.assertEqual(self.role_of(s2, s2.username), self.name(s2.auth_role))

    def test_custom_role_arn_without_mapping(self):
        s = self.linked_setup()
        other = self.role(trust_policy(s.pool_id))
        identity = self.get_id(s.pool_id, s.logins)
        self.assertError("NotAuthorizedException", self.credentials, identity, s.logins, CustomRoleArn=other)


class PrincipalTags(IdentityTestCase):

    def test_tags_from_claims_reach_the_session(self):
        s = self.linked_setup()
        self.idp.admin_update_user_attributes(UserPoolId=s.user_pool, Username=s.username,
                                              UserAttributes=[{"Name": "email", "Value": "tag@example.com"}])
        self.ci.set_principal_tag_attribute_map(IdentityPoolId=s.pool_id, IdentityProviderName=s.provider,
                                                UseDefaults=False, PrincipalTags={"mail": "email", "app": "aud"})
        logins = {s.provider: self.id_token(s.client_id, s.username)}
        identity = self.get_id(s.pool_id, logins)
        token = self.ci_anon.get_open_id_token(IdentityId=identity, Logins=logins)["Token"]
        tags = jwt_claims(token)["https://aws.amazon.com/tags"]["principal_tags"]
        self.assertEqual(tags, {"mail": ["tag@example.com"], "app": [s.client_id]})
        self.assertCredentials(self.credentials(identity, logins)["Credentials"])

    def test_tags_need_tag_session_in_the_trust_policy(self):
        s = self.linked_setup()
        strict = self.role('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":'
                           '"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":'
                           '{"StringEquals":{"cognito-identity.amazonaws.com:aud":"%s"}}}]}' % s.pool_id)
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id, Roles={"authenticated": strict})
        identity = self.get_id(s.pool_id, s.logins)
        self.assertCredentials(self.credentials(identity, s.logins)["Credentials"])
        self.ci.set_principal_tag_attribute_map(IdentityPoolId=s.pool_id, IdentityProviderName=s.provider,
                                                UseDefaults=True)
        self.assertError("InvalidIdentityPoolConfigurationException", self.credentials, identity, s.logins)


class Merging(IdentityTestCase):

    def test_two_users_of_two_pools_merge(self):
        s = self.linked_setup()
        up2 = self.user_pool()
        c2 = self.app_client(up2)
        u2 = self.user(up2)
        p2 = self.provider_name(up2)
        d = self.ci.describe_identity_pool(IdentityPoolId=s.pool_id)
        self.ci.update_identity_pool(IdentityPoolId=s.pool_id, IdentityPoolName=d["IdentityPoolName"],
                                     AllowUnauthenticatedIdentities=False,
                                     CognitoIdentityProviders=d["CognitoIdentityProviders"] + [
                                         {"ProviderName": p2, "ClientId": c2}])
        first = self.get_id(s.pool_id, s.logins)
        l2 = {p2: self.id_token(c2, u2)}
        second = self.get_id(s.pool_id, l2)
        self.assertNotEqual(first, second)
        both = dict(s.logins)
        both.update(l2)
        merged = self.get_id(s.pool_id, both)
        self.assertIn(merged, (first, second))
        self.assertEqual(sorted(self.ci.describe_identity(IdentityId=merged)["Logins"]), sorted([s.provider, p2]))
        self.assertEqual(self.get_id(s.pool_id, l2), merged)
        all_ids = [i["IdentityId"] for i in self.ci.list_identities(IdentityPoolId=s.pool_id, MaxResults=60)[
            "Identities"]]
        shown = [i["IdentityId"] for i in self.ci.list_identities(IdentityPoolId=s.pool_id, MaxResults=60,
                                                                  HideDisabled=True)["Identities"]]
        loser = second if merged == first else first
        self.assertIn(loser, all_ids)
        self.assertNotIn(loser, shown)
        self.assertIn(merged, shown)


if __name__ == "__main__":
    unittest.main()
