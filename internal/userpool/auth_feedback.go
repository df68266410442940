package userpool

import (
	"context"
	"encoding/base64"
	"errors"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Providers of event feedback, as AdminListUserAuthEvents shows them.
const (
	feedbackByAdmin = "Admin"
	feedbackByUser  = "User"
)

// feedbackTokenPurpose separates feedback tokens from the other values
// derived from the server secret.
const feedbackTokenPurpose = "auth-event-feedback"

// msgBadFeedbackToken is the one answer UpdateAuthEventFeedback gives for
// an unknown user and for a token that does not fit the event, so that
// the unsigned call tells nobody which users exist.
const msgBadFeedbackToken = "The feedback token is not valid for this event."

// feedbackToken is the token that lets a user judge one of their
// authentication events with UpdateAuthEventFeedback: an HMAC of the pool,
// the user's sub and the event id under the server secret, so nothing
// needs storing and no token fits another event. In Cognito it comes in
// the risk notification email; Cognate sends no such email.
func (s *Service) feedbackToken(ctx context.Context, poolID, sub, eventID string) (string, error) {
	mac, err := s.derive(ctx, feedbackTokenPurpose, poolID, sub, eventID)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(mac), nil
}

// AuthEventFeedbackToken returns the feedback token of a user's event, as a
// risk notification would carry it, for an operator's own notifications
// (and for tests): Cognate itself sends none.
func (s *Service) AuthEventFeedbackToken(ctx context.Context, poolID, username, eventID string) (string, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return "", err
	}
	u, err := s.mustFindUser(ctx, p, username)
	if err != nil {
		return "", err
	}
	return s.feedbackToken(ctx, p.rec.ID, u.Sub, eventID)
}

// feedbackPool loads the pool of a feedback request; feedback needs threat
// protection on, as the events it judges do.
func (s *Service) feedbackPool(ctx context.Context, id string) (*pool, error) {
	p, err := s.adminPool(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.auditing() {
		return nil, errorf(UserPoolAddOnNotEnabled, "Threat protection is not enabled for user pool %s: set UserPoolAddOns.AdvancedSecurityMode to AUDIT or ENFORCED.", p.rec.ID)
	}
	return p, nil
}

// setFeedback records feedback on the user's event.
func (s *Service) setFeedback(ctx context.Context, p *pool, sub, eventID, value, provider string) error {
	err := s.store.AuthEvents().SetFeedback(ctx, p.rec.ID, sub, eventID,
		storage.AuthEventFeedback{Value: value, Provider: provider, At: s.now()})
	if errors.Is(err, storage.ErrNotFound) {
		return errorf(ResourceNotFound, "Authentication event %s does not exist.", eventID)
	}
	return err
}

// AdminUpdateAuthEventFeedback records an administrator's judgement
// (Valid or Invalid) of a user's authentication event; the event then
// shows it as EventFeedback with Provider Admin. Cognate assesses no risk,
// so the feedback trains nothing.
func (s *Service) AdminUpdateAuthEventFeedback(ctx context.Context, in *cip.AdminUpdateAuthEventFeedbackRequest) (*cip.AdminUpdateAuthEventFeedbackResponse, error) {
	p, err := s.feedbackPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	u, err := s.mustFindUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.setFeedback(ctx, p, u.Sub, in.EventId, in.FeedbackValue, feedbackByAdmin); err != nil {
		return nil, err
	}
	return &cip.AdminUpdateAuthEventFeedbackResponse{}, nil
}

// UpdateAuthEventFeedback records a user's judgement of one of their
// authentication events, authorized by the event's feedback token instead
// of a signature; the event then shows it with Provider User.
func (s *Service) UpdateAuthEventFeedback(ctx context.Context, in *cip.UpdateAuthEventFeedbackRequest) (*cip.UpdateAuthEventFeedbackResponse, error) {
	p, err := s.feedbackPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	sub := "" // an unknown user: compute a token all the same, and refuse
	if u != nil {
		sub = u.Sub
	}
	want, err := s.feedbackToken(ctx, p.rec.ID, sub, in.EventId)
	if err != nil {
		return nil, err
	}
	if !secret.Equal(in.FeedbackToken, want) || u == nil {
		return nil, errorf(NotAuthorized, msgBadFeedbackToken)
	}
	if err := s.setFeedback(ctx, p, u.Sub, in.EventId, in.FeedbackValue, feedbackByUser); err != nil {
		return nil, err
	}
	return &cip.UpdateAuthEventFeedbackResponse{}, nil
}
