package userpool

import (
	"context"
	"strings"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/messaging"
	"github.com/cognate-dev/cognate/internal/storage"
)

// sendCode delivers a code to an email address or phone number (attr says
// which; to is the value, which may be a pending one) with the pool's
// verification template, and describes the delivery as Cognito does, with
// the destination masked. Sign-up, attribute verification and password
// reset codes all use the verification template, as in Cognito.
func (s *Service) sendCode(ctx context.Context, p *pool, u *storage.User, attr, to, kind, code string) (*cip.CodeDeliveryDetailsType, error) {
	t := p.cfg.VerificationMessageTemplate
	if t == nil {
		t = &cip.VerificationMessageTemplateType{}
	}
	msg := messaging.Message{Kind: kind, PoolID: u.PoolID, Username: u.Username, Code: code, To: to}
	details := &cip.CodeDeliveryDetailsType{AttributeName: attr}
	sender := s.messenger
	if attr == "email" {
		msg.Subject = orDefault(t.EmailSubject, defaultEmailSubject)
		msg.Body = fillCode(orDefault(t.EmailMessage, defaultEmailMessage), code)
		details.DeliveryMedium = "EMAIL"
		details.Destination = maskEmail(to)
	} else {
		msg.Body = fillCode(orDefault(t.SmsMessage, defaultSmsMessage), code)
		sender = s.sms
		details.DeliveryMedium = "SMS"
		details.Destination = maskPhone(to)
	}
	if err := sender.Send(ctx, msg); err != nil {
		s.log.Error("code delivery failed", "pool", u.PoolID, "medium", details.DeliveryMedium, "err", err)
		return nil, errorf(CodeDeliveryFailure, "Unable to deliver the code to %s.", details.Destination)
	}
	return details, nil
}

// fillCode puts a code into a template's {####} placeholder.
func fillCode(tpl, code string) string { return strings.ReplaceAll(tpl, "{####}", code) }

// maskEmail shows an address as Cognito does: the first character of the
// local part and of the domain, "j***@e***".
func maskEmail(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return "***"
	}
	return addr[:1] + "***@" + addr[at+1:at+2] + "***"
}

// maskPhone keeps the last four digits: "+*******1234".
func maskPhone(phone string) string {
	if len(phone) <= 5 {
		return "+****"
	}
	return "+" + strings.Repeat("*", len(phone)-5) + phone[len(phone)-4:]
}

// fakeDelivery answers for a user who does not exist (or cannot receive a
// code) as if a code went out, so that PreventUserExistenceErrors hides
// whether the user exists: the medium follows the name's format and the
// pool's verification settings, the destination looks masked.
func fakeDelivery(p *pool, name string) *cip.CodeDeliveryDetailsType {
	phone := phonePattern.MatchString(name) ||
		(contains(p.cfg.AutoVerifiedAttributes, "phone_number") && !contains(p.cfg.AutoVerifiedAttributes, "email") && !strings.Contains(name, "@"))
	if phone {
		dest := name
		if !phonePattern.MatchString(dest) {
			dest = "+10000000000"
		}
		return &cip.CodeDeliveryDetailsType{AttributeName: "phone_number", DeliveryMedium: "SMS", Destination: maskPhone(dest)}
	}
	dest := name
	if !strings.Contains(dest, "@") {
		dest = name + "@example.com"
	}
	return &cip.CodeDeliveryDetailsType{AttributeName: "email", DeliveryMedium: "EMAIL", Destination: maskEmail(dest)}
}

// validateInvitation checks the invitation template carries the {####}
// temporary-password placeholder, which the API reference requires (the
// model's patterns already require it of verification templates).
func validateInvitation(cfg *cip.UserPoolType) error {
	a := cfg.AdminCreateUserConfig
	if a == nil || a.InviteMessageTemplate == nil {
		return nil
	}
	t := a.InviteMessageTemplate
	for name, v := range map[string]string{"EmailMessage": t.EmailMessage, "SMSMessage": t.SMSMessage} {
		if v != "" && !strings.Contains(v, "{####}") {
			return errorf(InvalidParameter, "The invitation template's %s must contain the temporary password placeholder {####}.", name)
		}
	}
	return nil
}
