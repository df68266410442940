"""Drives Cognate's IAM and STS with boto3 and the AWS CLI.

Run by TestBoto3AndCLI (internal/app/boto3_test.go), which sets:
COGNATE_ENDPOINT, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (root), ISSUER_URL,
PROVIDER_KEY, GOOD_TOKEN, WRONG_AUDIENCE_TOKEN. Prints OK on success.
"""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import boto3
import botocore.exceptions
from botocore import UNSIGNED
from botocore.config import Config

endpoint = os.environ["COGNATE_ENDPOINT"]
issuer = os.environ["ISSUER_URL"]
key = os.environ["PROVIDER_KEY"]


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def client_error(fn, code, status=None):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        got = e.response["Error"]["Code"]
        check(got == code, "want %s, got %s: %s" % (code, got, e))
        if status is not None:
            check(e.response["ResponseMetadata"]["HTTPStatusCode"] == status,
                  "%s: status %s" % (code, e.response["ResponseMetadata"]["HTTPStatusCode"]))
        return e
    check(False, "want %s, got success" % code)


session = boto3.session.Session(region_name="us-east-1")
iam = session.client("iam", endpoint_url=endpoint)

provider_arn = iam.create_open_id_connect_provider(
    Url=issuer, ClientIDList=["my-app"], ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
check(provider_arn.endswith(":oidc-provider/" + key), provider_arn)

trust = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Federated": provider_arn},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {key + ":aud": "my-app"}}}]}
role = iam.create_role(RoleName="boto-role", AssumeRolePolicyDocument=json.dumps(trust),
                       Tags=[{"Key": "made-by", "Value": "boto3"}])["Role"]
check(role["Arn"] == "arn:aws:iam::000000000000:role/boto-role", role["Arn"])
# botocore decodes IAM's URL-encoded policy documents into dicts.
check(iam.get_role(RoleName="boto-role")["Role"]["AssumeRolePolicyDocument"] == trust, "trust policy round trip")

policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                  "Resource": "arn:aws:s3:::b/${" + key + ":sub}/*"}]}
iam.put_role_policy(RoleName="boto-role", PolicyName="read", PolicyDocument=json.dumps(policy))
check(iam.get_role_policy(RoleName="boto-role", PolicyName="read")["PolicyDocument"] == policy, "policy round trip")
check(iam.list_role_policies(RoleName="boto-role")["PolicyNames"] == ["read"], "list_role_policies")
check([r["RoleName"] for r in iam.list_roles()["Roles"]] == ["boto-role"], "list_roles")
check(iam.list_role_tags(RoleName="boto-role")["Tags"] == [{"Key": "made-by", "Value": "boto3"}], "list_role_tags")

try:
    iam.get_role(RoleName="nope")
    check(False, "get_role of a missing role succeeded")
except iam.exceptions.NoSuchEntityException as e:
    check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 404, "NoSuchEntity status")
client_error(lambda: iam.delete_role(RoleName="boto-role"), "DeleteConflict", 409)
client_error(lambda: iam.create_role(RoleName="has space", AssumeRolePolicyDocument="{}"), "ValidationError", 400)
client_error(lambda: iam.put_role_policy(RoleName="boto-role", PolicyName="bad", PolicyDocument="{"),
             "MalformedPolicyDocument", 400)

sts = session.client("sts", endpoint_url=endpoint, config=Config(signature_version=UNSIGNED))
out = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="boto",
                                        WebIdentityToken=os.environ["GOOD_TOKEN"], DurationSeconds=900)
creds = out["Credentials"]
check(creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20, creds["AccessKeyId"])
check(out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::000000000000:assumed-role/boto-role/boto", out["AssumedRoleUser"])
try:
    sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="boto",
                                      WebIdentityToken=os.environ["WRONG_AUDIENCE_TOKEN"])
    check(False, "wrong audience accepted")
except sts.exceptions.InvalidIdentityTokenException as e:
    check(e.response["Error"]["Message"] == "Incorrect token audience", e.response["Error"])

vended = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                               aws_session_token=creds["SessionToken"], region_name="us-east-1")
who = vended.client("sts", endpoint_url=endpoint).get_caller_identity()
check(who["Arn"] == out["AssumedRoleUser"]["Arn"] and who["UserId"] == out["AssumedRoleUser"]["AssumedRoleId"], who)
client_error(lambda: vended.client("iam", endpoint_url=endpoint).list_roles(), "AccessDenied", 403)

# A presigned GetCallerIdentity URL (as Kubernetes authenticators use them).
url = vended.client("sts", endpoint_url=endpoint).generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
try:
    with urllib.request.urlopen(url) as resp:
        body = resp.read().decode()
except urllib.error.HTTPError as e:
    body = "%s %s" % (e.code, e.read().decode())
check("<Arn>" + who["Arn"] + "</Arn>" in body, "presigned GetCallerIdentity: " + body)
forged = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                               aws_session_token=creds["SessionToken"][:-8] + "AAAAAAAA", region_name="us-east-1")
client_error(lambda: forged.client("sts", endpoint_url=endpoint).get_caller_identity(), "InvalidClientTokenId", 403)

# The AWS CLI, with the vended credentials in its environment.
env = dict(os.environ, AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
           AWS_SESSION_TOKEN=creds["SessionToken"], AWS_DEFAULT_REGION="us-east-1")
cli = subprocess.run(["aws", "sts", "get-caller-identity", "--endpoint-url", endpoint, "--output", "json"],
                     env=env, capture_output=True, text=True, timeout=120)
check(cli.returncode == 0, "aws sts get-caller-identity: " + cli.stderr)
check(json.loads(cli.stdout)["Arn"] == who["Arn"], cli.stdout)
cli = subprocess.run(["aws", "iam", "list-roles", "--endpoint-url", endpoint], env=env, capture_output=True, text=True, timeout=120)
check(cli.returncode != 0 and "AccessDenied" in cli.stderr, "aws iam list-roles with vended credentials: " + cli.stderr)

print("OK")
