// Package triggers runs a user pool's Lambda triggers the way Amazon
// Cognito does: it builds each trigger's event with Cognito's JSON field
// names (version, triggerSource, region, userPoolId, userName,
// callerContext, request, response), invokes the function through an
// Invoker (the Lambda Invoke API, package lambdainvoke), and reads the
// response part of the event the function returns.
//
// Failures are *Error values of three kinds, as Cognito reports them: a
// function that ran and failed is UserLambdaValidationException
// ("PreSignUp failed with error nope."), a function that did not answer
// (timeout, unreachable endpoint, 5xx) is UnexpectedLambdaException, and an
// answer that is not the event Cognito expects is
// InvalidLambdaResponseException. The user pool service (package userpool)
// maps them onto its own errors.
//
// What each trigger's answer does (auto-confirmation, claims added to
// tokens, a custom message, a migrated user, a custom challenge) is the
// user pool service's business; this package knows the shapes, and the
// pure parts of the rules that do not need the store: how a pre token
// generation answer changes a token's claims (pretoken.go) and how a
// custom sender's code is encrypted (sender.go, with package esdk).
package triggers
