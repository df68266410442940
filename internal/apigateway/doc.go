// Package apigateway is a small API gateway in front of an HTTP upstream or
// a Lambda function, with the two authorizers apps put in front of
// Cognito-backed APIs: a Cognito user pool authorizer (a user pool token in
// Authorization) and IAM authorization (a SigV4 request made with identity
// pool credentials, allowed by execute-api:Invoke on the route's ARN).
//
// Unlike Amazon API Gateway, it hands the backend both ids of the caller:
// the identity pool identity and the user pool user, from the link Cognate
// keeps between them. In http mode they travel as X-Cognate-* headers; in
// lambda-proxy mode the function receives API Gateway's proxy event
// (payload 1.0 of REST APIs or 2.0 of HTTP APIs) with requestContext filled
// as AWS fills it, plus requestContext.authorizer.cognate.
//
// A request goes: authenticate (token or signature) -> authorize (scopes
// or policy) -> build the integration request -> answer the integration's
// response. Refusals are API Gateway's: 401 {"message":"Unauthorized"} for
// a missing or bad token, 403 for a signature that does not verify or a
// caller the policy does not allow.
package apigateway
