"""STS (AssumeRoleWithWebIdentity, GetCallerIdentity) and the IAM subset
(roles, inline policies, OpenID Connect providers) through boto3 and the
AWS CLI, as the STS and IAM API references document them."""

import json
import os
import subprocess
import time
import unittest

import botocore

from identity_support import (ACCOUNT, REGION, IdentityTestCase, OIDCProvider, jwt_claims, tamper, trust_policy,
                              unique)

from cryptography.hazmat.primitives.asymmetric import rsa


def oidc_trust(provider_arn, key, aud="probe-client", sub=None):
    cond = {"StringEquals": {key + ":aud": aud}}
    if sub:
        cond["StringEquals"][key + ":sub"] = sub
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": cond}]})


class Roles(IdentityTestCase):

    def test_create_get_round_trip(self):
        name = unique("role")
        doc = json.loads(trust_policy(REGION + ":11111111-2222-3333-4444-555555555555"))
        r = self.iam.create_role(RoleName=name, Path="/app/", AssumeRolePolicyDocument=json.dumps(doc),
                                 Description="probe role", MaxSessionDuration=7200,
                                 Tags=[{"Key": "team", "Value": "red"}])["Role"]
        self.addCleanup(self._drop_role, name)
        self.assertEqual(r["RoleName"], name)
        self.assertEqual(r["Path"], "/app/")
        self.assertEqual(r["Arn"], "arn:aws:iam::%s:role/app/%s" % (ACCOUNT, name))
        self.assertRegex(r["RoleId"], r"^AROA[A-Z0-9]{17}$")
        self.assertTimestamp(r["CreateDate"])
        self.assertEqual(r["AssumeRolePolicyDocument"], doc)
        g = self.iam.get_role(RoleName=name)["Role"]
        self.assertEqual(g["Arn"], r["Arn"])
        self.assertEqual(g["RoleId"], r["RoleId"])
        self.assertEqual(g["AssumeRolePolicyDocument"], doc)
        self.assertEqual(g["Description"], "probe role")
        self.assertEqual(g["MaxSessionDuration"], 7200)
        self.assertEqual(g["Tags"], [{"Key": "team", "Value": "red"}])

    def test_default_max_session_duration(self):
        name = unique("role")
        self.role(trust_policy(), name=name)
        self.assertEqual(self.iam.get_role(RoleName=name)["Role"]["MaxSessionDuration"], 3600)

    def test_get_missing(self):
        name = unique("none")
        self.assertError("NoSuchEntity", self.iam.get_role, RoleName=name, status=404,
                         message="The role with name %s cannot be found." % name)

    def test_duplicate(self):
        name = unique("role")
        self.role(trust_policy(), name=name)
        self.assertError("EntityAlreadyExists", self.iam.create_role, RoleName=name,
                         AssumeRolePolicyDocument=trust_policy(), status=409,
                         message="Role with name %s already exists." % name)

    def test_malformed_trust_policy(self):
        self.assertError("MalformedPolicyDocument", self.iam.create_role, RoleName=unique("r"),
                         AssumeRolePolicyDocument="{not json")
        no_principal = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity"}]})
        self.assertError("MalformedPolicyDocument", self.iam.create_role, RoleName=unique("r"),
                         AssumeRolePolicyDocument=no_principal)

    def test_update_assume_role_policy(self):
        name = unique("role")
        self.role(trust_policy(), name=name)
        doc = json.loads(trust_policy(amr="unauthenticated"))
        self.iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(doc))
        self.assertEqual(self.iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"], doc)

    def test_list_roles_pagination(self):
        names = {unique("list") for _ in range(3)}
        for n in names:
            self.role(trust_policy(), name=n)
        seen, marker = [], None
        while True:
            kw = {"MaxItems": 2}
            if marker:
                kw["Marker"] = marker
            r = self.iam.list_roles(**kw)
            self.assertLessEqual(len(r["Roles"]), 2)
            seen += [x["RoleName"] for x in r["Roles"]]
            if not r["IsTruncated"]:
                self.assertNotIn("Marker", r)
                break
            marker = r["Marker"]
        self.assertTrue(names <= set(seen))
        self.assertEqual(len(seen), len(set(seen)))

    def test_inline_policies(self):
        name = unique("role")
        self.role(trust_policy(), name=name)
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                       "Resource": "arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}/*"}]}
        self.iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=json.dumps(doc))
        g = self.iam.get_role_policy(RoleName=name, PolicyName="read")
        self.assertEqual(g["RoleName"], name)
        self.assertEqual(g["PolicyName"], "read")
        self.assertEqual(g["PolicyDocument"], doc)
        self.assertEqual(self.iam.list_role_policies(RoleName=name)["PolicyNames"], ["read"])
        self.assertError("DeleteConflict", self.iam.delete_role, RoleName=name, status=409)
        self.iam.delete_role_policy(RoleName=name, PolicyName="read")
        self.assertEqual(self.iam.list_role_policies(RoleName=name)["PolicyNames"], [])
        self.assertError("NoSuchEntity", self.iam.get_role_policy, RoleName=name, PolicyName="read", status=404)
        self.assertError("NoSuchEntity", self.iam.delete_role_policy, RoleName=name, PolicyName="read")
        self.iam.delete_role(RoleName=name)
        self.assertError("NoSuchEntity", self.iam.get_role, RoleName=name)

    def test_malformed_inline_policy(self):
        name = unique("role")
        self.role(trust_policy(), name=name)
        self.assertError("MalformedPolicyDocument", self.iam.put_role_policy, RoleName=name, PolicyName="p",
                         PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*",'
                                        '"Resource":"*"}]}')
        self.assertError("NoSuchEntity", self.iam.put_role_policy, RoleName=unique("none"), PolicyName="p",
                         PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*",'
                                        '"Resource":"*"}]}')


class OIDCProviders(IdentityTestCase):

    def test_crud(self):
        p = OIDCProvider("/" + unique("tenant"))
        self.addCleanup(p.close)
        arn = self.iam.create_open_id_connect_provider(Url=p.issuer, ClientIDList=["a", "b"],
                                                       ThumbprintList=["9" * 40])["OpenIDConnectProviderArn"]
        self.assertEqual(arn, "arn:aws:iam::%s:oidc-provider/%s" % (ACCOUNT, p.host))
        g = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(g["Url"], p.host)
        self.assertEqual(sorted(g["ClientIDList"]), ["a", "b"])
        self.assertEqual(g["ThumbprintList"], ["9" * 40])
        self.assertTimestamp(g["CreateDate"])
        self.assertIn(arn, [x["Arn"] for x in self.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]])
        self.assertError("EntityAlreadyExists", self.iam.create_open_id_connect_provider, Url=p.issuer,
                         ClientIDList=["a"], ThumbprintList=["9" * 40], status=409)
        self.iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="c")
        self.iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="a")
        self.assertEqual(sorted(self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"]),
                         ["b", "c"])
        self.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertError("NoSuchEntity", self.iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)

    def test_invalid_url(self):
        self.assertError("InvalidInput", self.iam.create_open_id_connect_provider, Url="ftp://example.com/x",
                         ClientIDList=["a"], ThumbprintList=["9" * 40])


class WebIdentityFederation(IdentityTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idp_server = OIDCProvider("/" + unique("issuer"))
        cls.provider_arn = cls.iam.create_open_id_connect_provider(
            Url=cls.idp_server.issuer, ClientIDList=["probe-client"], ThumbprintList=["0" * 40])[
            "OpenIDConnectProviderArn"]

    @classmethod
    def tearDownClass(cls):
        cls.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=cls.provider_arn)
        cls.idp_server.close()

    def assume(self, role, token, name="web", **kw):
        return self.sts_anon.assume_role_with_web_identity(RoleArn=role, RoleSessionName=name,
                                                           WebIdentityToken=token, **kw)

    def test_assume_with_external_oidc_token(self):
        p = self.idp_server
        role = self.role(oidc_trust(self.provider_arn, p.host))
        r = self.assume(role, p.token(sub="ext-user-1"))
        self.assertCredentials(r["Credentials"])
        self.assertEqual(r["SubjectFromWebIdentityToken"], "ext-user-1")
        self.assertEqual(r["Audience"], "probe-client")
        self.assertEqual(r["Provider"], p.issuer)
        self.assertEqual(r["AssumedRoleUser"]["Arn"], "arn:aws:sts::%s:assumed-role/%s/web"
                         % (ACCOUNT, role.split("/")[-1]))
        self.assertRegex(r["AssumedRoleUser"]["AssumedRoleId"], r"^AROA[A-Z0-9]+:web$")
        me = self.caller(r["Credentials"])
        self.assertEqual(me["Arn"], r["AssumedRoleUser"]["Arn"])
        self.assertEqual(me["UserId"], r["AssumedRoleUser"]["AssumedRoleId"])

    def test_sub_condition(self):
        p = self.idp_server
        role = self.role(oidc_trust(self.provider_arn, p.host, sub="only-me"))
        self.assertCredentials(self.assume(role, p.token(sub="only-me"))["Credentials"])
        self.assertError("AccessDenied", self.assume, role, p.token(sub="someone-else"), status=403,
                         message="Not authorized to perform sts:AssumeRoleWithWebIdentity")

    def test_wrong_audience(self):
        p = self.idp_server
        role = self.role(oidc_trust(self.provider_arn, p.host))
        self.assertError("InvalidIdentityToken", self.assume, role, p.token(aud="someone-else"),
                         message="Incorrect token audience")

    def test_expired(self):
        p = self.idp_server
        role = self.role(oidc_trust(self.provider_arn, p.host))
        self.assertError("ExpiredTokenException", self.assume, role, p.token(ttl=-120),
                         message_re=r"^Token expired: current date/time \d+ must be before the expiration date/time \d+$")

    def test_forged_signature(self):
        p = self.idp_server
        role = self.role(oidc_trust(self.provider_arn, p.host))
        self.assertError("InvalidIdentityToken", self.assume, role, tamper(p.token()))
        other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.assertError("InvalidIdentityToken", self.assume, role, p.token(key=other_key))

    def test_unregistered_issuer(self):
        other = OIDCProvider("/" + unique("stranger"))
        self.addCleanup(other.close)
        role = self.role(oidc_trust(self.provider_arn, self.idp_server.host))
        self.assertError("InvalidIdentityToken", self.assume, role, other.token(),
                         message="No OpenIDConnect provider found in your account for %s" % other.issuer)

    def test_role_missing(self):
        self.assertError("AccessDenied", self.assume, "arn:aws:iam::%s:role/%s" % (ACCOUNT, unique("gone")),
                         self.idp_server.token())

    def test_duration(self):
        p = self.idp_server
        role = self.role(oidc_trust(self.provider_arn, p.host))
        r = self.assume(role, p.token(), DurationSeconds=900)
        import datetime
        left = (r["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(880 <= left <= 905, left)
        self.assertError("ValidationError", self.assume, role, p.token(), DurationSeconds=7200,
                         message="The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        raw = self.srv.client("sts", signed=False, validate=False)
        self.assertError("ValidationError", raw.assume_role_with_web_identity, RoleArn=role, RoleSessionName="web",
                         WebIdentityToken=p.token(), DurationSeconds=899)

    def test_session_name(self):
        p = self.idp_server
        role = self.role(oidc_trust(self.provider_arn, p.host))
        raw = self.srv.client("sts", signed=False, validate=False)
        self.assertError("ValidationError", raw.assume_role_with_web_identity, RoleArn=role,
                         RoleSessionName="bad name!", WebIdentityToken=p.token())

    def test_tags_need_tag_session(self):
        p = self.idp_server
        tags = {"https://aws.amazon.com/tags": {"principal_tags": {"dept": ["eng"]}, "transitive_tag_keys": []}}
        no_tag = self.role(oidc_trust(self.provider_arn, p.host))
        self.assertError("AccessDenied", self.assume, no_tag, p.token(sub="tagged", **tags))
        doc = json.loads(oidc_trust(self.provider_arn, p.host))
        doc["Statement"][0]["Action"] = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/dept": "eng"}}}]})
        tagged = self.role(json.dumps(doc), policy)
        r = self.assume(tagged, p.token(sub="tagged", **tags))
        self.assertCredentials(r["Credentials"])
        from identity_support import admin_call, signed_request
        req = signed_request(r["Credentials"], "GET", "https://api.example.com/x")
        req.update(Action="execute-api:Invoke", Resource="arn:aws:execute-api:us-east-1:000000000000:api/GET/x")
        status, body = admin_call(self.srv, "AuthorizeRequest", req)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["PrincipalTags"], {"dept": "eng"})
        self.assertEqual(body["Decision"], "Allow", body)

    def test_session_policy(self):
        p = self.idp_server
        role = self.role(oidc_trust(self.provider_arn, p.host))
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                                      "Resource": "*"}]})
        r = self.assume(role, p.token(), Policy=policy)
        self.assertIn("PackedPolicySize", r)
        self.assertError("MalformedPolicyDocument", self.assume, role, p.token(), Policy="{")


class UserPoolAsOIDCProvider(IdentityTestCase):
    """A user pool's ID tokens federated straight to STS: the pool's issuer
    registered as an IAM OIDC provider with the app client as audience."""

    def test_assume_with_a_user_pool_id_token(self):
        up = self.user_pool()
        client = self.app_client(up)
        user = self.user(up)
        tokens = self.sign_in(client, user)
        iss = jwt_claims(tokens["IdToken"])["iss"]
        self.assertEqual(iss, self.srv.endpoint + "/" + up)
        arn = self.iam.create_open_id_connect_provider(Url=iss, ClientIDList=[client], ThumbprintList=["0" * 40])[
            "OpenIDConnectProviderArn"]
        self.addCleanup(self._quietly, self.iam.delete_open_id_connect_provider, OpenIDConnectProviderArn=arn)
        role = self.role(oidc_trust(arn, iss.split("://", 1)[1], aud=client))
        r = self.sts_anon.assume_role_with_web_identity(RoleArn=role, RoleSessionName="pool",
                                                        WebIdentityToken=tokens["IdToken"])
        self.assertEqual(r["SubjectFromWebIdentityToken"], jwt_claims(tokens["IdToken"])["sub"])
        self.assertEqual(r["Audience"], client)
        self.assertEqual(r["Provider"], iss)
        # An access token has no aud: it is not an ID token for the client.
        self.assertError("InvalidIdentityToken", self.sts_anon.assume_role_with_web_identity, RoleArn=role,
                         RoleSessionName="pool", WebIdentityToken=tokens["AccessToken"])


class CallerIdentity(IdentityTestCase):

    def vended(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        return s, identity, self.credentials(identity, s.logins)["Credentials"]

    def sts_with(self, key, secret, token):
        return self.srv.client("sts", key_id=key, secret=secret, token=token)

    def test_root(self):
        me = self.sts.get_caller_identity()
        self.assertEqual(me["Account"], ACCOUNT)
        self.assertEqual(me["Arn"], "arn:aws:iam::%s:root" % ACCOUNT)

    def test_vended_names_both_ids(self):
        s, identity, c = self.vended()
        me = self.caller(c)
        self.assertIn(":assumed-role/", me["Arn"])
        raw = me["ResponseMetadata"]
        # Cognate's extra elements are in the raw XML; SDKs ignore them.
        import urllib.request
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        req = AWSRequest(method="POST", url=self.srv.endpoint + "/", data="Action=GetCallerIdentity&Version=2011-06-15",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        SigV4Auth(Credentials(c["AccessKeyId"], c["SecretKey"], c["SessionToken"]), "sts", REGION).add_auth(req)
        body = urllib.request.urlopen(urllib.request.Request(self.srv.endpoint + "/", data=req.body,
                                                             headers=dict(req.headers.items()))).read().decode()
        self.assertIn("<IdentityId>%s</IdentityId>" % identity, body)
        self.assertIn("<IdentityPoolId>%s</IdentityPoolId>" % s.pool_id, body)
        self.assertIn("<UserPoolId>%s</UserPoolId>" % s.user_pool, body)
        self.assertIn("<Username>%s</Username>" % s.username, body)

    def test_forged_secret(self):
        _, _, c = self.vended()
        forged = c["SecretKey"][:-1] + ("A" if c["SecretKey"][-1] != "A" else "B")
        self.assertError("SignatureDoesNotMatch", self.sts_with(c["AccessKeyId"], forged, c["SessionToken"])
                         .get_caller_identity, status=403)

    def test_forged_session_token(self):
        _, _, c = self.vended()
        t = c["SessionToken"]
        forged = t[:20] + ("A" if t[20] != "A" else "B") + t[21:]
        self.assertError("InvalidClientTokenId", self.sts_with(c["AccessKeyId"], c["SecretKey"], forged)
                         .get_caller_identity, status=403, message="The security token included in the request is invalid.")

    def test_missing_session_token(self):
        _, _, c = self.vended()
        self.assertError("InvalidClientTokenId", self.sts_with(c["AccessKeyId"], c["SecretKey"], None)
                         .get_caller_identity, status=403)

    def test_session_token_of_other_credentials(self):
        _, _, a = self.vended()
        _, _, b = self.vended()
        self.assertError("InvalidClientTokenId", self.sts_with(a["AccessKeyId"], a["SecretKey"], b["SessionToken"])
                         .get_caller_identity, status=403)
        self.assertError("InvalidClientTokenId", self.sts_with(b["AccessKeyId"], a["SecretKey"], a["SessionToken"])
                         .get_caller_identity, status=403)

    def test_vended_credentials_cannot_administer(self):
        _, _, c = self.vended()
        iam = self.srv.client("iam", key_id=c["AccessKeyId"], secret=c["SecretKey"], token=c["SessionToken"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            iam.list_roles()
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        ci = self.srv.client("cognito-identity", key_id=c["AccessKeyId"], secret=c["SecretKey"],
                             token=c["SessionToken"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ci.list_identity_pools(MaxResults=5)
        self.assertIn(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], (400, 403))
        idp = self.srv.client("cognito-idp", key_id=c["AccessKeyId"], secret=c["SecretKey"], token=c["SessionToken"])
        with self.assertRaises(botocore.exceptions.ClientError):
            idp.list_user_pools(MaxResults=5)

    def test_unsigned(self):
        self.assertError("MissingAuthenticationToken", self.sts_anon.get_caller_identity, status=403)


class AWSCLI(IdentityTestCase):

    def aws(self, *args, creds=None):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.srv.key_id, AWS_SECRET_ACCESS_KEY=self.srv.secret,
                   AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        env.pop("AWS_SESSION_TOKEN", None)
        if creds:
            env.update(AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretKey"],
                       AWS_SESSION_TOKEN=creds["SessionToken"])
        p = subprocess.run(["aws", *args, "--endpoint-url", self.srv.endpoint, "--output", "json"], env=env,
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise AssertionError("aws %s: %s" % (" ".join(args[:2]), p.stderr))
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def test_iam_roles_and_policies(self):
        name = unique("cli")
        doc = json.loads(trust_policy())
        r = self.aws("iam", "create-role", "--role-name", name, "--assume-role-policy-document", json.dumps(doc))
        self.addCleanup(self._drop_role, name)
        self.assertEqual(r["Role"]["AssumeRolePolicyDocument"], doc)
        self.assertEqual(self.aws("iam", "get-role", "--role-name", name)["Role"]["RoleName"], name)
        pol = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        self.aws("iam", "put-role-policy", "--role-name", name, "--policy-name", "all", "--policy-document",
                 json.dumps(pol))
        self.assertEqual(self.aws("iam", "get-role-policy", "--role-name", name, "--policy-name", "all")[
            "PolicyDocument"], pol)
        self.assertEqual(self.aws("iam", "list-role-policies", "--role-name", name)["PolicyNames"], ["all"])
        self.assertIn(name, [x["RoleName"] for x in self.aws("iam", "list-roles")["Roles"]])

    def test_oidc_provider(self):
        p = OIDCProvider("/" + unique("cli"))
        self.addCleanup(p.close)
        arn = self.aws("iam", "create-open-id-connect-provider", "--url", p.issuer, "--client-id-list", "x",
                       "--thumbprint-list", "a" * 40)["OpenIDConnectProviderArn"]
        self.assertEqual(self.aws("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn)[
            "Url"], p.host)
        self.aws("iam", "delete-open-id-connect-provider", "--open-id-connect-provider-arn", arn)

    def test_identity_pool_and_sts(self):
        s = self.linked_setup()
        pools = self.aws("cognito-identity", "list-identity-pools", "--max-results", "60")["IdentityPools"]
        self.assertIn(s.pool_id, [x["IdentityPoolId"] for x in pools])
        identity = self.aws("cognito-identity", "get-id", "--identity-pool-id", s.pool_id, "--logins",
                            json.dumps(s.logins))["IdentityId"]
        c = self.aws("cognito-identity", "get-credentials-for-identity", "--identity-id", identity, "--logins",
                     json.dumps(s.logins))["Credentials"]
        me = self.aws("sts", "get-caller-identity", creds=c)
        self.assertIn(":assumed-role/", me["Arn"])
        tok = self.aws("cognito-identity", "get-open-id-token", "--identity-id", identity, "--logins",
                       json.dumps(s.logins))["Token"]
        a = self.aws("sts", "assume-role-with-web-identity", "--role-arn", s.auth_role, "--role-session-name", "cli",
                     "--web-identity-token", tok)
        self.assertEqual(a["SubjectFromWebIdentityToken"], identity)


if __name__ == "__main__":
    unittest.main()
