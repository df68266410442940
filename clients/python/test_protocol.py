"""The AWS JSON 1.1 protocol as SDKs see it: error shapes and headers,
model validation messages, unknown operations, malformed bodies, CORS,
and the AWS CLI commands the documentation shows."""

import json
import os
import shutil
import subprocess
import unittest
import urllib.error
import urllib.request

from support import CognitoTestCase, unique, REGION, VALIDATION_RE

TARGET = "AWSCognitoIdentityProviderService."


class Wire(CognitoTestCase):

    def post(self, op, body, content_type="application/x-amz-json-1.1"):
        req = urllib.request.Request(self.srv.endpoint + "/", data=body.encode(), method="POST",
                                     headers={"Content-Type": content_type, "X-Amz-Target": TARGET + op})
        try:
            with urllib.request.urlopen(req) as resp:
                return resp.status, dict(resp.headers), json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), json.loads(e.read() or b"{}")

    def test_error_shape(self):
        status, headers, body = self.post("InitiateAuth", json.dumps({
            "ClientId": "abcdefghijklmnopqrstuvwxyz", "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "a", "PASSWORD": "b"}}))
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "ResourceNotFoundException")
        self.assertIsInstance(body["message"], str)
        lower = {k.lower(): v for k, v in headers.items()}
        self.assertEqual(lower["x-amzn-errortype"].split(":")[0], "ResourceNotFoundException")
        self.assertTrue(lower["x-amzn-requestid"])

    def test_request_id_in_metadata(self):
        r = self.idp.list_user_pools(MaxResults=1)
        self.assertTrue(r["ResponseMetadata"]["RequestId"])

    def test_unknown_operation(self):
        status, _, body = self.post("NoSuchOperation", "{}")
        self.assertEqual(status, 400)
        self.assertIn(body["__type"], ("UnknownOperationException", "InvalidActionException"))

    def test_malformed_json(self):
        status, _, body = self.post("InitiateAuth", "{not json")
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "SerializationException")

    def test_missing_required_members(self):
        status, _, body = self.post("InitiateAuth", "{}")
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "InvalidParameterException")
        self.assertRegex(body["message"], VALIDATION_RE)
        self.assertIn("Value null at 'clientId' failed to satisfy constraint: Member must not be null",
                      body["message"])
        self.assertIn("Value null at 'authFlow' failed to satisfy constraint: Member must not be null",
                      body["message"])
        self.assertTrue(body["message"].startswith("2 validation errors detected: "))

    def test_validation_message_wording(self):
        err = self.assertValidation(self.raw.describe_user_pool, UserPoolId="x" * 56, member="userPoolId")
        self.assertIn("Member must have length less than or equal to 55", err["Message"])
        err = self.assertValidation(self.raw.list_user_pools, MaxResults=0, member="maxResults")
        self.assertIn("Member must have value greater than or equal to 1", err["Message"])

    def test_sensitive_values_not_echoed(self):
        # A leading space breaks Cognito's password pattern (inner ones do not).
        err = self.assertValidation(self.raw.sign_up, ClientId="abcdefghijklmnopqrstuvwxyz", Username="u",
                                    Password=" secret value with spaces")
        self.assertNotIn("secret value", err["Message"])

    def test_cors_preflight(self):
        req = urllib.request.Request(self.srv.endpoint + "/", method="OPTIONS", headers={
            "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent"})
        with urllib.request.urlopen(req) as resp:
            self.assertIn(resp.status, (200, 204))
            lower = {k.lower(): v for k, v in resp.headers.items()}
            self.assertIn("access-control-allow-origin", lower)
            self.assertIn("x-amz-target", lower["access-control-allow-headers"].lower())

    def test_healthz(self):
        with urllib.request.urlopen(self.srv.endpoint + "/healthz") as resp:
            self.assertEqual(resp.status, 200)


@unittest.skipUnless(shutil.which("aws"), "the AWS CLI is not installed")
class CLI(CognitoTestCase):

    def aws(self, *args):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.srv.key_id, AWS_SECRET_ACCESS_KEY=self.srv.secret,
                   AWS_DEFAULT_REGION=REGION, AWS_PAGER="")
        env.pop("AWS_PROFILE", None)
        p = subprocess.run(["aws", "cognito-idp", *args, "--endpoint-url", self.srv.endpoint, "--output", "json"],
                           capture_output=True, text=True, env=env)
        return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None, p.stderr

    def test_documented_commands(self):
        rc, out, err = self.aws("create-user-pool", "--pool-name", "MyUserPool")
        self.assertEqual(rc, 0, err)
        pool = out["UserPool"]["Id"]
        self.addCleanup(self.idp.delete_user_pool, UserPoolId=pool)
        self.assertEqual(out["UserPool"]["Name"], "MyUserPool")
        self.assertIsInstance(out["UserPool"]["CreationDate"], (int, float, str))
        rc, out, err = self.aws("create-user-pool-client", "--user-pool-id", pool, "--client-name", "MyTestClient",
                                "--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
        self.assertEqual(rc, 0, err)
        client = out["UserPoolClient"]["ClientId"]
        rc, out, err = self.aws("admin-create-user", "--user-pool-id", pool, "--username", "diego",
                                "--user-attributes", "Name=email,Value=diego@example.com",
                                "Name=phone_number,Value=+15555551212", "--message-action", "SUPPRESS")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["User"]["Username"], "diego")
        self.assertEqual(out["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD")
        rc, out, err = self.aws("admin-set-user-password", "--user-pool-id", pool, "--username", "diego",
                                "--password", "Passw0rd!Good", "--permanent")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.aws("initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH", "--client-id", client,
                                "--auth-parameters", "USERNAME=diego,PASSWORD=Passw0rd!Good")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["AuthenticationResult"]["TokenType"], "Bearer")
        rc, out, err = self.aws("get-user", "--access-token", out["AuthenticationResult"]["AccessToken"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["Username"], "diego")
        rc, out, err = self.aws("list-users", "--user-pool-id", pool, "--filter", 'email^="diego"')
        self.assertEqual(rc, 0, err)
        self.assertEqual([u["Username"] for u in out["Users"]], ["diego"])
        rc, out, err = self.aws("admin-get-user", "--user-pool-id", pool, "--username", "nobody")
        self.assertNotEqual(rc, 0)
        self.assertIn("UserNotFoundException", err)


if __name__ == "__main__":
    unittest.main()
