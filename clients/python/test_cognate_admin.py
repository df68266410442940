"""The link, both ways (README "The link, both ways: CognateAdmin"):
DescribeIdentityOwner from only an identity id, ListUserIdentities from only
a username, alias or sub, ListAuditEvents, AuthorizeRequest with requests
signed by vended credentials, and the identity-id write-back option. Calls
are signed with botocore's SigV4Auth under the service name
cognito-identity, or made with boto3 from the botocore-style model."""

import datetime
import json
import unittest

import botocore
import botocore.awsrequest
import botocore.config

from identity_support import (ACCOUNT, REGION, IdentityTestCase, admin_call, private_prefix_policy, signed_request,
                              trust_policy, unique)

BUCKET_URL = "https://api.example.com/files"


class CognateAdminCase(IdentityTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.srv.admin_model_client()

    def call(self, op, payload, **kw):
        status, body = admin_call(self.srv, op, payload, **kw)
        self.assertEqual(status, 200, body)
        return body

    def call_error(self, op, payload, code, **kw):
        status, body = admin_call(self.srv, op, payload, **kw)
        self.assertNotEqual(status, 200, body)
        self.assertEqual(body.get("__type", "").split("#")[-1], code, body)
        return body


class DescribeIdentityOwner(CognateAdminCase):

    def test_from_only_the_identity_id(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        sub = self.idp.admin_get_user(UserPoolId=s.user_pool, Username=s.username)["UserAttributes"]
        sub = [a["Value"] for a in sub if a["Name"] == "sub"][0]
        r = self.call("DescribeIdentityOwner", {"IdentityId": identity})
        self.assertEqual(r["IdentityId"], identity)
        self.assertEqual(r["IdentityPoolId"], s.pool_id)
        self.assertEqual(r["Logins"], [s.provider])
        self.assertEqual(r["Users"], [{"UserPoolId": s.user_pool, "Username": s.username, "Sub": sub,
                                       "ProviderName": s.provider}])
        self.assertIsInstance(r["CreationDate"], (int, float))
        m = self.admin.describe_identity_owner(IdentityId=identity)
        self.assertIsInstance(m["CreationDate"], datetime.datetime)
        self.assertEqual(m["Users"][0]["Username"], s.username)

    def test_guest_has_no_users(self):
        s = self.linked_setup(allow_unauth=True)
        guest = self.get_id(s.pool_id)
        r = self.call("DescribeIdentityOwner", {"IdentityId": guest})
        self.assertEqual(r["Users"], [])
        self.assertEqual(r["Logins"], [])

    def test_not_found(self):
        self.call_error("DescribeIdentityOwner", {"IdentityId": REGION + ":00000000-0000-0000-0000-000000000000"},
                        "ResourceNotFoundException")

    def test_deleted_user_stays_explainable(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        self.idp.admin_delete_user(UserPoolId=s.user_pool, Username=s.username)
        r = self.call("DescribeIdentityOwner", {"IdentityId": identity})
        self.assertEqual(len(r["Users"]), 1)
        self.assertIs(r["Users"][0]["Deleted"], True)
        self.assertNotIn("Username", r["Users"][0])

    def test_deleted_identity(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        self.ci.delete_identities(IdentityIdsToDelete=[identity])
        self.call_error("DescribeIdentityOwner", {"IdentityId": identity}, "ResourceNotFoundException")
        self.assertEqual(self.call("ListUserIdentities", {"UserPoolId": s.user_pool, "Username": s.username})[
            "Identities"], [])

    def test_refused_unsigned_and_with_vended_credentials(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        c = self.credentials(identity, s.logins)["Credentials"]
        status, body = admin_call(self.srv, "DescribeIdentityOwner", {"IdentityId": identity},
                                  key_id=c["AccessKeyId"], secret=c["SecretKey"], token=c["SessionToken"])
        self.assertIn(status, (400, 403), body)
        status, body = admin_call(self.srv, "DescribeIdentityOwner", {"IdentityId": identity}, secret="wrong")
        self.assertIn(status, (400, 403), body)


class ListUserIdentities(CognateAdminCase):

    def test_by_username_alias_and_sub(self):
        up = self.user_pool(AliasAttributes=["email"])
        client = self.app_client(up)
        username = self.user(up, attributes=[{"Name": "email", "Value": unique("u") + "@example.com"},
                                             {"Name": "email_verified", "Value": "true"}])
        user = self.idp.admin_get_user(UserPoolId=up, Username=username)
        attrs = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        provider = self.provider_name(up)
        ids = []
        for _ in range(2):
            pid = self.identity_pool(CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client}])[
                "IdentityPoolId"]
            ids.append(self.get_id(pid, {provider: self.id_token(client, username)}))
        for name in (username, attrs["email"], attrs["sub"]):
            r = self.call("ListUserIdentities", {"UserPoolId": up, "Username": name})
            self.assertEqual(r["Username"], username)
            self.assertEqual(r["Sub"], attrs["sub"])
            self.assertEqual(sorted(i["IdentityId"] for i in r["Identities"]), sorted(ids))
        m = self.admin.list_user_identities(UserPoolId=up, Username=username)
        self.assertIsInstance(m["Identities"][0]["CreationDate"], datetime.datetime)

    def test_deleted_identity_pool(self):
        s = self.linked_setup()
        self.get_id(s.pool_id, s.logins)
        self.assertEqual(len(self.call("ListUserIdentities", {"UserPoolId": s.user_pool, "Username": s.username})[
            "Identities"]), 1)
        self.ci.delete_identity_pool(IdentityPoolId=s.pool_id)
        self.assertEqual(self.call("ListUserIdentities", {"UserPoolId": s.user_pool, "Username": s.username})[
            "Identities"], [])

    def test_user_without_identities(self):
        up = self.user_pool()
        username = self.user(up)
        self.assertEqual(self.call("ListUserIdentities", {"UserPoolId": up, "Username": username})["Identities"], [])

    def test_unknown_user(self):
        up = self.user_pool()
        self.call_error("ListUserIdentities", {"UserPoolId": up, "Username": "nobody"}, "ResourceNotFoundException")


class ListAuditEvents(CognateAdminCase):

    def test_issuance_and_links_are_recorded(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        c = self.credentials(identity, s.logins)["Credentials"]
        events = self.call("ListAuditEvents", {"IdentityId": identity})["Events"]
        types = [e["EventType"] for e in events]
        self.assertIn("LoginLinked", types)
        self.assertIn("CredentialsIssued", types)
        issued = [e for e in events if e["EventType"] == "CredentialsIssued"][0]
        self.assertEqual(issued["IdentityPoolId"], s.pool_id)
        self.assertEqual(issued["UserPoolId"], s.user_pool)
        self.assertEqual(issued["Username"], s.username)
        self.assertEqual(issued["RoleArn"], s.auth_role)
        self.assertEqual(issued["Details"]["AccessKeyId"], c["AccessKeyId"])
        times = [e["EventTime"] for e in events]
        self.assertEqual(times, sorted(times, reverse=True))
        by_user = self.call("ListAuditEvents", {"UserPoolId": s.user_pool, "Username": s.username})["Events"]
        self.assertEqual({e["EventId"] for e in by_user}, {e["EventId"] for e in events})

    def test_pagination(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        for _ in range(3):
            self.credentials(identity, s.logins)
        seen, token = [], None
        while True:
            req = {"IdentityId": identity, "MaxResults": 2}
            if token:
                req["NextToken"] = token
            r = self.call("ListAuditEvents", req)
            self.assertLessEqual(len(r["Events"]), 2)
            seen += [e["EventId"] for e in r["Events"]]
            token = r.get("NextToken")
            if not token:
                break
        self.assertGreaterEqual(len(seen), 4)
        self.assertEqual(len(seen), len(set(seen)))

    def test_boto3_paginator(self):
        """boto3 pages ListAuditEvents with the model's paginators-1.json."""
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        for _ in range(3):
            self.credentials(identity, s.logins)
        everything = self.call("ListAuditEvents", {"IdentityId": identity, "MaxResults": 60})
        self.assertNotIn("NextToken", everything)
        self.assertTrue(self.admin.can_paginate("list_audit_events"))
        pages = list(self.admin.get_paginator("list_audit_events").paginate(
            IdentityId=identity, PaginationConfig={"PageSize": 2}))
        self.assertGreater(len(pages), 2)
        self.assertTrue(all(len(p["Events"]) <= 2 for p in pages))
        self.assertEqual([e["EventId"] for p in pages for e in p["Events"]],
                         [e["EventId"] for e in everything["Events"]])
        built = self.admin.get_paginator("list_audit_events").paginate(
            IdentityId=identity, PaginationConfig={"PageSize": 2}).build_full_result()
        self.assertEqual(len(built["Events"]), len(everything["Events"]))
        self.assertNotIn("NextToken", built)

    def test_sts_issuance_recorded(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        tok = self.ci_anon.get_open_id_token(IdentityId=identity, Logins=s.logins)["Token"]
        a = self.sts_anon.assume_role_with_web_identity(RoleArn=s.auth_role, RoleSessionName="audit",
                                                        WebIdentityToken=tok)
        events = self.call("ListAuditEvents", {"IdentityId": identity})["Events"]
        keys = [e.get("Details", {}).get("AccessKeyId") for e in events if e["EventType"] == "CredentialsIssued"]
        self.assertIn(a["Credentials"]["AccessKeyId"], keys)

    def test_needs_a_filter_or_accepts_none(self):
        status, body = admin_call(self.srv, "ListAuditEvents", {"MaxResults": 1})
        self.assertIn(status, (200, 400), body)

    def test_bad_token(self):
        s = self.linked_setup()
        identity = self.get_id(s.pool_id, s.logins)
        self.call_error("ListAuditEvents", {"IdentityId": identity, "NextToken": "garbage-token"},
                        "InvalidParameterException")


class AuthorizeRequest(CognateAdminCase):

    def vended(self, s=None):
        s = s or self.linked_setup()
        logins = {s.provider: self.id_token(s.client_id, s.username)}
        identity = self.get_id(s.pool_id, logins)
        return s, identity, self.credentials(identity, logins)["Credentials"]

    def authorize(self, creds, key, action="s3:GetObject", forge=None, **extra):
        url = "%s/private/%s/file.txt" % (BUCKET_URL, key)
        req = signed_request(creds, "GET", url, service="execute-api")
        if forge:
            forge(req)
        req.update(Action=action, Resource="arn:aws:s3:::bucket/private/%s/file.txt" % key, **extra)
        return self.call("AuthorizeRequest", req)

    def test_own_prefix_allowed(self):
        s, identity, c = self.vended()
        r = self.authorize(c, identity)
        self.assertIs(r["Allowed"], True, r)
        self.assertEqual(r["Decision"], "Allow")
        self.assertEqual(r["IdentityId"], identity)
        self.assertEqual(r["IdentityPoolId"], s.pool_id)
        self.assertEqual(r["RoleArn"], s.auth_role)
        self.assertEqual(r["User"]["UserPoolId"], s.user_pool)
        self.assertEqual(r["User"]["Username"], s.username)
        self.assertEqual(r["User"]["Attributes"]["sub"], r["User"]["Sub"])

    def test_another_identitys_prefix_denied(self):
        s, identity, c = self.vended()
        other = self.user(s.user_pool)
        other_id = self.get_id(s.pool_id, {s.provider: self.id_token(s.client_id, other)})
        r = self.authorize(c, other_id)
        self.assertIs(r["Allowed"], False)
        self.assertEqual(r["Decision"], "ImplicitDeny")
        self.assertEqual(r["IdentityId"], identity)
        r = self.authorize(c, identity, action="s3:DeleteObject")
        self.assertEqual(r["Decision"], "ImplicitDeny")

    def test_context_cannot_override_the_session(self):
        s, identity, c = self.vended()
        other = self.get_id(s.pool_id, {s.provider: self.id_token(s.client_id, self.user(s.user_pool))})
        for key in ("cognito-identity.amazonaws.com:sub", "COGNITO-IDENTITY.amazonaws.com:sub", "aws:userid"):
            r = self.authorize(c, other, Context={key: other})
            self.assertEqual(r["Decision"], "ImplicitDeny", key)
            self.assertEqual(r["IdentityId"], identity)

    def test_explicit_deny(self):
        s = self.linked_setup()
        self.iam.put_role_policy(RoleName=s.auth_role.split("/")[-1], PolicyName="deny", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject",
                                                    "Resource": "arn:aws:s3:::bucket/private/*/secret/*"}]}))
        _, identity, c = self.vended(s)
        self.assertEqual(self.authorize(c, identity)["Decision"], "Allow")
        self.assertEqual(self.authorize(c, identity + "/secret")["Decision"], "ExplicitDeny")

    def test_forged_signature_is_unauthenticated(self):
        _, identity, c = self.vended()

        def forge(req):
            auth = req["Headers"]["Authorization"]
            req["Headers"]["Authorization"] = auth[:-1] + ("0" if auth[-1] != "0" else "1")

        r = self.authorize(c, identity, forge=forge)
        self.assertIs(r["Allowed"], False)
        self.assertEqual(r["Decision"], "Unauthenticated")
        self.assertTrue(r["Message"].startswith("SignatureDoesNotMatch"), r)
        self.assertNotIn("IdentityId", r)

    def test_forged_secret_is_unauthenticated(self):
        _, identity, c = self.vended()
        forged = dict(c, SecretKey="X" * 40)
        r = self.authorize(forged, identity)
        self.assertEqual(r["Decision"], "Unauthenticated")
        self.assertNotIn("IdentityId", r)

    def test_forged_session_token_is_unauthenticated(self):
        _, identity, c = self.vended()
        t = c["SessionToken"]
        forged = dict(c, SessionToken=t[:30] + ("A" if t[30] != "A" else "B") + t[31:])
        r = self.authorize(forged, identity)
        self.assertEqual(r["Decision"], "Unauthenticated")
        self.assertTrue(r["Message"].startswith("InvalidClientTokenId"), r)

    def test_root_credentials_are_not_vended(self):
        _, identity, _ = self.vended()
        root = {"AccessKeyId": self.srv.key_id, "SecretKey": self.srv.secret}
        r = self.authorize(root, identity)
        self.assertIs(r["Allowed"], False)
        self.assertEqual(r["Decision"], "Unauthenticated")

    def test_tampered_path_is_unauthenticated(self):
        _, identity, c = self.vended()

        def forge(req):
            req["Path"] = req["Path"].replace("file.txt", "other.txt")

        self.assertEqual(self.authorize(c, identity, forge=forge)["Decision"], "Unauthenticated")

    def s3_request(self, c, identity, presign=False):
        """What boto3's own S3 client sends for GetObject of the identity's
        private file (captured before it leaves), as AuthorizeRequest
        takes it. The key's ':' travels percent-encoded, and S3 signs the
        path encoded once."""
        import urllib.parse
        s3 = __import__("boto3").client("s3", region_name=REGION, aws_access_key_id=c["AccessKeyId"],
                                        aws_secret_access_key=c["SecretKey"], aws_session_token=c["SessionToken"],
                                        endpoint_url="https://s3.example.com",
                                        config=botocore.config.Config(s3={"addressing_style": "path"},
                                                                              signature_version="s3v4"))
        key = "private/%s/file.txt" % identity
        if presign:
            url = s3.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": key}, ExpiresIn=300)
            u = urllib.parse.urlsplit(url)
            req = {"Method": "GET", "Path": u.path, "Query": u.query, "Headers": {"Host": u.netloc},
                   "PayloadHash": "UNSIGNED-PAYLOAD"}
        else:
            captured = {}

            def grab(request, **_):
                captured["req"] = request
                return botocore.awsrequest.AWSResponse(request.url, 200, {}, None)

            s3.meta.events.register("before-send.s3.GetObject", grab)
            try:
                s3.get_object(Bucket="bucket", Key=key)
            except Exception:
                pass
            r = captured["req"]
            u = urllib.parse.urlsplit(r.url)
            headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in r.headers.items()}
            headers["Host"] = u.netloc
            req = {"Method": "GET", "Path": u.path, "Query": u.query, "Headers": headers,
                   "PayloadHash": headers.get("X-Amz-Content-SHA256") or headers.get("x-amz-content-sha256")}
        self.assertIn("%3A", req["Path"])
        req.update(Action="s3:GetObject", Resource="arn:aws:s3:::bucket/" + key)
        return req

    def test_boto3_s3_request(self):
        _, identity, c = self.vended()
        r = self.call("AuthorizeRequest", self.s3_request(c, identity))
        self.assertEqual(r["Decision"], "Allow", r)
        self.assertEqual(r["IdentityId"], identity)

    def test_boto3_s3_presigned_url(self):
        _, identity, c = self.vended()
        req = self.s3_request(c, identity, presign=True)
        r = self.call("AuthorizeRequest", req)
        self.assertEqual(r["Decision"], "Allow", r)
        forged = dict(req, Query=req["Query"].replace("X-Amz-Expires=300", "X-Amz-Expires=604800"))
        self.assertEqual(self.call("AuthorizeRequest", forged)["Decision"], "Unauthenticated")
        other = dict(req, Path=req["Path"].replace("file.txt", "other.txt"))
        self.assertEqual(self.call("AuthorizeRequest", other)["Decision"], "Unauthenticated")

    def test_stale_signature_is_unauthenticated(self):
        import botocore.auth
        _, identity, c = self.vended()
        real = botocore.auth.get_current_datetime
        botocore.auth.get_current_datetime = lambda: real() - datetime.timedelta(minutes=20)
        try:
            url = "%s/private/%s/file.txt" % (BUCKET_URL, identity)
            req = signed_request(c, "GET", url, service="execute-api")
        finally:
            botocore.auth.get_current_datetime = real
        req.update(Action="s3:GetObject", Resource="arn:aws:s3:::bucket/private/%s/file.txt" % identity)
        r = self.call("AuthorizeRequest", req)
        self.assertEqual(r["Decision"], "Unauthenticated", r)

    def test_body_must_match_the_signature(self):
        import base64
        _, identity, c = self.vended()
        url = "%s/private/%s/file.txt" % (BUCKET_URL, identity)
        req = signed_request(c, "PUT", url, service="execute-api", body=b"hello")
        req.pop("PayloadHash")
        req.update(Action="s3:PutObject", Resource="arn:aws:s3:::bucket/private/%s/file.txt" % identity)
        ok = dict(req, Body=base64.b64encode(b"hello").decode())
        self.assertEqual(self.call("AuthorizeRequest", ok)["Decision"], "Allow")
        bad = dict(req, Body=base64.b64encode(b"HELLO").decode())
        self.assertEqual(self.call("AuthorizeRequest", bad)["Decision"], "Unauthenticated")

    def test_principal_tags(self):
        s = self.linked_setup(auth_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/app": "${aws:PrincipalTag/app}",
                                           "s3:ExistingObjectTag/owner": "${aws:PrincipalTag/username}"}}}]}))
        self.ci.set_principal_tag_attribute_map(IdentityPoolId=s.pool_id, IdentityProviderName=s.provider,
                                                UseDefaults=False, PrincipalTags={"app": "aud", "username": "sub"})
        _, identity, c = self.vended(s)
        sub = self.call("DescribeIdentityOwner", {"IdentityId": identity})["Users"][0]["Sub"]
        r = self.authorize(c, identity, Context={"s3:ExistingObjectTag/owner": sub})
        self.assertEqual(r["PrincipalTags"], {"app": s.client_id, "username": sub})
        self.assertEqual(r["Decision"], "Allow", r)
        r = self.authorize(c, identity, Context={"s3:ExistingObjectTag/owner": "someone-else"})
        self.assertEqual(r["Decision"], "ImplicitDeny")

    def test_guest_credentials(self):
        s = self.linked_setup(allow_unauth=True)
        guest = self.get_id(s.pool_id)
        c = self.credentials(guest)["Credentials"]
        r = self.authorize(c, guest)
        self.assertEqual(r["IdentityId"], guest)
        self.assertEqual(r["RoleArn"], s.unauth_role)
        self.assertNotIn("User", r)
        self.assertEqual(r["Decision"], "ImplicitDeny")


class IdentityIdWriteBack(CognateAdminCase):

    def test_write_back(self):
        up = self.user_pool(Schema=[{"Name": "identity_id", "AttributeDataType": "String", "Mutable": True}])
        client = self.app_client(up)
        username = self.user(up)
        provider = self.provider_name(up)
        pid = self.identity_pool(CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client}])[
            "IdentityPoolId"]
        r = self.call("UpdateIdentityPoolOptions", {"IdentityPoolId": pid, "IdentityIdAttribute": "custom:identity_id"})
        self.assertEqual(r["IdentityIdAttribute"], "custom:identity_id")
        self.assertEqual(self.call("DescribeIdentityPoolOptions", {"IdentityPoolId": pid})["IdentityIdAttribute"],
                         "custom:identity_id")
        identity = self.get_id(pid, {provider: self.id_token(client, username)})
        attrs = {a["Name"]: a["Value"] for a in self.idp.admin_get_user(UserPoolId=up, Username=username)[
            "UserAttributes"]}
        self.assertEqual(attrs["custom:identity_id"], identity)
        tokens = self.sign_in(client, username)
        import identity_support
        self.assertEqual(identity_support.jwt_claims(tokens["IdToken"])["custom:identity_id"], identity)
        self.assertError("NotAuthorizedException", self.idp_anon.update_user_attributes,
                         AccessToken=tokens["AccessToken"],
                         UserAttributes=[{"Name": "custom:identity_id", "Value": REGION + ":forged"}])
        listed = self.idp.list_users(UserPoolId=up, Filter='username = "%s"' % username)["Users"][0]
        self.assertIn({"Name": "custom:identity_id", "Value": identity}, listed["Attributes"])
        self.ci.delete_identities(IdentityIdsToDelete=[identity])
        attrs = {a["Name"]: a["Value"] for a in self.idp.admin_get_user(UserPoolId=up, Username=username)[
            "UserAttributes"]}
        self.assertNotIn("custom:identity_id", attrs)


class SessionTagsClaim(CognateAdminCase):
    """README "Real AWS and other STS-compatible stores": the option puts
    both ids into the OpenID token's session-tag claim, which STS turns into
    the session's principal tags (only with sts:TagSession in the trust
    policy, as "Passing session tags using AssumeRoleWithWebIdentity" in the
    IAM User Guide says)."""

    LINK = ["CognitoUsername", "IdentityId", "IdentityPoolId", "Sub", "UserPoolId"]

    @staticmethod
    def tags_claim(token):
        import identity_support
        return identity_support.jwt_claims(token).get("https://aws.amazon.com/tags")

    def open_id_token(self, s):
        identity = self.get_id(s.pool_id, s.logins)
        return identity, self.ci_anon.get_open_id_token(IdentityId=identity, Logins=s.logins)["Token"]

    def test_off_by_default(self):
        s = self.linked_setup()
        self.assertIs(self.admin.describe_identity_pool_options(IdentityPoolId=s.pool_id)["SessionTagsClaim"], False)
        _, token = self.open_id_token(s)
        self.assertIsNone(self.tags_claim(token))

    def test_both_ids_in_the_token_and_the_session(self):
        s = self.linked_setup()
        r = self.admin.update_identity_pool_options(IdentityPoolId=s.pool_id, SessionTagsClaim=True)
        self.assertIs(r["SessionTagsClaim"], True)
        self.assertIs(self.admin.describe_identity_pool_options(IdentityPoolId=s.pool_id)["SessionTagsClaim"], True)
        sub = [a["Value"] for a in self.idp.admin_get_user(UserPoolId=s.user_pool, Username=s.username)[
            "UserAttributes"] if a["Name"] == "sub"][0]
        identity, token = self.open_id_token(s)
        claim = self.tags_claim(token)
        self.assertEqual(claim["principal_tags"], {
            "IdentityId": [identity], "IdentityPoolId": [s.pool_id], "UserPoolId": [s.user_pool], "Sub": [sub],
            "CognitoUsername": [s.username]})
        self.assertEqual(sorted(claim["transitive_tag_keys"]), self.LINK)

        out = self.sts_anon.assume_role_with_web_identity(RoleArn=s.auth_role, RoleSessionName=sub,
                                                          WebIdentityToken=token)
        self.assertGreater(out["PackedPolicySize"], 0)
        self.assertEqual(out["SubjectFromWebIdentityToken"], identity)
        req = signed_request(out["Credentials"], "GET", BUCKET_URL + "/x")
        req.update(Action="s3:GetObject", Resource="arn:aws:s3:::bucket/x")
        tags = self.call("AuthorizeRequest", req)["PrincipalTags"]
        self.assertEqual(tags["Sub"], sub)
        self.assertEqual(tags["IdentityId"], identity)
        self.assertEqual(tags["CognitoUsername"], s.username)

        # The enhanced flow's credentials carry the same tags.
        c = self.credentials(identity, s.logins)["Credentials"]
        req = signed_request(c, "GET", BUCKET_URL + "/x")
        req.update(Action="s3:GetObject", Resource="arn:aws:s3:::bucket/x")
        self.assertEqual(self.call("AuthorizeRequest", req)["PrincipalTags"]["Sub"], sub)

    def test_without_tag_session_refused(self):
        s = self.linked_setup()
        self.admin.update_identity_pool_options(IdentityPoolId=s.pool_id, SessionTagsClaim=True)
        _, token = self.open_id_token(s)
        role = self.role(trust_policy(s.pool_id, extra={"Action": "sts:AssumeRoleWithWebIdentity"}))
        self.assertError("AccessDenied", self.sts_anon.assume_role_with_web_identity, RoleArn=role,
                         RoleSessionName="app", WebIdentityToken=token, message="Not authorized to perform sts:TagSession")

    def test_update_sets_every_option(self):
        s = self.linked_setup()
        r = self.admin.update_identity_pool_options(IdentityPoolId=s.pool_id, IdentityIdAttribute="custom:identity_id",
                                                    SessionTagsClaim=True)
        self.assertEqual((r["IdentityIdAttribute"], r["SessionTagsClaim"]), ("custom:identity_id", True))
        r = self.admin.update_identity_pool_options(IdentityPoolId=s.pool_id, SessionTagsClaim=True)
        self.assertNotIn("IdentityIdAttribute", r)
        r = self.admin.update_identity_pool_options(IdentityPoolId=s.pool_id)
        self.assertIs(r["SessionTagsClaim"], False)

    def test_cli_flag(self):
        """The README's `aws cognate-admin update-identity-pool-options
        --session-tags-claim`, with the model registered."""
        import os
        import shutil
        import subprocess
        import tempfile
        from identity_support import REPO
        if not shutil.which("aws"):
            self.skipTest("aws CLI not installed")
        s = self.linked_setup()
        model = os.path.join(REPO, "internal", "awsmodel", "data", "cognate-admin", "2026-11-01", "service-2.json.gz")
        script = ("zcat %s > $HOME/cognate-admin.json\n"
                  "aws configure add-model --service-model file://$HOME/cognate-admin.json --service-name cognate-admin\n"
                  "aws cognate-admin update-identity-pool-options --identity-pool-id %s --session-tags-claim "
                  "--endpoint-url %s\n") % (model, s.pool_id, self.srv.endpoint)
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, HOME=home, AWS_ACCESS_KEY_ID=self.srv.key_id, AWS_SECRET_ACCESS_KEY=self.srv.secret,
                       AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=os.path.join(home, "config"))
            env.pop("AWS_SESSION_TOKEN", None)
            p = subprocess.run(["bash", "-ec", script], env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIs(json.loads(p.stdout)["SessionTagsClaim"], True)


class ReadmeExamples(CognateAdminCase):
    """The README's CognateAdmin examples, run as written."""

    def readme_block(self, lang):
        import os
        from identity_support import REPO
        with open(os.path.join(REPO, "README.md")) as f:
            text = f.read()
        section = text[text.index("### The link, both ways"):]
        start = section.index("```" + lang + "\n") + len(lang) + 4
        return section[start:section.index("```", start)]

    def linked_identity(self):
        s = self.linked_setup()
        return s, self.get_id(s.pool_id, s.logins)

    def test_python_snippet(self):
        import os
        from unittest import mock
        s, identity = self.linked_identity()
        code = self.readme_block("python")
        self.assertIn('"cognito-identity"', code)
        defs = code[:code.index("\nprint(")].replace("http://127.0.0.1:7350", self.srv.endpoint)
        env = {"AWS_ACCESS_KEY_ID": self.srv.key_id, "AWS_SECRET_ACCESS_KEY": self.srv.secret}
        scope = {}
        with mock.patch.dict(os.environ, env):
            exec(defs, scope)
            owner = scope["cognate_admin"]("DescribeIdentityOwner", {"IdentityId": identity})
            mine = scope["cognate_admin"]("ListUserIdentities", {"UserPoolId": s.user_pool, "Username": s.username})
        self.assertEqual(owner["Users"][0]["Username"], s.username)
        self.assertEqual([i["IdentityId"] for i in mine["Identities"]], [identity])

    def test_cli_with_the_model(self):
        import os
        import subprocess
        import tempfile
        from identity_support import REPO
        s, identity = self.linked_identity()
        script = self.readme_block("sh")
        for placeholder, value in (("http://127.0.0.1:7350", self.srv.endpoint), ("us-east-1:...", identity),
                                   ("us-east-1_...", s.user_pool), ("--username alice", "--username " + s.username),
                                   ("/tmp/cognate-admin.json", "$HOME/cognate-admin.json"),
                                   ("--page-size 25", "--page-size 1")):
            self.assertIn(placeholder, script)
            script = script.replace(placeholder, value)
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, HOME=home, AWS_ACCESS_KEY_ID=self.srv.key_id, AWS_SECRET_ACCESS_KEY=self.srv.secret,
                       AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=os.path.join(home, "config"))
            env.pop("AWS_SESSION_TOKEN", None)
            p = subprocess.run(["bash", "-ec", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        docs = [json.loads(d) for d in p.stdout.replace("}\n{", "}\x00{").split("\x00")]
        self.assertEqual(docs[0]["Users"][0]["Username"], s.username)
        self.assertEqual([i["IdentityId"] for i in docs[1]["Identities"]], [identity])
        # With the paginators installed, the CLI fetched one event per request and printed them all.
        everything = self.call("ListAuditEvents", {"IdentityId": identity})["Events"]
        self.assertGreater(len(everything), 1)
        self.assertEqual([e["EventId"] for e in docs[2]["Events"]], [e["EventId"] for e in everything])
        self.assertNotIn("NextToken", docs[2])


class UpdateUsernameConfiguration(CognateAdminCase):

    def test_case_insensitive_and_back(self):
        up = self.user_pool()
        self.user(up, "Dana")
        self.user(up, "eve")
        self.user(up, "EVE")
        body = self.call_error("UpdateUsernameConfiguration", {"UserPoolId": up, "CaseSensitive": False},
                               "InvalidParameterException")
        self.assertIn("EVE, eve (username)", body["message"])
        self.idp.admin_delete_user(UserPoolId=up, Username="EVE")
        r = self.call("UpdateUsernameConfiguration", {"UserPoolId": up, "CaseSensitive": False})
        self.assertEqual((r["CaseSensitive"], r["UsersRekeyed"]), (False, 2))
        self.assertEqual(self.idp.admin_get_user(UserPoolId=up, Username="dANA")["Username"], "Dana")
        self.call("UpdateUsernameConfiguration", {"UserPoolId": up, "CaseSensitive": True})
        with self.assertRaises(self.idp.exceptions.UserNotFoundException):
            self.idp.admin_get_user(UserPoolId=up, Username="dANA")



class AttributesAndSignInAfterCreation(CognateAdminCase):
    """DeleteCustomAttribute, UpdateCustomAttribute, UpdateRequiredAttribute
    and UpdateSignInAttributes, called with boto3's client of the model."""

    def test_custom_attribute_removed_and_changed(self):
        up = self.user_pool(Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True},
                                    {"Name": "code", "AttributeDataType": "String", "Mutable": True}])
        name = self.user(up, attributes=[{"Name": "custom:tier", "Value": "gold"}, {"Name": "custom:code", "Value": "abcdef"}])
        r = self.admin.delete_custom_attribute(UserPoolId=up, Name="custom:tier")
        self.assertEqual((r["Name"], r["UsersUpdated"], r["ClientsUpdated"]), ("custom:tier", 1, 0))
        attrs = {a["Name"] for a in self.idp.admin_get_user(UserPoolId=up, Username=name)["UserAttributes"]}
        self.assertNotIn("custom:tier", attrs)
        r = self.admin.update_custom_attribute(UserPoolId=up, Name="code", Mutable=False,
                                               StringAttributeConstraints={"MaxLength": "4"})
        self.assertEqual((r["Mutable"], r["StringAttributeConstraints"]["MaxLength"], r["UsersOutOfConstraints"],
                          r["SomeUsersOutOfConstraints"]), (False, "4", 1, [name]))
        with self.assertRaises(self.admin.exceptions.InvalidParameterException):
            self.admin.delete_custom_attribute(UserPoolId=up, Name="custom:tier")

    def test_required_attribute(self):
        up = self.user_pool()
        name = self.user(up)
        r = self.admin.update_required_attribute(UserPoolId=up, Name="family_name", Required=True)
        self.assertEqual((r["Required"], r["UsersMissing"], r["SomeUsersMissing"]), (True, 1, [name]))
        with self.assertRaises(self.idp.exceptions.InvalidParameterException):
            self.idp.admin_create_user(UserPoolId=up, Username=unique("u"), MessageAction="SUPPRESS")

    def test_sign_in_attributes(self):
        up = self.user_pool()
        client = self.app_client(up)
        email = unique("e") + "@example.com"
        self.user(up, "ann", [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}])
        self.user(up, "dup", [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}])
        body = self.call_error("UpdateSignInAttributes", {"UserPoolId": up, "AliasAttributes": ["email"]},
                               "InvalidParameterException")
        self.assertIn("ann, dup (email)", body["message"])
        self.idp.admin_delete_user(UserPoolId=up, Username="dup")
        r = self.admin.update_sign_in_attributes(UserPoolId=up, AliasAttributes=["email"])
        self.assertEqual((r["AliasAttributes"], r["UsersRekeyed"]), (["email"], 1))
        self.assertIn("IdToken", self.sign_in(client, email))
        r = self.admin.update_sign_in_attributes(UserPoolId=up, AliasAttributes=[])
        self.assertNotIn("AliasAttributes", r)
        with self.assertRaises(self.idp.exceptions.UserNotFoundException):
            self.sign_in(client, email)


if __name__ == "__main__":
    unittest.main()
