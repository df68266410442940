package app_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/config"
)

// newMailServer starts a server on backend that sends email through a real
// SMTP server, and returns both.
func newMailServer(t *testing.T, backend string) (*server, *mailServer) {
	t.Helper()
	ms := startMailServer(t)
	cfg := newConfig(t, backend)
	cfg.SMTP = config.SMTP{Host: ms.host, Port: ms.port, From: "Example Pool <no-reply@example.com>", StartTLS: config.StartTLSOff}
	return start(t, cfg), ms
}

func TestMessagesThroughSMTP(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			s, ms := newMailServer(t, b)
			poolID := s.pool(&cip.CreateUserPoolInput{
				VerificationMessageTemplate: &types.VerificationMessageTemplateType{
					EmailSubject: aws.String("Welcome aboard"),
					EmailMessage: aws.String("Hello! Your Example code is {####}, valid for a day."),
				},
				AdminCreateUserConfig: &types.AdminCreateUserConfigType{InviteMessageTemplate: &types.MessageTemplateType{
					EmailSubject: aws.String("You are invited"),
					EmailMessage: aws.String("Sign in as {username} with {####} and choose a password."),
				}},
			})
			clientID, _ := s.appClient(poolID, false)

			// Sign-up: the code arrives by SMTP in the pool's template.
			out := result(s.idp.SignUp(ctx, &cip.SignUpInput{
				ClientId: aws.String(clientID), Username: aws.String("hana"), Password: aws.String("Correct-Horse-9"),
				UserAttributes: []types.AttributeType{attr("email", "hana@example.com")},
			})).must(t)
			if aws.ToString(out.CodeDeliveryDetails.Destination) != "h***@e***" {
				t.Fatalf("destination %q", aws.ToString(out.CodeDeliveryDetails.Destination))
			}
			m := ms.last(t)
			if len(m.to) != 1 || m.to[0] != "hana@example.com" || m.header.Get("Subject") != "Welcome aboard" {
				t.Fatalf("message to %v, subject %q", m.to, m.header.Get("Subject"))
			}
			code := regexp.MustCompile(`^Hello! Your Example code is (\d{6}), valid for a day\.\s*$`).FindStringSubmatch(m.body)
			if code == nil {
				t.Fatalf("body %q", m.body)
			}
			_, err := s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("hana"), ConfirmationCode: aws.String(otherCode(code[1]))})
			wantCode(t, err, "CodeMismatchException", "")
			result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("hana"), ConfirmationCode: aws.String(code[1])})).must(t)

			// Password reset uses the verification template too.
			result(s.forgot(clientID, "hana")).must(t)
			m = ms.last(t)
			reset := regexp.MustCompile(`code is (\d{6})`).FindStringSubmatch(m.body)
			if reset == nil || m.header.Get("Subject") != "Welcome aboard" {
				t.Fatalf("reset message %q %q", m.header.Get("Subject"), m.body)
			}
			if err := s.confirmForgot(clientID, "hana", reset[1], "Brand-New-Pass-1"); err != nil {
				t.Fatal(err)
			}
			s.signIn(clientID, "hana", "Brand-New-Pass-1")

			// The invitation carries the username and the temporary password.
			result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
				UserPoolId: aws.String(poolID), Username: aws.String("ivo"),
				UserAttributes:         []types.AttributeType{attr("email", "ivo@example.com")},
				DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
			})).must(t)
			m = ms.last(t)
			invite := regexp.MustCompile(`^Sign in as ivo with (\S+) and choose a password\.\s*$`).FindStringSubmatch(m.body)
			if invite == nil || m.header.Get("Subject") != "You are invited" || m.to[0] != "ivo@example.com" {
				t.Fatalf("invitation %q %q", m.header.Get("Subject"), m.body)
			}
			ch := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
				ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": "ivo", "PASSWORD": invite[1]},
			})).must(t)
			if ch.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
				t.Fatalf("challenge %s", ch.ChallengeName)
			}
			if n := len(ms.messages()); n != 3 {
				t.Fatalf("%d messages sent, want 3", n)
			}
		})
	}
}

func TestDefaultMessages(t *testing.T) {
	s, ms := newMailServer(t, "sqlite")
	// The legacy top-level members set the verification message too.
	legacy := s.pool(&cip.CreateUserPoolInput{
		EmailVerificationSubject: aws.String("Legacy subject"),
		EmailVerificationMessage: aws.String("Legacy code {####}"),
	})
	plain := s.pool(nil)
	for _, c := range []struct {
		pool, subject, body string
	}{
		{plain, "Your verification code", `^Your verification code is (\d{6})\.\s*$`},
		{legacy, "Legacy subject", `^Legacy code (\d{6})\s*$`},
	} {
		clientID, _ := s.appClient(c.pool, false)
		result(s.idp.SignUp(ctx, &cip.SignUpInput{
			ClientId: aws.String(clientID), Username: aws.String("jay"), Password: aws.String("Correct-Horse-9"),
			UserAttributes: []types.AttributeType{attr("email", "jay@example.com")},
		})).must(t)
		m := ms.last(t)
		if m.header.Get("Subject") != c.subject || !regexp.MustCompile(c.body).MatchString(m.body) {
			t.Fatalf("subject %q body %q", m.header.Get("Subject"), m.body)
		}
	}
	result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(plain), Username: aws.String("kai"),
		UserAttributes:         []types.AttributeType{attr("email", "kai@example.com")},
		DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
	})).must(t)
	_, err := s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(plain), Username: aws.String("lou"),
		DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
	})
	wantCode(t, err, "InvalidParameterException", "email")
	_, err = s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(plain), Username: aws.String("lou"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{attr("email_verified", "true")},
	})
	wantCode(t, err, "InvalidParameterException", "email")
	m := ms.last(t)
	if m.header.Get("Subject") != "Your temporary password" || !strings.HasPrefix(m.body, "Your username is kai and temporary password is ") {
		t.Fatalf("default invitation %q %q", m.header.Get("Subject"), m.body)
	}

	// Templates without the code placeholder are refused.
	_, err = s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:                    aws.String("bad"),
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{EmailMessage: aws.String("no code here")},
	})
	wantCode(t, err, "InvalidParameterException", "verificationMessageTemplate.emailMessage")
	_, err = s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String("bad"),
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{InviteMessageTemplate: &types.MessageTemplateType{
			EmailMessage: aws.String("Welcome {username}!"),
		}},
	})
	wantCode(t, err, "InvalidParameterException", "{####}")
}
