// Package messaging sends the messages Cognate delivers to users: sign-up
// confirmation codes, forgotten-password codes, invitations, attribute
// verification and MFA codes.
//
// A Messenger sends one Message. Two implementations exist: SMTP, which hands
// the message to a mail server (STARTTLS, AUTH PLAIN/LOGIN only over TLS or
// to localhost), and Outbox, the development messenger used when no SMTP
// server is configured, which writes each message as an .eml file and logs
// its one-time code so a developer can finish a flow. Only Outbox ever logs a
// code. An SMS messenger will implement the same interface.
package messaging

import "context"

// Message kinds, the reason a message is sent.
const (
	KindSignUp         = "signup"
	KindForgotPassword = "forgot_password"
	KindInvite         = "invite"
	KindVerify         = "verify"
	KindMFA            = "mfa"
)

// Message is one outgoing message. Code, when set, is the one-time code it
// carries (the development outbox logs it).
type Message struct {
	// To is the recipient's address ("user@example.com" or
	// "Name <user@example.com>").
	To      string
	Subject string
	// Body is the text (or HTML when HTML is set) in UTF-8.
	Body string
	HTML bool
	// Kind is one of the Kind constants.
	Kind string
	// PoolID, Username and Code describe the message for the development
	// outbox's log; they are not sent.
	PoolID, Username, Code string
}

// Messenger sends messages.
type Messenger interface {
	// Send delivers m, or returns an error when it could not be handed on.
	// It honours ctx's deadline and cancellation.
	Send(ctx context.Context, m Message) error
}

// MessengerFunc adapts a function to a Messenger.
type MessengerFunc func(ctx context.Context, m Message) error

// Send calls f(ctx, m).
func (f MessengerFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }
