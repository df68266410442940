package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestCustomMessageTrigger: the CustomMessage function rewrites every
// message with a code (trigger sources SignUp, ResendCode, ForgotPassword,
// UpdateUserAttribute, VerifyUserAttribute, AdminCreateUser), with the
// code and username placeholders filled in.
func TestCustomMessageTrigger(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("message", func(_ context.Context, e events.CognitoEventUserPoolsCustomMessage) (events.CognitoEventUserPoolsCustomMessage, error) {
		user := ""
		if e.Request.UsernameParameter != "" {
			user = " for " + e.Request.UsernameParameter
		}
		e.Response.EmailSubject = "Welcome (" + e.TriggerSource + ")"
		e.Response.EmailMessage = "<b>" + e.TriggerSource + "</b> code " + e.Request.CodeParameter + user
		return e, nil
	})
	forEachTriggerBackend(t, fns, func(t *testing.T, s *server) {
		poolID, clientID := s.triggerPool(&types.LambdaConfigType{CustomMessage: aws.String(arn("message"))}, nil)
		result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("ida"),
			Password: aws.String("Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "ida@example.com")}})).must(t)
		msg := s.lastMessage()
		if !strings.Contains(msg, "Welcome (CustomMessage_SignUp)") || !strings.Contains(msg, "<b>CustomMessage_SignUp</b> code "+s.lastCode()) {
			t.Fatalf("custom sign-up message: %s", msg)
		}
		var e events.CognitoEventUserPoolsCustomMessage
		fns.last(t, "message", &e)
		if e.Request.CodeParameter != "{####}" || e.Request.UsernameParameter != "" || e.Request.UserAttributes["email"] != "ida@example.com" ||
			e.UserName != "ida" || e.CallerContext.ClientID != clientID {
			t.Fatalf("CustomMessage event: %+v", e)
		}
		result(s.idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: aws.String("ida")})).must(t)
		code := s.lastCode()
		if !strings.Contains(s.lastMessage(), "CustomMessage_ResendCode") {
			t.Fatalf("resent: %s", s.lastMessage())
		}
		result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("ida"), ConfirmationCode: &code})).must(t)
		result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("ida")})).must(t)
		if !strings.Contains(s.lastMessage(), "CustomMessage_ForgotPassword") {
			t.Fatalf("reset: %s", s.lastMessage())
		}
		tok := s.signIn(clientID, "ida", "Passw0rd!").AccessToken
		result(s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok,
			UserAttributes: []types.AttributeType{attr("email", "ida2@example.com")}})).must(t)
		if !strings.Contains(s.lastMessage(), "CustomMessage_UpdateUserAttribute") {
			t.Fatalf("attribute update: %s", s.lastMessage())
		}
		result(s.idp.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: aws.String("email")})).must(t)
		if !strings.Contains(s.lastMessage(), "CustomMessage_VerifyUserAttribute") {
			t.Fatalf("verification: %s", s.lastMessage())
		}
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("jo"),
			TemporaryPassword: aws.String("Temp-Passw0rd"), DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
			UserAttributes: []types.AttributeType{attr("email", "jo@example.com")}})).must(t)
		if msg := s.lastMessage(); !strings.Contains(msg, "CustomMessage_AdminCreateUser</b> code Temp-Passw0rd for jo") {
			t.Fatalf("invitation: %s", msg)
		}
	})
}

// TestCustomMessageTriggerFailure: the function's error is the
// operation's, as in Cognito, and an answer without the code keeps the
// pool's own message.
func TestCustomMessageTriggerFailure(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("message-nope", func(_ context.Context, e events.CognitoEventUserPoolsCustomMessage) (events.CognitoEventUserPoolsCustomMessage, error) {
		return e, errNope
	})
	fns.handle("message-nocode", func(_ context.Context, e events.CognitoEventUserPoolsCustomMessage) (events.CognitoEventUserPoolsCustomMessage, error) {
		e.Response.EmailMessage = "no code here"
		return e, nil
	})
	s := triggerServer(t, "sqlite", fns, 2e9)
	_, clientID := s.triggerPool(&types.LambdaConfigType{CustomMessage: aws.String(arn("message-nope"))}, nil)
	_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("kim"),
		Password: aws.String("Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "kim@example.com")}})
	wantCode(t, err, "UserLambdaValidationException", "CustomMessage failed with error nope.")
	_, clientID = s.triggerPool(&types.LambdaConfigType{CustomMessage: aws.String(arn("message-nocode"))}, nil)
	result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("kim"),
		Password: aws.String("Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "kim@example.com")}})).must(t)
	if msg := s.lastMessage(); strings.Contains(msg, "no code here") || !strings.Contains(msg, "Your verification code is") {
		t.Fatalf("message without the code: %s", msg)
	}
}

// senderEvent is a custom sender's event (aws-lambda-go has no type for
// it): Cognito's documented shape.
type senderEvent struct {
	events.CognitoEventUserPoolsHeader
	Request struct {
		Type           string            `json:"type"`
		Code           string            `json:"code"`
		ClientMetadata map[string]string `json:"clientMetadata"`
		UserAttributes map[string]string `json:"userAttributes"`
	} `json:"request"`
}

// TestCustomEmailSenderTrigger: with a CustomEmailSender the pool sends no
// email itself; the function gets the code encrypted with the AWS
// Encryption SDK (message format 2, suite 0x0578) under the server's
// sender key, and the AWS Encryption SDK for JavaScript decrypts it (when
// Node.js and clients/js's packages are installed).
func TestCustomEmailSenderTrigger(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("email-sender", func(_ context.Context, e senderEvent) (senderEvent, error) { return e, nil })
	fns.handle("sms-sender", func(_ context.Context, e senderEvent) (senderEvent, error) { return e, nil })
	s := triggerServer(t, "sqlite", fns, 2e9)
	poolID, clientID := s.triggerPool(&types.LambdaConfigType{
		CustomEmailSender: &types.CustomEmailLambdaVersionConfigType{LambdaArn: aws.String(arn("email-sender")), LambdaVersion: types.CustomEmailSenderLambdaVersionTypeV10},
		CustomSMSSender:   &types.CustomSMSLambdaVersionConfigType{LambdaArn: aws.String(arn("sms-sender")), LambdaVersion: types.CustomSMSSenderLambdaVersionTypeV10},
	}, nil)
	out := result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("lee"),
		Password: aws.String("Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "lee@example.com")},
		ClientMetadata: map[string]string{"lang": "fr"}})).must(t)
	if out.CodeDeliveryDetails == nil || aws.ToString(out.CodeDeliveryDetails.Destination) != "l***@e***" {
		t.Fatalf("delivery: %+v", out.CodeDeliveryDetails)
	}
	if files, _ := filepath.Glob(filepath.Join(s.dataDir, "outbox", "*.eml")); len(files) != 0 {
		t.Fatalf("the pool sent %d emails itself", len(files))
	}
	var e senderEvent
	fns.last(t, "email-sender", &e)
	if e.TriggerSource != "CustomEmailSender_SignUp" || e.Request.Type != "customEmailSenderRequestV1" || e.UserPoolID != poolID ||
		e.Request.UserAttributes["email"] != "lee@example.com" || e.Request.ClientMetadata["lang"] != "fr" {
		t.Fatalf("sender event: %+v", e)
	}
	msg, err := base64.StdEncoding.DecodeString(e.Request.Code)
	if err != nil || len(msg) < 3 || msg[0] != 2 || msg[1] != 0x05 || msg[2] != 0x78 {
		t.Fatalf("the code is not an AWS Encryption SDK message of suite 0x0578: %v %x", err, msg[:min(3, len(msg))])
	}
	code := decryptWithJSEncryptionSDK(t, e.Request.Code, testSenderKey, map[string]string{"userpool-id": poolID})
	if code == "" {
		return
	}
	result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("lee"), ConfirmationCode: &code})).must(t)
}

// decryptWithJSEncryptionSDK decrypts an AWS Encryption SDK message with
// the AWS Encryption SDK for JavaScript (@aws-crypto/client-node, a
// RawAesKeyringNode of namespace "cognate" and name "sender", the SDK's
// default commitment policy), and checks its encryption context. It
// returns "" (and logs) when Node.js or the package is not at hand.
func decryptWithJSEncryptionSDK(t *testing.T, message, key string, wantContext map[string]string) string {
	t.Helper()
	// clients/js's suite (internal/jsclients), mandatory in CI, decrypts a
	// custom sender's code with the same SDK after its own npm ci; here the
	// check runs when COGNATE_TEST_ESDK_MODULES names a node_modules with
	// @aws-crypto/client-node (clients/js's, say), so that this package
	// never races that npm ci.
	modules := os.Getenv("COGNATE_TEST_ESDK_MODULES")
	node, err := exec.LookPath("node")
	if _, serr := os.Stat(filepath.Join(modules, "@aws-crypto", "client-node")); modules == "" || err != nil || serr != nil {
		t.Log("the JavaScript decryption check is skipped here (set COGNATE_TEST_ESDK_MODULES to a node_modules with @aws-crypto/client-node)")
		return ""
	}
	script := `
const { buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } = require('@aws-crypto/client-node');
const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const keyring = new RawAesKeyringNode({ keyNamespace: 'cognate', keyName: 'sender',
  unencryptedMasterKey: new Uint8Array(Buffer.from(process.env.KEY, 'base64')),
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING });
decrypt(keyring, Buffer.from(process.env.MESSAGE, 'base64')).then(({ plaintext, messageHeader }) => {
  process.stdout.write(JSON.stringify({ plaintext: plaintext.toString(), context: messageHeader.encryptionContext }));
}).catch((e) => { console.error(e); process.exit(1); });`
	cmd := exec.Command(node, "-e", script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "KEY="+key, "MESSAGE="+message)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("the AWS Encryption SDK for JavaScript could not decrypt the code: %v %s", err, stderr)
	}
	var got struct {
		Plaintext string            `json:"plaintext"`
		Context   map[string]string `json:"context"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range wantContext {
		if got.Context[k] != v {
			t.Fatalf("encryption context %v, want %v", got.Context, wantContext)
		}
	}
	return got.Plaintext
}
