package messaging

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// envelope is a rendered message ready for SMTP: sender, recipient and the
// RFC 5322 text with CRLF line endings.
type envelope struct {
	from, to string
	data     []byte
}

// render builds the RFC 5322 message for m from sender at now. The body is
// quoted-printable UTF-8; a non-ASCII subject is RFC 2047 encoded.
func render(from *mail.Address, m Message, now time.Time) (envelope, error) {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return envelope{}, fmt.Errorf("messaging: recipient %q: %w", m.To, err)
	}
	if strings.ContainsFunc(m.Subject, isControl) {
		return envelope{}, errors.New("messaging: subject contains control characters")
	}
	if !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Body) {
		return envelope{}, errors.New("messaging: subject or body is not valid UTF-8")
	}
	id, err := messageID(from.Address)
	if err != nil {
		return envelope{}, err
	}
	contentType := "text/plain; charset=UTF-8"
	if m.HTML {
		contentType = "text/html; charset=UTF-8"
	}

	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	header("Subject", encodeHeader(m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	header("Content-Type", contentType)
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies
	b.WriteString("\r\n")

	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	qp := quotedprintable.NewWriter(&b) // text mode: "\n" becomes CRLF
	if _, err := qp.Write([]byte(body)); err != nil {
		return envelope{}, fmt.Errorf("messaging: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return envelope{}, fmt.Errorf("messaging: encode body: %w", err)
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return envelope{from: from.Address, to: to.Address, data: b.Bytes()}, nil
}

// encodeHeader returns s as is when it is printable ASCII, else as RFC 2047
// encoded words.
func encodeHeader(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return mime.QEncoding.Encode("UTF-8", s)
		}
	}
	return s
}

// messageID returns a new random Message-ID in the sender's domain.
func messageID(sender string) (string, error) {
	domain := "localhost"
	if i := strings.LastIndexByte(sender, '@'); i >= 0 && i+1 < len(sender) {
		domain = sender[i+1:]
	}
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("messaging: message id: %w", err)
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">", nil
}

func isControl(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }
