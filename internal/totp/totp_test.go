package totp

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the SHA-1 seed of RFC 6238 Appendix B and RFC 4226 Appendix D,
// "12345678901234567890", in base32.
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

// TestRFC6238 checks the SHA-1 test vectors of RFC 6238 Appendix B (eight
// digits) and that Generate's six digits are their last six.
func TestRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, c := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		at := time.Unix(c.unix, 0)
		if got := hotp(key, uint64(Step(at)), 8); got != c.code {
			t.Errorf("T=%d: TOTP = %s, want %s", c.unix, got, c.code)
		}
		got, err := Generate(rfcSecret, at)
		if err != nil || got != c.code[2:] {
			t.Errorf("T=%d: Generate = %q, %v; want %s", c.unix, got, err, c.code[2:])
		}
	}
}

// TestRFC4226 checks the HOTP values of RFC 4226 Appendix D.
func TestRFC4226(t *testing.T) {
	key := []byte("12345678901234567890")
	for i, want := range []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"} {
		if got := hotp(key, uint64(i), 6); got != want {
			t.Errorf("counter %d: HOTP = %s, want %s", i, got, want)
		}
	}
}

func TestStep(t *testing.T) {
	for unix, want := range map[int64]int64{0: 0, 29: 0, 30: 1, 59: 1, 1111111109: 37037036, -1: -1, -30: -1, -31: -2} {
		if got := Step(time.Unix(unix, 0)); got != want {
			t.Errorf("Step(%d) = %d, want %d", unix, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	secret := NewSecret()
	now := time.Date(2026, 11, 3, 1, 7, 5, 0, time.UTC)
	cur := Step(now)
	code := func(d time.Duration) string {
		c, err := Generate(secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	for _, c := range []struct {
		name     string
		code     string
		lastUsed int64
		want     int64
		ok       bool
	}{
		{"current step", code(0), 0, cur, true},
		{"previous step", code(-Period), 0, cur - 1, true},
		{"next step", code(Period), 0, cur + 1, true},
		{"two steps ago", code(-2 * Period), 0, 0, false},
		{"two steps ahead", code(2 * Period), 0, 0, false},
		{"reused", code(0), cur, 0, false},
		{"older than last used", code(-Period), cur, 0, false},
		{"newer than last used", code(Period), cur, cur + 1, true},
		{"after a later code", code(0), cur + 1, 0, false},
		{"five digits", code(0)[:5], 0, 0, false},
		{"seven digits", code(0) + "0", 0, 0, false},
		{"spaces", " " + code(0)[1:], 0, 0, false},
		{"letters", "12345a", 0, 0, false},
		{"unicode digits", "١٢٣٤٥٦", 0, 0, false},
		{"empty", "", 0, 0, false},
	} {
		step, ok := Validate(secret, c.code, now, c.lastUsed)
		if ok != c.ok || step != c.want {
			t.Errorf("%s: Validate(%q) = %d, %v; want %d, %v", c.name, c.code, step, ok, c.want, c.ok)
		}
	}

	// A wrong code: change every digit of the right one (codes of the
	// neighbouring steps could coincide with a one-digit change, so avoid
	// them too).
	right := code(0)
	for _, d := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"} {
		wrong := strings.Repeat(d, Digits)
		if wrong == right || wrong == code(-Period) || wrong == code(Period) {
			continue
		}
		if _, ok := Validate(secret, wrong, now, 0); ok {
			t.Errorf("Validate accepted %s (right code %s)", wrong, right)
		}
	}

	// The code of another secret is refused.
	if _, ok := Validate(NewSecret(), right, now, 0); ok {
		t.Error("Validate accepted the code of another secret")
	}
}

func TestValidateSecretForms(t *testing.T) {
	now := time.Unix(1111111109, 0)
	want := "081804"
	for _, secret := range []string{
		rfcSecret,
		strings.ToLower(rfcSecret),
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
	} {
		if _, ok := Validate(secret, want, now, 0); !ok {
			t.Errorf("Validate with secret %q refused the right code", secret)
		}
	}
	for _, secret := range []string{"", "====", "not base32!", "GEZDGNBVGY3TQOJ1"} {
		if _, ok := Validate(secret, want, now, 0); ok {
			t.Errorf("Validate with secret %q accepted a code", secret)
		}
		if _, err := Generate(secret, now); err == nil {
			t.Errorf("Generate with secret %q succeeded", secret)
		}
	}
}

func TestNewSecret(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		s := NewSecret()
		if len(s) != 52 {
			t.Fatalf("secret %q has %d characters, want 52", s, len(s))
		}
		if strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("secret %q is not uppercase base32 without padding", s)
		}
		key, err := decodeSecret(s)
		if err != nil || len(key) != SecretSize {
			t.Fatalf("secret %q decodes to %d bytes, %v", s, len(key), err)
		}
		if seen[s] {
			t.Fatalf("secret %q drawn twice", s)
		}
		seen[s] = true
	}
}

func TestURI(t *testing.T) {
	secret := "JBSWY3DPEHPK3PXP"
	u, err := url.Parse(URI("My Pool", "alice@example.com", secret))
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/My Pool:alice@example.com" {
		t.Errorf("URI = %s", u)
	}
	q := u.Query()
	for k, want := range map[string]string{"secret": secret, "issuer": "My Pool", "algorithm": "SHA1", "digits": "6", "period": "30"} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
	if got := URI("", "bob", secret); got != "otpauth://totp/bob?algorithm=SHA1&digits=6&period=30&secret="+secret {
		t.Errorf("URI without issuer = %s", got)
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("123456", int64(0))
	f.Add("081804", int64(37037035))
	now := time.Unix(1111111109, 0)
	f.Fuzz(func(t *testing.T, code string, lastUsed int64) {
		step, ok := Validate(rfcSecret, code, now, lastUsed)
		if !ok {
			return
		}
		want, _ := Generate(rfcSecret, time.Unix(step*30, 0))
		if code != want || step <= lastUsed || step < Step(now)-Skew || step > Step(now)+Skew {
			t.Fatalf("accepted %q at step %d (last used %d)", code, step, lastUsed)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	secret := NewSecret()
	now := time.Now()
	code, _ := Generate(secret, now)
	b.ReportAllocs()
	for b.Loop() {
		Validate(secret, code, now, 0)
	}
}
