package userpool

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/cognate-dev/cognate/internal/esdk"
	"github.com/cognate-dev/cognate/internal/messaging"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/triggers"
)

// msgSource says why a message with a code goes out: the second half of
// the CustomMessage_, CustomEmailSender_ and CustomSMSSender_ trigger
// sources.
type msgSource string

// The messages the pool sends.
const (
	msgSignUp          msgSource = "SignUp"
	msgResendCode      msgSource = "ResendCode"
	msgForgotPassword  msgSource = "ForgotPassword"
	msgUpdateAttribute msgSource = "UpdateUserAttribute"
	msgVerifyAttribute msgSource = "VerifyUserAttribute"
	msgAdminCreateUser msgSource = "AdminCreateUser"
	msgAuthentication  msgSource = "Authentication"
)

// kind is the messaging kind of the message.
func (m msgSource) kind() string {
	switch m {
	case msgSignUp, msgResendCode:
		return messaging.KindSignUp
	case msgForgotPassword:
		return messaging.KindForgotPassword
	case msgUpdateAttribute, msgVerifyAttribute:
		return messaging.KindVerify
	case msgAdminCreateUser:
		return messaging.KindInvite
	}
	return messaging.KindMFA
}

// Placeholders of the CustomMessage trigger's codeParameter and
// usernameParameter.
const (
	codePlaceholder     = "{####}"
	usernamePlaceholder = "{username}"
)

// deliver sends msg, the pool's message with code (and, for invitations,
// username) filled in, to u by medium ("EMAIL" or "SMS"). A custom sender
// function for the medium gets the code encrypted instead and sends it
// itself; otherwise the CustomMessage function, when set, may rewrite the
// message first. cl is nil for admin operations. A failed delivery is the
// sender's error or a trigger's.
func (s *Service) deliver(ctx context.Context, p *pool, cl *client, u *storage.User, src msgSource, medium string, msg messaging.Message, code, username string) error {
	sender, t := s.messenger, triggers.CustomEmailSender
	if medium == "SMS" {
		sender, t = s.sms, triggers.CustomSMSSender
	}
	if fn := s.function(p, t); fn != "" {
		return s.customSender(ctx, p, cl, u, src, t, fn, msg.To, code)
	}
	msg, err := s.customMessage(ctx, p, cl, u, src, medium, msg, code, username)
	if err != nil {
		return err
	}
	return sender.Send(ctx, msg)
}

// customMessage lets the pool's CustomMessage function rewrite msg. An
// answer that leaves out the code (or, for an invitation, the username)
// placeholder would deliver a message the user cannot use: the pool's own
// message goes out instead, as when the function answers nothing.
func (s *Service) customMessage(ctx context.Context, p *pool, cl *client, u *storage.User, src msgSource, medium string, msg messaging.Message, code, username string) (messaging.Message, error) {
	fn := s.function(p, triggers.CustomMessage)
	if fn == "" {
		return msg, nil
	}
	req := triggers.CustomMessageRequest{UserAttributes: eventAttributes(u), CodeParameter: codePlaceholder,
		ClientMetadata: clientMetadata(ctx)}
	if src == msgAdminCreateUser {
		req.UsernameParameter = ptr(usernamePlaceholder)
	}
	var resp triggers.CustomMessageResponse
	h := header(p, cl, "CustomMessage_"+string(src), u.Username)
	if err := call(ctx, s, triggers.CustomMessage, fn, h, req, &resp, false); err != nil {
		return msg, err
	}
	body := resp.EmailMessage
	if medium == "SMS" {
		body = resp.SMSMessage
	}
	if body == nil || *body == "" {
		return msg, nil
	}
	if !strings.Contains(*body, codePlaceholder) || (src == msgAdminCreateUser && !strings.Contains(*body, usernamePlaceholder)) {
		s.log.Warn("custom message without the code placeholder: the pool's message is sent", "pool", p.rec.ID, "source", string(src))
		return msg, nil
	}
	fill := strings.NewReplacer(codePlaceholder, code, usernamePlaceholder, username)
	msg.Body = fill.Replace(*body)
	if medium != "SMS" && resp.EmailSubject != nil && *resp.EmailSubject != "" {
		msg.Subject = *resp.EmailSubject
	}
	return msg, nil
}

// customSender gives the code, encrypted with the AWS Encryption SDK, to
// the pool's CustomEmailSender or CustomSMSSender function t, which sends
// it to, the address or number, itself. The key is the pool's KMS key
// (KMSKeyID) or the server's sender key (a raw AES keyring). Cognito
// invokes these functions asynchronously; Cognate waits for the answer, so
// that a failure is reported (as the trigger's error) rather than lost.
func (s *Service) customSender(ctx context.Context, p *pool, cl *client, u *storage.User, src msgSource, t triggers.Trigger, fn, to, code string) error {
	keyring := s.senderKey
	if id := p.cfg.LambdaConfig.KMSKeyID; id != "" && s.kms != nil {
		keyring = s.kms(id)
	}
	if keyring == nil {
		return errorf(CodeDeliveryFailure, "The code cannot be encrypted for the custom sender: no key is configured.")
	}
	sealed, err := esdk.Encrypt(ctx, keyring, []byte(code), map[string]string{"userpool-id": p.rec.ID})
	if err != nil {
		s.log.Error("custom sender: encrypting the code failed", "pool", p.rec.ID, "err", err)
		return errorf(CodeDeliveryFailure, "The code could not be encrypted for the custom sender.")
	}
	req := triggers.SenderRequest{Type: triggers.EmailSenderType, Code: ptr(base64.StdEncoding.EncodeToString(sealed)),
		ClientMetadata: clientMetadata(ctx), UserAttributes: eventAttributes(u)}
	attr := "email"
	if t == triggers.CustomSMSSender {
		req.Type, attr = triggers.SMSSenderType, "phone_number"
	}
	if to != "" {
		req.UserAttributes[attr] = to // a pending address the code verifies
	}
	var resp triggers.Empty
	return call(ctx, s, t, fn, header(p, cl, string(t)+"_"+string(src), u.Username), req, &resp, false)
}
