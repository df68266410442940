package userpool

import (
	"context"
	"errors"
	"maps"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
	"github.com/google/uuid"
)

// CUSTOM_AUTH: a sign-in whose challenges the pool's functions decide.
//
//	InitiateAuth(CUSTOM_AUTH: USERNAME [, CHALLENGE_NAME=SRP_A, SRP_A])
//	  -> DefineAuthChallenge(session so far) decides: issue tokens, fail, or
//	     a challenge: CUSTOM_CHALLENGE (CreateAuthChallenge makes it) or,
//	     after SRP_A, PASSWORD_VERIFIER (the password, proved with SRP)
//	RespondToAuthChallenge(CUSTOM_CHALLENGE: ANSWER)
//	  -> VerifyAuthChallengeResponse judges the answer, the round joins the
//	     session history, and DefineAuthChallenge decides again
//
// The history, the private challenge parameters (often the expected
// answer) and the challenge metadata ride in the Session, sealed, so any
// node continues the sign-in and no client reads or alters them; each
// Session is used once. For a name no user holds, when the client hides
// user existence, the functions are asked with userNotFound and tokens
// are never issued. MFA does not follow a custom sign-in: the functions
// decide every factor.

const (
	customAAD = "cognito-custom-auth"
	// maxCustomRounds bounds a custom sign-in's history.
	maxCustomRounds = 20
)

// customState is what a CUSTOM_CHALLENGE Session carries.
type customState struct {
	ID       string                     `json:"i"`
	Pool     string                     `json:"p"`
	Client   string                     `json:"c"`
	Sub      string                     `json:"u,omitempty"`
	Name     string                     `json:"n"`
	Password string                     `json:"h,omitempty"`
	Device   string                     `json:"d,omitempty"`
	History  []triggers.ChallengeResult `json:"s"`
	Private  map[string]string          `json:"pp,omitempty"`
	Metadata string                     `json:"m,omitempty"`
}

// customAuth starts CUSTOM_AUTH.
func (s *Service) customAuth(ctx context.Context, p *pool, cl *client, params map[string]string) (*authResult, error) {
	username := params["USERNAME"]
	if username == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter USERNAME")
	}
	if s.function(p, triggers.DefineAuthChallenge) == "" {
		return nil, errorf(InvalidUserPoolConfig, "Custom auth lambda trigger is not configured for the user pool.")
	}
	u, err := s.signInUser(ctx, p, cl, username, params["SECRET_HASH"])
	if err != nil {
		return nil, err
	}
	if err := customUsable(u); err != nil {
		return nil, err
	}
	if err := s.preAuthentication(ctx, p, cl, u, username); err != nil {
		return nil, err
	}
	st := customState{Pool: p.rec.ID, Client: cl.rec.ID, Name: username, Device: params["DEVICE_KEY"], History: []triggers.ChallengeResult{}}
	if u != nil {
		st.Sub, st.Password = u.Sub, passwordFingerprint(u)
	}
	srpA := params["SRP_A"]
	if params["CHALLENGE_NAME"] == "SRP_A" || srpA != "" {
		if srpA == "" {
			return nil, errorf(InvalidParameter, "Missing required parameter SRP_A")
		}
		st.History = append(st.History, triggers.ChallengeResult{ChallengeName: "SRP_A", ChallengeResult: true})
	}
	return s.customNext(ctx, p, cl, u, st, srpA)
}

// customUsable refuses a custom sign-in to users who cannot sign in.
func customUsable(u *storage.User) error {
	switch {
	case u == nil:
		return nil
	case !u.Enabled:
		return errorf(NotAuthorized, msgUserDisabled)
	case u.Status == "UNCONFIRMED":
		return errorf(UserNotConfirmed, msgNotConfirmed)
	case u.Status == "RESET_REQUIRED":
		return errorf(PasswordResetRequired, msgResetRequired)
	}
	return nil
}

// customNext asks DefineAuthChallenge what follows st's history and does
// it. srpA is the client's SRP_A while the history ends with SRP_A.
func (s *Service) customNext(ctx context.Context, p *pool, cl *client, u *storage.User, st customState, srpA string) (*authResult, error) {
	if len(st.History) > maxCustomRounds {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	attrs, name := s.customAttributes(u, st.Name)
	fn := s.function(p, triggers.DefineAuthChallenge)
	if fn == "" {
		return nil, errorf(InvalidUserPoolConfig, "Custom auth lambda trigger is not configured for the user pool.")
	}
	req := triggers.DefineAuthChallengeRequest{UserAttributes: attrs, Session: st.History, ClientMetadata: clientMetadata(ctx), UserNotFound: u == nil}
	var def triggers.DefineAuthChallengeResponse
	if err := call(ctx, s, triggers.DefineAuthChallenge, fn, header(p, cl, "DefineAuthChallenge_Authentication", name), req, &def, true); err != nil {
		return nil, err
	}
	switch {
	case def.FailAuthentication || (def.IssueTokens && u == nil):
		return nil, errorf(NotAuthorized, msgBadCredentials)
	case def.IssueTokens:
		return s.signedIn(ctx, p, cl, u, flowState{Pool: p.rec.ID, Client: cl.rec.ID, Sub: u.Sub})
	case def.ChallengeName == "PASSWORD_VERIFIER" && srpA != "":
		return s.passwordVerifierChallenge(ctx, p, cl, u, st.Name, srpA, st.Device, st.History)
	case def.ChallengeName == "CUSTOM_CHALLENGE":
		return s.customChallenge(ctx, p, cl, u, st)
	}
	return nil, errorf(InvalidLambdaResponse, "Unrecognizable lambda output")
}

// customChallenge has CreateAuthChallenge make the next challenge and
// seals it into the Session.
func (s *Service) customChallenge(ctx context.Context, p *pool, cl *client, u *storage.User, st customState) (*authResult, error) {
	fn := s.function(p, triggers.CreateAuthChallenge)
	if fn == "" {
		return nil, errorf(InvalidUserPoolConfig, "Create auth challenge lambda trigger is not configured for the user pool.")
	}
	attrs, name := s.customAttributes(u, st.Name)
	req := triggers.CreateAuthChallengeRequest{UserAttributes: attrs, ChallengeName: "CUSTOM_CHALLENGE", Session: st.History,
		ClientMetadata: clientMetadata(ctx), UserNotFound: u == nil}
	var created triggers.CreateAuthChallengeResponse
	if err := call(ctx, s, triggers.CreateAuthChallenge, fn, header(p, cl, "CreateAuthChallenge_Authentication", name), req, &created, true); err != nil {
		return nil, err
	}
	st.ID, st.Private, st.Metadata = uuid.NewString(), created.PrivateChallengeParameters, created.ChallengeMetadata
	sess, err := s.ring.SealJSON(st, customAAD, cl.sessionTTL(), s.now())
	if err != nil {
		return nil, err
	}
	params := maps.Clone(created.PublicChallengeParameters)
	if params == nil {
		params = map[string]string{}
	}
	params["USERNAME"] = name
	return &authResult{ChallengeName: "CUSTOM_CHALLENGE", Session: sess, ChallengeParameters: params}, nil
}

// customAttributes are the attributes and name the challenge functions
// are told of: the user's, or none and the typed name for a name no user
// holds.
func (s *Service) customAttributes(u *storage.User, name string) (triggers.Attributes, string) {
	if u == nil {
		return triggers.Attributes{}, name
	}
	return eventAttributes(u), u.Username
}

// respondCustom answers CUSTOM_CHALLENGE.
func (s *Service) respondCustom(ctx context.Context, p *pool, cl *client, sess string, resp map[string]string) (*authResult, error) {
	if resp["USERNAME"] == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter USERNAME")
	}
	var st customState
	err := s.ring.OpenJSON(sess, customAAD, s.now(), &st)
	if errors.Is(err, secret.ErrExpired) {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	if sess == "" || err != nil || st.Client != cl.rec.ID || st.Pool != p.rec.ID {
		return nil, errorf(NotAuthorized, msgDeadSession)
	}
	var u *storage.User
	if st.Sub != "" {
		got, err := s.store.Users().GetBySub(ctx, p.rec.ID, st.Sub)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, errorf(NotAuthorized, msgBadSession)
		}
		if err != nil {
			return nil, err
		}
		u = &got
		if err := customUsable(u); err != nil {
			return nil, err
		}
	}
	if err := cl.checkSecretHash(resp["SECRET_HASH"], secretHashNames(resp["USERNAME"], u)...); err != nil {
		return nil, err
	}
	if resp["ANSWER"] == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter ANSWER")
	}
	n, err := s.store.Nonces().Use(ctx, secret.HashToken("custom-auth:"+st.ID), s.now().Add(cl.sessionTTL()))
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, errorf(NotAuthorized, msgBadSession)
	}
	fn := s.function(p, triggers.VerifyAuthChallenge)
	if fn == "" {
		return nil, errorf(InvalidUserPoolConfig, "Verify auth challenge lambda trigger is not configured for the user pool.")
	}
	attrs, name := s.customAttributes(u, st.Name)
	req := triggers.VerifyAuthChallengeRequest{UserAttributes: attrs, PrivateChallengeParameters: orEmptyMap(st.Private),
		ChallengeAnswer: resp["ANSWER"], ClientMetadata: clientMetadata(ctx), UserNotFound: u == nil}
	var verdict triggers.VerifyAuthChallengeResponse
	h := header(p, cl, "VerifyAuthChallengeResponse_Authentication", name)
	if err := call(ctx, s, triggers.VerifyAuthChallenge, fn, h, req, &verdict, true); err != nil {
		return nil, err
	}
	st.History = append(st.History, triggers.ChallengeResult{ChallengeName: "CUSTOM_CHALLENGE",
		ChallengeResult: verdict.AnswerCorrect && u != nil, ChallengeMetadata: st.Metadata})
	st.Private, st.Metadata = nil, ""
	return s.customNext(ctx, p, cl, u, st, "")
}

// customAfterPassword continues a custom sign-in once its
// PASSWORD_VERIFIER was answered right.
func (s *Service) customAfterPassword(ctx context.Context, p *pool, cl *client, u *storage.User, history []triggers.ChallengeResult, device string) (*authResult, error) {
	if err := customUsable(u); err != nil {
		return nil, err
	}
	st := customState{Pool: p.rec.ID, Client: cl.rec.ID, Sub: u.Sub, Name: u.Username, Password: passwordFingerprint(u), Device: device,
		History: append(history, triggers.ChallengeResult{ChallengeName: "PASSWORD_VERIFIER", ChallengeResult: true})}
	return s.customNext(ctx, p, cl, u, st, "")
}

func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
