// Package cognitoidentity holds the wire types of the Amazon Cognito
// identity pools API (cognito-identity, 2014-06-30), generated from the
// botocore model by internal/awsmodel/gen.
package cognitoidentity
