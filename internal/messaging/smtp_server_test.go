package messaging

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// serverOpts configures the in-process SMTP server the tests talk to.
type serverOpts struct {
	startTLS     bool     // offer STARTTLS
	insecureAuth bool     // offer AUTH before TLS
	mechs        []string // AUTH mechanisms offered ("PLAIN", "LOGIN")
	user, pass   string   // accepted credentials; when set, MAIL requires AUTH
	rejectRcpt   bool     // answer RCPT with 550
}

type authRecord struct {
	mech, user, pass string
	tls              bool
	ok               bool
}

type received struct {
	from string
	to   []string
	data []byte
	tls  bool
}

// testServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1:0.
type testServer struct {
	opts serverOpts
	host string
	port int
	pool *x509.CertPool // trusts the server's self-signed certificate

	mu    sync.Mutex
	auths []authRecord
	msgs  []received
}

func (ts *testServer) snapshot() ([]authRecord, []received) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]authRecord(nil), ts.auths...), append([]received(nil), ts.msgs...)
}

// clientConfig returns an SMTPConfig that reaches ts under host (any name: the
// dialer always connects to the test server).
func (ts *testServer) clientConfig(host string) SMTPConfig {
	addr := net.JoinHostPort(ts.host, strconv.Itoa(ts.port))
	return SMTPConfig{
		Host:      host,
		Port:      ts.port,
		From:      "Example Pool <no-reply@example.com>",
		TLSConfig: &tls.Config{RootCAs: ts.pool, MinVersion: tls.VersionTLS12},
		Timeout:   5 * time.Second,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
}

func startServer(t *testing.T, opts serverOpts) *testServer {
	t.Helper()
	cert, pool := selfSignedCert(t)
	ts := &testServer{opts: opts, pool: pool}
	s := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &session{ts: ts, conn: c}, nil
	}))
	s.Domain = "mail.test"
	s.AllowInsecureAuth = opts.insecureAuth
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	if opts.startTLS {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tcp := l.Addr().(*net.TCPAddr)
	ts.host, ts.port = tcp.IP.String(), tcp.Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		// Close the listener too: if Serve had not started when Close ran,
		// the server did not know of it yet.
		_ = s.Close()
		_ = l.Close()
		<-done
	})
	return ts
}

// selfSignedCert makes a certificate for localhost, mail.test and 127.0.0.1,
// and a pool that trusts it.
func selfSignedCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mail.test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost", "mail.test"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// session is one SMTP connection on the test server.
type session struct {
	ts     *testServer
	conn   *gosmtp.Conn
	authed bool
	from   string
	to     []string
}

func (s *session) isTLS() bool {
	_, ok := s.conn.TLSConnectionState()
	return ok
}

func (s *session) AuthMechanisms() []string { return s.ts.opts.mechs }

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		ok := user == s.ts.opts.user && pass == s.ts.opts.pass
		s.ts.mu.Lock()
		s.ts.auths = append(s.ts.auths, authRecord{mech: mech, user: user, pass: pass, tls: s.isTLS(), ok: ok})
		s.ts.mu.Unlock()
		if !ok {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, gosmtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.ts.opts.user != "" && !s.authed {
		return gosmtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if s.ts.opts.rejectRcpt {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ts.mu.Lock()
	s.ts.msgs = append(s.ts.msgs, received{from: s.from, to: s.to, data: b, tls: s.isTLS()})
	s.ts.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// loginServer is the server side of SASL LOGIN (go-sasl has only the client).
type loginServer struct {
	step  int
	user  string
	check func(user, pass string) error
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if len(response) > 0 { // initial response carries the username
			l.user = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(response)
		return []byte("Password:"), false, nil
	case 3:
		return nil, true, l.check(l.user, string(response))
	}
	return nil, false, errors.New("unexpected LOGIN step")
}
