// Package cognitomigrate moves users from a live Amazon Cognito user pool
// to Cognate (cognate migrate-from-cognito).
//
// Copy reads the old pools through the AWS API (aws-sdk-go-v2) and writes
// them through the userpool service's Copy operations, keeping pool ids,
// client ids and secrets, and users' subs; it is idempotent, so a second
// run resumes or catches up. AWS gives no password hashes, so each copied
// pool remembers its source (userpool.CognitoSource) and the server checks
// a copied user's first password sign-in against it with Remote, the
// userpool.OldPool that speaks to Cognito (USER_PASSWORD_AUTH, or SRP as a
// client when the old app client allows only that); USER_SRP_AUTH
// sign-ins are relayed to the old pool (userpool/cognito_srp.go).
package cognitomigrate
