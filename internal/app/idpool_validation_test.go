package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestIdentityPoolValidationErrors: the identity pools API answers input
// that breaks its model's constraints with ValidationException, as AWS
// does (its model does not list it), worded like every AWS validation
// error; CognateAdmin does the same. The user pools API keeps
// InvalidParameterException, and errors the operations decide themselves
// keep their documented types.
func TestIdentityPoolValidationErrors(t *testing.T) {
	s := newIDServer(t, "sqlite")
	for _, name := range []string{"pool#name", "with!excl", "with?quest"} {
		_, err := s.ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{IdentityPoolName: aws.String(name)})
		wantCode(t, err, "ValidationException", "1 validation error detected: Value '"+name+
			"' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+")
	}
	_, err := s.ci.DescribeIdentityPool(ctx, &cid.DescribeIdentityPoolInput{IdentityPoolId: aws.String("us-east-1_nocolon")})
	wantCode(t, err, "ValidationException", "1 validation error detected: Value 'us-east-1_nocolon' at 'identityPoolId' "+
		"failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+")
	_, err = s.ci.ListIdentities(ctx, &cid.ListIdentitiesInput{IdentityPoolId: aws.String("bad"), MaxResults: aws.Int32(0)})
	wantCode(t, err, "ValidationException", "2 validation errors detected: Value 'bad' at 'identityPoolId' failed to satisfy constraint: "+
		"Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+; Value '0' at 'maxResults' failed to satisfy constraint: "+
		"Member must have value greater than or equal to 1")
	// Unsigned operations too.
	_, err = s.ci.GetId(ctx, &cid.GetIdInput{IdentityPoolId: aws.String("no-colon")})
	wantCode(t, err, "ValidationException", "at 'identityPoolId' failed to satisfy constraint")
	// A well-formed id that names nothing is not a validation error.
	_, err = s.ci.DescribeIdentityPool(ctx, &cid.DescribeIdentityPoolInput{IdentityPoolId: aws.String("us-east-1:00000000-0000-0000-0000-000000000000")})
	wantCode(t, err, "ResourceNotFoundException", "IdentityPool 'us-east-1:00000000-0000-0000-0000-000000000000' not found.")

	err = s.admin("DescribeIdentityOwner", map[string]any{"IdentityId": "no-colon"}, nil)
	wantCode(t, err, "ValidationException", "1 validation error detected: Value 'no-colon' at 'identityId' failed to satisfy constraint")

	_, err = s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String("no-underscore")})
	wantCode(t, err, "InvalidParameterException", "1 validation error detected: Value 'no-underscore' at 'userPoolId'")
}
