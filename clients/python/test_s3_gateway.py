"""The S3 gateway (`cognate serve --s3-gateway-listen`) driven by boto3 and
the AWS CLI, as an app spends identity-pool credentials on private folders.

This module starts its own Cognate server with a gateway in front of
moto's S3 server (moto_server, a stand-in for any S3-compatible store);
without moto_server it is skipped. Expectations follow the Amazon S3 API
reference and the policy Amplify documents for private folders.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import uuid

import boto3
import botocore
from botocore.config import Config

from identity_support import REPO, REGION, trust_policy

PASSWORD = "Passw0rd!Good"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GatewayServer:
    """moto_server plus a Cognate server whose S3 gateway forwards to it."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="cognate-s3-gateway-")
        self.procs = []
        moto = shutil.which("moto_server")
        port = free_port()
        self.backend = "http://127.0.0.1:%d" % port
        self.procs.append(subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(port)],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        binary = os.environ.get("COGNATE_BIN")
        if not binary:
            binary = os.path.join(self.tmp, "cognate")
            subprocess.run(["go", "build", "-o", binary, "./cmd/cognate"], cwd=REPO, check=True)
        self.key_id = "AKIACOGNATES3GATEWAY"
        self.secret = "s3-gateway-" + uuid.uuid4().hex
        env = dict(os.environ, COGNATE_ROOT_ACCESS_KEY_ID=self.key_id, COGNATE_ROOT_SECRET_ACCESS_KEY=self.secret,
                   COGNATE_S3_BACKEND_SECRET_KEY="moto-secret")
        self.log = open(os.path.join(self.tmp, "server.log"), "w+")
        self.procs.append(subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", os.path.join(self.tmp, "data"),
             "--log-level", "warn", "--s3-gateway-listen", "127.0.0.1:0", "--s3-backend-url", self.backend,
             "--s3-backend-access-key", "moto", "--s3-backend-path-style"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env))
        deadline = time.time() + 60
        while time.time() < deadline:
            self.log.seek(0)
            text = self.log.read()
            api = re.search(r"Cognate is listening on (http://\S+)", text)
            gw = re.search(r"S3 gateway is listening on (http://\S+)", text)
            if api and gw and self._moto_up():
                self.endpoint, self.gateway = api.group(1), gw.group(1)
                return
            if self.procs[1].poll() is not None:
                raise RuntimeError("cognate exited: " + text)
            time.sleep(0.1)
        raise RuntimeError("the servers did not start: " + self.log.name)

    def _moto_up(self):
        try:
            urllib.request.urlopen(self.backend + "/", timeout=1).close()
            return True
        except OSError:
            return False

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def client(self, service, signed=True):
        cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, region_name=REGION)
        if not signed:
            cfg = cfg.merge(Config(signature_version=botocore.UNSIGNED))
        return boto3.client(service, endpoint_url=self.endpoint, aws_access_key_id=self.key_id,
                            aws_secret_access_key=self.secret, config=cfg)

    def s3(self, creds):
        cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, region_name=REGION,
                     s3={"addressing_style": "path"})
        return boto3.client("s3", endpoint_url=self.gateway, aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretKey"], aws_session_token=creds.get("SessionToken"),
                            config=cfg)


@unittest.skipUnless(shutil.which("moto_server") or os.environ.get("COGNATE_TEST_S3") == "1",
                     "moto_server is not installed")
class S3GatewayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = GatewayServer()
        cls.addClassCleanup(cls.srv.stop)
        idp, ci, iam = cls.srv.client("cognito-idp"), cls.srv.client("cognito-identity"), cls.srv.client("iam")
        cls.bucket = "photos-" + uuid.uuid4().hex[:8]
        pool = idp.create_user_pool(PoolName="s3")["UserPool"]["Id"]
        client = idp.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
        client_id = client["UserPoolClient"]["ClientId"]
        provider = "cognito-idp.%s.amazonaws.com/%s" % (REGION, pool)
        ipool = ci.create_identity_pool(IdentityPoolName="s3", AllowUnauthenticatedIdentities=False,
                                        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}])
        cls.identity_pool = ipool["IdentityPoolId"]
        role = "s3-users-" + uuid.uuid4().hex[:6]
        arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust_policy(cls.identity_pool))["Role"]["Arn"]
        iam.put_role_policy(RoleName=role, PolicyName="private", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                 "Resource": "arn:aws:s3:::%s/private/${cognito-identity.amazonaws.com:sub}/*" % cls.bucket},
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::%s" % cls.bucket,
                 "Condition": {"StringLike": {"s3:prefix": ["private/${cognito-identity.amazonaws.com:sub}/",
                                                            "private/${cognito-identity.amazonaws.com:sub}/*"]}}}]}))
        ci.set_identity_pool_roles(IdentityPoolId=cls.identity_pool, Roles={"authenticated": arn})
        anon = cls.srv.client("cognito-identity", signed=False)
        cls.people = {}
        for name in ("ann", "bob"):
            idp.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS")
            idp.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)
            tok = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                    AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})["AuthenticationResult"]["IdToken"]
            logins = {provider: tok}
            identity = anon.get_id(IdentityPoolId=cls.identity_pool, Logins=logins)["IdentityId"]
            creds = anon.get_credentials_for_identity(IdentityId=identity, Logins=logins)["Credentials"]
            cls.people[name] = {"identity": identity, "creds": creds, "s3": cls.srv.s3(creds)}
        root = {"AccessKeyId": cls.srv.key_id, "SecretKey": cls.srv.secret}
        cls.srv.s3(root).create_bucket(Bucket=cls.bucket)

    def folder(self, name):
        return "private/%s/" % self.people[name]["identity"]

    def assertS3Error(self, code, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        self.assertEqual(cm.exception.response["Error"]["Code"], code)
        return cm.exception

    def test_own_folder_and_not_anothers(self):
        ann, bob = self.people["ann"]["s3"], self.people["bob"]["s3"]
        key = self.folder("ann") + "notes.txt"
        ann.put_object(Bucket=self.bucket, Key=key, Body=b"ann's notes", ContentType="text/plain")
        self.assertEqual(ann.get_object(Bucket=self.bucket, Key=key)["Body"].read(), b"ann's notes")
        head = ann.head_object(Bucket=self.bucket, Key=key)
        self.assertEqual(head["Metadata"]["cognate-identity-id"], self.people["ann"]["identity"])
        err = self.assertS3Error("AccessDenied", bob.get_object, Bucket=self.bucket, Key=key)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertRegex(err.response["ResponseMetadata"]["RequestId"], r"^[0-9A-F]{16}$")
        self.assertS3Error("AccessDenied", bob.put_object, Bucket=self.bucket, Key=key, Body=b"x")
        self.assertS3Error("AccessDenied", bob.delete_object, Bucket=self.bucket, Key=key)

    def test_listing_is_confined_by_prefix(self):
        ann = self.people["ann"]["s3"]
        ann.put_object(Bucket=self.bucket, Key=self.folder("ann") + "a", Body=b"a")
        keys = [o["Key"] for o in ann.list_objects_v2(Bucket=self.bucket, Prefix=self.folder("ann"))["Contents"]]
        self.assertIn(self.folder("ann") + "a", keys)
        self.assertS3Error("AccessDenied", ann.list_objects_v2, Bucket=self.bucket)
        self.assertS3Error("AccessDenied", ann.list_objects_v2, Bucket=self.bucket, Prefix=self.folder("bob"))
        paginator = ann.get_paginator("list_objects_v2")
        pages = list(paginator.paginate(Bucket=self.bucket, Prefix=self.folder("ann"), PaginationConfig={"PageSize": 1}))
        self.assertGreaterEqual(len(pages), 1)

    def test_upload_file_multipart(self):
        ann = self.people["ann"]["s3"]
        path = os.path.join(self.srv.tmp, "big.bin")
        with open(path, "wb") as f:
            f.write(os.urandom(12 << 20))
        key = self.folder("ann") + "big.bin"
        cfg = boto3.s3.transfer.TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20)
        ann.upload_file(path, self.bucket, key, Config=cfg)
        out = os.path.join(self.srv.tmp, "big.out")
        ann.download_file(self.bucket, key, out, Config=cfg)
        with open(path, "rb") as a, open(out, "rb") as b:
            self.assertEqual(a.read(), b.read())
        self.assertEqual(ann.head_object(Bucket=self.bucket, Key=key)["Metadata"]["cognate-identity-id"],
                         self.people["ann"]["identity"])

    def test_presigned_urls(self):
        ann = self.people["ann"]["s3"]
        key = self.folder("ann") + "shared.txt"
        ann.put_object(Bucket=self.bucket, Key=key, Body=b"shared")
        url = ann.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=60)
        with urllib.request.urlopen(url) as resp:
            self.assertEqual(resp.read(), b"shared")
        put = ann.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": self.folder("ann") + "up.txt",
                                                               "ContentType": "text/plain"})
        req = urllib.request.Request(put, data=b"uploaded", method="PUT", headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req).close()
        self.assertEqual(ann.get_object(Bucket=self.bucket, Key=self.folder("ann") + "up.txt")["Body"].read(), b"uploaded")
        # The same URLs signed with Signature Version 4.
        v4 = boto3.client("s3", endpoint_url=self.srv.gateway, aws_access_key_id=self.people["ann"]["creds"]["AccessKeyId"],
                          aws_secret_access_key=self.people["ann"]["creds"]["SecretKey"],
                          aws_session_token=self.people["ann"]["creds"]["SessionToken"],
                          config=Config(region_name=REGION, signature_version="s3v4", s3={"addressing_style": "path"}))
        url4 = v4.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=60)
        self.assertIn("X-Amz-Signature=", url4)
        with urllib.request.urlopen(url4) as resp:
            self.assertEqual(resp.read(), b"shared")
        tampered = url.replace("shared.txt", "shared.txu")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(tampered)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", cm.exception.read())
        other = ann.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": self.folder("bob") + "x"})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(other)
        self.assertEqual(cm.exception.code, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", cm.exception.read())

    def test_forged_signature(self):
        creds = dict(self.people["ann"]["creds"], SecretKey="x" * 40)
        self.assertS3Error("SignatureDoesNotMatch", self.srv.s3(creds).get_object,
                           Bucket=self.bucket, Key=self.folder("ann") + "a")

    @unittest.skipUnless(shutil.which("aws"), "the AWS CLI is not installed")
    def test_aws_cli(self):
        creds = self.people["bob"]["creds"]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretKey"],
                   AWS_SESSION_TOKEN=creds["SessionToken"], AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE="/dev/null",
                   AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        src = os.path.join(self.srv.tmp, "cli.txt")
        with open(src, "w") as f:
            f.write("from the CLI")
        base = ["aws", "--endpoint-url", self.srv.gateway, "s3"]
        dest = "s3://%s/%scli.txt" % (self.bucket, self.folder("bob"))
        subprocess.run(base + ["cp", src, dest], env=env, check=True, capture_output=True)
        ls = subprocess.run(base + ["ls", "s3://%s/%s" % (self.bucket, self.folder("bob"))], env=env, check=True,
                            capture_output=True, text=True)
        self.assertIn("cli.txt", ls.stdout)
        denied = subprocess.run(base + ["cp", src, "s3://%s/%scli.txt" % (self.bucket, self.folder("ann"))], env=env,
                                capture_output=True, text=True)
        self.assertNotEqual(denied.returncode, 0)
        self.assertIn("AccessDenied", denied.stderr)


if __name__ == "__main__":
    unittest.main()
