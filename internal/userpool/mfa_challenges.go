package userpool

import (
	"context"
	"encoding/json"

	"github.com/cognate-dev/cognate/internal/storage"
)

// MFA at sign-in. After the first factor, a pool whose MFA is ON or
// OPTIONAL asks for the factors the user turned on (mfaChallenge):
//
//   - one factor, or the preferred one: SMS_MFA or EMAIL_OTP (a code is
//     sent) or SOFTWARE_TOKEN_MFA;
//   - several and no preference: SELECT_MFA_TYPE (MFAS_CAN_CHOOSE), whose
//     ANSWER names one of them;
//   - none, in a pool where MFA is ON: SMS to the user's phone number or
//     email to their address when the pool offers that factor, else
//     MFA_SETUP (MFAS_CAN_SETUP): AssociateSoftwareToken and
//     VerifySoftwareToken with the Session, then MFA_SETUP with the Session
//     VerifySoftwareToken returned.
//
// A Session takes maxFlowAttempts codes, and a user (or a name no user
// holds) takes five wrong codes across Sessions before the lockout of
// failed sign-ins begins (see countCodeAttempt). A right code completes the
// sign-in once.

// mfaChallenge returns the MFA challenge the user must pass, or nil when
// there is none.
func (s *Service) mfaChallenge(ctx context.Context, p *pool, cl *client, u *storage.User, st flowState) (*authResult, error) {
	f := p.mfaFactors()
	if f.mode != "ON" && f.mode != "OPTIONAL" {
		return nil, nil
	}
	m, err := s.loadMFA(u)
	if err != nil {
		return nil, err
	}
	usable := m.usable(f, u)
	if len(usable) == 0 && f.mode == "ON" {
		switch {
		case f.sms && canReceive(factorSMS, u, m):
			usable = []string{factorSMS}
		case f.email && canReceive(factorEmail, u, m):
			usable = []string{factorEmail}
		default:
			return s.mfaSetupChallenge(cl, u, st, f)
		}
	}
	switch {
	case len(usable) == 0:
		return nil, nil
	case contains(usable, m.Preferred):
		return s.factorChallenge(ctx, p, cl, u, st, m.Preferred)
	case len(usable) == 1:
		return s.factorChallenge(ctx, p, cl, u, st, usable[0])
	}
	st.Challenge, st.Choices = "SELECT_MFA_TYPE", usable
	sess, err := s.sealFlow(cl, &st)
	if err != nil {
		return nil, err
	}
	choices, _ := json.Marshal(usable)
	return &authResult{ChallengeName: "SELECT_MFA_TYPE", Session: sess, ChallengeParameters: map[string]string{
		"MFAS_CAN_CHOOSE": string(choices), "USER_ID_FOR_SRP": u.Username,
	}}, nil
}

// factorChallenge asks for a code of one factor, sending it for SMS and
// email.
func (s *Service) factorChallenge(ctx context.Context, p *pool, cl *client, u *storage.User, st flowState, factor string) (*authResult, error) {
	st.Challenge, st.Choices = factor, nil
	sess, err := s.sealFlow(cl, &st)
	if err != nil {
		return nil, err
	}
	params := map[string]string{"USER_ID_FOR_SRP": u.Username}
	switch factor {
	case factorSMS, "SMS_OTP":
		params, err = s.sendSignInCode(ctx, p, u, "SMS", "", st.ID)
	case factorEmail:
		params, err = s.sendSignInCode(ctx, p, u, "EMAIL", st.SetupEmail, st.ID)
	}
	if err != nil {
		return nil, err
	}
	if st.First {
		// Before any credential: shown as USER_SRP_AUTH shows the user
		// (an alias never maps to the username), as a name no user holds
		// is shown (otpChallenge).
		params["USER_ID_FOR_SRP"] = p.shownUserID(u, st.Name)
	}
	return &authResult{ChallengeName: factor, Session: sess, ChallengeParameters: params}, nil
}

// mfaSetupChallenge asks a user without a factor, in a pool that requires
// MFA, to set one up.
func (s *Service) mfaSetupChallenge(cl *client, u *storage.User, st flowState, f mfaFactors) (*authResult, error) {
	var can []string
	for _, factor := range allFactors {
		if f.offers(factor) {
			can = append(can, factor)
		}
	}
	st.Challenge, st.Choices = "MFA_SETUP", nil
	sess, err := s.sealFlow(cl, &st)
	if err != nil {
		return nil, err
	}
	list, _ := json.Marshal(can)
	return &authResult{ChallengeName: "MFA_SETUP", Session: sess, ChallengeParameters: map[string]string{
		"MFAS_CAN_SETUP": string(list), "USER_ID_FOR_SRP": u.Username,
	}}, nil
}

// codeResponseKeys names the ChallengeResponses key of each code challenge
// (and accepted alternatives).
var codeResponseKeys = map[string][]string{
	factorTOTP:  {"SOFTWARE_TOKEN_MFA_CODE"},
	factorSMS:   {"SMS_MFA_CODE"},
	factorEmail: {"EMAIL_OTP_CODE", "EMAIL_MFA_CODE"},
	"SMS_OTP":   {"SMS_OTP_CODE"},
}

// respondCode checks the code of SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP or
// SMS_OTP and continues the sign-in.
func (s *Service) respondCode(ctx context.Context, p *pool, cl *client, challenge, sess string, resp map[string]string) (*authResult, error) {
	st, err := s.openFlow(ctx, cl, sess, challenge)
	if err != nil {
		return nil, err
	}
	var u *storage.User
	subject := unknownSubject(p, st.Name)
	if st.Sub == "" && st.First {
		// A passwordless code "sent" to a name no user holds: answered as
		// a wrong code, counted as one.
		if err := cl.checkSecretHash(resp["SECRET_HASH"], resp["USERNAME"], st.Name); err != nil {
			return nil, err
		}
	} else {
		if u, err = s.flowUser(ctx, p, st); err != nil {
			return nil, err
		}
		if err := cl.checkSecretHash(resp["SECRET_HASH"], resp["USERNAME"], u.Username); err != nil {
			return nil, err
		}
		subject = userSubject(u)
	}
	code := ""
	for _, k := range codeResponseKeys[challenge] {
		if code = resp[k]; code != "" {
			break
		}
	}
	if code == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter %s", codeResponseKeys[challenge][0])
	}
	// Count the attempt, in the Session and for the user, before the code
	// is compared.
	if err := s.tryFlow(ctx, cl, st); err != nil {
		return nil, err
	}
	if err := s.countCodeAttempt(ctx, p, subject, st.First); err != nil {
		return nil, err
	}
	switch {
	case u == nil:
		err = errorf(CodeMismatch, msgWrongMFACode)
	case challenge == factorTOTP:
		err = s.checkUserTOTP(ctx, p, u, code)
	default:
		err = s.checkSignInCode(ctx, u, st.ID, code)
	}
	if err != nil {
		return nil, err
	}
	if err := s.spendFlow(ctx, cl, st); err != nil {
		return nil, err
	}
	if err := s.codeAccepted(ctx, p, subject, st.First); err != nil {
		return nil, err
	}
	if st.First {
		next := *st
		next.First, next.NoMFA = false, true
		return s.continueSignIn(ctx, p, cl, u, next)
	}
	if st.SetupEmail != "" {
		if err := s.completeEmailSetup(ctx, p, u, st.SetupEmail); err != nil {
			return nil, err
		}
	}
	return s.signedIn(ctx, p, cl, u, *st)
}

// checkUserTOTP verifies a code of the user's authenticator and records
// its step.
func (s *Service) checkUserTOTP(ctx context.Context, p *pool, u *storage.User, code string) error {
	m, err := s.loadMFA(u)
	if err != nil {
		return err
	}
	if m.TOTP == "" {
		return errorf(SoftwareTokenMFANotFound, "Software token MFA is not set up for the user.")
	}
	step, ok, err := s.checkTOTP(ctx, u, m, m.TOTP, code)
	if err != nil {
		return err
	}
	if !ok {
		return errorf(CodeMismatch, msgWrongMFACode)
	}
	checked := m.TOTP
	return s.editMFA(ctx, p, u, func(_ *storage.User, m *userMFA) error {
		if m.TOTP != checked {
			// Another authenticator was verified meanwhile.
			return errorf(CodeMismatch, msgWrongMFACode)
		}
		m.TOTPStep = max(m.TOTPStep, step)
		return nil
	})
}

// respondSelectMFAType sends the challenge of the factor the user chose.
func (s *Service) respondSelectMFAType(ctx context.Context, p *pool, cl *client, sess string, resp map[string]string) (*authResult, error) {
	st, u, err := s.openChallenge(ctx, p, cl, sess, "SELECT_MFA_TYPE", resp)
	if err != nil {
		return nil, err
	}
	answer := resp["ANSWER"]
	if answer == "EMAIL_MFA" {
		answer = factorEmail
	}
	if answer == "" {
		return nil, errorf(InvalidParameter, "Missing required parameter ANSWER")
	}
	if !contains(st.Choices, answer) {
		return nil, errorf(MFAMethodNotFound, "The MFA method %s is not available for the user.", answer)
	}
	if err := s.spendFlow(ctx, cl, st); err != nil {
		return nil, err
	}
	return s.factorChallenge(ctx, p, cl, u, *st, answer)
}

// respondMFASetup completes MFA_SETUP once the Session carries a verified
// authenticator (VerifySoftwareToken), or sets up email MFA when the
// client answers with an EMAIL address: a code goes there (EMAIL_OTP), and
// once it comes back the address is the user's, verified, and email MFA is
// on.
func (s *Service) respondMFASetup(ctx context.Context, p *pool, cl *client, sess string, resp map[string]string) (*authResult, error) {
	st, u, err := s.openChallenge(ctx, p, cl, sess, "MFA_SETUP", resp)
	if err != nil {
		return nil, err
	}
	if addr := resp["EMAIL"]; addr != "" && !st.Verified {
		if !p.mfaFactors().email {
			return nil, errorf(InvalidParameter, "Email MFA is not enabled for the user pool.")
		}
		if !emailPattern.MatchString(addr) {
			return nil, errorf(InvalidParameter, "Invalid email address format.")
		}
		if err := s.spendFlow(ctx, cl, st); err != nil {
			return nil, err
		}
		next := *st
		next.SetupEmail = addr
		return s.factorChallenge(ctx, p, cl, u, next, factorEmail)
	}
	if !st.Verified {
		return nil, errorf(InvalidParameter, "No MFA factor was set up with this session: verify a software token (VerifySoftwareToken) with it first, or answer with an EMAIL address.")
	}
	if err := s.spendFlow(ctx, cl, st); err != nil {
		return nil, err
	}
	return s.signedIn(ctx, p, cl, u, *st)
}

// completeEmailSetup makes addr, to which the user just proved access, the
// user's verified email address and turns email MFA on (preferred when no
// factor is).
func (s *Service) completeEmailSetup(ctx context.Context, p *pool, u *storage.User, addr string) error {
	return s.editMFA(ctx, p, u, func(cur *storage.User, m *userMFA) error {
		m.enable(factorEmail, true)
		if m.Preferred == "" {
			m.Preferred = factorEmail
		}
		cur.Attributes["email"], cur.Attributes["email_verified"] = addr, "true"
		cur.UpdatedAt = s.now()
		return nil
	})
}
