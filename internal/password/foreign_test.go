package password

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// The vectors come from other implementations: the bcrypt one from
// OpenBSD's test suite (as John the Ripper carries it), the argon2 ones
// from the reference implementation's test.c, the Firebase one from
// firebase/scrypt's README, the PBKDF2 and scrypt ones from Python's
// hashlib (the Django and passlib layouts written out by hand).
var foreignVectors = []struct {
	scheme, pw, encoded string
}{
	{"bcrypt", "U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
	{"bcrypt", "U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
	{"bcrypt", "U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
	{"bcrypt", "U*U", "bcrypt$$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
	{"argon2i", "password", "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA"},
	{"argon2id", "password", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"},
	{"argon2id", "password", "argon2$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"},
	{"firebase-scrypt", "user1password", "$firebase-scrypt$rounds=8,mem=14" +
		"$jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==$Bw==$42xEC+ixf3L2lw==" +
		"$lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=="},
	{"pbkdf2-sha256", "correct horse 9", "pbkdf2_sha256$12000$seasalt$gA+mx4nM8xNk3KDv0G7oMtDbczrAY6AUOCiDSKc/8nY="},
	{"pbkdf2-sha1", "correct horse 9", "pbkdf2_sha1$12000$seasalt$4BcACeTEsTaQ0N2bUfqVAIireJs="},
	{"pbkdf2-sha512", "correct horse 9", "$pbkdf2-sha512$25000$AAECAwQFBgcICQoLDA0ODw$Emd8P4y/RgjIM739rLSndJjYvPwtkgvD9vIcl7qJMlfbIOWyLevv.SHcqQkQIgiJNRJPmoNU7WDVybxu4590iA"},
	{"pbkdf2-sha256", "correct horse 9", "$pbkdf2-sha256$29000$AAECAwQFBgcICQoLDA0ODw$w.Q2iIGn1Hd6EfJExYef1rBiF77.Ftt2LtVA.cgDrQM"},
	{"pbkdf2-sha256", "correct horse 9", "$pbkdf2-sha256$i=29000,l=32$AAECAwQFBgcICQoLDA0ODw$w+Q2iIGn1Hd6EfJExYef1rBiF77+Ftt2LtVA+cgDrQM"},
	{"pbkdf2-sha1", "correct horse 9", "$pbkdf2$29000$AAECAwQFBgcICQoLDA0ODw$LssCB8aWH.7wiHBcXsSr31uyjI4"},
	{"scrypt", "correct horse 9", "$scrypt$ln=14,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$oeqNDkxY2gKCyk2iRm8EOqikZ5VrhrMWwIp701usHUY"},
	{"scrypt", "correct horse 9", "scrypt$djangosalt$16384$8$1$IdFe1lDFJQJi0HqgcAx5W0ROYEMTNLon4OVcMC4gDNDiaFVf0e401WKFzIdlf7Gzk7wBAvLYBpnRdYu42bAE2Q=="},
}

func TestForeignHashes(t *testing.T) {
	h := NewHasher(2)
	ctx := context.Background()
	for _, v := range foreignVectors {
		t.Run(v.encoded[:min(24, len(v.encoded))], func(t *testing.T) {
			scheme, err := Scheme(v.encoded)
			if err != nil || scheme != v.scheme {
				t.Fatalf("Scheme = %q, %v; want %q", scheme, err, v.scheme)
			}
			if ok, err := h.Verify(ctx, v.pw, v.encoded); !ok || err != nil {
				t.Fatalf("Verify(right password) = %v, %v", ok, err)
			}
			if ok, err := h.Verify(ctx, v.pw+"x", v.encoded); ok || err != nil {
				t.Fatalf("Verify(wrong password) = %v, %v", ok, err)
			}
			if !NeedsRehash(v.encoded) {
				t.Fatal("NeedsRehash = false for a foreign hash")
			}
		})
	}
}

func TestBcryptSHA256(t *testing.T) {
	// Django's bcrypt_sha256 is bcrypt over the hex SHA-256 of the
	// password, so passwords past bcrypt's 72 bytes still count.
	const pw = "a password longer than seventy-two bytes, which bcrypt alone would cut short!!"
	d := sha256.Sum256([]byte(pw))
	b, err := bcrypt.GenerateFromPassword([]byte(hex.EncodeToString(d[:])), 4)
	if err != nil {
		t.Fatal(err)
	}
	encoded := "bcrypt_sha256$" + string(b)
	h := NewHasher(1)
	if ok, err := h.Verify(context.Background(), pw, encoded); !ok || err != nil {
		t.Fatalf("Verify(right) = %v, %v", ok, err)
	}
	if ok, _ := h.Verify(context.Background(), pw[:72], encoded); ok {
		t.Fatal("the first 72 bytes alone verified")
	}
}

func TestForeignHashesRefused(t *testing.T) {
	for _, bad := range []string{
		"", "plain", "$2a$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", // cost too high
		"$2a$05$short",
		"$pbkdf2-sha256$99999999$AAECAwQFBgcICQoLDA0ODw$w.Q2iIGn1Hd6EfJExYef1rBiF77.Ftt2LtVA.cgDrQM",
		"$pbkdf2-md5$1000$AAECAwQFBgcICQoLDA0ODw$w.Q2iIGn1Hd6EfJExYef1rBiF77.Ftt2LtVA.cgDrQM",
		"$scrypt$ln=25,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$oeqNDkxY2gKCyk2iRm8EOqikZ5VrhrMWwIp701usHUY", // 4 GiB
		"$argon2i$v=19$m=999999999,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA",
		"$firebase-scrypt$rounds=8,mem=30$AA==$Bw==$AA==$AA==",
		"$firebase-scrypt$rounds=8,mem=14$AAAA$Bw==$AA==$AA==", // hash and key lengths differ
		"pbkdf2_sha256$12000$seasalt$not base64",
	} {
		if _, err := Scheme(bad); !errors.Is(err, ErrInvalidHash) {
			t.Errorf("Scheme(%q) = %v, want ErrInvalidHash", bad, err)
		}
		if ok, err := NewHasher(1).Verify(context.Background(), "pw", bad); ok || !errors.Is(err, ErrInvalidHash) {
			t.Errorf("Verify(%q) = %v, %v", bad, ok, err)
		}
	}
}
