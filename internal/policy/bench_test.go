package policy

import "testing"

// amplifyAuthRolePolicy is the policy Amplify attaches to an identity
// pool's authenticated role for Storage: public, protected and private
// prefixes, the latter two keyed by the identity id.
const amplifyAuthRolePolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
      "Resource": [
        "arn:aws:s3:::amplify-app-storage/public/*",
        "arn:aws:s3:::amplify-app-storage/protected/${cognito-identity.amazonaws.com:sub}/*",
        "arn:aws:s3:::amplify-app-storage/private/${cognito-identity.amazonaws.com:sub}/*"
      ]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:PutObject"],
      "Resource": ["arn:aws:s3:::amplify-app-storage/uploads/*"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject"],
      "Resource": ["arn:aws:s3:::amplify-app-storage/protected/*"]
    },
    {
      "Condition": {
        "StringLike": {
          "s3:prefix": [
            "public/", "public/*", "protected/", "protected/*",
            "private/${cognito-identity.amazonaws.com:sub}/",
            "private/${cognito-identity.amazonaws.com:sub}/*"
          ]
        }
      },
      "Action": ["s3:ListBucket"],
      "Resource": ["arn:aws:s3:::amplify-app-storage"],
      "Effect": "Allow"
    }
  ]
}`

func TestAmplifyAuthRolePolicy(t *testing.T) {
	d := mustParse(t, ParseIdentityPolicy, amplifyAuthRolePolicy)
	runChecks(t, amplifyChecks(), d)
}

func amplifyChecks() []check {
	c := benchContext()
	obj := "arn:aws:s3:::amplify-app-storage/"
	return []check{
		{"own private object", Request{Action: "s3:GetObject", Resource: obj + "private/" + subAlice + "/photo.jpg", Context: c}, Allow, ""},
		{"someone's protected object", Request{Action: "s3:GetObject", Resource: obj + "protected/" + subBob + "/photo.jpg", Context: c}, Allow, ""},
		{"writing someone's protected object", Request{Action: "s3:PutObject", Resource: obj + "protected/" + subBob + "/photo.jpg", Context: c}, ImplicitDeny, ""},
		{"someone's private object", Request{Action: "s3:GetObject", Resource: obj + "private/" + subBob + "/photo.jpg", Context: c}, ImplicitDeny, ""},
		{"list own private prefix", Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::amplify-app-storage", Context: withPrefix(c, "private/"+subAlice+"/")}, Allow, ""},
		{"list someone's private prefix", Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::amplify-app-storage", Context: withPrefix(c, "private/"+subBob+"/")}, ImplicitDeny, ""},
	}
}

// benchContext is the request context an identity-pool session carries.
func benchContext() map[string][]string {
	return map[string][]string{
		"aws:userid":                         {"AROAEXAMPLEROLEID:CognitoIdentityCredentials"},
		"aws:PrincipalTag/username":          {"alice"},
		"cognito-identity.amazonaws.com:sub": {subAlice},
		"cognito-identity.amazonaws.com:aud": {poolID},
		"cognito-identity.amazonaws.com:amr": {"authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf"},
		"aws:SourceIp":                       {"203.0.113.7"},
		"aws:CurrentTime":                    {"2024-05-01T12:00:00Z"},
		"aws:SecureTransport":                {"true"},
	}
}

func withPrefix(c map[string][]string, prefix string) map[string][]string {
	m := make(map[string][]string, len(c)+1)
	for k, v := range c {
		m[k] = v
	}
	m["s3:prefix"] = []string{prefix}
	return m
}

// BenchmarkEvaluate measures the request-authorization hot path: an
// identity pool role's policy against typical S3 requests.
func BenchmarkEvaluate(b *testing.B) {
	d := mustParse(b, ParseIdentityPolicy, amplifyAuthRolePolicy)
	for _, c := range amplifyChecks() {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if Evaluate(c.req, d) != c.want {
					b.Fatal("wrong decision")
				}
			}
		})
	}
}

// BenchmarkEvaluateTrust measures AssumeRoleWithWebIdentity's trust check.
func BenchmarkEvaluateTrust(b *testing.B) {
	d := mustParse(b, ParseTrustPolicy, cognitoAuthTrust)
	req := Request{
		Principal: &Principal{Type: PrincipalFederated, ID: "cognito-identity.amazonaws.com"},
		Action:    "sts:AssumeRoleWithWebIdentity",
		Context:   benchContext(),
	}
	b.ReportAllocs()
	for b.Loop() {
		if Evaluate(req, d) != Allow {
			b.Fatal("wrong decision")
		}
	}
}

// BenchmarkParse measures Parse of the same policy (done once per policy
// write or cache fill, not per request).
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseIdentityPolicy(amplifyAuthRolePolicy); err != nil {
			b.Fatal(err)
		}
	}
}
