package messaging

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// STARTTLS modes for SMTPConfig.StartTLS.
const (
	StartTLSAuto    = "auto"    // upgrade when the server offers STARTTLS
	StartTLSRequire = "require" // fail unless the server offers STARTTLS
	StartTLSOff     = "off"     // never upgrade
)

// DefaultSMTPTimeout bounds one Send when ctx has no deadline.
const DefaultSMTPTimeout = 30 * time.Second

// ErrNoTLS is returned when STARTTLS is required but not offered, or when
// credentials would be sent over an unencrypted connection to a remote host.
var ErrNoTLS = errors.New("messaging: smtp: connection is not encrypted")

// SMTPConfig configures an SMTP messenger. It mirrors config.SMTP.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	// From is the sender, e.g. "Example <no-reply@example.com>".
	From string
	// StartTLS is StartTLSAuto (the default when empty), StartTLSRequire or
	// StartTLSOff.
	StartTLS string
	// TLSConfig, when set, is cloned for STARTTLS (tests pass their root CA
	// here); ServerName defaults to Host.
	TLSConfig *tls.Config
	// LocalName is the name sent in EHLO; default "localhost".
	LocalName string
	// Timeout bounds one Send when ctx has no deadline; default
	// DefaultSMTPTimeout.
	Timeout time.Duration
	// DialContext, when set, replaces net.Dialer.DialContext (tests use it
	// to reach a local server under another host name).
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// SMTP is a Messenger that sends through an SMTP server, one connection per
// message. It is safe for concurrent use.
type SMTP struct {
	cfg SMTPConfig
	now func() time.Time
}

var _ Messenger = (*SMTP)(nil)

// NewSMTP returns an SMTP messenger for cfg. Configuration errors (a bad
// From address, an unknown StartTLS mode) are reported by Send.
func NewSMTP(cfg SMTPConfig) *SMTP {
	if cfg.StartTLS == "" {
		cfg.StartTLS = StartTLSAuto
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultSMTPTimeout
	}
	if cfg.DialContext == nil {
		var d net.Dialer
		cfg.DialContext = d.DialContext
	}
	return &SMTP{cfg: cfg, now: time.Now}
}

// Send delivers m: it connects, upgrades with STARTTLS as configured,
// authenticates when a username is set (only over TLS or to localhost), and
// hands the message over. ctx bounds the whole exchange.
func (s *SMTP) Send(ctx context.Context, m Message) (err error) {
	switch s.cfg.StartTLS {
	case StartTLSAuto, StartTLSRequire, StartTLSOff:
	default:
		return fmt.Errorf("messaging: smtp: unknown STARTTLS mode %q", s.cfg.StartTLS)
	}
	from, err := mail.ParseAddress(s.cfg.From)
	if err != nil {
		return fmt.Errorf("messaging: smtp: sender %q: %w", s.cfg.From, err)
	}
	env, err := render(from, m, s.now())
	if err != nil {
		return err
	}

	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.Timeout)
		defer cancel()
	}
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	conn, err := s.cfg.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("messaging: smtp: dial %s: %w", addr, err)
	}
	defer conn.Close()
	// The context's end unblocks any read or write in progress (and then
	// ctx.Err() is set, so the error says why). The connection's own
	// deadline, a little later, is only a backstop.
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline.Add(time.Second)); err != nil {
		return fmt.Errorf("messaging: smtp: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	defer func() {
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
	}()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return fmt.Errorf("messaging: smtp: greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if err := s.session(c, env); err != nil {
		return err
	}
	_ = c.Quit() // the message was accepted; a failed QUIT changes nothing
	return nil
}

func (s *SMTP) session(c *smtp.Client, env envelope) error {
	if err := c.Hello(s.cfg.LocalName); err != nil {
		return fmt.Errorf("messaging: smtp: EHLO: %w", err)
	}
	offered, _ := c.Extension("STARTTLS")
	switch {
	case s.cfg.StartTLS == StartTLSOff:
	case offered:
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if s.cfg.TLSConfig != nil {
			tc = s.cfg.TLSConfig.Clone()
		}
		if tc.ServerName == "" {
			tc.ServerName = s.cfg.Host
		}
		if err := c.StartTLS(tc); err != nil {
			return fmt.Errorf("messaging: smtp: STARTTLS: %w", err)
		}
	case s.cfg.StartTLS == StartTLSRequire:
		return fmt.Errorf("%w: server %s does not offer STARTTLS", ErrNoTLS, s.cfg.Host)
	}
	if s.cfg.Username != "" {
		if err := s.auth(c); err != nil {
			return err
		}
	}
	if err := c.Mail(env.from); err != nil {
		return fmt.Errorf("messaging: smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(env.to); err != nil {
		return fmt.Errorf("messaging: smtp: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("messaging: smtp: DATA: %w", err)
	}
	if _, err := w.Write(env.data); err != nil {
		return fmt.Errorf("messaging: smtp: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("messaging: smtp: message not accepted: %w", err)
	}
	return nil
}

// auth authenticates with PLAIN, or LOGIN when only that is offered, and
// refuses to send credentials in the clear to anything but localhost.
func (s *SMTP) auth(c *smtp.Client) error {
	_, isTLS := c.TLSConnectionState()
	if !isTLS && !isLocalhost(s.cfg.Host) {
		return fmt.Errorf("%w: refusing to send credentials to %s", ErrNoTLS, s.cfg.Host)
	}
	ok, mechs := c.Extension("AUTH")
	if !ok {
		return fmt.Errorf("messaging: smtp: server %s does not offer AUTH", s.cfg.Host)
	}
	var a smtp.Auth
	offered := strings.Fields(strings.ToUpper(mechs))
	switch {
	case slices.Contains(offered, "PLAIN"):
		a = smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)
	case slices.Contains(offered, "LOGIN"):
		a = &loginAuth{username: s.cfg.Username, password: s.cfg.Password}
	default:
		return fmt.Errorf("messaging: smtp: server %s offers no supported AUTH mechanism (offered: %s)", s.cfg.Host, mechs)
	}
	if err := c.Auth(a); err != nil {
		return fmt.Errorf("messaging: smtp: AUTH: %w", err)
	}
	return nil
}

// loginAuth is the LOGIN SASL mechanism (draft-murchison-sasl-login). The
// caller has already checked the connection is encrypted or local.
type loginAuth struct{ username, password string }

func (a *loginAuth) Start(*smtp.ServerInfo) (string, []byte, error) { return "LOGIN", nil, nil }

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(fromServer))) {
	case "username:", "user name", "username":
		return []byte(a.username), nil
	case "password:", "password":
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("messaging: smtp: unexpected LOGIN challenge %q", fromServer)
}

func isLocalhost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
