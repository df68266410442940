package awsproto

import (
	"encoding/json"
	"testing"
)

// FuzzValidateModels validates arbitrary bodies against every operation
// of the JSON models Cognate serves (cognito-idp, cognito-identity,
// cognate-admin). A refusal is a SerializationException or an
// InvalidParameterException with a message; an accepted body comes back as
// valid JSON that validates again to the same bytes.
func FuzzValidateModels(f *testing.F) {
	var models []*Model
	var ops [][]string
	for _, name := range []string{"cognito-idp", "cognito-identity", "cognate-admin"} {
		m := loadModel(f, name)
		models = append(models, m)
		ops = append(ops, m.Operations())
	}
	for _, s := range []string{`{}`, `{"UserPoolId":"us-east-1_a","Username":"u"}`, `{"IdentityPoolId":"us-east-1:x","Logins":{"a":"b"}}`,
		`{"MaxResults":1e3,"NextToken":null}`, `{"UserAttributes":[{"Name":"a","Value":"\ud800"}]}`, `{"a":[[[[[[]]]]]]}`,
		"{\"Username\":\"a\xff\"}", `{"AuthParameters":{"USERNAME":"\u0000"}}`, `{"ClientMetadata":{"":""},"Tags":{"k":1}}`} {
		for i := range 40 {
			f.Add(uint16(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint16, body string) {
		m := models[int(which)%len(models)]
		list := ops[int(which)%len(models)]
		op := list[int(which/3)%len(list)]
		clean, err := m.validate(op, []byte(body))
		if err != nil {
			switch {
			case err.Type != TypeSerialization && err.Type != TypeInvalidParameter:
				t.Fatalf("%s: error type %s: %s", op, err.Type, err.Message)
			case err.Message == "":
				t.Fatalf("%s: %s without a message", op, err.Type)
			}
			return
		}
		if !json.Valid(clean) {
			t.Fatalf("%s: accepted %q as %q, not JSON", op, body, clean)
		}
		again, err := m.validate(op, clean)
		if err != nil {
			t.Fatalf("%s: accepted %q, but its clean form %q is refused: %v", op, body, clean, err)
		}
		if string(again) != string(clean) {
			t.Fatalf("%s: clean form not stable: %q -> %q", op, clean, again)
		}
	})
}
