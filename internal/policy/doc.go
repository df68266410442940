// Package policy parses and evaluates IAM JSON policy documents: the
// identity policies attached to roles, and role trust policies. It is pure:
// it imports only the standard library and does no I/O, so STS, IAM,
// identity pools and the request authorizer share one implementation.
//
// # Parsing
//
// Parse (and ParseIdentityPolicy, ParseManagedPolicy, ParseTrustPolicy,
// which add the rules IAM applies to each kind of policy) decodes a
// document, validates it against IAM's grammar and compiles its patterns
// once, so that evaluation neither parses nor allocates. Problems are
// *Error values whose Message is IAM's MalformedPolicyDocument message.
// Parsing costs on the order of 100µs, so callers parse a policy when it is
// written or first loaded and keep the *Document: a Document is immutable
// and safe for concurrent use.
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
// and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html.
//
// # Evaluation
//
// Evaluate and EvaluateDetailed decide a Request (principal, action,
// resource ARN and the request context of condition keys) against one or
// more documents, following
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html:
//
//  1. A statement applies when its Principal (or NotPrincipal) names the
//     caller, its Action (or NotAction) covers the action, its Resource (or
//     NotResource) covers the resource, and every condition holds. Action
//     names match case-insensitively; resources match case-sensitively,
//     segment by segment of the ARN; both take '*' and '?' wildcards.
//  2. Any applicable Deny statement, in any document, decides ExplicitDeny.
//  3. Otherwise any applicable Allow decides Allow.
//  4. Otherwise the decision is ImplicitDeny: access is denied by default.
//
// # Conditions
//
// A Condition element is a set of operators, each with keys, each with
// values (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
// Operators are ANDed, keys within an operator are ANDed, and the values of
// one key are ORed; a negated operator (StringNotEquals, NotIpAddress,
// ArnNotLike, ...) is the negation of its positive form, so its values act
// as an AND. Condition key names match ignoring ASCII case only
// (KeyEqual); values are case-sensitive except with the IgnoreCase
// operators and Bool. A key
// missing from the request makes a condition false, a negated condition
// true, and any condition with the IfExists suffix true; Null tests only
// whether the key is present. The set qualifiers apply to keys with several
// values (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html):
// ForAnyValue: holds when at least one request value matches (never for a
// missing key) and ForAllValues: when every request value matches (always
// for a missing key).
//
// # Policy variables
//
// In documents of Version 2012-10-17, "${key}" in Resource, NotResource and
// in the values of string, ARN and Bool conditions is replaced by the
// request's value of the condition key, for example
// ${cognito-identity.amazonaws.com:sub} or ${aws:PrincipalTag/team}
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
// "${key, 'default'}" gives a default, and ${*}, ${?} and ${$} stand for
// the literal characters. Substituted values are literal text, never
// wildcards. A variable whose key is absent (or has several values) and
// has no default has no value, and a pattern with no value matches nothing:
// a Resource entry then covers no resource, a positive condition value
// does not match, and a negated one holds, as IAM documents in "Policy
// variables with no value". In Version 2008-10-17 documents "${...}" is
// literal text.
package policy
