package cognitoidp

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
)

func TestUserPoolTypeRoundTrip(t *testing.T) {
	created := time.UnixMilli(1795628511896).UTC()
	in := UserPoolType{
		Id:                     "us-east-1_abc123",
		Name:                   "pool",
		CreationDate:           awstime.New(created),
		MfaConfiguration:       UserPoolMfaTypeOptional,
		AutoVerifiedAttributes: []string{VerifiedAttributeTypeEmail},
		EstimatedNumberOfUsers: ptr(int32(3)),
		SchemaAttributes: []SchemaAttributeType{{
			Name:              "email",
			AttributeDataType: AttributeDataTypeString,
			Required:          ptr(true),
		}},
		UserPoolTags: map[string]string{"team": "id"},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"CreationDate":1795628511.896`,
		`"Id":"us-east-1_abc123"`,
		`"MfaConfiguration":"OPTIONAL"`,
		`"EstimatedNumberOfUsers":3`,
		`"SchemaAttributes":[{"Name":"email","AttributeDataType":"String","Required":true}]`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("marshal: %s lacks %s", b, want)
		}
	}
	if strings.Contains(string(b), "LastModifiedDate") || strings.Contains(string(b), "Policies") {
		t.Errorf("unset members must be omitted: %s", b)
	}
	var out UserPoolType
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !out.CreationDate.Equal(created) {
		t.Errorf("CreationDate = %v, want %v", out.CreationDate, created)
	}
	out.CreationDate, in.CreationDate = nil, nil
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
}

func TestDecodeAWSResponse(t *testing.T) {
	// A response body in the style AWS's Java services write (exponent
	// notation for the timestamp).
	body := `{"User":{"Username":"alice","UserStatus":"CONFIRMED","Enabled":true,
		"UserCreateDate":1.697031458887E9,
		"Attributes":[{"Name":"sub","Value":"0f1e"}]}}`
	var out AdminCreateUserResponse
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	u := out.User
	if u == nil || u.Username != "alice" || u.UserStatus != UserStatusTypeConfirmed || u.Enabled == nil || !*u.Enabled {
		t.Fatalf("decoded %+v", u)
	}
	if got := u.UserCreateDate.UnixMilli(); got != 1697031458887 {
		t.Errorf("UserCreateDate = %d ms", got)
	}
	if len(u.Attributes) != 1 || u.Attributes[0].Name != "sub" || u.Attributes[0].Value != "0f1e" {
		t.Errorf("Attributes = %+v", u.Attributes)
	}
}

func TestInitiateAuthRequestKeys(t *testing.T) {
	in := InitiateAuthRequest{
		AuthFlow:       AuthFlowTypeUserSrpAuth,
		ClientId:       "client",
		AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": "abc"},
	}
	b, _ := json.Marshal(in)
	want := `{"AuthFlow":"USER_SRP_AUTH","AuthParameters":{"SRP_A":"abc","USERNAME":"alice"},"ClientId":"client"}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
}

func ptr[T any](v T) *T { return &v }
