package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cognate-dev/cognate/internal/awsmodel/awstime"
	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/google/uuid"
)

// AuthEventRetention is how long users' authentication events are kept.
const AuthEventRetention = 90 * 24 * time.Hour

// Event types and responses of AdminListUserAuthEvents.
const (
	EventSignIn         = "SignIn"
	EventSignUp         = "SignUp"
	EventForgotPassword = "ForgotPassword"
	EventPasswordChange = "PasswordChange"
	EventResendCode     = "ResendCode"

	eventPass       = "Pass"
	eventFail       = "Fail"
	eventInProgress = "InProgress"
)

type sourceIPKey struct{}

// WithSourceIP returns ctx carrying the IP address a request came from,
// for the authentication events it records.
func WithSourceIP(ctx context.Context, ip string) context.Context {
	if ip == "" {
		return ctx
	}
	return context.WithValue(ctx, sourceIPKey{}, ip)
}

func sourceIP(ctx context.Context) string {
	ip, _ := ctx.Value(sourceIPKey{}).(string)
	return ip
}

// eventDetails is storage.AuthEvent.Details.
type eventDetails struct {
	ChallengeResponses []cip.ChallengeResponseType `json:"ChallengeResponses,omitempty"`
}

// auditing reports whether the pool records authentication events: with
// threat protection in AUDIT or ENFORCED mode, as in Cognito.
func (p *pool) auditing() bool {
	a := p.cfg.UserPoolAddOns
	return a != nil && (a.AdvancedSecurityMode == "AUDIT" || a.AdvancedSecurityMode == "ENFORCED")
}

// recordAuthEvent adds an event to the user's history when the pool
// records them; one insert, and nothing for pools that do not. A failure
// to record is logged, not returned: the operation itself has happened.
// challenge names the step that passed or failed ("Password", ...), if any.
func (s *Service) recordAuthEvent(ctx context.Context, p *pool, sub, eventType, response, challenge string) {
	if !p.auditing() {
		return
	}
	var d eventDetails
	if challenge != "" {
		result := "Success"
		if response == eventFail {
			result = "Failure"
		}
		d.ChallengeResponses = []cip.ChallengeResponseType{{ChallengeName: challenge, ChallengeResponse: result}}
	}
	details, _ := json.Marshal(d) // plain strings always marshal
	err := s.store.AuthEvents().Add(context.WithoutCancel(ctx), storage.AuthEvent{
		PoolID: p.rec.ID, Sub: sub, ID: uuid.NewString(), Type: eventType, Response: response,
		IPAddress: sourceIP(ctx), Details: details, CreatedAt: s.now(),
	})
	if err != nil {
		s.log.Warn("auth event not recorded", "pool", p.rec.ID, "type", eventType, "err", err)
	}
}

// auditSignIn records the outcome of a password sign-in as a SignIn event
// of the user the name resolves to, when the pool records events, and
// passes the outcome on. Only auditing pools pay for the user lookup; a
// name no user holds, or a request refused before its password was
// checked, records nothing.
func (s *Service) auditSignIn(ctx context.Context, p *pool, name string, r *authResult, err error) (*authResult, error) {
	if !p.auditing() || name == "" {
		return r, err
	}
	var perr *Error
	if errors.As(err, &perr) && (perr.Kind == InvalidParameter || perr.Kind == UserNotFound) {
		return r, err
	}
	u, ferr := s.findUser(ctx, p, name)
	if ferr != nil || u == nil {
		return r, err
	}
	response := eventPass
	switch {
	case err != nil:
		response = eventFail
	case r != nil && r.ChallengeName != "":
		response = eventInProgress
	}
	s.recordAuthEvent(ctx, p, u.Sub, EventSignIn, response, "Password")
	return r, err
}

// authEventsOutput is AdminListUserAuthEvents' answer: AuthEvents is
// always present, [] when empty.
type authEventsOutput struct {
	AuthEvents []cip.AuthEventType `json:"AuthEvents"`
	NextToken  string              `json:"NextToken,omitempty"`
}

// AdminListUserAuthEvents lists a user's authentication events, newest
// first. Pools record them only with threat protection on
// (UserPoolAddOns.AdvancedSecurityMode AUDIT or ENFORCED); for other pools
// this is UserPoolAddOnNotEnabledException, as in Cognito. No risk is
// assessed: every event says RiskDecision NoRisk.
func (s *Service) AdminListUserAuthEvents(ctx context.Context, in *cip.AdminListUserAuthEventsRequest) (*authEventsOutput, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if !p.auditing() {
		return nil, errorf(UserPoolAddOnNotEnabled, "Threat protection is not enabled for user pool %s: set UserPoolAddOns.AdvancedSecurityMode to AUDIT or ENFORCED.", p.rec.ID)
	}
	u, err := s.mustFindUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	events, next, err := s.store.AuthEvents().List(ctx, p.rec.ID, u.Sub, storage.Page{Token: in.NextToken, Limit: pageLimit(in.MaxResults)})
	if err != nil {
		return nil, pageError(err)
	}
	out := &authEventsOutput{AuthEvents: make([]cip.AuthEventType, 0, len(events)), NextToken: next}
	for _, e := range events {
		var d eventDetails
		_ = json.Unmarshal(e.Details, &d) // written by recordAuthEvent; a bad one shows no challenges
		out.AuthEvents = append(out.AuthEvents, cip.AuthEventType{
			EventId:            e.ID,
			EventType:          e.Type,
			CreationDate:       awstime.New(e.CreatedAt),
			EventResponse:      e.Response,
			EventRisk:          &cip.EventRiskType{RiskDecision: "NoRisk", CompromisedCredentialsDetected: ptr(false)},
			ChallengeResponses: d.ChallengeResponses,
			EventContextData:   &cip.EventContextDataType{IpAddress: e.IPAddress},
			EventFeedback:      eventFeedback(e.Feedback),
		})
	}
	return out, nil
}

// eventFeedback is an event's EventFeedback: nil while it has none.
func eventFeedback(f storage.AuthEventFeedback) *cip.EventFeedbackType {
	if f.Value == "" {
		return nil
	}
	return &cip.EventFeedbackType{FeedbackValue: f.Value, Provider: f.Provider, FeedbackDate: awstime.New(f.At)}
}
