package app_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestAuthEventFeedback(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypePlus,
			UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "ann", "Passw0rd!")
		s.user(poolID, "bob", "Passw0rd!")
		s.signIn(clientID, "ann", "Passw0rd!")
		s.signIn(clientID, "ann", "Passw0rd!")
		s.signIn(clientID, "bob", "Passw0rd!")
		events := func(user string) []types.AuthEventType {
			t.Helper()
			return result(s.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{
				UserPoolId: aws.String(poolID), Username: aws.String(user)})).must(t).AuthEvents
		}
		ann := events("ann")
		if len(ann) != 2 || ann[0].EventFeedback != nil || ann[1].EventFeedback != nil {
			t.Fatalf("events before feedback %+v", ann)
		}
		newer, older := aws.ToString(ann[0].EventId), aws.ToString(ann[1].EventId)
		bobEvent := aws.ToString(events("bob")[0].EventId)

		// An administrator's feedback.
		before := time.Now().Add(-time.Second)
		result(s.idp.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), EventId: aws.String(older), FeedbackValue: types.FeedbackValueTypeInvalid})).must(t)
		ann = events("ann")
		if ann[0].EventFeedback != nil {
			t.Fatalf("feedback on the wrong event %+v", ann[0].EventFeedback)
		}
		fb := ann[1].EventFeedback
		if fb == nil || fb.FeedbackValue != types.FeedbackValueTypeInvalid || aws.ToString(fb.Provider) != "Admin" ||
			fb.FeedbackDate == nil || fb.FeedbackDate.Before(before) {
			t.Fatalf("admin feedback %+v", fb)
		}

		// A user's feedback, with the event's token; it replaces the admin's.
		token := result(s.app.AuthEventFeedbackToken(ctx, poolID, "ann", older)).must(t)
		unsigned := s.rawClient()
		result(unsigned.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), EventId: aws.String(older), FeedbackToken: aws.String(token),
			FeedbackValue: types.FeedbackValueTypeValid})).must(t)
		fb = events("ann")[1].EventFeedback
		if fb == nil || fb.FeedbackValue != types.FeedbackValueTypeValid || aws.ToString(fb.Provider) != "User" {
			t.Fatalf("user feedback %+v", fb)
		}

		// A token fits one event of one user only.
		newerToken := result(s.app.AuthEventFeedbackToken(ctx, poolID, "ann", newer)).must(t)
		for name, in := range map[string]*cip.UpdateAuthEventFeedbackInput{
			"another event's token": {EventId: aws.String(newer), Username: aws.String("ann"), FeedbackToken: aws.String(token)},
			"made-up token":         {EventId: aws.String(older), Username: aws.String("ann"), FeedbackToken: aws.String("bm90LWEtdG9rZW4")},
			"another user":          {EventId: aws.String(older), Username: aws.String("bob"), FeedbackToken: aws.String(token)},
			"unknown user":          {EventId: aws.String(older), Username: aws.String("nobody"), FeedbackToken: aws.String(token)},
			"bob's event":           {EventId: aws.String(bobEvent), Username: aws.String("ann"), FeedbackToken: aws.String(token)},
		} {
			in.UserPoolId, in.FeedbackValue = aws.String(poolID), types.FeedbackValueTypeInvalid
			_, err := unsigned.UpdateAuthEventFeedback(ctx, in)
			if err == nil {
				t.Fatalf("%s: accepted", name)
			}
			wantCode(t, err, "NotAuthorizedException", "feedback token")
		}
		ann = events("ann")
		if ann[0].EventFeedback != nil || ann[1].EventFeedback.FeedbackValue != types.FeedbackValueTypeValid ||
			events("bob")[0].EventFeedback != nil {
			t.Fatalf("refused feedback changed events: %+v %+v", ann[0].EventFeedback, ann[1].EventFeedback)
		}
		result(unsigned.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), EventId: aws.String(newer), FeedbackToken: aws.String(newerToken),
			FeedbackValue: types.FeedbackValueTypeInvalid})).must(t)
		if fb := events("ann")[0].EventFeedback; fb == nil || fb.FeedbackValue != types.FeedbackValueTypeInvalid {
			t.Fatalf("feedback on the newer event %+v", fb)
		}

		// Errors.
		_, err := s.idp.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), EventId: aws.String("no-such-event"), FeedbackValue: types.FeedbackValueTypeValid})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), EventId: aws.String(bobEvent), FeedbackValue: types.FeedbackValueTypeValid})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: aws.String(poolID),
			Username: aws.String("nobody"), EventId: aws.String(older), FeedbackValue: types.FeedbackValueTypeValid})
		wantCode(t, err, "UserNotFoundException", "")
		_, err = s.idp.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: aws.String("us-east-1_nothere00"),
			Username: aws.String("ann"), EventId: aws.String(older), FeedbackValue: types.FeedbackValueTypeValid})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.rawClient().AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), EventId: aws.String(older), FeedbackValue: "Maybe"})
		wantCode(t, err, "InvalidParameterException", "")
		// A token made for the event, but the event is gone (unknown id).
		gone := result(s.app.AuthEventFeedbackToken(ctx, poolID, "ann", "expired-event")).must(t)
		_, err = unsigned.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), EventId: aws.String("expired-event"), FeedbackToken: aws.String(gone),
			FeedbackValue: types.FeedbackValueTypeValid})
		wantCode(t, err, "ResourceNotFoundException", "")

		// Pools without threat protection record no events and take no feedback.
		plain := s.pool(nil)
		s.user(plain, "cy", "Passw0rd!")
		_, err = s.idp.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: aws.String(plain),
			Username: aws.String("cy"), EventId: aws.String(older), FeedbackValue: types.FeedbackValueTypeValid})
		wantCode(t, err, "UserPoolAddOnNotEnabledException", "")
		_, err = unsigned.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: aws.String(plain),
			Username: aws.String("cy"), EventId: aws.String(older), FeedbackToken: aws.String(token),
			FeedbackValue: types.FeedbackValueTypeValid})
		wantCode(t, err, "UserPoolAddOnNotEnabledException", "")
	})
}
