package app_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// iamClient returns an IAM client signed with the root credentials; raw
// skips the SDK's own validation.
func (s *server) iamClient(raw bool) *iam.Client {
	id, key := s.app.RootCredentials()
	return iam.New(iam.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.http.URL), HTTPClient: s.http.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(id, key, ""),
	}, func(o *iam.Options) {
		if raw {
			o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
				_, err := st.Initialize.Remove("OperationInputValidation")
				return err
			})
		}
	})
}

// stsClient returns an STS client with the given credentials (the root
// credentials when id is "").
func (s *server) stsClient(id, key, token string) *sts.Client {
	if id == "" {
		id, key = s.app.RootCredentials()
	}
	return sts.New(sts.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.http.URL), HTTPClient: s.http.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(id, key, token),
	})
}

const trustCognito = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},
"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:pool"},
"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`

const readOwnFolder = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],
"Resource":"arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*"}]}`

func TestIAMRoles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		c := s.iamClient(false)
		created := result(c.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName: aws.String("Authenticated"), Path: aws.String("/cognito/"), AssumeRolePolicyDocument: aws.String(trustCognito),
			Description: aws.String("signed-in users"), Tags: []iamtypes.Tag{{Key: aws.String("app"), Value: aws.String("demo")}},
		})).must(t).Role
		if aws.ToString(created.Arn) != "arn:aws:iam::000000000000:role/cognito/Authenticated" ||
			!strings.HasPrefix(aws.ToString(created.RoleId), "AROA") || len(aws.ToString(created.RoleId)) != 21 ||
			aws.ToInt32(created.MaxSessionDuration) != 3600 || created.CreateDate == nil {
			t.Fatalf("CreateRole = %+v", created)
		}
		// IAM returns policy documents URL-encoded.
		doc, err := url.QueryUnescape(aws.ToString(created.AssumeRolePolicyDocument))
		if err != nil || doc != trustCognito {
			t.Fatalf("trust policy came back as %q (%v)", aws.ToString(created.AssumeRolePolicyDocument), err)
		}

		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("authenticated"), AssumeRolePolicyDocument: aws.String(trustCognito)})
		var exists *iamtypes.EntityAlreadyExistsException
		if !errors.As(err, &exists) || exists.ErrorMessage() != "Role with name authenticated already exists." {
			t.Fatalf("duplicate (names are case-insensitive): %v", err)
		}
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)})
		var malformed *iamtypes.MalformedPolicyDocumentException
		if !errors.As(err, &malformed) || malformed.ErrorMessage() != "Missing required field Principal" {
			t.Fatalf("trust policy without a principal: %v", err)
		}
		_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(`{not json`)})
		if !errors.As(err, &malformed) || malformed.ErrorMessage() != "Syntax errors in policy." {
			t.Fatalf("trust policy not JSON: %v", err)
		}
		_, err = s.iamClient(true).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("has space"), AssumeRolePolicyDocument: aws.String(trustCognito)})
		wantCode(t, err, "ValidationError", "1 validation error detected: Value 'has space' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")
		_, err = s.iamClient(true).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustCognito), MaxSessionDuration: aws.Int32(100)})
		wantCode(t, err, "ValidationError", "Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")

		got := result(c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("AUTHENTICATED")})).must(t).Role
		if aws.ToString(got.RoleId) != aws.ToString(created.RoleId) || aws.ToString(got.Description) != "signed-in users" ||
			len(got.Tags) != 1 || aws.ToString(got.Tags[0].Value) != "demo" {
			t.Fatalf("GetRole = %+v", got)
		}
		_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nobody")})
		var nse *iamtypes.NoSuchEntityException
		if !errors.As(err, &nse) || nse.ErrorMessage() != "The role with name nobody cannot be found." {
			t.Fatalf("GetRole missing: %v", err)
		}

		result(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Guest"), AssumeRolePolicyDocument: aws.String(trustCognito), MaxSessionDuration: aws.Int32(7200)})).must(t)
		all := result(c.ListRoles(ctx, &iam.ListRolesInput{})).must(t)
		if len(all.Roles) != 2 || aws.ToString(all.Roles[0].RoleName) != "Authenticated" || aws.ToString(all.Roles[1].RoleName) != "Guest" || all.IsTruncated {
			t.Fatalf("ListRoles = %+v", all)
		}
		page := result(c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(1)})).must(t)
		if len(page.Roles) != 1 || !page.IsTruncated || page.Marker == nil {
			t.Fatalf("ListRoles page 1 = %+v", page)
		}
		page = result(c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(1), Marker: page.Marker})).must(t)
		if len(page.Roles) != 1 || aws.ToString(page.Roles[0].RoleName) != "Guest" || page.IsTruncated {
			t.Fatalf("ListRoles page 2 = %+v", page)
		}
		byPath := result(c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/cognito/")})).must(t)
		if len(byPath.Roles) != 1 || aws.ToString(byPath.Roles[0].RoleName) != "Authenticated" {
			t.Fatalf("ListRoles by path = %+v", byPath)
		}

		narrower := strings.Replace(trustCognito, "authenticated", "unauthenticated", 1)
		result(c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Guest"), PolicyDocument: aws.String(narrower)})).must(t)
		got = result(c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Guest")})).must(t).Role
		if doc, _ := url.QueryUnescape(aws.ToString(got.AssumeRolePolicyDocument)); doc != narrower {
			t.Fatalf("after UpdateAssumeRolePolicy: %s", doc)
		}
		_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Guest"), PolicyDocument: aws.String(readOwnFolder)})
		if !errors.As(err, &malformed) {
			t.Fatalf("identity policy as trust policy: %v", err)
		}
		result(c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Guest"), MaxSessionDuration: aws.Int32(43200), Description: aws.String("guests")})).must(t)
		got = result(c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Guest")})).must(t).Role
		if aws.ToInt32(got.MaxSessionDuration) != 43200 || aws.ToString(got.Description) != "guests" {
			t.Fatalf("after UpdateRole: %+v", got)
		}

		result(c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Guest"), Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}})).must(t)
		result(c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("Guest"), TagKeys: []string{"A"}})).must(t)
		tags := result(c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("Guest")})).must(t)
		if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "b" {
			t.Fatalf("tags = %+v", tags.Tags)
		}
		_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Guest"), Tags: []iamtypes.Tag{{Key: aws.String("x"), Value: aws.String("1")}, {Key: aws.String("X"), Value: aws.String("2")}}})
		wantCode(t, err, "InvalidInput", "Duplicate tag keys found")

		result(c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("guest")})).must(t)
		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Guest")})
		if !errors.As(err, &nse) {
			t.Fatalf("DeleteRole twice: %v", err)
		}
	})
}

func TestIAMRolePolicies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		c := s.iamClient(false)
		result(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trustCognito)})).must(t)

		result(c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("files"), PolicyDocument: aws.String(readOwnFolder)})).must(t)
		got := result(c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("files")})).must(t)
		if doc, err := url.QueryUnescape(aws.ToString(got.PolicyDocument)); err != nil || doc != readOwnFolder || aws.ToString(got.RoleName) != "app" {
			t.Fatalf("GetRolePolicy = %+v", got)
		}
		replaced := strings.Replace(readOwnFolder, `"s3:PutObject"`, `"s3:DeleteObject"`, 1)
		result(c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("files"), PolicyDocument: aws.String(replaced)})).must(t)
		got = result(c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("files")})).must(t)
		if doc, _ := url.QueryUnescape(aws.ToString(got.PolicyDocument)); doc != replaced {
			t.Fatalf("PutRolePolicy did not replace: %s", doc)
		}

		for _, tt := range []struct{ doc, msg string }{
			{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`, "Policy statement must contain resources."},
			{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`, "Policy document should not specify a principal."},
			{`{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:GetObject","Resource":"*"}]}`, ""},
			{`[]`, "Syntax errors in policy."},
		} {
			_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(tt.doc)})
			wantCode(t, err, "MalformedPolicyDocument", tt.msg)
		}
		_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ghost"), PolicyName: aws.String("p"), PolicyDocument: aws.String(readOwnFolder)})
		wantCode(t, err, "NoSuchEntity", "The role with name ghost cannot be found.")

		result(c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("admin"), PolicyDocument: aws.String(readOwnFolder)})).must(t)
		names := result(c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("app")})).must(t)
		if strings.Join(names.PolicyNames, ",") != "admin,files" || names.IsTruncated {
			t.Fatalf("ListRolePolicies = %+v", names)
		}

		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")})
		var conflict *iamtypes.DeleteConflictException
		if !errors.As(err, &conflict) || conflict.ErrorMessage() != "Cannot delete entity, must delete policies first." {
			t.Fatalf("DeleteRole with policies: %v", err)
		}
		_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("nope")})
		wantCode(t, err, "NoSuchEntity", "The role policy with name nope cannot be found.")
		for _, name := range []string{"admin", "files"} {
			result(c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String(name)})).must(t)
		}
		_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("files")})
		wantCode(t, err, "NoSuchEntity", "")
		result(c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")})).must(t)
	})
}

func TestIAMOpenIDConnectProviders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		c := s.iamClient(false)
		thumb := "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
		created := result(c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
			Url: aws.String("https://Issuer.Example/tenant"), ClientIDList: []string{"app-1"}, ThumbprintList: []string{thumb},
			Tags: []iamtypes.Tag{{Key: aws.String("env"), Value: aws.String("test")}},
		})).must(t)
		arn := aws.ToString(created.OpenIDConnectProviderArn)
		if arn != "arn:aws:iam::000000000000:oidc-provider/issuer.example/tenant" {
			t.Fatalf("ARN = %s", arn)
		}
		_, err := c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://issuer.example/tenant")})
		var exists *iamtypes.EntityAlreadyExistsException
		if !errors.As(err, &exists) {
			t.Fatalf("duplicate provider: %v", err)
		}
		_, err = c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("http://issuer.example")})
		wantCode(t, err, "InvalidInput", "")
		_, err = c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://other.example"), ThumbprintList: []string{strings.Repeat("z", 40)}})
		wantCode(t, err, "InvalidInput", "")

		result(c.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("app-2")})).must(t)
		result(c.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("app-2")})).must(t)
		got := result(c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})).must(t)
		if aws.ToString(got.Url) != "issuer.example/tenant" || strings.Join(got.ClientIDList, ",") != "app-1,app-2" ||
			len(got.ThumbprintList) != 1 || got.ThumbprintList[0] != thumb || got.CreateDate == nil || len(got.Tags) != 1 {
			t.Fatalf("GetOpenIDConnectProvider = %+v", got)
		}
		result(c.RemoveClientIDFromOpenIDConnectProvider(ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("app-1")})).must(t)
		result(c.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: aws.String(arn), ThumbprintList: []string{}})).must(t)
		result(c.UntagOpenIDConnectProvider(ctx, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), TagKeys: []string{"env"}})).must(t)
		got = result(c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})).must(t)
		if strings.Join(got.ClientIDList, ",") != "app-2" || len(got.ThumbprintList) != 0 || len(got.Tags) != 0 {
			t.Fatalf("after updates: %+v", got)
		}

		result(c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://a.example")})).must(t)
		list := result(c.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})).must(t)
		if len(list.OpenIDConnectProviderList) != 2 || aws.ToString(list.OpenIDConnectProviderList[1].Arn) != arn {
			t.Fatalf("ListOpenIDConnectProviders = %+v", list)
		}
		result(c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})).must(t)
		result(c.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})).must(t) // idempotent
		_, err = c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
		wantCode(t, err, "NoSuchEntity", "OpenIDConnect Provider not found for arn "+arn)
		_, err = c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String("arn:aws:iam::999999999999:oidc-provider/x")})
		wantCode(t, err, "InvalidInput", "")
	})
}
