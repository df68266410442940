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
func (s *Service) sendCode(ctx context.Context, p *pool, cl *client, u *storage.User, attr, to string, src msgSource, code string) (*cip.CodeDeliveryDetailsType, error) {
	t := p.cfg.VerificationMessageTemplate
	if t == nil {
		t = &cip.VerificationMessageTemplateType{}
	}
	msg := messaging.Message{Kind: src.kind(), PoolID: u.PoolID, Username: u.Username, Code: code, To: to}
	details := &cip.CodeDeliveryDetailsType{AttributeName: attr}
	if attr == "email" {
		msg.Subject = orDefault(t.EmailSubject, defaultEmailSubject)
		msg.Body = fillCode(orDefault(t.EmailMessage, defaultEmailMessage), code)
		details.DeliveryMedium = "EMAIL"
		details.Destination = maskEmail(to)
	} else {
		msg.Body = fillCode(orDefault(t.SmsMessage, defaultSmsMessage), code)
		details.DeliveryMedium = "SMS"
		details.Destination = maskPhone(to)
	}
	if err := s.deliver(ctx, p, cl, u, src, details.DeliveryMedium, msg, code, u.Username); err != nil {
		if e := AsError(err); e != nil {
			return nil, err // a trigger's failure
		}
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

// fakeDelivery is the CodeDeliveryDetails that, when the client hides
// user existence (PreventUserExistenceErrors), answers for a name no user
// holds and for a user who gets no code (disabled, confirmed already, no
// verified address): what a code sent for that name would show. AWS: "The
// simulated delivery medium is determined by the input user name format and
// verification settings of the user pool." So the medium is the name's
// when it is an email address or a phone number, else the one the pool
// sends such codes by first (recovery: AccountRecoverySetting; otherwise
// the auto-verified attributes). The destination is fakeDestination.
func (s *Service) fakeDelivery(ctx context.Context, p *pool, name string, recovery bool) (*cip.CodeDeliveryDetailsType, error) {
	medium := "EMAIL"
	switch {
	case phonePattern.MatchString(name):
		medium = "SMS"
	case emailPattern.MatchString(name):
	case recovery && p.cfg.AccountRecoverySetting != nil && len(p.cfg.AccountRecoverySetting.RecoveryMechanisms) > 0:
		if order, _ := p.recoveryOrder(); len(order) > 0 && order[0] == "phone_number" {
			medium = "SMS"
		}
	case contains(p.cfg.AutoVerifiedAttributes, "phone_number") && !contains(p.cfg.AutoVerifiedAttributes, "email"):
		medium = "SMS"
	}
	dest, err := s.fakeDestination(ctx, p, name, medium)
	if err != nil {
		return nil, err
	}
	attr := "email"
	if medium == "SMS" {
		attr = "phone_number"
	}
	return &cip.CodeDeliveryDetailsType{AttributeName: attr, DeliveryMedium: medium, Destination: dest}, nil
}

// fakeDestination is the masked destination shown for a code "sent" by
// medium ("EMAIL" or "SMS") for a name no real delivery stands behind. A
// name that is an address of that medium is where a user's code would go,
// so it is masked as theirs would be. Any other name gets an address drawn
// from HMAC(server secret, pool, name): stable, of the shape of real ones
// (initials as common as in real addresses; a 10-digit number after +1),
// and, without the server secret, neither computable nor distinguishable
// from a real user's masked address.
func (s *Service) fakeDestination(ctx context.Context, p *pool, name, medium string) (string, error) {
	if medium == "SMS" && phonePattern.MatchString(name) {
		return maskPhone(name), nil
	}
	if medium != "SMS" && emailPattern.MatchString(name) {
		return maskEmail(name), nil
	}
	d, err := s.derive(ctx, "fake-destination", p.rec.ID, medium, p.key(name))
	if err != nil {
		return "", err
	}
	if medium == "SMS" {
		digits := make([]byte, 10)
		for i := range digits {
			digits[i] = '0' + d[i]%10
		}
		return maskPhone("+1" + string(digits)), nil
	}
	local := localInitials[(int(d[0])<<8|int(d[1]))%len(localInitials)]
	domain := domainInitials[(int(d[2])<<8|int(d[3]))%len(domainInitials)]
	return maskEmail(string(local) + "@" + string(domain)), nil
}

// localInitials and domainInitials are letters drawn for fake addresses,
// each repeated about as often as it begins the local part of real
// addresses (names) and their domains (webmail providers first).
const (
	localInitials  = "aaaaaabbbbccccccddddddeeefffgggghhhhiijjjjjjjkkkkklllllmmmmmmmnnnoopppqrrrrrsssssssttttttuvvwwxyyz"
	domainInitials = "gggggggggggggggggggghhhhhooooooyyyyyiiiaaabcdefjklmnprstuw"
)

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
