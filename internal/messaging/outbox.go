package messaging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// outboxSender is the From of messages the development outbox writes.
const outboxSender = "Cognate development outbox <no-reply@cognate.invalid>"

// Outbox is the development Messenger used when SMTP isn't configured: each
// message is written as an .eml file under its directory, and the one-time
// code is logged at INFO so a developer can finish a sign-up. It is the only
// messenger that ever logs a code; never use it in production.
type Outbox struct {
	dir    string
	logger *slog.Logger
	now    func() time.Time
}

var _ Messenger = (*Outbox)(nil)

// NewOutbox returns an Outbox writing to dir (created 0700 on first Send) and
// logging to logger (slog.Default() when nil).
func NewOutbox(dir string, logger *slog.Logger) *Outbox {
	if logger == nil {
		logger = slog.Default()
	}
	return &Outbox{dir: dir, logger: logger, now: time.Now}
}

// Send writes m to <dir>/<timestamp>-<kind>-<rand>.eml with mode 0600 and
// logs its code, if any.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	from, err := mail.ParseAddress(outboxSender)
	if err != nil {
		return fmt.Errorf("messaging: outbox: %w", err)
	}
	now := o.now()
	var env envelope
	if isPhoneNumber(m.To) {
		env = renderSMS(m, now)
	} else if env, err = render(from, m, now); err != nil {
		return err
	}
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return fmt.Errorf("messaging: outbox: %w", err)
	}
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		return fmt.Errorf("messaging: outbox: %w", err)
	}
	name := fmt.Sprintf("%s-%s-%s.eml", now.UTC().Format("20060102T150405.000000000Z"), fileKind(m.Kind), hex.EncodeToString(r[:]))
	path := filepath.Join(o.dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("messaging: outbox: %w", err)
	}
	if _, err := f.Write(env.data); err != nil {
		f.Close()
		return fmt.Errorf("messaging: outbox: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("messaging: outbox: write %s: %w", path, err)
	}
	if m.Code != "" {
		o.logger.InfoContext(ctx, "development outbox: code for user",
			"pool", m.PoolID, "username", m.Username, "kind", m.Kind, "code", m.Code, "file", path)
	} else {
		o.logger.InfoContext(ctx, "development outbox: message written",
			"pool", m.PoolID, "username", m.Username, "kind", m.Kind, "file", path)
	}
	return nil
}

// fileKind makes kind safe for a file name.
func fileKind(kind string) string {
	k := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return -1
	}, strings.ToLower(kind))
	if k == "" {
		return "message"
	}
	return k
}

// isPhoneNumber reports whether to is an E.164 phone number: the outbox
// also stands in for an SMS gateway.
func isPhoneNumber(to string) bool {
	if len(to) < 2 || to[0] != '+' {
		return false
	}
	for _, c := range to[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// renderSMS writes a text message as a minimal RFC 5322 message addressed
// to the phone number, so it sits in the outbox beside the emails.
func renderSMS(m Message, now time.Time) envelope {
	var b strings.Builder
	b.WriteString("From: SMS <sms@cognate.invalid>\r\n")
	b.WriteString("To: " + m.To + "\r\n")
	b.WriteString("Subject: SMS\r\n")
	b.WriteString("Date: " + now.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Content-Type: text/plain; charset=UTF-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n") + "\r\n")
	return envelope{to: m.To, data: []byte(b.String())}
}
