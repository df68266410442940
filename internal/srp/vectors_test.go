package srp

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// vectors is testdata/vectors.json, written by testdata/jsgen/gen.js from
// amazon-cognito-identity-js's own client code.
type vectors struct {
	Library string `json:"library"`
	N       string `json:"N"`
	G       string `json:"g"`
	K       string `json:"k"`
	SRP     []struct {
		Name                     string `json:"name"`
		Kind                     string `json:"kind"`
		PoolID                   string `json:"poolId"`
		PoolName                 string `json:"poolName"`
		UserID                   string `json:"userId"`
		Password                 string `json:"password"`
		Salt                     string `json:"SALT"`
		X                        string `json:"x"`
		Verifier                 string `json:"verifier"`
		DeviceSecretVerifierConf *struct {
			Salt             string `json:"Salt"`
			PasswordVerifier string `json:"PasswordVerifier"`
		} `json:"DeviceSecretVerifierConfig"`
		SmallA      string `json:"a"`
		SRPA        string `json:"SRP_A"`
		SmallB      string `json:"b"`
		SRPB        string `json:"SRP_B"`
		U           string `json:"u"`
		S           string `json:"S"`
		K           string `json:"K"`
		SecretBlock string `json:"SECRET_BLOCK"`
		Timestamp   string `json:"TIMESTAMP"`
		Signature   string `json:"PASSWORD_CLAIM_SIGNATURE"`
	} `json:"srp"`
	Timestamps []struct {
		Unix      int64  `json:"unix"`
		Timestamp string `json:"TIMESTAMP"`
	} `json:"timestamps"`
}

func loadVectors(t testing.TB) vectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.SRP) == 0 || len(v.Timestamps) == 0 {
		t.Fatal("testdata/vectors.json has no vectors")
	}
	return v
}

// fromHex decodes a JS BigInteger.toString(16) value.
func fromHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := DecodeHex(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// sameInt reports whether two big-endian byte strings are the same integer.
func sameInt(a, b []byte) bool { return bytes.Equal(trim(a), trim(b)) }

func TestVectorsGroup(t *testing.T) {
	v := loadVectors(t)
	t.Logf("vectors from %s", v.Library)
	if !sameInt(fromHex(t, v.N), nBytes) {
		t.Error("N differs from the library's")
	}
	if !sameInt(fromHex(t, v.G), gBytes) {
		t.Error("g differs from the library's")
	}
	if !sameInt(fromHex(t, v.K), kBytes) {
		t.Errorf("k = %x, library %s", kBytes, v.K)
	}
}

func TestVectorsSRP(t *testing.T) {
	for _, c := range loadVectors(t).SRP {
		t.Run(c.Name, func(t *testing.T) {
			salt, err := hex.DecodeString(c.Salt)
			if err != nil {
				t.Fatal(err)
			}
			if c.Kind == "user" && PoolName(c.PoolID) != c.PoolName {
				t.Errorf("PoolName(%q) = %q, want %q", c.PoolID, PoolName(c.PoolID), c.PoolName)
			}
			verifier := computeVerifier(c.PoolName, c.UserID, c.Password, salt)
			if c.Kind == "device" {
				// The server keeps what ConfirmDevice sent and returns the
				// salt as hex.
				cfg := c.DeviceSecretVerifierConf
				gotSalt, gotV, err := DeviceVerifier(cfg.Salt, cfg.PasswordVerifier)
				if err != nil {
					t.Fatal(err)
				}
				if hex.EncodeToString(gotSalt) != c.Salt {
					t.Errorf("SALT = %x, library %s", gotSalt, c.Salt)
				}
				if !bytes.Equal(gotV, verifier) {
					t.Error("ConfirmDevice verifier differs from g^x computed here")
				}
				verifier = gotV
			}
			if x := computeX(c.PoolName, c.UserID, c.Password, salt); !sameInt(x, fromHex(t, c.X)) {
				t.Errorf("x = %x, library %s", x, c.X)
			}
			if !sameInt(verifier, fromHex(t, c.Verifier)) {
				t.Errorf("verifier = %x, library %s", verifier, c.Verifier)
			}

			b := make([]byte, secretSize)
			sb := fromHex(t, c.SmallB)
			copy(b[secretSize-len(sb):], sb)
			s, err := newServerSession(c.SRPA, verifier, bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if s.SRPB() != c.SRPB {
				t.Errorf("SRP_B = %s, library %s", s.SRPB(), c.SRPB)
			}
			S, u, err := s.sharedSecret(verifier)
			if err != nil {
				t.Fatal(err)
			}
			if !sameInt(u, fromHex(t, c.U)) {
				t.Errorf("u = %x, library %s", u, c.U)
			}
			if !sameInt(S, fromHex(t, c.S)) {
				t.Errorf("S = %x, library %s", S, c.S)
			}
			key, err := s.key(verifier)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(key) != c.K {
				t.Errorf("K = %x, library %s", key, c.K)
			}

			block, err := base64.StdEncoding.DecodeString(c.SecretBlock)
			if err != nil {
				t.Fatal(err)
			}
			sent, err := ParseTimestamp(c.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			claim := Claim{PoolName: c.PoolName, UserID: c.UserID, SecretBlock: block, Timestamp: c.Timestamp, Signature: c.Signature}
			if err := s.Verify(verifier, claim, sent.Add(30*time.Second)); err != nil {
				t.Fatalf("Verify of the library's signature: %v", err)
			}
			// The same claim must fail for any other pool, user, block or time.
			for name, bad := range map[string]Claim{
				"pool":      {PoolName: c.PoolName + "x", UserID: c.UserID, SecretBlock: block, Timestamp: c.Timestamp, Signature: c.Signature},
				"user":      {PoolName: c.PoolName, UserID: strings.ToUpper(c.UserID) + "x", SecretBlock: block, Timestamp: c.Timestamp, Signature: c.Signature},
				"block":     {PoolName: c.PoolName, UserID: c.UserID, SecretBlock: block[1:], Timestamp: c.Timestamp, Signature: c.Signature},
				"timestamp": {PoolName: c.PoolName, UserID: c.UserID, SecretBlock: block, Timestamp: FormatTimestamp(sent.Add(time.Second)), Signature: c.Signature},
			} {
				if err := s.Verify(verifier, bad, sent); !errors.Is(err, ErrSignature) {
					t.Errorf("claim with another %s: Verify = %v, want ErrSignature", name, err)
				}
			}
		})
	}
}

// TestVectorsCoverPadding makes sure the vectors exercise both branches of
// the clients' padHex for every hashed value, and an odd-length SRP_A.
func TestVectorsCoverPadding(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range loadVectors(t).SRP {
		for name, h := range map[string]string{"A": c.SRPA, "B": c.SRPB, "u": c.U, "S": c.S, "salt": c.Salt} {
			b := fromHex(t, h)
			seen[name+"/padded="+map[bool]string{true: "yes", false: "no"}[len(pad(b)) > len(b)]] = true
		}
		if len(c.SRPA)%2 == 1 {
			seen["odd SRP_A"] = true
		}
		if len(trim(fromHex(t, c.S))) < size {
			seen["short S"] = true
		}
		seen["kind/"+c.Kind] = true
		for _, r := range c.Password {
			if r > 0x7f {
				seen["non-ASCII password"] = true
			}
		}
	}
	for _, want := range []string{
		"A/padded=yes", "A/padded=no", "B/padded=yes", "B/padded=no",
		"u/padded=yes", "u/padded=no", "S/padded=yes", "S/padded=no",
		"salt/padded=yes", "salt/padded=no", "odd SRP_A", "short S",
		"kind/user", "kind/device", "non-ASCII password",
	} {
		if !seen[want] {
			t.Errorf("no vector covers %s", want)
		}
	}
}

func TestVectorsTimestamp(t *testing.T) {
	for _, c := range loadVectors(t).Timestamps {
		at := time.Unix(c.Unix, 0)
		if got := FormatTimestamp(at); got != c.Timestamp {
			t.Errorf("FormatTimestamp(%d) = %q, library %q", c.Unix, got, c.Timestamp)
		}
		got, err := ParseTimestamp(c.Timestamp)
		if err != nil || !got.Equal(at) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v", c.Timestamp, got, err, at.UTC())
		}
	}
}
