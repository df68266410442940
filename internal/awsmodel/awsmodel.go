// Package awsmodel embeds the AWS API models (botocore's service-2.json,
// gzip-compressed, and for Cognate's own model its paginators-1.json) that
// Cognate serves, and holds the Go wire types
// generated from them (subpackages cognitoidp, cognitoidentity and
// cognateadmin, the last for Cognate's own CognateAdmin model).
//
// The models are the authority for shapes, required members, constraints
// and which operations are unsigned; internal/awsproto loads them to
// validate requests. Regenerate the wire types with `go generate` after
// updating a model from botocore's data directory.
package awsmodel

import (
	"embed"
	"sort"
)

//go:generate go run ./gen -service cognito-idp -package cognitoidp -out cognitoidp/types_gen.go
//go:generate go run ./gen -service cognito-identity -package cognitoidentity -out cognitoidentity/types_gen.go
//go:generate go run ./gen -service cognate-admin -package cognateadmin -out cognateadmin/types_gen.go

//go:embed data
var data embed.FS

// versions maps a service name (botocore's directory name) to the API
// version embedded for it.
var versions = map[string]string{
	"cognito-idp":      "2016-04-18",
	"cognito-identity": "2014-06-30",
	"sts":              "2011-06-15",
	"iam":              "2010-05-08",
	// cognate-admin is Cognate's own CognateAdmin extension API (the
	// user <-> identity link, the audit log, request authorization),
	// written in botocore's format so that awsproto validates it and
	// boto3 can load it as a custom model.
	"cognate-admin": "2026-11-01",
}

// Service returns the gzip-compressed botocore model (service-2.json.gz) of
// the named service, e.g. "cognito-idp", or nil if it is not embedded. The
// slice is shared: callers must not modify it.
func Service(name string) []byte {
	v, ok := versions[name]
	if !ok {
		return nil
	}
	b, err := data.ReadFile("data/" + name + "/" + v + "/service-2.json.gz")
	if err != nil {
		return nil
	}
	return b
}

// Paginators returns the botocore paginator configuration
// (paginators-1.json) embedded for the named service, or nil if there is
// none. Only Cognate's own models carry one: SDKs have their own for AWS's.
func Paginators(name string) []byte {
	v, ok := versions[name]
	if !ok {
		return nil
	}
	b, err := data.ReadFile("data/" + name + "/" + v + "/paginators-1.json")
	if err != nil {
		return nil
	}
	return b
}

// Names lists the embedded services, sorted.
func Names() []string {
	names := make([]string, 0, len(versions))
	for n := range versions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
