"""User pools: CreateUserPool, DescribeUserPool, UpdateUserPool,
DeleteUserPool, ListUserPools, AddCustomAttributes."""

import unittest

from support import CognitoTestCase, unique, PASSWORD

STANDARD_ATTRIBUTES = [
    "sub", "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
    "picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
    "phone_number_verified", "address", "updated_at", "identities",
]


class CreateUserPool(CognitoTestCase):

    def test_defaults(self):
        p = self.new_pool()
        self.assertRegex(p["Id"], r"^us-east-1_[0-9a-zA-Z]{9}$")
        self.assertEqual(p["Arn"], "arn:aws:cognito-idp:us-east-1:%s:userpool/%s" % (p["Arn"].split(":")[4], p["Id"]))
        self.assertTimestamp(p["CreationDate"])
        self.assertTimestamp(p["LastModifiedDate"])
        self.assertEqual(p["MfaConfiguration"], "OFF")
        self.assertEqual(p["DeletionProtection"], "INACTIVE")
        self.assertEqual(p["EstimatedNumberOfUsers"], 0)
        pp = p["Policies"]["PasswordPolicy"]
        self.assertEqual(pp["MinimumLength"], 8)
        for k in ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols"):
            self.assertIs(pp[k], True, k)
        self.assertEqual(pp["TemporaryPasswordValidityDays"], 7)
        self.assertEqual(p["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"], False)
        self.assertEqual(p["EmailConfiguration"]["EmailSendingAccount"], "COGNITO_DEFAULT")
        self.assertEqual(p["VerificationMessageTemplate"]["DefaultEmailOption"], "CONFIRM_WITH_CODE")
        self.assertEqual(p["LambdaConfig"], {})
        self.assertEqual(p["UserPoolTags"], {})
        self.assertEqual(p["UserAttributeUpdateSettings"], {"AttributesRequireVerificationBeforeUpdate": []})
        self.assertNotIn("UsernameAttributes", p)
        self.assertNotIn("AliasAttributes", p)

    def test_standard_schema(self):
        p = self.new_pool()
        names = [a["Name"] for a in p["SchemaAttributes"]]
        self.assertEqual(names, STANDARD_ATTRIBUTES)
        sub = p["SchemaAttributes"][0]
        self.assertEqual(sub, {"Name": "sub", "AttributeDataType": "String", "DeveloperOnlyAttribute": False,
                               "Mutable": False, "Required": True,
                               "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"}})

    def test_settings_echoed(self):
        p = self.new_pool(
            Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireUppercase": False, "RequireLowercase": True,
                                         "RequireNumbers": False, "RequireSymbols": False,
                                         "TemporaryPasswordValidityDays": 3}},
            AutoVerifiedAttributes=["email"], UsernameAttributes=["email"],
            UsernameConfiguration={"CaseSensitive": False}, DeletionProtection="ACTIVE",
            AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
            UserPoolTags={"team": "red"},
            Schema=[{"Name": "team", "AttributeDataType": "String", "Mutable": True,
                     "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "20"}}],
        )
        self.assertEqual(p["Policies"]["PasswordPolicy"]["MinimumLength"], 10)
        self.assertIs(p["Policies"]["PasswordPolicy"]["RequireUppercase"], False)
        self.assertEqual(p["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"], 3)
        self.assertEqual(p["AutoVerifiedAttributes"], ["email"])
        self.assertEqual(p["UsernameAttributes"], ["email"])
        self.assertEqual(p["UsernameConfiguration"], {"CaseSensitive": False})
        self.assertEqual(p["DeletionProtection"], "ACTIVE")
        self.assertEqual(p["AccountRecoverySetting"]["RecoveryMechanisms"], [{"Name": "verified_email", "Priority": 1}])
        self.assertEqual(p["UserPoolTags"], {"team": "red"})
        custom = [a for a in p["SchemaAttributes"] if a["Name"] == "custom:team"]
        self.assertEqual(len(custom), 1)
        self.assertEqual(custom[0]["StringAttributeConstraints"], {"MinLength": "1", "MaxLength": "20"})
        self.assertIs(custom[0]["Mutable"], True)
        self.assertIs(custom[0]["Required"], False)
        d = self.idp.describe_user_pool(UserPoolId=p["Id"])["UserPool"]
        self.assertEqual(d["UsernameAttributes"], ["email"])
        self.assertEqual(d["Name"], p["Name"])

    def test_alias_and_username_attributes_exclusive(self):
        self.assertError("InvalidParameterException", self.idp.create_user_pool, PoolName=unique("p"),
                         AliasAttributes=["email"], UsernameAttributes=["email"])

    def test_pool_name_validation(self):
        self.assertValidation(self.raw.create_user_pool, PoolName="", member="poolName")

    def test_invalid_enum(self):
        self.assertValidation(self.raw.create_user_pool, PoolName=unique("p"),
                              MfaConfiguration="SOMETIMES", member="mfaConfiguration")

    def test_minimum_length_range(self):
        self.assertValidation(self.raw.create_user_pool, PoolName=unique("p"),
                              Policies={"PasswordPolicy": {"MinimumLength": 5}})

    def test_required_custom_attribute_refused(self):
        self.assertError("InvalidParameterException", self.idp.create_user_pool, PoolName=unique("p"),
                         Schema=[{"Name": "x", "AttributeDataType": "String", "Required": True}])

    def test_schema_validation_messages(self):
        cases = [
            ({"Name": "custom"}, "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."),
            ({"Name": "email", "AttributeDataType": "Number"},
             "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"),
            ({"Name": "email", "DeveloperOnlyAttribute": True},
             "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"),
            ({"Name": "email", "AttributeDataType": "String", "StringAttributeConstraints": {"MinLength": "x"}},
             "Invalid StringAttributeConstraints for schema attribute email"),
            ({"Name": "updated_at", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MaxValue": "x"}},
             "Invalid NumberAttributeConstraints for schema attribute updated_at"),
            ({"Name": "email", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "2049"}},
             "user.email: String attributes cannot have a length of more than 2048"),
            ({"Name": "email", "AttributeDataType": "String",
              "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "1"}},
             "user.email: Max length cannot be less than min length."),
            ({"Name": "updated_at", "AttributeDataType": "Number",
              "NumberAttributeConstraints": {"MinValue": "2", "MaxValue": "1"}},
             "user.updated_at: Max value cannot be less than min value."),
        ]
        for attr, msg in cases:
            with self.subTest(attr=attr):
                self.assertError("InvalidParameterException", self.idp.create_user_pool, PoolName=unique("p"),
                                 Schema=[attr], message=msg)

    def test_custom_attribute_constraints_kept(self):
        p = self.new_pool(Schema=[
            {"Name": "s", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "10"},
             "NumberAttributeConstraints": {"MinValue": "1"}},
            {"Name": "n", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "10"}},
            {"Name": "b", "AttributeDataType": "Boolean"},
            {"Name": "d", "AttributeDataType": "String", "DeveloperOnlyAttribute": True}])
        by = {a["Name"]: a for a in p["SchemaAttributes"]}
        self.assertEqual(by["custom:s"]["StringAttributeConstraints"], {"MaxLength": "10"})
        self.assertNotIn("NumberAttributeConstraints", by["custom:s"])
        self.assertEqual(by["custom:n"]["NumberAttributeConstraints"], {"MinValue": "10"})
        self.assertNotIn("StringAttributeConstraints", by["custom:b"])
        self.assertIs(by["dev:custom:d"]["DeveloperOnlyAttribute"], True)

    def test_required_standard_attribute(self):
        p = self.new_pool(Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True,
                                   "Mutable": True}])
        email = [a for a in p["SchemaAttributes"] if a["Name"] == "email"][0]
        self.assertIs(email["Required"], True)


class DescribeUserPool(CognitoTestCase):

    def test_unknown_pool(self):
        self.assertError("ResourceNotFoundException", self.idp.describe_user_pool, UserPoolId="us-east-1_000000000",
                         message="User pool us-east-1_000000000 does not exist.")

    def test_bad_id_pattern(self):
        self.assertValidation(self.raw.describe_user_pool, UserPoolId="nounderscore", member="userPoolId")

    def test_other_region_is_not_found(self):
        other = self.srv.client(region="eu-west-1")
        self.assertError("ResourceNotFoundException", other.describe_user_pool, UserPoolId=self.pool_id)

    def test_estimated_number_of_users(self):
        p = self.new_pool()
        self.confirmed_user(p["Id"])
        self.confirmed_user(p["Id"])
        d = self.idp.describe_user_pool(UserPoolId=p["Id"])["UserPool"]
        self.assertEqual(d["EstimatedNumberOfUsers"], 2)

    def test_unsigned_refused(self):
        with self.assertRaises(Exception) as cm:
            self.anon.describe_user_pool(UserPoolId=self.pool_id)
        code = cm.exception.response["Error"]["Code"]
        self.assertIn(code, ("MissingAuthenticationTokenException", "NotAuthorizedException",
                             "UnrecognizedClientException"))


class UpdateUserPool(CognitoTestCase):

    def test_unspecified_settings_return_to_defaults(self):
        p = self.new_pool(AutoVerifiedAttributes=["email"],
                          Policies={"PasswordPolicy": {"MinimumLength": 12}},
                          EmailVerificationSubject="Hello")
        self.idp.update_user_pool(UserPoolId=p["Id"], Policies={"PasswordPolicy": {"MinimumLength": 9}})
        d = self.idp.describe_user_pool(UserPoolId=p["Id"])["UserPool"]
        self.assertEqual(d["Policies"]["PasswordPolicy"]["MinimumLength"], 9)
        self.assertNotIn("AutoVerifiedAttributes", d)
        self.assertEqual(d["EmailVerificationSubject"], "Your verification code")
        self.assertGreaterEqual(d["LastModifiedDate"], p["LastModifiedDate"])

    def test_schema_and_username_attributes_kept(self):
        p = self.new_pool(UsernameAttributes=["email"], Schema=[{"Name": "team", "AttributeDataType": "String"}])
        self.idp.update_user_pool(UserPoolId=p["Id"])
        d = self.idp.describe_user_pool(UserPoolId=p["Id"])["UserPool"]
        self.assertEqual(d["UsernameAttributes"], ["email"])
        self.assertIn("custom:team", [a["Name"] for a in d["SchemaAttributes"]])

    def test_deletion_protection(self):
        p = self.new_pool()
        self.idp.update_user_pool(UserPoolId=p["Id"], DeletionProtection="ACTIVE")
        self.assertError("InvalidParameterException", self.idp.delete_user_pool, UserPoolId=p["Id"])
        self.idp.update_user_pool(UserPoolId=p["Id"], DeletionProtection="INACTIVE")
        self.idp.delete_user_pool(UserPoolId=p["Id"])
        self.assertError("ResourceNotFoundException", self.idp.describe_user_pool, UserPoolId=p["Id"])

    def test_unknown_pool(self):
        self.assertError("ResourceNotFoundException", self.idp.update_user_pool, UserPoolId="us-east-1_000000000")

    def test_response_is_empty(self):
        r = self.idp.update_user_pool(UserPoolId=self.pool_id)
        r.pop("ResponseMetadata")
        self.assertEqual(r, {})


class DeleteUserPool(CognitoTestCase):

    def test_delete(self):
        p = self.idp.create_user_pool(PoolName=unique("p"))["UserPool"]
        r = self.idp.delete_user_pool(UserPoolId=p["Id"])
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertError("ResourceNotFoundException", self.idp.delete_user_pool, UserPoolId=p["Id"])

    def test_created_protected(self):
        p = self.new_pool(DeletionProtection="ACTIVE")
        self.assertError("InvalidParameterException", self.idp.delete_user_pool, UserPoolId=p["Id"])
        self.idp.describe_user_pool(UserPoolId=p["Id"])

    def test_clients_and_users_go_with_pool(self):
        p = self.idp.create_user_pool(PoolName=unique("p"))["UserPool"]
        c = self.new_client(p["Id"])
        self.idp.delete_user_pool(UserPoolId=p["Id"])
        self.assertError("ResourceNotFoundException", self.anon.initiate_auth, ClientId=c["ClientId"],
                         AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "a", "PASSWORD": "b"})


class ListUserPools(CognitoTestCase):

    def test_lists_and_paginates(self):
        ids = {self.new_pool()["Id"] for _ in range(3)}
        seen = set()
        pages = self.idp.get_paginator("list_user_pools").paginate(MaxResults=2)
        for page in pages:
            self.assertIsInstance(page["UserPools"], list)
            self.assertLessEqual(len(page["UserPools"]), 2)
            for up in page["UserPools"]:
                seen.add(up["Id"])
                if up["Id"] in ids:
                    self.assertTimestamp(up["CreationDate"])
                    self.assertTimestamp(up["LastModifiedDate"])
                    self.assertIn("Name", up)
                    self.assertIn("LambdaConfig", up)
        self.assertLessEqual(ids, seen)

    def test_max_results_required(self):
        self.assertValidation(self.raw.list_user_pools, member="maxResults")

    def test_max_results_range(self):
        self.assertValidation(self.raw.list_user_pools, MaxResults=61, member="maxResults")

    def test_bad_token(self):
        self.assertError("InvalidParameterException", self.idp.list_user_pools, MaxResults=10,
                         NextToken="not-a-token")


class AddCustomAttributes(CognitoTestCase):

    def test_adds(self):
        p = self.new_pool()
        self.idp.add_custom_attributes(UserPoolId=p["Id"], CustomAttributes=[
            {"Name": "level", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "1",
                                                                                          "MaxValue": "10"}},
            {"Name": "nick2", "AttributeDataType": "String"},
        ])
        d = self.idp.describe_user_pool(UserPoolId=p["Id"])["UserPool"]
        by = {a["Name"]: a for a in d["SchemaAttributes"]}
        self.assertEqual(by["custom:level"]["AttributeDataType"], "Number")
        self.assertEqual(by["custom:level"]["NumberAttributeConstraints"], {"MinValue": "1", "MaxValue": "10"})
        self.assertIn("custom:nick2", by)

    def test_existing_name(self):
        p = self.new_pool(Schema=[{"Name": "team", "AttributeDataType": "String"}])
        self.assertError("InvalidParameterException", self.idp.add_custom_attributes, UserPoolId=p["Id"],
                         CustomAttributes=[{"Name": "team", "AttributeDataType": "String"}])

    def test_custom_value_checked(self):
        p = self.new_pool()
        self.idp.add_custom_attributes(UserPoolId=p["Id"], CustomAttributes=[
            {"Name": "level", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "1",
                                                                                          "MaxValue": "10"}}])
        self.assertError("InvalidParameterException", self.idp.admin_create_user, UserPoolId=p["Id"],
                         Username=unique(), MessageAction="SUPPRESS",
                         UserAttributes=[{"Name": "custom:level", "Value": "11"}])
        self.idp.admin_create_user(UserPoolId=p["Id"], Username=unique(), MessageAction="SUPPRESS",
                                   UserAttributes=[{"Name": "custom:level", "Value": "5"}])

    def test_unknown_pool(self):
        self.assertError("ResourceNotFoundException", self.idp.add_custom_attributes,
                         UserPoolId="us-east-1_000000000",
                         CustomAttributes=[{"Name": "a", "AttributeDataType": "String"}])


if __name__ == "__main__":
    unittest.main()
