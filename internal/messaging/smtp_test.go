package messaging

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var testMessage = Message{
	To:       "Zoë User <user@example.org>",
	Subject:  "Votre code de vérification ✓",
	Body:     "Bonjour,\n\nVotre code est 123456.\n.\n.leading dot line\n" + strings.Repeat("long-line ", 12) + "fin é\n",
	Kind:     KindSignUp,
	PoolID:   "us-east-1_abc",
	Username: "zoe",
	Code:     "123456",
}

// parsed is a received message, decoded as a mail client would.
type parsed struct {
	header mail.Header
	body   string
}

func parseReceived(t *testing.T, data []byte) parsed {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("message does not use CRLF line endings:\n%q", data)
	}
	for _, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 78 && !strings.HasPrefix(line, "Subject:") {
			t.Errorf("line longer than 78 characters: %q", line)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("quoted-printable body: %v", err)
	}
	return parsed{header: msg.Header, body: string(body)}
}

func TestSMTPSendDeliversWellFormedMessage(t *testing.T) {
	tests := []struct {
		name     string
		opts     serverOpts
		host     string
		mode     string
		html     bool
		wantTLS  bool
		wantMech string
	}{
		{"starttls auto with plain auth to remote name", serverOpts{startTLS: true, mechs: []string{"PLAIN", "LOGIN"}, user: "smtp-user", pass: "smtp-pass"}, "mail.test", StartTLSAuto, false, true, "PLAIN"},
		{"starttls require with login auth", serverOpts{startTLS: true, mechs: []string{"LOGIN"}, user: "smtp-user", pass: "smtp-pass"}, "mail.test", StartTLSRequire, true, true, "LOGIN"},
		{"starttls by IP address", serverOpts{startTLS: true, mechs: []string{"PLAIN"}, user: "smtp-user", pass: "smtp-pass"}, "127.0.0.1", StartTLSAuto, false, true, "PLAIN"},
		{"auto without starttls and no auth", serverOpts{}, "mail.test", StartTLSAuto, false, false, ""},
		{"plaintext auth to localhost", serverOpts{insecureAuth: true, mechs: []string{"PLAIN"}, user: "smtp-user", pass: "smtp-pass"}, "127.0.0.1", StartTLSOff, false, false, "PLAIN"},
		{"off ignores offered starttls", serverOpts{startTLS: true}, "mail.test", StartTLSOff, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.opts)
			cfg := ts.clientConfig(tt.host)
			cfg.StartTLS = tt.mode
			if tt.opts.user != "" {
				cfg.Username, cfg.Password = "smtp-user", "smtp-pass"
			}
			s := NewSMTP(cfg)
			fixed := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
			s.now = func() time.Time { return fixed }
			m := testMessage
			m.HTML = tt.html

			if err := s.Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}

			auths, msgs := ts.snapshot()
			if tt.wantMech == "" {
				if len(auths) != 0 {
					t.Errorf("unexpected AUTH: %+v", auths)
				}
			} else {
				want := authRecord{mech: tt.wantMech, user: "smtp-user", pass: "smtp-pass", tls: tt.wantTLS, ok: true}
				if len(auths) != 1 || auths[0] != want {
					t.Errorf("auths = %+v, want [%+v]", auths, want)
				}
			}
			if len(msgs) != 1 {
				t.Fatalf("received %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if got.tls != tt.wantTLS {
				t.Errorf("message received over TLS = %v, want %v", got.tls, tt.wantTLS)
			}
			if got.from != "no-reply@example.com" || len(got.to) != 1 || got.to[0] != "user@example.org" {
				t.Errorf("envelope from %q to %q", got.from, got.to)
			}

			p := parseReceived(t, got.data)
			h := p.header
			from, err := h.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != "Example Pool" || from[0].Address != "no-reply@example.com" {
				t.Errorf("From = %v (%v)", from, err)
			}
			to, err := h.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Name != "Zoë User" || to[0].Address != "user@example.org" {
				t.Errorf("To = %v (%v)", to, err)
			}
			if raw := h.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?") {
				t.Errorf("non-ASCII Subject not RFC 2047 encoded: %q", raw)
			}
			subj, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
			if err != nil || subj != m.Subject {
				t.Errorf("Subject = %q (%v), want %q", subj, err, m.Subject)
			}
			if date, err := h.Date(); err != nil || !date.Equal(fixed) {
				t.Errorf("Date = %v (%v), want %v", date, err, fixed)
			}
			if id := h.Get("Message-ID"); !regexp.MustCompile(`^<[0-9a-f]{32}@example\.com>$`).MatchString(id) {
				t.Errorf("Message-ID = %q", id)
			}
			if v := h.Get("MIME-Version"); v != "1.0" {
				t.Errorf("MIME-Version = %q", v)
			}
			wantType := "text/plain; charset=UTF-8"
			if tt.html {
				wantType = "text/html; charset=UTF-8"
			}
			if ct := h.Get("Content-Type"); ct != wantType {
				t.Errorf("Content-Type = %q, want %q", ct, wantType)
			}
			if cte := h.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
				t.Errorf("Content-Transfer-Encoding = %q", cte)
			}
			wantBody := strings.ReplaceAll(m.Body, "\n", "\r\n")
			if p.body != wantBody {
				t.Errorf("body = %q\nwant   %q", p.body, wantBody)
			}
		})
	}
}

func TestSMTPSendFailures(t *testing.T) {
	creds := func(c *SMTPConfig) { c.Username, c.Password = "smtp-user", "smtp-pass" }
	tests := []struct {
		name      string
		opts      serverOpts
		host      string
		configure func(c *SMTPConfig)
		msg       func(m *Message)
		wantIs    error
		wantCode  int // SMTP reply code in a *textproto.Error, 0 for none
		wantErr   string
		wantAuths int
	}{
		{
			name: "require against server without starttls", opts: serverOpts{}, host: "mail.test",
			configure: func(c *SMTPConfig) { c.StartTLS = StartTLSRequire }, wantIs: ErrNoTLS, wantErr: "does not offer STARTTLS",
		},
		{
			name: "credentials not sent in clear to remote host", opts: serverOpts{insecureAuth: true, mechs: []string{"PLAIN"}, user: "smtp-user", pass: "smtp-pass"},
			host: "mail.test", configure: creds, wantIs: ErrNoTLS, wantErr: "refusing to send credentials",
		},
		{
			name: "wrong password", opts: serverOpts{startTLS: true, mechs: []string{"PLAIN"}, user: "smtp-user", pass: "other"},
			host: "mail.test", configure: creds, wantCode: 454, wantErr: "AUTH", wantAuths: 1,
		},
		{
			name: "recipient rejected", opts: serverOpts{startTLS: true, rejectRcpt: true}, host: "mail.test",
			wantCode: 550, wantErr: "RCPT TO",
		},
		{
			name: "auth required but not configured", opts: serverOpts{startTLS: true, mechs: []string{"PLAIN"}, user: "smtp-user", pass: "smtp-pass"},
			host: "mail.test", wantCode: 502, wantErr: "MAIL FROM",
		},
		{
			name: "no supported mechanism", opts: serverOpts{startTLS: true, mechs: []string{"XOAUTH2"}, user: "smtp-user", pass: "smtp-pass"},
			host: "mail.test", configure: creds, wantErr: "no supported AUTH mechanism",
		},
		{
			name: "untrusted certificate", opts: serverOpts{startTLS: true}, host: "mail.test",
			configure: func(c *SMTPConfig) { c.TLSConfig = nil }, wantErr: "STARTTLS",
		},
		{
			name: "certificate for another name", opts: serverOpts{startTLS: true}, host: "other.test",
			wantErr: "STARTTLS",
		},
		{
			name: "header injection in subject", opts: serverOpts{startTLS: true}, host: "mail.test",
			msg: func(m *Message) { m.Subject = "Hi\r\nBcc: victim@example.net" }, wantErr: "control characters",
		},
		{
			name: "bad recipient", opts: serverOpts{startTLS: true}, host: "mail.test",
			msg: func(m *Message) { m.To = "not an address" }, wantErr: "recipient",
		},
		{
			name: "bad sender", opts: serverOpts{startTLS: true}, host: "mail.test",
			configure: func(c *SMTPConfig) { c.From = "nobody" }, wantErr: "sender",
		},
		{
			name: "unknown starttls mode", opts: serverOpts{startTLS: true}, host: "mail.test",
			configure: func(c *SMTPConfig) { c.StartTLS = "sometimes" }, wantErr: "unknown STARTTLS mode",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.opts)
			cfg := ts.clientConfig(tt.host)
			if tt.configure != nil {
				tt.configure(&cfg)
			}
			m := testMessage
			if tt.msg != nil {
				tt.msg(&m)
			}
			err := NewSMTP(cfg).Send(context.Background(), m)
			if err == nil {
				t.Fatal("Send succeeded, want error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			if tt.wantCode != 0 {
				var te *textproto.Error
				if !errors.As(err, &te) || te.Code != tt.wantCode {
					t.Errorf("error %v: want SMTP reply code %d", err, tt.wantCode)
				}
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "smtp-pass") {
				t.Errorf("error leaks the password: %v", err)
			}
			auths, msgs := ts.snapshot()
			if len(msgs) != 0 {
				t.Errorf("server received %d messages, want 0", len(msgs))
			}
			if len(auths) != tt.wantAuths {
				t.Errorf("server saw %d AUTH attempts, want %d", len(auths), tt.wantAuths)
			}
		})
	}
}

func TestSMTPSendHonoursContext(t *testing.T) {
	// A server that accepts and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	s := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, From: "no-reply@example.com"})

	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := s.Send(ctx, testMessage)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Send = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Send took %v after a 200ms deadline", d)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		err := s.Send(ctx, testMessage)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Send = %v, want context.Canceled", err)
		}
	})
	t.Run("own timeout", func(t *testing.T) {
		s := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, From: "no-reply@example.com", Timeout: 150 * time.Millisecond})
		err := s.Send(context.Background(), testMessage)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Send = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		l2, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closedPort := l2.Addr().(*net.TCPAddr).Port
		l2.Close()
		err = NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: closedPort, From: "no-reply@example.com"}).Send(context.Background(), testMessage)
		if err == nil || !strings.Contains(err.Error(), "dial 127.0.0.1:"+strconv.Itoa(closedPort)) {
			t.Fatalf("Send = %v, want a dial error", err)
		}
	})
}
