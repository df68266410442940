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

// TestPaginators checks that every paginator names an operation of its
// model whose input has the input token and limit key and whose output has
// the output token and the result key, so that boto3 and the AWS CLI can
// page it.
func TestPaginators(t *testing.T) {
	for _, name := range Names() {
		raw := Paginators(name)
		if raw == nil {
			if name == "cognate-admin" {
				t.Fatal("the CognateAdmin model has no paginators")
			}
			continue
		}
		var p struct {
			Pagination map[string]struct {
				InputToken  string `json:"input_token"`
				OutputToken string `json:"output_token"`
				LimitKey    string `json:"limit_key"`
				ResultKey   string `json:"result_key"`
			} `json:"pagination"`
		}
		if err := json.Unmarshal(raw, &p); err != nil || len(p.Pagination) == 0 {
			t.Fatalf("%s paginators: %v", name, err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(Service(name)))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Operations map[string]struct {
				Input, Output struct{ Shape string }
			}
			Shapes map[string]struct {
				Members map[string]json.RawMessage
			}
		}
		if err := json.NewDecoder(zr).Decode(&m); err != nil {
			t.Fatal(err)
		}
		for op, pg := range p.Pagination {
			o, ok := m.Operations[op]
			if !ok {
				t.Errorf("%s: paginator for unknown operation %s", name, op)
				continue
			}
			in, out := m.Shapes[o.Input.Shape].Members, m.Shapes[o.Output.Shape].Members
			for _, k := range []string{pg.InputToken, pg.LimitKey} {
				if _, ok := in[k]; !ok {
					t.Errorf("%s %s: input has no %q", name, op, k)
				}
			}
			for _, k := range []string{pg.OutputToken, pg.ResultKey} {
				if _, ok := out[k]; !ok {
					t.Errorf("%s %s: output has no %q", name, op, k)
				}
			}
		}
	}
}
