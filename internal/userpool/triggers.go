package userpool

import (
	"context"
	"errors"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// Lambda triggers. A pool's LambdaConfig names a function per trigger; the
// service invokes it through Deps.Functions (the Lambda Invoke API) with
// Cognito's event (package triggers) at the point of each flow where
// Cognito does, and acts on the answer. Every invocation happens outside
// the retried transactions of user_tx.go: a trigger that must see the
// change's outcome is invoked after the commit, one whose answer shapes the
// change before the transaction, so that none runs twice for one request.
// The hooks are small named calls in the flows:
//
//	preSignUp          SignUp, AdminCreateUser            (triggers_signup.go)
//	postConfirmation   ConfirmSignUp, AdminConfirmSignUp, ConfirmForgotPassword
//	preAuthentication  InitiateAuth, AdminInitiateAuth    (triggers_auth.go)
//	postAuthentication every completed sign-in (signedIn)
//	preTokenGeneration every token issuance, refresh too  (triggers_token.go)
//	customizeMessage   every code, invitation and MFA message (triggers_message.go)
//	migrateUser        sign-in and ForgotPassword of an unknown user (migration.go)
//	CUSTOM_AUTH        Define/Create/VerifyAuthChallenge  (custom_auth.go)
//
// Failed triggers become Cognito's errors: UserLambdaValidationException
// for a function error, UnexpectedLambdaException for a timeout or an
// unreachable endpoint, InvalidLambdaResponseException for an answer that
// is not the event.

// metadataKey carries a request's ClientMetadata (and, for the sign-in
// operations, what Cognito passes as validationData) to the triggers.
type metadataKey struct{}

// withClientMetadata returns ctx carrying m, the ClientMetadata of the
// request, for the triggers the operation invokes.
func withClientMetadata(ctx context.Context, m map[string]string) context.Context {
	if len(m) == 0 {
		return ctx
	}
	return context.WithValue(ctx, metadataKey{}, m)
}

// clientMetadata is the request's ClientMetadata, never nil.
func clientMetadata(ctx context.Context) map[string]string {
	if m, _ := ctx.Value(metadataKey{}).(map[string]string); m != nil {
		return m
	}
	return map[string]string{}
}

// function is the function of trigger t in pool p, "" when none is set
// or the server has no Lambda endpoint.
func (s *Service) function(p *pool, t triggers.Trigger) string {
	lc := p.cfg.LambdaConfig
	if lc == nil || s.fns == nil {
		return ""
	}
	switch t {
	case triggers.PreSignUp:
		return lc.PreSignUp
	case triggers.PostConfirmation:
		return lc.PostConfirmation
	case triggers.PreAuthentication:
		return lc.PreAuthentication
	case triggers.PostAuthentication:
		return lc.PostAuthentication
	case triggers.DefineAuthChallenge:
		return lc.DefineAuthChallenge
	case triggers.CreateAuthChallenge:
		return lc.CreateAuthChallenge
	case triggers.VerifyAuthChallenge:
		return lc.VerifyAuthChallengeResponse
	case triggers.PreTokenGeneration:
		if c := lc.PreTokenGenerationConfig; c != nil && c.LambdaArn != "" {
			return c.LambdaArn
		}
		return lc.PreTokenGeneration
	case triggers.UserMigration:
		return lc.UserMigration
	case triggers.CustomMessage:
		return lc.CustomMessage
	case triggers.CustomEmailSender:
		if lc.CustomEmailSender != nil {
			return lc.CustomEmailSender.LambdaArn
		}
	case triggers.CustomSMSSender:
		if lc.CustomSMSSender != nil {
			return lc.CustomSMSSender.LambdaArn
		}
	case triggers.InboundFederation:
		if lc.InboundFederation != nil {
			return lc.InboundFederation.LambdaArn
		}
	}
	return ""
}

// header is the common part of an event of pool p through client cl
// (nil for admin operations without one) about userName.
func header(p *pool, cl *client, source, userName string) triggers.Header {
	h := triggers.Header{Version: "1", TriggerSource: source, Region: p.rec.Region, UserPoolID: p.rec.ID,
		UserName: userName, CallerContext: triggers.CallerContext{AWSSDKVersion: triggers.SDKVersion}}
	if cl != nil {
		h.CallerContext.ClientID = cl.rec.ID
	}
	return h
}

// eventAttributes are u's attributes as events show them: sub, every
// attribute but the reserved ones, and cognito:user_status.
func eventAttributes(u *storage.User) triggers.Attributes {
	out := make(triggers.Attributes, len(u.Attributes)+2)
	for _, a := range attributeList(u.Sub, u.Attributes, nil) {
		out[a.Name] = a.Value
	}
	if u.Status != "" {
		out["cognito:user_status"] = u.Status
	}
	return out
}

// call invokes trigger t's function fn for pool p and maps its failure
// onto the service's errors.
func call[Req, Resp any](ctx context.Context, s *Service, t triggers.Trigger, fn string, h triggers.Header, req Req, resp *Resp, strict bool) error {
	err := triggers.Call(ctx, s.fns, t, fn, h, req, resp, strict)
	return s.triggerError(h.UserPoolID, err)
}

// triggerError turns a failed trigger into the Cognito error a client
// sees, logging the cause.
func (s *Service) triggerError(poolID string, err error) error {
	var te *triggers.Error
	if !errors.As(err, &te) {
		return err
	}
	s.log.Warn("lambda trigger failed", "pool", poolID, "trigger", string(te.Trigger), "kind", string(te.Kind), "err", te.Cause)
	return &Error{Kind: Kind(te.Kind), Message: te.Message}
}

// checkLambdaConfig refuses triggers the server cannot run and fills
// PreTokenGenerationConfig from PreTokenGeneration as Cognito does (and the
// reverse), checking that the two agree.
func (s *Service) checkLambdaConfig(lc *cip.LambdaConfigType) error {
	if lc == nil {
		return nil
	}
	set := lc.PreSignUp != "" || lc.CustomMessage != "" || lc.PostConfirmation != "" || lc.PreAuthentication != "" ||
		lc.PostAuthentication != "" || lc.DefineAuthChallenge != "" || lc.CreateAuthChallenge != "" ||
		lc.VerifyAuthChallengeResponse != "" || lc.PreTokenGeneration != "" || lc.UserMigration != "" ||
		lc.PreTokenGenerationConfig != nil || lc.CustomSMSSender != nil || lc.CustomEmailSender != nil ||
		lc.InboundFederation != nil
	if set && s.fns == nil {
		return errorf(InvalidParameter, "Lambda triggers cannot run on this server: start it with --lambda-endpoint "+
			"(COGNATE_LAMBDA_ENDPOINT), the base URL of a Lambda Invoke API, to set LambdaConfig.")
	}
	if c := lc.PreTokenGenerationConfig; c != nil {
		switch {
		case c.LambdaArn == "":
			return errorf(InvalidParameter, "PreTokenGenerationConfig requires a LambdaArn.")
		case lc.PreTokenGeneration != "" && lc.PreTokenGeneration != c.LambdaArn:
			return errorf(InvalidParameter, "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same function.")
		case c.LambdaVersion != "V1_0" && c.LambdaVersion != "V2_0" && c.LambdaVersion != "V3_0":
			return errorf(InvalidParameter, "PreTokenGenerationConfig.LambdaVersion must be V1_0, V2_0 or V3_0.")
		}
		lc.PreTokenGeneration = c.LambdaArn
	} else if lc.PreTokenGeneration != "" {
		lc.PreTokenGenerationConfig = &cip.PreTokenGenerationVersionConfigType{LambdaArn: lc.PreTokenGeneration, LambdaVersion: "V1_0"}
	}
	if c := lc.CustomEmailSender; c != nil && (c.LambdaArn == "" || c.LambdaVersion != "V1_0") {
		return errorf(InvalidParameter, "CustomEmailSender requires a LambdaArn and LambdaVersion V1_0.")
	}
	if c := lc.CustomSMSSender; c != nil && (c.LambdaArn == "" || c.LambdaVersion != "V1_0") {
		return errorf(InvalidParameter, "CustomSMSSender requires a LambdaArn and LambdaVersion V1_0.")
	}
	if (lc.CustomEmailSender != nil || lc.CustomSMSSender != nil) && lc.KMSKeyID == "" && s.senderKey == nil {
		return errorf(InvalidParameter, "Custom sender triggers need a KMSKeyID, or a server started with "+
			"--sender-encryption-key (COGNATE_SENDER_ENCRYPTION_KEY) to encrypt codes without KMS.")
	}
	if lc.KMSKeyID != "" && !strings.HasPrefix(lc.KMSKeyID, "arn:") {
		return errorf(InvalidParameter, "KMSKeyID must be the ARN of a KMS key.")
	}
	return nil
}
