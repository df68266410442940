package policy

import "testing"

// The policies in this file are examples from AWS's documentation; each
// case is a request and the decision AWS documents for it.

const (
	subAlice = "us-east-1:11111111-2222-3333-4444-555555555555"
	subBob   = "us-east-1:99999999-8888-7777-6666-555555555555"
	poolID   = "us-east-1:12345678-dead-beef-cafe-123456789012"
)

// IAM User Guide, "Amazon S3: Allows Amazon Cognito users to access objects
// in their bucket".
const s3CognitoPolicy = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ListYourObjects",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": ["arn:aws:s3:::bucket-name"],
            "Condition": {
                "StringLike": {
                    "s3:prefix": ["cognito/application-name/${cognito-identity.amazonaws.com:sub}"]
                }
            }
        },
        {
            "Sid": "ReadWriteDeleteYourObjects",
            "Effect": "Allow",
            "Action": [
                "s3:GetObject",
                "s3:PutObject",
                "s3:DeleteObject"
            ],
            "Resource": [
                "arn:aws:s3:::bucket-name/cognito/application-name/${cognito-identity.amazonaws.com:sub}",
                "arn:aws:s3:::bucket-name/cognito/application-name/${cognito-identity.amazonaws.com:sub}/*"
            ]
        }
    ]
}`

func TestExampleS3CognitoPrivateFolders(t *testing.T) {
	d := mustParse(t, ParseIdentityPolicy, s3CognitoPolicy)
	alice := ctx("cognito-identity.amazonaws.com:sub", subAlice)
	obj := func(sub, key string) string {
		return "arn:aws:s3:::bucket-name/cognito/application-name/" + sub + key
	}
	runChecks(t, []check{
		{"own object", Request{Action: "s3:GetObject", Resource: obj(subAlice, "/photo.jpg"), Context: alice}, Allow, "ReadWriteDeleteYourObjects"},
		{"own folder", Request{Action: "s3:PutObject", Resource: obj(subAlice, ""), Context: alice}, Allow, "ReadWriteDeleteYourObjects"},
		{"nested object", Request{Action: "s3:DeleteObject", Resource: obj(subAlice, "/a/b/c"), Context: alice}, Allow, ""},
		{"action case ignored", Request{Action: "S3:getobject", Resource: obj(subAlice, "/x"), Context: alice}, Allow, ""},
		{"someone else's object", Request{Action: "s3:GetObject", Resource: obj(subBob, "/photo.jpg"), Context: alice}, ImplicitDeny, ""},
		{"prefix of the sub is not the folder", Request{Action: "s3:GetObject", Resource: obj(subAlice+"x", "/a"), Context: alice}, ImplicitDeny, ""},
		{"resource is case-sensitive", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::Bucket-Name/cognito/application-name/" + subAlice + "/x", Context: alice}, ImplicitDeny, ""},
		{"action not granted", Request{Action: "s3:GetObjectAcl", Resource: obj(subAlice, "/x"), Context: alice}, ImplicitDeny, ""},
		{"no sub in the request", Request{Action: "s3:GetObject", Resource: obj(subAlice, "/x")}, ImplicitDeny, ""},
		{"no sub cannot reach the empty folder", Request{Action: "s3:GetObject", Resource: obj("", "/x")}, ImplicitDeny, ""},
		{"a wildcard in the sub is literal", Request{Action: "s3:GetObject", Resource: obj(subBob, "/x"), Context: ctx("cognito-identity.amazonaws.com:sub", "*")}, ImplicitDeny, ""},
		{"context key case ignored", Request{Action: "s3:GetObject", Resource: obj(subAlice, "/x"), Context: ctx("Cognito-Identity.AmazonAWS.com:SUB", subAlice)}, Allow, ""},
		{"list own prefix", Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::bucket-name", Context: ctx("cognito-identity.amazonaws.com:sub", subAlice, "s3:prefix", "cognito/application-name/"+subAlice)}, Allow, "ListYourObjects"},
		{"list another prefix", Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::bucket-name", Context: ctx("cognito-identity.amazonaws.com:sub", subAlice, "s3:prefix", "cognito/application-name/"+subBob)}, ImplicitDeny, ""},
		{"list without prefix", Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::bucket-name", Context: alice}, ImplicitDeny, ""},
		{"list another bucket", Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::other", Context: ctx("cognito-identity.amazonaws.com:sub", subAlice, "s3:prefix", "cognito/application-name/"+subAlice)}, ImplicitDeny, ""},
	}, d)
}

// Amazon Cognito Developer Guide, "IAM roles": the trust policy of an
// identity pool's authenticated role.
const cognitoAuthTrust = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": "` + poolID + `"},
        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}
      }
    }
  ]
}`

func TestExampleCognitoTrustPolicy(t *testing.T) {
	d := mustParse(t, ParseTrustPolicy, cognitoAuthTrust)
	cognito := &Principal{Type: PrincipalFederated, ID: "cognito-identity.amazonaws.com"}
	authAMR := []string{"authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf", "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf:CognitoSignIn:" + subAlice}
	assume := func(p *Principal, action string, c map[string][]string) Request {
		return Request{Principal: p, Action: action, Context: c}
	}
	runChecks(t, []check{
		{"authenticated identity of the pool", assume(cognito, "sts:AssumeRoleWithWebIdentity", ctx("cognito-identity.amazonaws.com:aud", poolID, "cognito-identity.amazonaws.com:amr", authAMR)), Allow, ""},
		{"unauthenticated identity", assume(cognito, "sts:AssumeRoleWithWebIdentity", ctx("cognito-identity.amazonaws.com:aud", poolID, "cognito-identity.amazonaws.com:amr", "unauthenticated")), ImplicitDeny, ""},
		{"no amr", assume(cognito, "sts:AssumeRoleWithWebIdentity", ctx("cognito-identity.amazonaws.com:aud", poolID)), ImplicitDeny, ""},
		{"another pool", assume(cognito, "sts:AssumeRoleWithWebIdentity", ctx("cognito-identity.amazonaws.com:aud", "us-east-1:00000000-0000-0000-0000-000000000000", "cognito-identity.amazonaws.com:amr", authAMR)), ImplicitDeny, ""},
		{"aud is case-sensitive", assume(cognito, "sts:AssumeRoleWithWebIdentity", ctx("cognito-identity.amazonaws.com:aud", "US-EAST-1:12345678-DEAD-BEEF-CAFE-123456789012", "cognito-identity.amazonaws.com:amr", authAMR)), ImplicitDeny, ""},
		{"another provider", assume(&Principal{Type: PrincipalFederated, ID: "accounts.google.com"}, "sts:AssumeRoleWithWebIdentity", ctx("cognito-identity.amazonaws.com:aud", poolID, "cognito-identity.amazonaws.com:amr", authAMR)), ImplicitDeny, ""},
		{"an AWS principal", assume(&Principal{Type: PrincipalAWS, ID: "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity", ctx("cognito-identity.amazonaws.com:aud", poolID, "cognito-identity.amazonaws.com:amr", authAMR)), ImplicitDeny, ""},
		{"no principal", assume(nil, "sts:AssumeRoleWithWebIdentity", ctx("cognito-identity.amazonaws.com:aud", poolID, "cognito-identity.amazonaws.com:amr", authAMR)), ImplicitDeny, ""},
		{"another action", assume(cognito, "sts:AssumeRole", ctx("cognito-identity.amazonaws.com:aud", poolID, "cognito-identity.amazonaws.com:amr", authAMR)), ImplicitDeny, ""},
	}, d)
}

// Cognito's trust policy for the unauthenticated role, whose amr is
// "unauthenticated".
func TestExampleCognitoUnauthenticatedTrust(t *testing.T) {
	d := mustParse(t, ParseTrustPolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity",
		"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"`+poolID+`"},
		"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}]}`)
	cognito := &Principal{Type: PrincipalFederated, ID: "cognito-identity.amazonaws.com"}
	runChecks(t, []check{
		{"guest", Request{Principal: cognito, Action: "sts:AssumeRoleWithWebIdentity", Context: ctx("cognito-identity.amazonaws.com:aud", poolID, "cognito-identity.amazonaws.com:amr", "unauthenticated")}, Allow, ""},
		{"signed-in user", Request{Principal: cognito, Action: "sts:AssumeRoleWithWebIdentity", Context: ctx("cognito-identity.amazonaws.com:aud", poolID, "cognito-identity.amazonaws.com:amr", []string{"authenticated", "graph.facebook.com"})}, ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "Amazon DynamoDB: Allows row-level access to DynamoDB
// based on an Amazon Cognito ID".
const dynamoRowsPolicy = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "dynamodb:DeleteItem",
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:UpdateItem"
            ],
            "Resource": ["arn:aws:dynamodb:*:*:table/MyTable"],
            "Condition": {
                "ForAllValues:StringEquals": {
                    "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]
                }
            }
        }
    ]
}`

func TestExampleDynamoDBLeadingKeys(t *testing.T) {
	d := mustParse(t, ParseIdentityPolicy, dynamoRowsPolicy)
	table := "arn:aws:dynamodb:us-east-1:123456789012:table/MyTable"
	req := func(action, resource string, keys []string) Request {
		c := ctx("cognito-identity.amazonaws.com:sub", subAlice)
		if keys != nil {
			c["dynamodb:LeadingKeys"] = keys
		}
		return Request{Action: action, Resource: resource, Context: c}
	}
	runChecks(t, []check{
		{"own partition", req("dynamodb:GetItem", table, []string{subAlice}), Allow, ""},
		{"another partition", req("dynamodb:GetItem", table, []string{subBob}), ImplicitDeny, ""},
		{"own and another partition", req("dynamodb:Query", table, []string{subAlice, subBob}), ImplicitDeny, ""},
		// ForAllValues holds when the request has no value for the key:
		// the reason AWS recommends pairing it with a Null check.
		{"no leading keys", req("dynamodb:PutItem", table, nil), Allow, ""},
		{"another region matches the wildcard", req("dynamodb:GetItem", "arn:aws:dynamodb:eu-west-1:123456789012:table/MyTable", []string{subAlice}), Allow, ""},
		{"another table", req("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/Other", []string{subAlice}), ImplicitDeny, ""},
		{"an index is another resource", req("dynamodb:Query", table+"/index/byDate", []string{subAlice}), ImplicitDeny, ""},
		{"scan not granted", req("dynamodb:Scan", table, []string{subAlice}), ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "AWS: Denies access to AWS based on the source IP", with
// a policy that allows everything.
func TestExampleDenyOutsideIPRanges(t *testing.T) {
	deny := mustParse(t, ParseIdentityPolicy, `{
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}
    }
}`)
	allow := mustParse(t, ParseIdentityPolicy, `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}]}`)
	req := func(ip string) Request {
		r := Request{Action: "ec2:RunInstances", Resource: "arn:aws:ec2:us-east-1:123456789012:instance/*"}
		if ip != "" {
			r.Context = ctx("aws:SourceIp", ip)
		}
		return r
	}
	runChecks(t, []check{
		{"inside the first range", req("192.0.2.17"), Allow, "All"},
		{"inside the second range", req("203.0.113.255"), Allow, "All"},
		{"outside", req("198.51.100.7"), ExplicitDeny, ""},
		{"IPv6 outside", req("2001:db8::1"), ExplicitDeny, ""},
		{"IPv4-mapped IPv6 inside", req("::ffff:192.0.2.1"), Allow, ""},
		{"not an address", req("192.0.2"), ExplicitDeny, ""},
		// A negated operator holds when the key is missing.
		{"no source IP", req(""), ExplicitDeny, ""},
	}, allow, deny)
}

// IAM User Guide, "IP address condition operators": IPv4 and IPv6 ranges.
func TestExampleIPv4AndIPv6Ranges(t *testing.T) {
	d := mustParse(t, nil, `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "someservice:*",
    "Resource": "*",
    "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
  }
}`)
	req := func(ip string) Request {
		return Request{Action: "someservice:Do", Resource: "arn:aws:someservice:::x", Context: ctx("aws:SourceIp", ip)}
	}
	runChecks(t, []check{
		{"IPv4 inside", req("203.0.113.9"), Allow, ""},
		{"IPv6 inside", req("2001:db8:1234:5678:abcd::1"), Allow, ""},
		{"IPv6 outside", req("2001:db8:1234:5679::1"), ImplicitDeny, ""},
		{"IPv4 outside", req("203.0.114.1"), ImplicitDeny, ""},
		{"garbage", req("localhost"), ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "IAM: Allows IAM users to self-manage an MFA device": Bool
// and BoolIfExists on aws:MultiFactorAuthPresent, a Deny with NotAction, and
// ${aws:username} in resources.
const mfaSelfManagePolicy = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowListActions",
            "Effect": "Allow",
            "Action": ["iam:ListUsers", "iam:ListVirtualMFADevices"],
            "Resource": "*"
        },
        {
            "Sid": "AllowIndividualUserToListOnlyTheirOwnMFA",
            "Effect": "Allow",
            "Action": ["iam:ListMFADevices"],
            "Resource": ["arn:aws:iam::*:mfa/*", "arn:aws:iam::*:user/${aws:username}"]
        },
        {
            "Sid": "AllowIndividualUserToManageTheirOwnMFA",
            "Effect": "Allow",
            "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice", "iam:EnableMFADevice", "iam:ResyncMFADevice"],
            "Resource": ["arn:aws:iam::*:mfa/${aws:username}", "arn:aws:iam::*:user/${aws:username}"]
        },
        {
            "Sid": "AllowIndividualUserToDeactivateOnlyTheirOwnMFAOnlyWhenUsingMFA",
            "Effect": "Allow",
            "Action": ["iam:DeactivateMFADevice"],
            "Resource": ["arn:aws:iam::*:mfa/${aws:username}", "arn:aws:iam::*:user/${aws:username}"],
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        },
        {
            "Sid": "BlockMostAccessUnlessSignedInWithMFA",
            "Effect": "Deny",
            "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ListUsers", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
        }
    ]
}`

func TestExampleMFASelfManage(t *testing.T) {
	d := mustParse(t, ParseManagedPolicy, mfaSelfManagePolicy)
	const mfa = "arn:aws:iam::123456789012:mfa/alice"
	req := func(action, resource string, mfaPresent string) Request {
		c := ctx("aws:username", "alice")
		if mfaPresent != "" {
			c["aws:MultiFactorAuthPresent"] = []string{mfaPresent}
		}
		return Request{Action: action, Resource: resource, Context: c}
	}
	runChecks(t, []check{
		{"deactivate own MFA with MFA", req("iam:DeactivateMFADevice", mfa, "true"), Allow, "AllowIndividualUserToDeactivateOnlyTheirOwnMFAOnlyWhenUsingMFA"},
		{"Bool ignores case", req("iam:DeactivateMFADevice", mfa, "TRUE"), Allow, ""},
		{"deactivate without MFA", req("iam:DeactivateMFADevice", mfa, "false"), ExplicitDeny, "BlockMostAccessUnlessSignedInWithMFA"},
		{"deactivate, key absent", req("iam:DeactivateMFADevice", mfa, ""), ExplicitDeny, "BlockMostAccessUnlessSignedInWithMFA"},
		{"deactivate someone else's MFA", req("iam:DeactivateMFADevice", "arn:aws:iam::123456789012:mfa/bob", "true"), ImplicitDeny, ""},
		{"create own MFA without MFA", req("iam:CreateVirtualMFADevice", mfa, "false"), Allow, "AllowIndividualUserToManageTheirOwnMFA"},
		{"create someone else's MFA", req("iam:CreateVirtualMFADevice", "arn:aws:iam::123456789012:mfa/bob", "false"), ImplicitDeny, ""},
		{"list users without MFA", req("iam:ListUsers", "arn:aws:iam::123456789012:user/", ""), Allow, "AllowListActions"},
		{"anything else without MFA", req("s3:GetObject", "arn:aws:s3:::b/k", ""), ExplicitDeny, "BlockMostAccessUnlessSignedInWithMFA"},
		{"anything else with MFA", req("s3:GetObject", "arn:aws:s3:::b/k", "true"), ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "AWS: Allows access within specific dates".
func TestExampleDateRange(t *testing.T) {
	d := mustParse(t, ParseManagedPolicy, `{
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": "service-prefix:action-name",
        "Resource": "*",
        "Condition": {
            "DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"},
            "DateLessThan": {"aws:CurrentTime": "2017-12-31T23:59:59Z"}
        }
    }
}`)
	at := func(now string) Request {
		r := Request{Action: "service-prefix:action-name", Resource: "arn:aws:service-prefix:::x"}
		if now != "" {
			r.Context = ctx("aws:CurrentTime", now)
		}
		return r
	}
	runChecks(t, []check{
		{"inside", at("2017-09-15T12:00:00Z"), Allow, ""},
		{"inside, another zone", at("2017-12-31T23:59:59-00:30"), ImplicitDeny, ""},
		{"inside, fractional seconds", at("2017-07-01T00:00:00.5Z"), Allow, ""},
		{"inside as epoch seconds", at("1505476800"), Allow, ""},
		{"at the start is not after it", at("2017-07-01T00:00:00Z"), ImplicitDeny, ""},
		{"after", at("2018-01-01T00:00:00Z"), ImplicitDeny, ""},
		{"before", at("2017-06-30T23:59:59Z"), ImplicitDeny, ""},
		{"not a date", at("yesterday"), ImplicitDeny, ""},
		{"no time", at(""), ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "Policy evaluation logic": an explicit deny in any policy
// overrides any allow.
func TestExampleExplicitDenyOverridesAllow(t *testing.T) {
	allow := mustParse(t, ParseIdentityPolicy, `{"Version":"2012-10-17","Statement":[{"Sid":"AllS3","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	deny := mustParse(t, ParseIdentityPolicy, `{"Version":"2012-10-17","Statement":[
		{"Sid":"NoDeletes","Effect":"Deny","Action":["s3:DeleteObject","s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::records/*"}]}`)
	runChecks(t, []check{
		{"allowed", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::records/a"}, Allow, "AllS3"},
		{"denied despite the allow", Request{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::records/a"}, ExplicitDeny, "NoDeletes"},
		{"deny elsewhere does not apply", Request{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::other/a"}, Allow, "AllS3"},
		{"not allowed at all", Request{Action: "ec2:RunInstances", Resource: "*"}, ImplicitDeny, ""},
	}, allow, deny)
	// The order of the documents does not matter.
	got := EvaluateDetailed(Request{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::records/a"}, deny, allow)
	if got != (Result{Decision: ExplicitDeny, Document: 0, Statement: 0, Sid: "NoDeletes"}) {
		t.Fatalf("deny first: %+v", got)
	}
	if got := EvaluateDetailed(Request{Action: "ec2:RunInstances"}, nil, allow); got != (Result{Decision: ImplicitDeny, Document: -1, Statement: -1}) {
		t.Fatalf("implicit deny: %+v", got)
	}
}

// IAM User Guide, "String condition operators": aws:PrincipalTag with
// StringEquals and wildcards in actions.
func TestExamplePrincipalTag(t *testing.T) {
	d := mustParse(t, ParseManagedPolicy, `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "iam:*AccessKey*",
    "Resource": "arn:aws:iam::123456789012:user/*",
    "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}
  }
}`)
	user := "arn:aws:iam::123456789012:user/alice"
	admin := ctx("aws:PrincipalTag/job-category", "iamuser-admin")
	runChecks(t, []check{
		{"create access key", Request{Action: "iam:CreateAccessKey", Resource: user, Context: admin}, Allow, ""},
		{"list access keys", Request{Action: "iam:ListAccessKeys", Resource: user, Context: admin}, Allow, ""},
		{"key names ignore case", Request{Action: "iam:CreateAccessKey", Resource: user, Context: ctx("AWS:PRINCIPALTAG/JOB-CATEGORY", "iamuser-admin")}, Allow, ""},
		{"values do not ignore case", Request{Action: "iam:CreateAccessKey", Resource: user, Context: ctx("aws:PrincipalTag/job-category", "IAMUser-Admin")}, ImplicitDeny, ""},
		{"another action", Request{Action: "iam:CreateUser", Resource: user, Context: admin}, ImplicitDeny, ""},
		{"untagged principal", Request{Action: "iam:CreateAccessKey", Resource: user}, ImplicitDeny, ""},
		{"another account", Request{Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::210987654321:user/alice", Context: admin}, ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "String condition operators": a home directory per user
// with StringLike on s3:prefix and ${aws:username}.
func TestExampleHomeDirectory(t *testing.T) {
	d := mustParse(t, ParseManagedPolicy, `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"},
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::BUCKET-NAME",
      "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}}
    },
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::BUCKET-NAME/home/${aws:username}", "arn:aws:s3:::BUCKET-NAME/home/${aws:username}/*"]
    }
  ]
}`)
	list := func(prefix string) Request {
		return Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::BUCKET-NAME", Context: ctx("aws:username", "David", "s3:prefix", prefix)}
	}
	runChecks(t, []check{
		{"list the root", list(""), Allow, ""},
		{"list home", list("home/"), Allow, ""},
		{"list own home", list("home/David/"), Allow, ""},
		{"list another home", list("home/Adele/"), ImplicitDeny, ""},
		{"own object", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::BUCKET-NAME/home/David/notes.txt", Context: ctx("aws:username", "David")}, Allow, ""},
		{"user names are case-sensitive in resources", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::BUCKET-NAME/home/david/notes.txt", Context: ctx("aws:username", "David")}, ImplicitDeny, ""},
		{"list all buckets", Request{Action: "s3:ListAllMyBuckets", Resource: "arn:aws:s3:::anything"}, Allow, ""},
	}, d)
}

// IAM User Guide, "Numeric condition operators": at most 10 keys per list.
func TestExampleNumericMaxKeys(t *testing.T) {
	d := mustParse(t, nil, `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Action": "s3:ListBucket",
    "Resource": "arn:aws:s3:::example_bucket",
    "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}}
  }
}`)
	req := func(n string) Request {
		return Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::example_bucket", Context: ctx("s3:max-keys", n)}
	}
	runChecks(t, []check{
		{"ten", req("10"), Allow, ""},
		{"decimal", req("9.5"), Allow, ""},
		{"eleven", req("11"), ImplicitDeny, ""},
		{"not a number", req("ten"), ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "Condition operator to check existence of condition
// keys": only long-term credentials (no aws:TokenIssueTime).
func TestExampleNullTokenIssueTime(t *testing.T) {
	d := mustParse(t, nil, `{"Version":"2012-10-17","Statement":{"Action":"ec2:*","Effect":"Allow","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"true"}}}}`)
	runChecks(t, []check{
		{"long-term credentials", Request{Action: "ec2:DescribeInstances", Resource: "*"}, Allow, ""},
		{"temporary credentials", Request{Action: "ec2:DescribeInstances", Resource: "*", Context: ctx("aws:TokenIssueTime", "2024-01-01T00:00:00Z")}, ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "ARN condition operators": an SQS queue policy that only
// an SNS topic may use, with an account principal.
func TestExampleQueuePolicyArnEquals(t *testing.T) {
	d := mustParse(t, nil, `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Principal": {"AWS": "123456789012"},
    "Action": "SQS:SendMessage",
    "Resource": "arn:aws:sqs:us-east-2:123456789012:QUEUE-ID",
    "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:TOPIC-ID"}}
  }
}`)
	queue := "arn:aws:sqs:us-east-2:123456789012:QUEUE-ID"
	topic := ctx("aws:SourceArn", "arn:aws:sns:us-east-2:123456789012:TOPIC-ID")
	user := &Principal{Type: PrincipalAWS, ID: "arn:aws:iam::123456789012:user/alice"}
	runChecks(t, []check{
		{"from the topic", Request{Principal: user, Action: "sqs:SendMessage", Resource: queue, Context: topic}, Allow, ""},
		{"the account itself", Request{Principal: &Principal{Type: PrincipalAWS, ID: "123456789012"}, Action: "sqs:sendmessage", Resource: queue, Context: topic}, Allow, ""},
		{"from another topic", Request{Principal: user, Action: "sqs:SendMessage", Resource: queue, Context: ctx("aws:SourceArn", "arn:aws:sns:us-east-2:123456789012:OTHER")}, ImplicitDeny, ""},
		{"without a source", Request{Principal: user, Action: "sqs:SendMessage", Resource: queue}, ImplicitDeny, ""},
		{"another account", Request{Principal: &Principal{Type: PrincipalAWS, ID: "arn:aws:iam::210987654321:user/alice"}, Action: "sqs:SendMessage", Resource: queue, Context: topic}, ImplicitDeny, ""},
		{"anonymous", Request{Action: "sqs:SendMessage", Resource: queue, Context: topic}, ImplicitDeny, ""},
	}, d)
}

// IAM User Guide, "ARN condition operators": ArnLike matches segment by
// segment where StringLike matches across colons.
func TestExampleArnLikeVersusStringLike(t *testing.T) {
	const pattern = "arn:aws:someservice:*:111122223333:finance/*"
	const value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
	for _, tc := range []struct {
		op   string
		want Decision
	}{
		{"StringLike", Allow},
		{"ArnLike", ImplicitDeny},
		{"ArnNotLike", Allow},
	} {
		d := mustParse(t, nil, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"`+tc.op+`":{"aws:SourceArn":"`+pattern+`"}}}}`)
		if got := Evaluate(Request{Action: "x:y", Resource: "*", Context: ctx("aws:SourceArn", value)}, d); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.op, got, tc.want)
		}
	}
}

// IAM User Guide, "Specifying default values" and "Special characters".
func TestExampleVariableDefaultsAndSpecialCharacters(t *testing.T) {
	d := mustParse(t, nil, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Home","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username, 'anonymous'}/*"},
		{"Sid":"Star","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket/${*}${?}${$}"},
		{"Sid":"Cond","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bucket",
		 "Condition":{"StringEquals":{"s3:prefix":"${aws:userid, 'it''s'}/"}}}]}`)
	runChecks(t, []check{
		{"default for a missing key", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/anonymous/a"}, Allow, "Home"},
		{"value when present", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/alice/a", Context: ctx("aws:username", "alice")}, Allow, "Home"},
		{"default unused when present", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/anonymous/a", Context: ctx("aws:username", "alice")}, ImplicitDeny, ""},
		{"a multi-valued key takes the default", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/anonymous/a", Context: ctx("aws:username", []string{"a", "b"})}, Allow, ""},
		{"literal special characters", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::bucket/*?$"}, Allow, "Star"},
		{"${*} is not a wildcard", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::bucket/abc"}, ImplicitDeny, ""},
		{"quoted quote in a default", Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::bucket", Context: ctx("s3:prefix", "it's/")}, Allow, "Cond"},
	}, d)
}

// IAM User Guide, "IAM JSON policy elements: Version": variables are
// literal text before 2012-10-17.
func TestExampleVersion2008HasNoVariables(t *testing.T) {
	d := mustParse(t, nil, `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}]}`)
	if d.Version != Version2008 {
		t.Fatalf("Version = %q", d.Version)
	}
	runChecks(t, []check{
		{"literal text matches", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/${aws:username}/a", Context: ctx("aws:username", "alice")}, Allow, ""},
		{"no substitution", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/alice/a", Context: ctx("aws:username", "alice")}, ImplicitDeny, ""},
	}, d)
	noVersion := mustParse(t, nil, `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}}`)
	if noVersion.Version != Version2008 || Evaluate(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/alice/a", Context: ctx("aws:username", "alice")}, noVersion) != ImplicitDeny {
		t.Fatalf("a document without Version is 2008-10-17")
	}
}

// IAM User Guide, "AWS JSON policy elements: Principal": service and
// account principals in trust policies, NotPrincipal with Deny.
func TestExamplePrincipals(t *testing.T) {
	lambda := mustParse(t, ParseTrustPolicy, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","edgelambda.amazonaws.com"]},"Action":"sts:AssumeRole"}}`)
	runChecks(t, []check{
		{"service", Request{Principal: &Principal{Type: PrincipalService, ID: "lambda.amazonaws.com"}, Action: "sts:AssumeRole"}, Allow, ""},
		{"second service", Request{Principal: &Principal{Type: PrincipalService, ID: "edgelambda.amazonaws.com"}, Action: "sts:AssumeRole"}, Allow, ""},
		{"other service", Request{Principal: &Principal{Type: PrincipalService, ID: "ec2.amazonaws.com"}, Action: "sts:AssumeRole"}, ImplicitDeny, ""},
	}, lambda)

	role := mustParse(t, ParseTrustPolicy, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::210987654321:role/path/Deployer"]},"Action":["sts:AssumeRole","sts:TagSession"]}}`)
	runChecks(t, []check{
		{"user of the trusted account", Request{Principal: &Principal{Type: PrincipalAWS, ID: "arn:aws:iam::123456789012:user/alice"}, Action: "sts:AssumeRole"}, Allow, ""},
		{"role session of the trusted account", Request{Principal: &Principal{Type: PrincipalAWS, ID: "arn:aws:sts::123456789012:assumed-role/R/s"}, Action: "sts:AssumeRole"}, Allow, ""},
		{"the trusted role", Request{Principal: &Principal{Type: PrincipalAWS, ID: "arn:aws:iam::210987654321:role/path/Deployer"}, Action: "sts:TagSession"}, Allow, ""},
		{"a session of the trusted role", Request{Principal: &Principal{Type: PrincipalAWS, ID: "arn:aws:sts::210987654321:assumed-role/Deployer/ci"}, Action: "sts:AssumeRole"}, Allow, ""},
		{"another role of that account", Request{Principal: &Principal{Type: PrincipalAWS, ID: "arn:aws:sts::210987654321:assumed-role/Other/ci"}, Action: "sts:AssumeRole"}, ImplicitDeny, ""},
		{"another account", Request{Principal: &Principal{Type: PrincipalAWS, ID: "arn:aws:iam::111111111111:user/alice"}, Action: "sts:AssumeRole"}, ImplicitDeny, ""},
	}, role)

	bucket := mustParse(t, nil, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"},
		{"Sid":"OnlyAdmin","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/admin"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::site/*"},
		{"Sid":"Writers","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::site/*"}]}`)
	admin := &Principal{Type: PrincipalAWS, ID: "arn:aws:iam::123456789012:user/admin"}
	other := &Principal{Type: PrincipalAWS, ID: "arn:aws:iam::123456789012:user/bob"}
	runChecks(t, []check{
		{"anonymous read", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::site/index.html"}, Allow, "Public"},
		{"admin writes", Request{Principal: admin, Action: "s3:PutObject", Resource: "arn:aws:s3:::site/index.html"}, Allow, "Writers"},
		{"others cannot write", Request{Principal: other, Action: "s3:PutObject", Resource: "arn:aws:s3:::site/index.html"}, ExplicitDeny, "OnlyAdmin"},
		{"anonymous cannot write", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::site/index.html"}, ExplicitDeny, "OnlyAdmin"},
	}, bucket)
}
