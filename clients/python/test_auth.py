"""Sign-in: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge,
AdminRespondToAuthChallenge (NEW_PASSWORD_REQUIRED), tokens and their
claims, refresh, SECRET_HASH, client auth-flow settings."""

import json
import time
import unittest
import urllib.request
import uuid

from support import (CognitoTestCase, unique, unique_email, secret_hash, jwt_claims, jwt_header, attrs,
                     PASSWORD, OTHER_PASSWORD)


class InitiateAuth(CognitoTestCase):

    def setUp(self):
        self.client = self.new_client()
        self.client_id = self.client["ClientId"]

    def test_success_shape(self):
        name = self.confirmed_user()
        r = self.sign_in(self.client_id, name)
        self.assertEqual(r["ChallengeParameters"], {})
        self.assertNotIn("ChallengeName", r)
        self.assertNotIn("Session", r)
        a = r["AuthenticationResult"]
        self.assertEqual(a["TokenType"], "Bearer")
        self.assertEqual(a["ExpiresIn"], 3600)
        for k in ("AccessToken", "IdToken", "RefreshToken"):
            self.assertIsInstance(a[k], str)

    def test_access_token_claims(self):
        name = self.confirmed_user()
        a = self.tokens(self.client_id, name)
        c = jwt_claims(a["AccessToken"])
        sub = attrs(self.idp.admin_get_user(UserPoolId=self.pool_id, Username=name)["UserAttributes"])["sub"]
        self.assertEqual(c["sub"], sub)
        self.assertEqual(c["token_use"], "access")
        self.assertEqual(c["client_id"], self.client_id)
        self.assertEqual(c["username"], name)
        self.assertEqual(c["scope"], "aws.cognito.signin.user.admin")
        self.assertTrue(c["iss"].endswith("/" + self.pool_id))
        self.assertEqual(c["exp"] - c["iat"], 3600)
        for k in ("auth_time", "jti", "origin_jti", "event_id"):
            self.assertIn(k, c)
        self.assertNotIn("aud", c)
        self.assertEqual(jwt_header(a["AccessToken"])["alg"], "RS256")

    def test_id_token_claims(self):
        email = unique_email()
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": email},
                                               {"Name": "email_verified", "Value": "true"},
                                               {"Name": "name", "Value": "Ada"}])
        a = self.tokens(self.client_id, name)
        c = jwt_claims(a["IdToken"])
        self.assertEqual(c["token_use"], "id")
        self.assertEqual(c["aud"], self.client_id)
        self.assertEqual(c["cognito:username"], name)
        self.assertEqual(c["email"], email)
        self.assertIs(c["email_verified"], True)
        self.assertEqual(c["name"], "Ada")
        self.assertEqual(c["sub"], jwt_claims(a["AccessToken"])["sub"])
        self.assertEqual(c["origin_jti"], jwt_claims(a["AccessToken"])["origin_jti"])

    def test_tokens_verify_against_jwks(self):
        name = self.confirmed_user()
        a = self.tokens(self.client_id, name)
        iss = jwt_claims(a["IdToken"])["iss"]
        with urllib.request.urlopen(iss + "/.well-known/jwks.json") as resp:
            keys = json.load(resp)["keys"]
        kids = {k["kid"] for k in keys}
        self.assertIn(jwt_header(a["IdToken"])["kid"], kids)
        self.assertIn(jwt_header(a["AccessToken"])["kid"], kids)
        for k in keys:
            self.assertEqual(k["kty"], "RSA")
            self.assertEqual(k["alg"], "RS256")
            self.assertEqual(k["use"], "sig")
        with urllib.request.urlopen(iss + "/.well-known/openid-configuration") as resp:
            doc = json.load(resp)
        self.assertEqual(doc["issuer"], iss)
        self.assertEqual(doc["jwks_uri"], iss + "/.well-known/jwks.json")

    def test_wrong_password(self):
        name = self.confirmed_user()
        self.assertError("NotAuthorizedException", self.sign_in, self.client_id, name, "Wrong1!pass",
                         message="Incorrect username or password.")

    def test_unknown_user(self):
        self.assertError("UserNotFoundException", self.sign_in, self.client_id, unique(), message="User does not exist.")

    def test_unconfirmed_user(self):
        name = unique()
        self.anon.sign_up(ClientId=self.client_id, Username=name, Password=PASSWORD)
        self.assertError("UserNotConfirmedException", self.sign_in, self.client_id, name,
                         message="User is not confirmed.")

    def test_missing_parameters(self):
        self.assertError("InvalidParameterException", self.anon.initiate_auth, ClientId=self.client_id,
                         AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "x"},
                         message="Missing required parameter PASSWORD")
        self.assertError("InvalidParameterException", self.anon.initiate_auth, ClientId=self.client_id,
                         AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"PASSWORD": "x"},
                         message="Missing required parameter USERNAME")

    def test_admin_flow_refused(self):
        name = self.confirmed_user()
        for flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
            self.assertError("InvalidParameterException", self.anon.initiate_auth, ClientId=self.client_id,
                             AuthFlow=flow, AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
                             message="Initiate Auth method not supported.")

    def test_flow_not_enabled(self):
        c = self.new_client(flows=["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
        name = self.confirmed_user()
        self.assertError("InvalidParameterException", self.sign_in, c["ClientId"], name,
                         message="USER_PASSWORD_AUTH flow not enabled for this client")

    def test_legacy_flow_names(self):
        c = self.new_client(flows=["USER_PASSWORD_AUTH"])
        name = self.confirmed_user()
        self.assertIn("AuthenticationResult", self.sign_in(c["ClientId"], name))

    def test_invalid_flow(self):
        self.assertValidation(self.raw.initiate_auth, ClientId=self.client_id, AuthFlow="NO_SUCH_FLOW",
                              AuthParameters={}, member="authFlow")

    def test_unknown_client(self):
        self.assertError("ResourceNotFoundException", self.anon.initiate_auth, ClientId="abcdefghijklmnopqrstuvwxyz",
                         AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "a", "PASSWORD": "b"})

    def test_disabled_user(self):
        name = self.confirmed_user()
        self.idp.admin_disable_user(UserPoolId=self.pool_id, Username=name)
        self.assertError("NotAuthorizedException", self.sign_in, self.client_id, name, message="User is disabled.")

    def test_token_validity_units(self):
        c = self.new_client(AccessTokenValidity=2, IdTokenValidity=10,
                            TokenValidityUnits={"AccessToken": "hours", "IdToken": "minutes"})
        name = self.confirmed_user()
        a = self.tokens(c["ClientId"], name)
        self.assertEqual(a["ExpiresIn"], 7200)
        ac, ic = jwt_claims(a["AccessToken"]), jwt_claims(a["IdToken"])
        self.assertEqual(ac["exp"] - ac["iat"], 7200)
        self.assertEqual(ic["exp"] - ic["iat"], 600)

    def test_read_attributes_limit_id_token(self):
        c = self.new_client(ReadAttributes=["email"])
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()},
                                               {"Name": "name", "Value": "Ada"}])
        ic = jwt_claims(self.tokens(c["ClientId"], name)["IdToken"])
        self.assertIn("email", ic)
        self.assertNotIn("name", ic)


class AdminInitiateAuth(CognitoTestCase):

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_admin_user_password_auth(self):
        name = self.confirmed_user()
        for flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
            r = self.idp.admin_initiate_auth(UserPoolId=self.pool_id, ClientId=self.client_id, AuthFlow=flow,
                                             AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
            self.assertEqual(r["AuthenticationResult"]["TokenType"], "Bearer")
            self.assertEqual(r["ChallengeParameters"], {})

    def test_user_password_auth_refused(self):
        name = self.confirmed_user()
        self.assertError("InvalidParameterException", self.idp.admin_initiate_auth, UserPoolId=self.pool_id,
                         ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                         AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
                         message="Initiate Auth method not supported.")

    def test_flow_not_enabled(self):
        c = self.new_client(flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
        name = self.confirmed_user()
        self.assertError("InvalidParameterException", self.idp.admin_initiate_auth, UserPoolId=self.pool_id,
                         ClientId=c["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                         AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
                         message="Auth flow not enabled for this client")

    def test_client_of_other_pool(self):
        other = self.new_pool()
        c = self.new_client(other["Id"])
        self.assertError("ResourceNotFoundException", self.idp.admin_initiate_auth, UserPoolId=self.pool_id,
                         ClientId=c["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                         AuthParameters={"USERNAME": "x", "PASSWORD": PASSWORD})

    def test_unsigned_refused(self):
        with self.assertRaises(self.anon.exceptions.ClientError) as cm:
            self.anon.admin_initiate_auth(UserPoolId=self.pool_id, ClientId=self.client_id,
                                          AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                          AuthParameters={"USERNAME": "x", "PASSWORD": PASSWORD})
        self.assertNotEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_forged_signature_refused(self):
        forged = self.srv.client(secret="not-the-secret-key-at-all-0000000000000")
        self.assertError("InvalidSignatureException", forged.admin_initiate_auth, UserPoolId=self.pool_id,
                         ClientId=self.client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                         AuthParameters={"USERNAME": "x", "PASSWORD": PASSWORD})
        unknown = self.srv.client(key_id="AKIAUNKNOWNUNKNOWN00")
        self.assertError("UnrecognizedClientException", unknown.describe_user_pool, UserPoolId=self.pool_id)


class NewPasswordRequired(CognitoTestCase):

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]
        self.name = unique()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=self.name, TemporaryPassword="Temp0rary!pw",
                                   MessageAction="SUPPRESS")

    def test_respond(self):
        r = self.sign_in(self.client_id, self.name, "Temp0rary!pw")
        self.assertEqual(r["ChallengeName"], "NEW_PASSWORD_REQUIRED")
        self.assertEqual(json.loads(r["ChallengeParameters"]["requiredAttributes"]), [])
        self.assertIsInstance(json.loads(r["ChallengeParameters"]["userAttributes"]), dict)
        out = self.anon.respond_to_auth_challenge(ClientId=self.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                                  Session=r["Session"],
                                                  ChallengeResponses={"USERNAME": self.name, "NEW_PASSWORD": PASSWORD})
        self.assertEqual(out["ChallengeParameters"], {})
        self.assertIn("RefreshToken", out["AuthenticationResult"])
        self.sign_in(self.client_id, self.name)

    def test_same_password_as_temporary(self):
        r = self.sign_in(self.client_id, self.name, "Temp0rary!pw")
        out = self.anon.respond_to_auth_challenge(ClientId=self.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                                  Session=r["Session"],
                                                  ChallengeResponses={"USERNAME": self.name,
                                                                      "NEW_PASSWORD": "Temp0rary!pw"})
        self.assertIn("AccessToken", out["AuthenticationResult"])

    def test_admin_respond(self):
        r = self.idp.admin_initiate_auth(UserPoolId=self.pool_id, ClientId=self.client_id,
                                         AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": self.name, "PASSWORD": "Temp0rary!pw"})
        self.assertEqual(r["ChallengeName"], "NEW_PASSWORD_REQUIRED")
        out = self.idp.admin_respond_to_auth_challenge(UserPoolId=self.pool_id, ClientId=self.client_id,
                                                       ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"],
                                                       ChallengeResponses={"USERNAME": self.name,
                                                                           "NEW_PASSWORD": PASSWORD})
        self.assertIn("IdToken", out["AuthenticationResult"])

    def test_weak_new_password(self):
        r = self.sign_in(self.client_id, self.name, "Temp0rary!pw")
        self.assertError("InvalidPasswordException", self.anon.respond_to_auth_challenge, ClientId=self.client_id,
                         ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"],
                         ChallengeResponses={"USERNAME": self.name, "NEW_PASSWORD": "weak"})

    def test_bad_session(self):
        self.assertError("NotAuthorizedException", self.anon.respond_to_auth_challenge, ClientId=self.client_id,
                         ChallengeName="NEW_PASSWORD_REQUIRED", Session="x" * 40,
                         ChallengeResponses={"USERNAME": self.name, "NEW_PASSWORD": PASSWORD})

    def test_session_of_other_client(self):
        other = self.new_client()["ClientId"]
        r = self.sign_in(self.client_id, self.name, "Temp0rary!pw")
        self.assertError("NotAuthorizedException", self.anon.respond_to_auth_challenge, ClientId=other,
                         ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"],
                         ChallengeResponses={"USERNAME": self.name, "NEW_PASSWORD": PASSWORD})

    def test_session_single_use(self):
        r = self.sign_in(self.client_id, self.name, "Temp0rary!pw")
        self.anon.respond_to_auth_challenge(ClientId=self.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                            Session=r["Session"],
                                            ChallengeResponses={"USERNAME": self.name, "NEW_PASSWORD": PASSWORD})
        self.assertError("NotAuthorizedException", self.anon.respond_to_auth_challenge, ClientId=self.client_id,
                         ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"],
                         ChallengeResponses={"USERNAME": self.name, "NEW_PASSWORD": OTHER_PASSWORD})

    def test_username_required(self):
        r = self.sign_in(self.client_id, self.name, "Temp0rary!pw")
        self.assertError("InvalidParameterException", self.anon.respond_to_auth_challenge, ClientId=self.client_id,
                         ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"],
                         ChallengeResponses={"NEW_PASSWORD": PASSWORD},
                         message="Missing required parameter USERNAME")

    def test_required_attribute_already_provided(self):
        p = self.new_pool(Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True}])
        c = self.new_client(p["Id"])
        name = unique()
        self.idp.admin_create_user(UserPoolId=p["Id"], Username=name, TemporaryPassword="Temp0rary!pw",
                                   MessageAction="SUPPRESS", UserAttributes=[{"Name": "name", "Value": "N"}])
        r = self.sign_in(c["ClientId"], name, "Temp0rary!pw")
        self.assertEqual(json.loads(r["ChallengeParameters"]["requiredAttributes"]), [])
        self.assertError("NotAuthorizedException", self.anon.respond_to_auth_challenge, ClientId=c["ClientId"],
                         ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"],
                         ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": PASSWORD, "userAttributes.name": "M"},
                         message="Cannot modify an already provided name")
        out = self.anon.respond_to_auth_challenge(ClientId=c["ClientId"], ChallengeName="NEW_PASSWORD_REQUIRED",
                                                  Session=r["Session"],
                                                  ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": PASSWORD,
                                                                      "userAttributes.nickname": "n"})
        self.assertIn("AccessToken", out["AuthenticationResult"])


class Refresh(CognitoTestCase):

    def setUp(self):
        self.client_id = self.new_client()["ClientId"]

    def test_refresh(self):
        name = self.confirmed_user()
        a = self.tokens(self.client_id, name)
        for flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            r = self.anon.initiate_auth(ClientId=self.client_id, AuthFlow=flow,
                                        AuthParameters={"REFRESH_TOKEN": a["RefreshToken"]})
            n = r["AuthenticationResult"]
            self.assertNotIn("RefreshToken", n)
            self.assertEqual(n["TokenType"], "Bearer")
            self.assertEqual(jwt_claims(n["AccessToken"])["origin_jti"], jwt_claims(a["AccessToken"])["origin_jti"])
            self.assertEqual(jwt_claims(n["AccessToken"])["auth_time"], jwt_claims(a["AccessToken"])["auth_time"])
            self.anon.get_user(AccessToken=n["AccessToken"])

    def test_admin_refresh(self):
        name = self.confirmed_user()
        a = self.tokens(self.client_id, name)
        r = self.idp.admin_initiate_auth(UserPoolId=self.pool_id, ClientId=self.client_id,
                                         AuthFlow="REFRESH_TOKEN_AUTH",
                                         AuthParameters={"REFRESH_TOKEN": a["RefreshToken"]})
        self.assertIn("AccessToken", r["AuthenticationResult"])

    def test_invalid_token(self):
        self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=self.client_id,
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": "not-a-token"},
                         message="Invalid Refresh Token")

    def test_token_of_other_client(self):
        other = self.new_client()["ClientId"]
        name = self.confirmed_user()
        a = self.tokens(self.client_id, name)
        self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=other,
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": a["RefreshToken"]})

    def test_missing_token(self):
        self.assertError("InvalidParameterException", self.anon.initiate_auth, ClientId=self.client_id,
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={},
                         message="Missing required parameter REFRESH_TOKEN")

    def test_refresh_flow_not_enabled(self):
        c = self.new_client(flows=["ALLOW_USER_PASSWORD_AUTH"])
        self.assertError("InvalidParameterException", self.anon.initiate_auth, ClientId=c["ClientId"],
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": "x"})

    def test_refresh_picks_up_attribute_changes(self):
        name = self.confirmed_user(attributes=[{"Name": "name", "Value": "Old"}])
        a = self.tokens(self.client_id, name)
        self.idp.admin_update_user_attributes(UserPoolId=self.pool_id, Username=name,
                                              UserAttributes=[{"Name": "name", "Value": "New"}])
        r = self.anon.initiate_auth(ClientId=self.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                    AuthParameters={"REFRESH_TOKEN": a["RefreshToken"]})
        self.assertEqual(jwt_claims(r["AuthenticationResult"]["IdToken"])["name"], "New")


class SecretHash(CognitoTestCase):

    def setUp(self):
        c = self.new_client(GenerateSecret=True)
        self.client_id, self.secret = c["ClientId"], c["ClientSecret"]

    def test_sign_in(self):
        name = self.confirmed_user()
        self.assertError("NotAuthorizedException", self.sign_in, self.client_id, name,
                         message="Client %s is configured for secret but secret was not received" % self.client_id)
        params = {"USERNAME": name, "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash("wrong", name, self.client_id)}
        self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=self.client_id,
                         AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params,
                         message="Unable to verify secret hash for client %s" % self.client_id)
        r = self.sign_in(self.client_id, name, client_secret=self.secret)
        self.assertIn("AccessToken", r["AuthenticationResult"])

    def test_admin_sign_in(self):
        name = self.confirmed_user()
        self.assertError("NotAuthorizedException", self.idp.admin_initiate_auth, UserPoolId=self.pool_id,
                         ClientId=self.client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                         AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
        self.idp.admin_initiate_auth(UserPoolId=self.pool_id, ClientId=self.client_id,
                                     AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD,
                                                     "SECRET_HASH": secret_hash(self.secret, name, self.client_id)})

    def test_refresh(self):
        name = self.confirmed_user()
        a = self.sign_in(self.client_id, name, client_secret=self.secret)["AuthenticationResult"]
        self.assertError("NotAuthorizedException", self.anon.initiate_auth, ClientId=self.client_id,
                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": a["RefreshToken"]})
        r = self.anon.initiate_auth(ClientId=self.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                    AuthParameters={"REFRESH_TOKEN": a["RefreshToken"],
                                                    "SECRET_HASH": secret_hash(self.secret, name, self.client_id)})
        self.assertIn("AccessToken", r["AuthenticationResult"])

    def test_email_username_pool_hash_over_email_or_sub(self):
        p = self.new_pool(UsernameAttributes=["email"])
        c = self.new_client(p["Id"], GenerateSecret=True)
        email = unique_email()
        sub = self.anon.sign_up(ClientId=c["ClientId"], Username=email, Password=PASSWORD,
                                SecretHash=secret_hash(c["ClientSecret"], email, c["ClientId"]))["UserSub"]
        self.idp.admin_confirm_sign_up(UserPoolId=p["Id"], Username=email)
        r = self.sign_in(c["ClientId"], email, client_secret=c["ClientSecret"])
        rt = r["AuthenticationResult"]["RefreshToken"]
        r = self.anon.initiate_auth(ClientId=c["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                    AuthParameters={"REFRESH_TOKEN": rt,
                                                    "SECRET_HASH": secret_hash(c["ClientSecret"], sub, c["ClientId"])})
        self.assertIn("AccessToken", r["AuthenticationResult"])

    def test_new_password_challenge(self):
        name = unique()
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, TemporaryPassword="Temp0rary!pw",
                                   MessageAction="SUPPRESS")
        sh = secret_hash(self.secret, name, self.client_id)
        r = self.sign_in(self.client_id, name, "Temp0rary!pw", client_secret=self.secret)
        self.assertError("NotAuthorizedException", self.anon.respond_to_auth_challenge, ClientId=self.client_id,
                         ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"],
                         ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": PASSWORD})
        self.anon.respond_to_auth_challenge(ClientId=self.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                            Session=r["Session"],
                                            ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": PASSWORD,
                                                                "SECRET_HASH": sh})

    def test_forgot_password_and_resend(self):
        name = self.confirmed_user(attributes=[{"Name": "email", "Value": unique_email()},
                                               {"Name": "email_verified", "Value": "true"}])
        self.assertError("NotAuthorizedException", self.anon.forgot_password, ClientId=self.client_id, Username=name)
        r = self.anon.forgot_password(ClientId=self.client_id, Username=name,
                                      SecretHash=secret_hash(self.secret, name, self.client_id))
        self.assertEqual(r["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL")
        self.assertError("NotAuthorizedException", self.anon.resend_confirmation_code, ClientId=self.client_id,
                         Username=name)
        self.assertError("NotAuthorizedException", self.anon.confirm_forgot_password, ClientId=self.client_id,
                         Username=name, ConfirmationCode="123456", Password=PASSWORD)


class Lockout(CognitoTestCase):

    def test_password_attempts_exceeded(self):
        c = self.new_client()
        name = self.confirmed_user()
        codes = []
        for _ in range(8):
            try:
                self.sign_in(c["ClientId"], name, "Wrong1!pass")
            except self.anon.exceptions.ClientError as e:
                codes.append(e.response["Error"]["Message"])
        self.assertEqual(codes[0], "Incorrect username or password.")
        self.assertIn("Password attempts exceeded", codes)
        # Even the right password is refused during the lockout.
        self.assertError("NotAuthorizedException", self.sign_in, c["ClientId"], name,
                         message="Password attempts exceeded")


if __name__ == "__main__":
    unittest.main()
