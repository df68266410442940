package policy

// Policy language versions (IAM JSON policy elements: Version).
const (
	// Version2012 is the current policy language; only it substitutes policy
	// variables.
	Version2012 = "2012-10-17"
	// Version2008 is the earlier language, and the default when a document
	// has no Version: "${...}" is literal text in it.
	Version2008 = "2008-10-17"
)

// Effects of a statement.
const (
	EffectAllow = "Allow"
	EffectDeny  = "Deny"
)

// Principal types of the Principal and NotPrincipal elements.
const (
	PrincipalAWS           = "AWS"
	PrincipalFederated     = "Federated"
	PrincipalService       = "Service"
	PrincipalCanonicalUser = "CanonicalUser"
)

// Document is a parsed and validated policy document. Its exported fields
// describe the document as written and are read-only for callers: Evaluate
// uses patterns compiled from them at Parse time.
type Document struct {
	// Version is the policy language version: Version2012 or Version2008
	// (also when the document has no Version element).
	Version string
	// ID is the optional Id element.
	ID string
	// Statements are the statements in document order.
	Statements []Statement
}

// Statement is one statement of a Document. Exactly one of Action and
// NotAction is set, at most one of Resource and NotResource, and at most one
// of Principal and NotPrincipal.
type Statement struct {
	Sid          string
	Effect       string // EffectAllow or EffectDeny
	Principal    *PrincipalElement
	NotPrincipal *PrincipalElement
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	// Conditions are the Condition element's (operator, key) pairs, ordered
	// by operator and then key as written.
	Conditions []Condition

	c compiled
}

// PrincipalElement is the value of a Principal or NotPrincipal element:
// either "*" (Any) or principal IDs by type ("AWS", "Federated", "Service",
// "CanonicalUser").
type PrincipalElement struct {
	Any bool
	IDs map[string][]string
}

// Condition is one key of one operator in a Condition element, for example
// {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr":
// "authenticated"}}.
type Condition struct {
	Operator string   // as written, e.g. "ForAnyValue:StringLike"
	Key      string   // the condition key as written
	Values   []string // policy values as written; JSON numbers and booleans as their text
}

// Error is a policy document that IAM would refuse with
// MalformedPolicyDocument. Message reads like IAM's message.
type Error struct {
	// Message is what IAM says, e.g. "Syntax errors in policy.".
	Message string
	// Detail says where the problem is, for logs; it is not part of IAM's
	// message and may be empty.
	Detail string
}

// Error returns Message.
func (e *Error) Error() string { return e.Message }

// Request is what is being asked.
type Request struct {
	// Principal is the caller, matched against Principal and NotPrincipal in
	// resource and trust policies. It is nil for identity policies, whose
	// statements have no Principal, and for anonymous callers.
	Principal *Principal
	// Action is the requested action, e.g. "s3:GetObject" or
	// "sts:AssumeRoleWithWebIdentity".
	Action string
	// Resource is the ARN of the resource, or "" when the policy is a trust
	// policy.
	Resource string
	// Context maps condition keys to their values in the request: for
	// example "aws:userid", "aws:username", "aws:PrincipalTag/dept",
	// "cognito-identity.amazonaws.com:sub", "cognito-identity.amazonaws.com:aud",
	// "cognito-identity.amazonaws.com:amr", "aws:SourceIp", "aws:CurrentTime",
	// "aws:EpochTime", "aws:SecureTransport", "aws:MultiFactorAuthPresent".
	// Keys match case-insensitively (an exact match is preferred); a key
	// absent or with no values is "not present". Policy variables are
	// substituted from the same map. Binary keys carry their raw bytes.
	Context map[string][]string
}

// Principal is a caller as a policy sees it.
type Principal struct {
	// Type is "AWS", "Federated", "Service" or "CanonicalUser".
	Type string
	// ID is the principal's identifier of that type: an ARN or account ID
	// for AWS, the provider (e.g. "cognito-identity.amazonaws.com") for
	// Federated, the service (e.g. "lambda.amazonaws.com") for Service.
	ID string
}

// Decision is the outcome of an evaluation.
type Decision string

// Decisions.
const (
	Allow        Decision = "Allow"
	ExplicitDeny Decision = "ExplicitDeny"
	ImplicitDeny Decision = "ImplicitDeny"
)

// Result is a Decision with the statement that made it.
type Result struct {
	Decision Decision
	// Document is the index, among the documents evaluated, of the document
	// holding the deciding statement; -1 for ImplicitDeny.
	Document int
	// Statement is the deciding statement's index in its document; -1 for
	// ImplicitDeny.
	Statement int
	// Sid is the deciding statement's Sid ("" when it has none).
	Sid string
}
