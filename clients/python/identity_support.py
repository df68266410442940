"""Fixtures of the boto3 identity-pool, STS, IAM and CognateAdmin probes.

The probes drive a Cognate server with boto3 (and the AWS CLI) exactly as
an application drives Amazon Cognito identity pools, STS and IAM; their
expectations come from the AWS API references and developer guides. The
server is found this way:

- COGNATE_ENDPOINT set: that server, signed with AWS_ACCESS_KEY_ID /
  AWS_SECRET_ACCESS_KEY (the root credentials it printed);
- otherwise the probes build ./cmd/cognate (COGNATE_BIN names a binary to
  use instead) and start it on a free port with a temporary data directory
  (and COGNATE_DATABASE_URL, when set, as its PostgreSQL database), and
  stop it at exit.

Run them with `python3 -m unittest discover -s clients/python -p 'test_*.py'`.
"""

import base64
import datetime
import gzip
import hashlib
import http.server
import json
import os
import shutil
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
import uuid

import boto3
import botocore
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from support import CognateProcess

REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PASSWORD = "Passw0rd!Good"
ACCOUNT = "000000000000"
ID_RE = r"^%s:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" % REGION


class IdentityServer(CognateProcess):
    """A running Cognate server: endpoint and root credentials."""

    def __init__(self):
        endpoint = os.environ.get("COGNATE_ENDPOINT")
        if endpoint:
            self.endpoint = endpoint.rstrip("/")
            self.key_id = os.environ["AWS_ACCESS_KEY_ID"]
            self.secret = os.environ["AWS_SECRET_ACCESS_KEY"]
        else:
            flags = ()
            if os.environ.get("COGNATE_DATABASE_URL"):
                flags = ("--database-url", os.environ["COGNATE_DATABASE_URL"])
            self._launch("cognate-identity-probes-", "AKIACOGNATEIDPROBES1",
                         "identity-probes-" + uuid.uuid4().hex, *flags)
        self.host = urllib.parse.urlparse(self.endpoint).netloc

    def client(self, service, signed=True, validate=True, region=REGION, key_id=None, secret=None, token=None):
        """A boto3 client of the server. validate=False skips boto3's own
        parameter validation so that requests the server must refuse reach
        it; signed=False sends unsigned requests, as browsers do."""
        cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, region_name=region,
                     parameter_validation=validate)
        if not signed:
            cfg = cfg.merge(Config(signature_version=botocore.UNSIGNED))
        return boto3.client(service, endpoint_url=self.endpoint, aws_access_key_id=key_id or self.key_id,
                            aws_secret_access_key=secret or self.secret, aws_session_token=token, config=cfg)

    def admin_model_client(self):
        """boto3's client of the CognateAdmin model (loaded as a custom
        service from the repository's botocore-style model and paginators,
        installed as the README says)."""
        d = os.path.join(tempfile.gettempdir(), "cognate-admin-model-" + str(os.getpid()))
        target = os.path.join(d, "cognate-admin", "2026-11-01")
        if not os.path.exists(os.path.join(target, "service-2.json")):
            os.makedirs(target, exist_ok=True)
            src = os.path.join(REPO, "internal", "awsmodel", "data", "cognate-admin", "2026-11-01")
            with gzip.open(os.path.join(src, "service-2.json.gz")) as f, open(os.path.join(target, "service-2.json"), "wb") as out:
                out.write(f.read())
            shutil.copy(os.path.join(src, "paginators-1.json"), target)
        bs = botocore.session.get_session()
        bs.get_component("data_loader").search_paths.insert(0, d)
        session = boto3.session.Session(botocore_session=bs)
        return session.client("cognate-admin", endpoint_url=self.endpoint, region_name=REGION,
                              aws_access_key_id=self.key_id, aws_secret_access_key=self.secret,
                              config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


_server = None


def server():
    global _server
    if _server is None:
        _server = IdentityServer()
    return _server


def unique(prefix="u"):
    return prefix + uuid.uuid4().hex[:12]


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def jwt_header(token):
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def tamper(token):
    """The token with one signature character changed."""
    head, payload, sig = token.split(".")
    c = "A" if sig[5] != "A" else "B"
    return ".".join([head, payload, sig[:5] + c + sig[6:]])


def trust_policy(pool_id=None, amr="authenticated", federated="cognito-identity.amazonaws.com", extra=None):
    cond = {}
    if pool_id:
        cond["StringEquals"] = {"cognito-identity.amazonaws.com:aud": pool_id}
    if amr:
        cond["ForAnyValue:StringLike"] = {"cognito-identity.amazonaws.com:amr": amr}
    stmt = {"Effect": "Allow", "Principal": {"Federated": federated},
            "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]}
    if cond:
        stmt["Condition"] = cond
    if extra:
        stmt.update(extra)
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def private_prefix_policy(bucket="bucket"):
    """The developer guide's per-identity S3 prefix policy."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": ["arn:aws:s3:::%s/private/${cognito-identity.amazonaws.com:sub}/*" % bucket]}]})


class OIDCProvider:
    """An external OpenID Connect provider served from this process:
    discovery document and JWKS on a loopback port, RS256 ID tokens."""

    def __init__(self, path=""):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex[:8]
        provider = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.endswith("/.well-known/openid-configuration"):
                    body = json.dumps({"issuer": provider.issuer, "jwks_uri": provider.issuer + "/jwks.json",
                                       "response_types_supported": ["id_token"], "subject_types_supported": ["public"],
                                       "id_token_signing_alg_values_supported": ["RS256"]})
                elif self.path.endswith("/jwks.json"):
                    body = json.dumps({"keys": [provider.jwk()]})
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = "http://127.0.0.1:%d%s" % (self.httpd.server_address[1], path)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def host(self):
        """The issuer without scheme: the Logins key and IAM's URL."""
        return self.issuer.split("://", 1)[1]

    def jwk(self):
        n = self.key.public_key().public_numbers()
        return {"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256",
                "n": b64url(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")), "e": b64url(n.e.to_bytes(3, "big"))}

    def token(self, sub="oidc-user", aud="probe-client", ttl=600, key=None, **claims):
        now = int(time.time())
        body = {"iss": self.issuer, "sub": sub, "aud": aud, "iat": now, "exp": now + ttl}
        body.update(claims)
        head = {"alg": "RS256", "kid": self.kid, "typ": "JWT"}
        signing = b64url(json.dumps(head).encode()) + "." + b64url(json.dumps(body).encode())
        sig = (key or self.key).sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing + "." + b64url(sig)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def signed_request(creds, method, url, service="execute-api", body=b"", headers=None, region=REGION):
    """A request signed with SigV4 by creds (a dict with AccessKeyId,
    SecretKey or SecretAccessKey, SessionToken): its parts as
    CognateAdmin.AuthorizeRequest takes them."""
    secret = creds.get("SecretKey") or creds.get("SecretAccessKey")
    c = Credentials(creds["AccessKeyId"], secret, creds.get("SessionToken"))
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    SigV4Auth(c, service, region).add_auth(req)
    u = urllib.parse.urlsplit(url)
    hdrs = {k: v for k, v in req.headers.items()}
    hdrs["Host"] = u.netloc
    return {"Method": method, "Path": u.path or "/", "Query": u.query, "Headers": hdrs,
            "PayloadHash": hashlib.sha256(body).hexdigest()}


def admin_call(srv, operation, payload, key_id=None, secret=None, token=None, service="cognito-identity"):
    """Calls CognateAdmin.<operation> signed with botocore's SigV4Auth, as
    the README shows; returns (status, parsed body)."""
    body = json.dumps(payload).encode()
    req = AWSRequest(method="POST", url=srv.endpoint + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "CognateAdmin." + operation})
    SigV4Auth(Credentials(key_id or srv.key_id, secret or srv.secret, token), service, REGION).add_auth(req)
    r = urllib.request.Request(srv.endpoint + "/", data=body, headers=dict(req.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(r) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


class IdentityTestCase(unittest.TestCase):
    """Clients of every service the probes use, and builders of user pools,
    roles and identity pools."""

    @classmethod
    def setUpClass(cls):
        cls.srv = server()
        cls.ci = cls.srv.client("cognito-identity")
        cls.ci_anon = cls.srv.client("cognito-identity", signed=False)
        cls.ci_raw = cls.srv.client("cognito-identity", validate=False)
        cls.idp = cls.srv.client("cognito-idp")
        cls.idp_anon = cls.srv.client("cognito-idp", signed=False)
        cls.iam = cls.srv.client("iam")
        cls.sts = cls.srv.client("sts")
        cls.sts_anon = cls.srv.client("sts", signed=False)

    # --- user pools -----------------------------------------------------

    def user_pool(self, **kw):
        p = self.idp.create_user_pool(PoolName=unique("pool"), **kw)["UserPool"]
        self.addCleanup(self._quietly, self.idp.delete_user_pool, UserPoolId=p["Id"])
        return p["Id"]

    def app_client(self, pool_id, **kw):
        kw.setdefault("ExplicitAuthFlows", ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                            "ALLOW_REFRESH_TOKEN_AUTH"])
        return self.idp.create_user_pool_client(UserPoolId=pool_id, ClientName=unique("c"), **kw)["UserPoolClient"][
            "ClientId"]

    def user(self, pool_id, username=None, attributes=None):
        username = username or unique("user")
        self.idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                                   UserAttributes=attributes or [])
        self.idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
        return username

    def sign_in(self, client_id, username):
        return self.idp_anon.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                           AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})[
            "AuthenticationResult"]

    def id_token(self, client_id, username):
        return self.sign_in(client_id, username)["IdToken"]

    @staticmethod
    def provider_name(pool_id):
        return "cognito-idp.%s.amazonaws.com/%s" % (REGION, pool_id)

    def amplify_provider_name(self, pool_id):
        """The Logins key Amplify v6 forms: the ID token's iss without scheme."""
        return self.srv.host + "/" + pool_id

    # --- IAM ------------------------------------------------------------

    def role(self, trust, policy=None, name=None, **kw):
        name = name or unique("role")
        arn = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kw)["Role"]["Arn"]
        self.addCleanup(self._drop_role, name)
        if policy:
            self.iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy)
        return arn

    def _drop_role(self, name):
        try:
            for p in self.iam.list_role_policies(RoleName=name)["PolicyNames"]:
                self.iam.delete_role_policy(RoleName=name, PolicyName=p)
            self.iam.delete_role(RoleName=name)
        except Exception:
            pass

    # --- identity pools -------------------------------------------------

    def identity_pool(self, allow_unauth=False, **kw):
        p = self.ci.create_identity_pool(IdentityPoolName=unique("ip"), AllowUnauthenticatedIdentities=allow_unauth,
                                         **kw)
        self.addCleanup(self._quietly, self.ci.delete_identity_pool, IdentityPoolId=p["IdentityPoolId"])
        return p

    def linked_setup(self, allow_unauth=False, server_side_check=False, auth_policy=None, **pool_kw):
        """A user pool with an app client and a user, an identity pool that
        trusts it, and authenticated (and unauthenticated) roles whose trust
        policies name the identity pool."""
        s = type("Setup", (), {})()
        s.user_pool = self.user_pool()
        s.client_id = self.app_client(s.user_pool)
        s.username = self.user(s.user_pool)
        s.provider = self.provider_name(s.user_pool)
        s.pool = self.identity_pool(allow_unauth=allow_unauth, CognitoIdentityProviders=[{
            "ProviderName": s.provider, "ClientId": s.client_id, "ServerSideTokenCheck": server_side_check}],
                                    **pool_kw)
        s.pool_id = s.pool["IdentityPoolId"]
        s.auth_role = self.role(trust_policy(s.pool_id, "authenticated"), auth_policy or private_prefix_policy())
        s.unauth_role = self.role(trust_policy(s.pool_id, "unauthenticated"))
        self.ci.set_identity_pool_roles(IdentityPoolId=s.pool_id,
                                        Roles={"authenticated": s.auth_role, "unauthenticated": s.unauth_role})
        s.token = self.id_token(s.client_id, s.username)
        s.logins = {s.provider: s.token}
        return s

    def get_id(self, pool_id, logins=None):
        kw = {"IdentityPoolId": pool_id}
        if logins is not None:
            kw["Logins"] = logins
        return self.ci_anon.get_id(**kw)["IdentityId"]

    def credentials(self, identity_id, logins=None, **kw):
        if logins is not None:
            kw["Logins"] = logins
        return self.ci_anon.get_credentials_for_identity(IdentityId=identity_id, **kw)

    @staticmethod
    def _quietly(fn, **kw):
        try:
            fn(**kw)
        except Exception:
            pass

    # --- assertions -----------------------------------------------------

    def assertError(self, code, fn, *args, message=None, message_re=None, status=None, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kw)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, "wrong error; message was %r" % err.get("Message"))
        if message is not None:
            self.assertEqual(err.get("Message"), message)
        if message_re is not None:
            self.assertRegex(err.get("Message", ""), message_re)
        if status is not None:
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        return err

    def assertTimestamp(self, v):
        self.assertIsInstance(v, datetime.datetime)
        self.assertIsNotNone(v.tzinfo)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - v).total_seconds()), 3 * 3600, v)

    def assertCredentials(self, c):
        self.assertRegex(c["AccessKeyId"], r"^ASIA[A-Z0-9]{16}$")
        self.assertTrue(c.get("SecretKey") or c.get("SecretAccessKey"))
        self.assertTrue(c["SessionToken"])
        self.assertIsInstance(c["Expiration"], datetime.datetime)
        left = (c["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertGreater(left, 600)
        self.assertLessEqual(left, 3600 * 12 + 5)

    def caller(self, creds):
        """GetCallerIdentity signed with vended credentials."""
        secret = creds.get("SecretKey") or creds.get("SecretAccessKey")
        return self.srv.client("sts", key_id=creds["AccessKeyId"], secret=secret,
                               token=creds["SessionToken"]).get_caller_identity()
