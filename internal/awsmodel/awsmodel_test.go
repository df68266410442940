package awsmodel

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"testing"
)

func TestServiceModels(t *testing.T) {
	want := map[string]string{
		"cognito-idp":      "AWSCognitoIdentityProviderService",
		"cognito-identity": "AWSCognitoIdentityService",
		"sts":              "",
		"iam":              "",
		"cognate-admin":    "CognateAdmin",
	}
	if got := Names(); len(got) != len(want) {
		t.Fatalf("Names() = %v", got)
	}
	for name, prefix := range want {
		gz := Service(name)
		if gz == nil {
			t.Fatalf("Service(%q) = nil", name)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Metadata struct {
				EndpointPrefix string `json:"endpointPrefix"`
				TargetPrefix   string `json:"targetPrefix"`
			} `json:"metadata"`
			Operations map[string]json.RawMessage `json:"operations"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		endpoint := name
		if name == "cognate-admin" {
			endpoint = "cognito-identity" // signed and routed beside the identity-pool API
		}
		if m.Metadata.EndpointPrefix != endpoint || m.Metadata.TargetPrefix != prefix || len(m.Operations) == 0 {
			t.Errorf("%s: metadata %+v, %d ops", name, m.Metadata, len(m.Operations))
		}
	}
	if Service("s3") != nil {
		t.Error("Service(s3) should be nil")
	}
}
