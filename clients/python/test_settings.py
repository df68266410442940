"""Pool settings: TagResource, UntagResource, ListTagsForResource,
GetUserPoolMfaConfig, SetUserPoolMfaConfig, AdminListUserAuthEvents."""

import unittest

from support import CognitoTestCase, unique, PASSWORD

SNS_ROLE = "arn:aws:iam::123456789012:role/sms"


class Tags(CognitoTestCase):

    def test_tags(self):
        p = self.new_pool(UserPoolTags={"a": "1"})
        arn = p["Arn"]
        self.assertEqual(self.idp.list_tags_for_resource(ResourceArn=arn)["Tags"], {"a": "1"})
        r = self.idp.tag_resource(ResourceArn=arn, Tags={"b": "2", "a": "3"})
        self.assertEqual(list(r), ["ResponseMetadata"])
        self.assertEqual(self.idp.list_tags_for_resource(ResourceArn=arn)["Tags"], {"a": "3", "b": "2"})
        self.idp.untag_resource(ResourceArn=arn, TagKeys=["a", "nope"])
        self.assertEqual(self.idp.list_tags_for_resource(ResourceArn=arn)["Tags"], {"b": "2"})
        self.assertEqual(self.idp.describe_user_pool(UserPoolId=p["Id"])["UserPool"]["UserPoolTags"], {"b": "2"})

    def test_empty(self):
        p = self.new_pool()
        self.assertEqual(self.idp.list_tags_for_resource(ResourceArn=p["Arn"])["Tags"], {})

    def test_unknown_pool(self):
        arn = "arn:aws:cognito-idp:us-east-1:%s:userpool/us-east-1_000000000" % self.new_pool()["Arn"].split(":")[4]
        self.assertError("ResourceNotFoundException", self.idp.list_tags_for_resource, ResourceArn=arn)

    def test_arn_validation(self):
        self.assertValidation(self.raw.list_tags_for_resource, ResourceArn="nope", member="resourceArn")


class MfaConfig(CognitoTestCase):

    def test_defaults(self):
        p = self.new_pool()
        r = self.idp.get_user_pool_mfa_config(UserPoolId=p["Id"])
        self.assertEqual(r["MfaConfiguration"], "OFF")
        self.assertNotIn("SmsMfaConfiguration", r)

    def test_totp(self):
        p = self.new_pool()
        r = self.idp.set_user_pool_mfa_config(UserPoolId=p["Id"], SoftwareTokenMfaConfiguration={"Enabled": True},
                                              MfaConfiguration="OPTIONAL")
        self.assertEqual(r["MfaConfiguration"], "OPTIONAL")
        self.assertEqual(r["SoftwareTokenMfaConfiguration"], {"Enabled": True})
        self.assertNotIn("SmsMfaConfiguration", r)
        g = self.idp.get_user_pool_mfa_config(UserPoolId=p["Id"])
        self.assertEqual(g["SoftwareTokenMfaConfiguration"], {"Enabled": True})
        self.assertEqual(self.idp.describe_user_pool(UserPoolId=p["Id"])["UserPool"]["MfaConfiguration"], "OPTIONAL")

    def test_sms(self):
        p = self.new_pool()
        sms = {"SmsAuthenticationMessage": "Code {####}", "SmsConfiguration": {"SnsCallerArn": SNS_ROLE}}
        r = self.idp.set_user_pool_mfa_config(UserPoolId=p["Id"], SmsMfaConfiguration=sms, MfaConfiguration="ON")
        self.assertEqual(r["SmsMfaConfiguration"]["SmsAuthenticationMessage"], "Code {####}")
        self.assertEqual(r["SmsMfaConfiguration"]["SmsConfiguration"]["SnsCallerArn"], SNS_ROLE)
        self.assertEqual(r["MfaConfiguration"], "ON")

    def test_on_without_factor(self):
        p = self.new_pool()
        self.assertError("InvalidParameterException", self.idp.set_user_pool_mfa_config, UserPoolId=p["Id"],
                         MfaConfiguration="ON")

    def test_off_then_on_again(self):
        p = self.new_pool()
        self.idp.set_user_pool_mfa_config(UserPoolId=p["Id"], SoftwareTokenMfaConfiguration={"Enabled": True},
                                          MfaConfiguration="ON")
        r = self.idp.set_user_pool_mfa_config(UserPoolId=p["Id"], MfaConfiguration="OFF")
        self.assertEqual(r["MfaConfiguration"], "OFF")
        self.assertEqual(self.idp.describe_user_pool(UserPoolId=p["Id"])["UserPool"]["MfaConfiguration"], "OFF")

    def test_invalid_enum(self):
        p = self.new_pool()
        self.assertValidation(self.raw.set_user_pool_mfa_config, UserPoolId=p["Id"],
                              SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="Invalid",
                              member="mfaConfiguration")

    def test_create_pool_with_sms_mfa(self):
        p = self.new_pool(MfaConfiguration="ON", SmsConfiguration={"SnsCallerArn": SNS_ROLE},
                          AutoVerifiedAttributes=["phone_number"])
        self.assertEqual(p["MfaConfiguration"], "ON")
        r = self.idp.set_user_pool_mfa_config(UserPoolId=p["Id"], SoftwareTokenMfaConfiguration={"Enabled": True},
                                              MfaConfiguration="ON")
        self.assertEqual(r["SoftwareTokenMfaConfiguration"], {"Enabled": True})


class AuthEvents(CognitoTestCase):

    def test_not_enabled(self):
        name = self.confirmed_user()
        self.assertError("UserPoolAddOnNotEnabledException", self.idp.admin_list_user_auth_events,
                         UserPoolId=self.pool_id, Username=name)

    def test_events(self):
        p = self.new_pool(UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
        c = self.new_client(p["Id"])
        name = self.confirmed_user(p["Id"])
        self.sign_in(c["ClientId"], name)
        with self.assertRaises(self.anon.exceptions.ClientError):
            self.sign_in(c["ClientId"], name, "Wrong1!pass")
        r = self.idp.admin_list_user_auth_events(UserPoolId=p["Id"], Username=name)
        ev = r["AuthEvents"]
        self.assertEqual(len(ev), 2)
        self.assertEqual([e["EventResponse"] for e in ev], ["Fail", "Pass"])  # newest first
        for e in ev:
            self.assertEqual(e["EventType"], "SignIn")
            self.assertTimestamp(e["CreationDate"])
            self.assertIn("EventId", e)
            self.assertIn("RiskDecision", e["EventRisk"])
        r = self.idp.admin_list_user_auth_events(UserPoolId=p["Id"], Username=name, MaxResults=1)
        self.assertEqual(len(r["AuthEvents"]), 1)
        self.assertIn("NextToken", r)

    def test_unknown_user(self):
        p = self.new_pool(UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
        self.assertError("UserNotFoundException", self.idp.admin_list_user_auth_events, UserPoolId=p["Id"],
                         Username=unique())


if __name__ == "__main__":
    unittest.main()
