package srp

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/srp/srpclient"
)

const (
	testPool     = "AbCdEfGhI"
	testUser     = "7d1f6a2c-3b4e-4f50-9a61-b2c3d4e5f607"
	testPassword = "Correct-Horse-42!"
)

var testNow = time.Date(2026, time.November, 3, 1, 7, 5, 0, time.UTC)

// signIn runs one exchange with the srpclient client: it starts a session for
// the client's A and returns the session and the client's claim.
func signIn(t testing.TB, poolName, userID, password string, salt, verifier []byte, at time.Time) (*ServerSession, Claim) {
	t.Helper()
	client := srpclient.NewClient(poolName)
	s, err := NewServerSession(client.SRPA(), verifier)
	if err != nil {
		t.Fatal(err)
	}
	block := []byte("sealed server state, opaque to the client")
	ts := srpclient.Timestamp(at)
	sig, err := client.Sign(srpclient.Challenge{
		UserIDForSRP: userID,
		Salt:         hex.EncodeToString(salt),
		SRPB:         s.SRPB(),
		SecretBlock:  base64.StdEncoding.EncodeToString(block),
	}, password, ts)
	if err != nil {
		t.Fatal(err)
	}
	return s, Claim{PoolName: poolName, UserID: userID, SecretBlock: block, Timestamp: ts, Signature: sig}
}

func TestRoundTrip(t *testing.T) {
	salt, verifier := NewVerifier(testPool, testUser, testPassword)
	if len(verifier) != size {
		t.Errorf("verifier has %d bytes, want %d", len(verifier), size)
	}
	if len(salt) < saltSize-1 || len(salt) > saltSize+1 || string(pad(salt)) != string(salt) {
		t.Errorf("salt %x is not 16 random bytes in padded form", salt)
	}
	s, claim := signIn(t, testPool, testUser, testPassword, salt, verifier, testNow)
	if err := s.Verify(verifier, claim, testNow); err != nil {
		t.Fatalf("right password: %v", err)
	}

	// A session survives a JSON round trip, as it does when another node
	// opens the sealed SECRET_BLOCK.
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var opened ServerSession
	if err := json.Unmarshal(raw, &opened); err != nil {
		t.Fatal(err)
	}
	if err := opened.Verify(verifier, claim, testNow); err != nil {
		t.Fatalf("after a JSON round trip: %v", err)
	}
}

func TestWrongPasswordRefused(t *testing.T) {
	salt, verifier := NewVerifier(testPool, testUser, testPassword)
	for name, c := range map[string]struct{ pool, user, password string }{
		"password":        {testPool, testUser, "Correct-Horse-43!"},
		"password case":   {testPool, testUser, strings.ToLower(testPassword)},
		"empty password":  {testPool, testUser, ""},
		"other user id":   {testPool, "someone-else", testPassword},
		"other pool name": {"ZzZzZzZzZ", testUser, testPassword},
	} {
		t.Run(name, func(t *testing.T) {
			s, claim := signIn(t, c.pool, c.user, c.password, salt, verifier, testNow)
			if err := s.Verify(verifier, claim, testNow); !errors.Is(err, ErrSignature) {
				t.Fatalf("Verify = %v, want ErrSignature", err)
			}
		})
	}
}

// A password changed while an exchange is pending makes that exchange fail,
// because Verify takes the current verifier.
func TestChangedVerifierRefused(t *testing.T) {
	salt, verifier := NewVerifier(testPool, testUser, testPassword)
	s, claim := signIn(t, testPool, testUser, testPassword, salt, verifier, testNow)
	_, changed := NewVerifier(testPool, testUser, "New-Password-1")
	if err := s.Verify(changed, claim, testNow); !errors.Is(err, ErrSignature) {
		t.Fatalf("Verify with the new verifier = %v, want ErrSignature", err)
	}
}

func TestTamperedClaimRefused(t *testing.T) {
	salt, verifier := NewVerifier(testPool, testUser, testPassword)
	s, claim := signIn(t, testPool, testUser, testPassword, salt, verifier, testNow)
	sig, _ := base64.StdEncoding.DecodeString(claim.Signature)
	flipped := append([]byte(nil), sig...)
	flipped[7] ^= 1
	for name, mutate := range map[string]func(*Claim){
		"signature bit":       func(c *Claim) { c.Signature = base64.StdEncoding.EncodeToString(flipped) },
		"signature truncated": func(c *Claim) { c.Signature = base64.StdEncoding.EncodeToString(sig[:31]) },
		"signature not b64":   func(c *Claim) { c.Signature = "not base64!" },
		"signature empty":     func(c *Claim) { c.Signature = "" },
		"secret block":        func(c *Claim) { c.SecretBlock = append([]byte("x"), c.SecretBlock...) },
		"user id":             func(c *Claim) { c.UserID = "other" },
	} {
		t.Run(name, func(t *testing.T) {
			c := claim
			mutate(&c)
			if err := s.Verify(verifier, c, testNow); !errors.Is(err, ErrSignature) {
				t.Fatalf("Verify = %v, want ErrSignature", err)
			}
		})
	}
}

func TestTimestampWindow(t *testing.T) {
	salt, verifier := NewVerifier(testPool, testUser, testPassword)
	s, claim := signIn(t, testPool, testUser, testPassword, salt, verifier, testNow)
	for _, c := range []struct {
		skew time.Duration
		want error
	}{
		{0, nil},
		{TimestampTolerance, nil},
		{-TimestampTolerance, nil},
		{4 * time.Minute, nil},
		{TimestampTolerance + time.Second, ErrStaleTimestamp},
		{-TimestampTolerance - time.Second, ErrStaleTimestamp},
		{time.Hour, ErrStaleTimestamp},
		{-24 * time.Hour, ErrStaleTimestamp},
	} {
		if err := s.Verify(verifier, claim, testNow.Add(c.skew)); !errors.Is(err, c.want) {
			t.Errorf("server clock %v from TIMESTAMP: Verify = %v, want %v", c.skew, err, c.want)
		}
	}
	bad := claim
	bad.Timestamp = "2026-11-03T01:07:05Z"
	if err := s.Verify(verifier, bad, testNow); !errors.Is(err, ErrTimestamp) {
		t.Errorf("ISO timestamp: Verify = %v, want ErrTimestamp", err)
	}
}

// TestDegenerateA checks that values of A the server must refuse never start
// an exchange: A mod N == 0 (0, N, 2N) and anything not in [1, N).
func TestDegenerateA(t *testing.T) {
	_, verifier := NewVerifier(testPool, testUser, testPassword)
	n := new(big.Int).SetBytes(nBytes)
	mul := func(k int64) string { return new(big.Int).Mul(n, big.NewInt(k)).Text(16) }
	add := func(k int64) string { return new(big.Int).Add(n, big.NewInt(k)).Text(16) }
	for name, a := range map[string]string{
		"zero":            "0",
		"zeros":           "000000",
		"N":               mul(1),
		"N upper case":    strings.ToUpper(mul(1)),
		"2N":              mul(2),
		"N+1":             add(1),
		"N-1+N":           add(-1) + "0",
		"2^3072":          "1" + strings.Repeat("0", 768),
		"all ones":        strings.Repeat("f", 800),
		"empty":           "",
		"not hex":         "xyz",
		"negative":        "-1",
		"spaces":          " 2",
		"prefixed":        "0x02",
		"huge":            strings.Repeat("1", 100000),
		"N, zero-led":     "0000" + mul(1),
		"N-sized garbage": strings.Repeat("g", 768),
	} {
		t.Run(name, func(t *testing.T) {
			if s, err := NewServerSession(a, verifier); !errors.Is(err, ErrInvalidPublicValue) {
				t.Fatalf("NewServerSession = %v, %v; want ErrInvalidPublicValue", s, err)
			}
		})
	}
	// The largest and smallest valid values, and leading zeros, are fine.
	for _, a := range []string{"1", "02", add(-1), "000" + add(-1)} {
		if _, err := NewServerSession(a, verifier); err != nil {
			t.Errorf("NewServerSession(%.12s...) = %v", a, err)
		}
	}
}

// TestDegenerateSession checks that Verify refuses a session whose values
// are out of range, even though sessions come sealed from the server.
func TestDegenerateSession(t *testing.T) {
	salt, verifier := NewVerifier(testPool, testUser, testPassword)
	s, claim := signIn(t, testPool, testUser, testPassword, salt, verifier, testNow)
	for name, mutate := range map[string]func(*ServerSession){
		"A zero":     func(s *ServerSession) { s.A = []byte{0} },
		"A = N":      func(s *ServerSession) { s.A = nBytes },
		"A missing":  func(s *ServerSession) { s.A = nil },
		"b missing":  func(s *ServerSession) { s.Secret = nil },
		"b too long": func(s *ServerSession) { s.Secret = make([]byte, secretSize+1) },
	} {
		t.Run(name, func(t *testing.T) {
			bad := *s
			mutate(&bad)
			if err := bad.Verify(verifier, claim, testNow); !errors.Is(err, ErrInvalidPublicValue) {
				t.Fatalf("Verify = %v, want ErrInvalidPublicValue", err)
			}
		})
	}
}

func TestBadVerifier(t *testing.T) {
	client := srpclient.NewClient(testPool)
	for name, v := range map[string][]byte{
		"empty": nil,
		"zero":  make([]byte, size),
		"N":     nBytes,
		"big":   append([]byte{1}, make([]byte, size)...),
	} {
		if _, err := NewServerSession(client.SRPA(), v); !errors.Is(err, ErrInvalidVerifier) {
			t.Errorf("%s verifier: NewServerSession = %v, want ErrInvalidVerifier", name, err)
		}
	}
	salt, verifier := NewVerifier(testPool, testUser, testPassword)
	s, claim := signIn(t, testPool, testUser, testPassword, salt, verifier, testNow)
	if err := s.Verify(make([]byte, size), claim, testNow); !errors.Is(err, ErrInvalidVerifier) {
		t.Errorf("zero verifier: Verify = %v, want ErrInvalidVerifier", err)
	}
}

func TestDeviceRoundTrip(t *testing.T) {
	const groupKey, deviceKey = "-DeviceGroupKey7x", "us-east-1_4f7c21d3-9a4b-4c11-8e35-0b2f6f1d9c27"
	dev := srpclient.NewDeviceSecret(groupKey, deviceKey)
	salt, verifier, err := DeviceVerifier(dev.Salt, dev.PasswordVerifier)
	if err != nil {
		t.Fatal(err)
	}
	s, claim := signIn(t, groupKey, deviceKey, dev.Password, salt, verifier, testNow)
	if err := s.Verify(verifier, claim, testNow); err != nil {
		t.Fatalf("device: %v", err)
	}
	s, claim = signIn(t, groupKey, deviceKey, dev.Password+"x", salt, verifier, testNow)
	if err := s.Verify(verifier, claim, testNow); !errors.Is(err, ErrSignature) {
		t.Fatalf("wrong device password: Verify = %v, want ErrSignature", err)
	}
}

func TestDeviceVerifierRefusesBadConfig(t *testing.T) {
	dev := srpclient.NewDeviceSecret("-g", "k")
	b64 := base64.StdEncoding.EncodeToString
	for name, c := range map[string]struct{ salt, verifier string }{
		"salt not base64":     {"@@", dev.PasswordVerifier},
		"salt empty":          {"", dev.PasswordVerifier},
		"salt too long":       {b64(make([]byte, maxDeviceSalt+1)), dev.PasswordVerifier},
		"verifier not base64": {dev.Salt, "@@"},
		"verifier empty":      {dev.Salt, ""},
		"verifier zero":       {dev.Salt, b64(make([]byte, size))},
		"verifier N":          {dev.Salt, b64(nBytes)},
		"verifier too big":    {dev.Salt, b64(append([]byte{1}, make([]byte, size)...))},
		"verifier URL b64":    {dev.Salt, strings.NewReplacer("+", "-", "/", "_").Replace(dev.PasswordVerifier) + "-_"},
	} {
		if _, _, err := DeviceVerifier(c.salt, c.verifier); !errors.Is(err, ErrInvalidVerifier) {
			t.Errorf("%s: DeviceVerifier = %v, want ErrInvalidVerifier", name, err)
		}
	}
}

func TestPoolName(t *testing.T) {
	for in, want := range map[string]string{
		"us-east-1_AbCdEfGhI":    "AbCdEfGhI",
		"local_abc123":           "abc123",
		"a_b_c":                  "b", // as userPoolId.split('_')[1]
		"no-underscore":          "",
		"us-west-2_":             "",
		"eu-central-1_123456789": "123456789",
	} {
		if got := PoolName(in); got != want {
			t.Errorf("PoolName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPadAndHex(t *testing.T) {
	for _, c := range []struct{ in, pad, hex string }{
		{"", "00", "0"},
		{"00", "00", "0"},
		{"0000", "00", "0"},
		{"01", "01", "1"},
		{"7f", "7f", "7f"},
		{"80", "0080", "80"},
		{"00ec", "00ec", "ec"},
		{"000abc", "0abc", "abc"},
		{"ff14", "00ff14", "ff14"},
	} {
		in, _ := hex.DecodeString(c.in)
		if got := hex.EncodeToString(pad(in)); got != c.pad {
			t.Errorf("pad(%s) = %s, want %s", c.in, got, c.pad)
		}
		if got := EncodeHex(in); got != c.hex {
			t.Errorf("EncodeHex(%s) = %s, want %s", c.in, got, c.hex)
		}
	}
	for in, want := range map[string]string{"abc": "0abc", "ABC": "0abc", "0002": "02", "0": "", "f": "0f"} {
		got, err := DecodeHex(in)
		if err != nil || hex.EncodeToString(got) != want {
			t.Errorf("DecodeHex(%q) = %x, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "g", "0x1", " 1", "-1", "1 "} {
		if _, err := DecodeHex(in); err == nil {
			t.Errorf("DecodeHex(%q) accepted", in)
		}
	}
}

func FuzzNewServerSession(f *testing.F) {
	_, verifier := NewVerifier(testPool, testUser, testPassword)
	f.Add("0")
	f.Add(new(big.Int).SetBytes(nBytes).Text(16))
	f.Add("2")
	f.Fuzz(func(t *testing.T, a string) {
		s, err := NewServerSession(a, verifier)
		if err != nil {
			return
		}
		n := new(big.Int).SetBytes(nBytes)
		x, ok := new(big.Int).SetString(a, 16)
		if !ok || x.Sign() <= 0 || x.Cmp(n) >= 0 {
			t.Fatalf("accepted A = %q", a)
		}
		if new(big.Int).SetBytes(s.A).Cmp(x) != 0 {
			t.Fatalf("session A differs from %q", a)
		}
	})
}
