// Package iam serves the subset of AWS Identity and Access Management that
// identity pools need, over the query protocol (awsproto.QueryMux): roles
// (CreateRole, GetRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy,
// DeleteRole, role tags), their inline policies (Put/Get/List/
// DeleteRolePolicy) and OpenID Connect providers (Create/Get/List/
// DeleteOpenIDConnectProvider, client ids, thumbprints, tags).
//
// Every operation is signed by the root credentials; temporary credentials
// are refused (AccessDenied) by the protocol layer. Policies are validated
// on write with internal/policy (MalformedPolicyDocument, with IAM's
// messages), and returned URL-encoded as IAM does (the AWS CLI and boto3
// decode them).
//
// Roles are named case-insensitively, have ids "AROA" + 17 characters and
// ARNs arn:aws:iam::<account>:role<path><name>. OIDC providers are keyed by
// their URL without the scheme, as in their ARN
// arn:aws:iam::<account>:oidc-provider/<host><path>.
//
// STS reads roles, their policies and providers through Service's Go
// methods (Role, RoleByARN, PolicyDocuments, OIDCProvider).
package iam
