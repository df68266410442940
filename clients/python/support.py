"""Shared fixtures of the boto3 compatibility suite.

The suite drives a Cognate server with boto3 exactly as an application
would drive Amazon Cognito. It finds the server this way:

- COGNATE_ENDPOINT set: that server, signed with AWS_ACCESS_KEY_ID /
  AWS_SECRET_ACCESS_KEY (the root credentials the server printed).
  Tests that need a code from a message read COGNATE_OUTBOX (the server's
  <data-dir>/outbox); without it they are skipped.
- otherwise: the suite builds ./cmd/cognate with `go build` (COGNATE_BIN
  names a binary to use instead) and starts it on a free port with a
  temporary data directory, and stops it at exit.
"""

import atexit
import base64
import datetime
import email
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import boto3
import botocore
from botocore.config import Config

REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# A password every default policy accepts.
PASSWORD = "Passw0rd!Good"
OTHER_PASSWORD = "Another1!Secret"


class CognateProcess:
    """A cognate server this suite starts in a temporary directory (its
    binary built there unless COGNATE_BIN names one), stopped at exit."""

    proc = None
    tmp = None

    def _launch(self, prefix, key_id, secret, *flags):
        """Starts `cognate serve` with the given root credentials and flags
        (a free port, a data directory under the temporary directory) and
        waits until it listens; returns the data directory."""
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        binary = os.environ.get("COGNATE_BIN")
        if not binary:
            binary = os.path.join(self.tmp, "cognate")
            subprocess.run(["go", "build", "-o", binary, "./cmd/cognate"], cwd=REPO, check=True)
        self.key_id, self.secret = key_id, secret
        env = dict(os.environ, COGNATE_ROOT_ACCESS_KEY_ID=key_id, COGNATE_ROOT_SECRET_ACCESS_KEY=secret)
        data = os.path.join(self.tmp, "data")
        self.log = open(os.path.join(self.tmp, "server.log"), "w+")
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", data, "--log-level", "warn",
             "--password-spray-limit", "0", *flags],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        atexit.register(self.stop)
        deadline = time.time() + 30
        while time.time() < deadline:
            self.log.seek(0)
            m = re.search(r"listening on (http://\S+)", self.log.read())
            if m:
                self.endpoint = m.group(1)
                return data
            if self.proc.poll() is not None:
                raise RuntimeError("cognate exited: see " + self.log.name)
            time.sleep(0.05)
        raise RuntimeError("cognate did not start: see " + self.log.name)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


class Server(CognateProcess):
    """A running Cognate server: its endpoint, credentials and outbox."""

    def __init__(self):
        endpoint = os.environ.get("COGNATE_ENDPOINT")
        if endpoint:
            self.endpoint = endpoint.rstrip("/")
            self.key_id = os.environ.get("AWS_ACCESS_KEY_ID") or os.environ["COGNATE_ROOT_ACCESS_KEY_ID"]
            self.secret = os.environ.get("AWS_SECRET_ACCESS_KEY") or os.environ["COGNATE_ROOT_SECRET_ACCESS_KEY"]
            self.outbox = os.environ.get("COGNATE_OUTBOX")
            return
        data = self._launch("cognate-boto3-", "AKIACOGNATEBOTO3TEST", "boto3-suite-secret-" + uuid.uuid4().hex)
        self.outbox = os.path.join(data, "outbox")

    def client(self, service="cognito-idp", signed=True, region=REGION, validate=True, **kw):
        """A boto3 client of the server; validate=False skips boto3's own
        parameter validation, so that requests the server must refuse
        reach it."""
        cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, region_name=region,
                     parameter_validation=validate)
        if not signed:
            cfg = cfg.merge(Config(signature_version=botocore.UNSIGNED))
        return boto3.client(service, endpoint_url=self.endpoint, aws_access_key_id=kw.get("key_id", self.key_id),
                            aws_secret_access_key=kw.get("secret", self.secret), config=cfg)

    def messages(self, to):
        """Every message sent to an address or phone number, oldest first."""
        if not self.outbox or not os.path.isdir(self.outbox):
            return []
        out = []
        for name in sorted(os.listdir(self.outbox)):
            with open(os.path.join(self.outbox, name), "rb") as f:
                msg = email.message_from_binary_file(f)
            if to.lower() in (msg["To"] or "").lower():
                body = msg.get_payload(decode=True).decode("utf-8")
                out.append({"subject": msg["Subject"], "body": body, "file": name})
        return out

    def last_message(self, to):
        msgs = self.messages(to)
        if not msgs:
            raise AssertionError("no message was sent to %s" % to)
        return msgs[-1]

    def last_code(self, to):
        """The 6-digit code of the newest message sent to `to`."""
        m = re.search(r"\b(\d{6})\b", self.last_message(to)["body"])
        if not m:
            raise AssertionError("no code in the message to %s" % to)
        return m.group(1)


_server = None


def server():
    global _server
    if _server is None:
        _server = Server()
    return _server


def unique(prefix="u"):
    return prefix + uuid.uuid4().hex[:12]


def unique_email(prefix="user"):
    return "%s-%s@example.com" % (prefix, uuid.uuid4().hex[:10])


def unique_phone():
    return "+1555" + str(uuid.uuid4().int)[:7]


def secret_hash(client_secret, username, client_id):
    mac = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def jwt_claims(token):
    """The claims of a JWT, unverified (tests verify signatures separately)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def jwt_header(token):
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


def attrs(lst):
    """An attribute list ([{Name, Value}]) as a dict."""
    return {a["Name"]: a["Value"] for a in lst}


VALIDATION_RE = re.compile(r"^\d+ validation errors? detected: ")


class CognitoTestCase(unittest.TestCase):
    """A test case with an admin client, an unsigned client and a pool per
    class (created lazily with the class's POOL settings)."""

    POOL = {}

    @classmethod
    def setUpClass(cls):
        cls.srv = server()
        cls.idp = cls.srv.client()
        cls.anon = cls.srv.client(signed=False)
        cls.raw = cls.srv.client(validate=False)
        cls._pool = None

    @classmethod
    def tearDownClass(cls):
        if cls._pool:
            try:
                cls.idp.update_user_pool(UserPoolId=cls._pool, DeletionProtection="INACTIVE")
                cls.idp.delete_user_pool(UserPoolId=cls._pool)
            except Exception:
                pass

    @property
    def pool_id(self):
        cls = type(self)
        if cls._pool is None:
            cls._pool = self.idp.create_user_pool(PoolName=unique("pool"), **cls.POOL)["UserPool"]["Id"]
        return cls._pool

    def new_pool(self, **kw):
        p = self.idp.create_user_pool(PoolName=unique("pool"), **kw)["UserPool"]
        self.addCleanup(self._drop_pool, p["Id"])
        return p

    def _drop_pool(self, pool_id):
        try:
            self.idp.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
            self.idp.delete_user_pool(UserPoolId=pool_id)
        except Exception:
            pass

    def new_client(self, pool_id=None, flows=("ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                              "ALLOW_REFRESH_TOKEN_AUTH"), **kw):
        kw.setdefault("ExplicitAuthFlows", list(flows))
        return self.idp.create_user_pool_client(UserPoolId=pool_id or self.pool_id, ClientName=unique("client"),
                                                **kw)["UserPoolClient"]

    def confirmed_user(self, pool_id=None, username=None, password=PASSWORD, attributes=None):
        """A CONFIRMED user with a permanent password."""
        pool_id = pool_id or self.pool_id
        username = username or unique("user")
        self.idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                                   UserAttributes=attributes or [])
        self.idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
        return username

    def sign_in(self, client_id, username, password=PASSWORD, client_secret=None):
        params = {"USERNAME": username, "PASSWORD": password}
        if client_secret:
            params["SECRET_HASH"] = secret_hash(client_secret, username, client_id)
        return self.anon.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params)

    def tokens(self, client_id, username, password=PASSWORD):
        return self.sign_in(client_id, username, password)["AuthenticationResult"]

    def assertError(self, exc_type, fn, *args, message=None, message_re=None, **kw):
        """fn(*args, **kw) raises the modelled exception exc_type (given as
        an attribute name of client.exceptions); returns the error."""
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kw)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], exc_type, "wrong exception; message was %r" % err.get("Message"))
        self.assertIsInstance(cm.exception, getattr(self.idp.exceptions, exc_type, botocore.exceptions.ClientError))
        if message is not None:
            self.assertEqual(err["Message"], message)
        if message_re is not None:
            self.assertRegex(err["Message"], message_re)
        return err

    def assertValidation(self, fn, *args, member=None, **kw):
        """fn raises InvalidParameterException worded as AWS's model
        validation ("1 validation error detected: Value ... at 'member'
        failed to satisfy constraint: ...")."""
        err = self.assertError("InvalidParameterException", fn, *args, message_re=VALIDATION_RE, **kw)
        if member:
            self.assertIn("at '%s' failed to satisfy constraint" % member, err["Message"])
        return err

    def assertTimestamp(self, v):
        self.assertIsInstance(v, datetime.datetime)
        self.assertIsNotNone(v.tzinfo)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - v).total_seconds()), 3600, v)

    def needs_outbox(self):
        if not self.srv.outbox:
            self.skipTest("COGNATE_OUTBOX is not set: codes cannot be read")
