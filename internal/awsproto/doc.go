// Package awsproto serves AWS JSON 1.1 services (Cognito user pools and
// identity pools) and AWS query-protocol services (STS, IAM) the way AWS
// does, so that unmodified SDKs work.
//
// A request flows through Mux.ServeHTTP:
//
//  1. Every response gets an x-amzn-RequestId and CORS headers; OPTIONS is a
//     CORS preflight.
//  2. X-Amz-Target "<TargetPrefix>.<Operation>" picks the Service and its
//     Handler; anything unknown is UnknownOperationException.
//  3. The body is read up to MuxOptions.MaxBodyBytes.
//  4. Operations the model does not mark unsigned (authtype "none") must carry
//     a valid AWS Signature Version 4; the verified identity becomes
//     RequestInfo.Caller. The signature must cover X-Amz-Target and
//     Content-Type, so that it cannot be replayed as another operation. See
//     sigv4.go.
//  5. The body is checked against the botocore model: JSON syntax and types
//     (SerializationException), then required members, lengths, ranges,
//     patterns and enums, answered with AWS's "N validation errors
//     detected: ..." wording under the service's own code
//     (Service.ValidationError: InvalidParameterException for Cognito
//     user pools, ValidationException for identity pools). See
//     validate.go.
//  6. The Handler runs with RequestInfo in its context; its result is written
//     as JSON, and an *Error as {"__type": ..., "message": ...}. Any other
//     error or a panic is logged and answered with a 500
//     InternalErrorException that reveals nothing.
//
// Temporary credentials (a CredentialSource answer with a Session) may call
// only the operations a service lists in SessionOperations; anything else
// is AccessDeniedException.
//
// QueryMux serves the query protocol (query.go) at the same endpoint: a
// form-encoded POST ("Action=GetRole&Version=2010-05-08&RoleName=r") or a
// GET with the same parameters. The SigV4 credential scope picks the
// service (sts or iam), the Action an unsigned one
// (AssumeRoleWithWebIdentity). The parameters are turned into the JSON
// document of the operation's input (queryinput.go), so the same model
// validation and the same Handlers serve both protocols; validation
// failures are ValidationError. Results are XML
// (<ActionResponse xmlns=...><ActionResult>...</ActionResult>
// <ResponseMetadata><RequestId>), errors are
// <ErrorResponse><Error><Type><Code><Message></Error><RequestId>, with the
// statuses the models and AWS's common errors give (xml.go).
//
// Signatures may also come in the query string of a presigned URL
// (presign.go), as for Kubernetes-style GetCallerIdentity tokens.
//
// VerifyRequest (verify.go) checks the signature of a request some other
// server received, for resource servers that accept vended credentials; it
// requires no headers beyond SigV4's own (Host, and X-Amz-Security-Token
// when present), as each such server knows which of its headers matter.
package awsproto
