package userpool

import (
	"context"
	"testing"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/esdk"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// noFunctions is an Invoker that is never called here.
type noFunctions struct{}

func (noFunctions) Invoke(context.Context, string, []byte) ([]byte, error) { return nil, nil }

func TestCheckLambdaConfig(t *testing.T) {
	fn := "arn:aws:lambda:us-east-1:1:function:f"
	withFns := New(Deps{Functions: noFunctions{}})
	withKey := New(Deps{Functions: noFunctions{}, SenderKey: esdk.RawAES{}})
	sender := &cip.CustomEmailLambdaVersionConfigType{LambdaArn: fn, LambdaVersion: "V1_0"}
	for _, tc := range []struct {
		name    string
		s       *Service
		lc      *cip.LambdaConfigType
		wantErr bool
		version string // PreTokenGenerationConfig.LambdaVersion afterwards
	}{
		{"no triggers, no endpoint", New(Deps{}), &cip.LambdaConfigType{}, false, ""},
		{"a trigger without an endpoint", New(Deps{}), &cip.LambdaConfigType{PreSignUp: fn}, true, ""},
		{"a trigger", withFns, &cip.LambdaConfigType{PreSignUp: fn}, false, ""},
		{"legacy PreTokenGeneration is V1_0", withFns, &cip.LambdaConfigType{PreTokenGeneration: fn}, false, "V1_0"},
		{"PreTokenGenerationConfig", withFns, &cip.LambdaConfigType{PreTokenGenerationConfig: &cip.PreTokenGenerationVersionConfigType{LambdaArn: fn, LambdaVersion: "V2_0"}}, false, "V2_0"},
		{"two pre token functions", withFns, &cip.LambdaConfigType{PreTokenGeneration: fn + "2",
			PreTokenGenerationConfig: &cip.PreTokenGenerationVersionConfigType{LambdaArn: fn, LambdaVersion: "V2_0"}}, true, ""},
		{"a custom sender without a key", withFns, &cip.LambdaConfigType{CustomEmailSender: sender}, true, ""},
		{"a custom sender with the server's key", withKey, &cip.LambdaConfigType{CustomEmailSender: sender}, false, ""},
		{"a custom sender with a KMS key", withFns, &cip.LambdaConfigType{CustomEmailSender: sender, KMSKeyID: "arn:aws:kms:us-east-1:1:key/k"}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.checkLambdaConfig(tc.lc)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want one: %v", err, tc.wantErr)
			}
			if c := tc.lc.PreTokenGenerationConfig; tc.version != "" && (c == nil || c.LambdaVersion != tc.version || tc.lc.PreTokenGeneration != fn) {
				t.Fatalf("after: %+v %+v", tc.lc, c)
			}
		})
	}
}

func TestAutoConfirm(t *testing.T) {
	for _, tc := range []struct {
		name      string
		attrs     map[string]string
		resp      triggers.PreSignUpResponse
		confirmed bool
		verified  []string
		wantErr   bool
	}{
		{"nothing", map[string]string{"email": "a@b.c"}, triggers.PreSignUpResponse{}, false, nil, false},
		{"confirm", map[string]string{"email": "a@b.c"}, triggers.PreSignUpResponse{AutoConfirmUser: true}, true, nil, false},
		{"confirm and verify", map[string]string{"email": "a@b.c", "phone_number": "+15550100"},
			triggers.PreSignUpResponse{AutoConfirmUser: true, AutoVerifyEmail: true, AutoVerifyPhone: true}, true, []string{"email", "phone_number"}, false},
		{"verify a missing address", map[string]string{"email": "a@b.c"}, triggers.PreSignUpResponse{AutoVerifyPhone: true}, false, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := &storage.User{Status: "UNCONFIRMED", Attributes: tc.attrs}
			confirmed, err := autoConfirm(u, tc.resp)
			if (err != nil) != tc.wantErr || confirmed != tc.confirmed {
				t.Fatalf("confirmed %v, error %v", confirmed, err)
			}
			if tc.confirmed != (u.Status == "CONFIRMED") {
				t.Fatalf("status %s", u.Status)
			}
			for _, a := range tc.verified {
				if u.Attributes[a+"_verified"] != "true" {
					t.Fatalf("%s not verified: %v", a, u.Attributes)
				}
			}
		})
	}
}

func TestMigratedUser(t *testing.T) {
	p := &pool{rec: storage.Pool{ID: "us-east-1_p"}, cfg: &poolConfig{}}
	p.cfg.SchemaAttributes, _ = buildSchema(nil)
	s := New(Deps{})
	for _, tc := range []struct {
		name, pw string
		resp     triggers.MigrateUserResponse
		status   string
		wantErr  bool
	}{
		{"sign-in, status left out", "pw", triggers.MigrateUserResponse{UserAttributes: map[string]string{"email": "a@b.c"}}, "CONFIRMED", false},
		{"sign-in, reset required", "pw", triggers.MigrateUserResponse{FinalUserStatus: "RESET_REQUIRED"}, "RESET_REQUIRED", false},
		{"forgot password", "", triggers.MigrateUserResponse{FinalUserStatus: "CONFIRMED"}, "RESET_REQUIRED", false},
		{"bad status", "pw", triggers.MigrateUserResponse{FinalUserStatus: "UNCONFIRMED"}, "", true},
		{"bad message action", "pw", triggers.MigrateUserResponse{MessageAction: "SHOUT"}, "", true},
		{"unknown attribute", "pw", triggers.MigrateUserResponse{UserAttributes: map[string]string{"shoe_size": "9"}}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := s.migratedUser(p, "ann", tc.pw, tc.resp)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v", err)
			}
			if err != nil {
				if e := AsError(err); e == nil || e.Kind != InvalidLambdaResponse {
					t.Fatalf("error %v, want InvalidLambdaResponseException", err)
				}
				return
			}
			if u.Status != tc.status || u.Username != "ann" {
				t.Fatalf("user %+v", u)
			}
		})
	}
}
