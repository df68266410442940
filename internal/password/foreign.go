package password

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/scrypt"
)

// Foreign hashes: password hashes made by other systems, imported with
// their users and verified at the user's next sign-in, after which the
// password is hashed again with argon2id (NeedsRehash is true for all of
// them). Each is stored as given; Scheme names the form, and Verify
// accepts every form Scheme does:
//
//   - argon2id and argon2i PHC strings, version 19
//     ("$argon2i$v=19$m=65536,t=2,p=1$<salt>$<key>"), also with Django's
//     "argon2" prefix ("argon2$argon2id$...");
//   - bcrypt ("$2a$", "$2b$", "$2y$"), also Django's "bcrypt$<bcrypt>" and
//     "bcrypt_sha256$<bcrypt>" (bcrypt of the hex SHA-256 of the password);
//   - scrypt, passlib's "$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<key>" and
//     Django's "scrypt$<salt>$<N>$<r>$<p>$<key>";
//   - PBKDF2 with SHA-1, SHA-256 or SHA-512: passlib's
//     "$pbkdf2$<rounds>$<salt>$<key>", "$pbkdf2-sha256$..." and
//     "$pbkdf2-sha512$..." (adapted base64, '.' for '+'), the PHC form
//     "$pbkdf2-sha256$i=<rounds>,l=<length>$<salt>$<key>", and Django's
//     "pbkdf2_sha256$<rounds>$<salt>$<key>" and "pbkdf2_sha1$...";
//   - Firebase's modified scrypt in Cognate's form
//     "$firebase-scrypt$rounds=<rounds>,mem=<mem_cost>$<base64 signer
//     key>$<base64 salt separator>$<base64 salt>$<base64 hash>": the
//     project's hash parameters (Firebase console, Password hash
//     parameters) with the user's salt and hash from `firebase
//     auth:export`, all in standard base64 as Firebase gives them.
//
// Costs are bounded (see the max* constants) so that an imported hash
// cannot make a sign-in allocate or spin without limit. Comparisons are
// constant-time.

// Bounds on the costs of foreign hashes.
const (
	maxBcryptCost   = 16
	maxPBKDF2Rounds = 10_000_000
	maxScryptMemory = 256 << 20 // bytes: 128 * N * r * p
	maxFirebaseMem  = 20        // log2 N
	maxFirebaseR    = 64
	bcryptMaxInput  = 72 // bcrypt reads at most 72 bytes of a password
)

// foreign is a parsed foreign hash.
type foreign struct {
	scheme string
	verify func(pw string) bool
}

// Scheme returns the name of the form of encoded ("argon2id", "argon2i",
// "bcrypt", "bcrypt_sha256", "scrypt", "pbkdf2-sha1", "pbkdf2-sha256",
// "pbkdf2-sha512", "firebase-scrypt"), or an error wrapping ErrInvalidHash
// when Verify cannot check a password against it.
func Scheme(encoded string) (string, error) {
	if _, err := parsePHC(encoded); err == nil {
		return "argon2id", nil
	}
	f, err := parseForeign(encoded)
	if err != nil {
		return "", err
	}
	return f.scheme, nil
}

// ab64 decodes passlib's adapted base64 ('.' for '+', no padding), the
// standard alphabet with or without padding, and the URL-safe one.
func ab64(s string) ([]byte, error) {
	s = strings.TrimRight(strings.ReplaceAll(s, ".", "+"), "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

func equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidHash, fmt.Sprintf(format, args...))
}

// parseForeign reads a foreign hash.
func parseForeign(s string) (*foreign, error) {
	switch {
	case strings.HasPrefix(s, "$argon2i$"), strings.HasPrefix(s, "$argon2id$"):
		return parseArgon2(s)
	case strings.HasPrefix(s, "argon2$"):
		return parseArgon2(strings.TrimPrefix(s, "argon2"))
	case strings.HasPrefix(s, "$2a$"), strings.HasPrefix(s, "$2b$"), strings.HasPrefix(s, "$2y$"):
		return parseBcrypt(s, "bcrypt", nil)
	case strings.HasPrefix(s, "bcrypt$"):
		return parseBcrypt(strings.TrimPrefix(s, "bcrypt$"), "bcrypt", nil)
	case strings.HasPrefix(s, "bcrypt_sha256$"):
		return parseBcrypt(strings.TrimPrefix(s, "bcrypt_sha256$"), "bcrypt_sha256", func(pw string) []byte {
			d := sha256.Sum256([]byte(pw))
			return []byte(hex.EncodeToString(d[:]))
		})
	case strings.HasPrefix(s, "$scrypt$"):
		return parsePasslibScrypt(s)
	case strings.HasPrefix(s, "scrypt$"):
		return parseDjangoScrypt(s)
	case strings.HasPrefix(s, "$pbkdf2"):
		return parsePasslibPBKDF2(s)
	case strings.HasPrefix(s, "pbkdf2_"):
		return parseDjangoPBKDF2(s)
	case strings.HasPrefix(s, "$firebase-scrypt$"):
		return parseFirebase(s)
	}
	return nil, invalid("unknown hash format")
}

// parseArgon2 reads an argon2i or argon2id PHC string with any parameters
// within the bounds parsePHC applies.
func parseArgon2(s string) (*foreign, error) {
	variant := "argon2id"
	if strings.HasPrefix(s, "$argon2i$") {
		variant = "argon2i"
		s = "$argon2id$" + strings.TrimPrefix(s, "$argon2i$")
	}
	p, err := parsePHC(s)
	if err != nil {
		return nil, err
	}
	derive := argon2.IDKey
	if variant == "argon2i" {
		derive = argon2.Key
	}
	return &foreign{scheme: variant, verify: func(pw string) bool {
		return equal(derive([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.key))), p.key)
	}}, nil
}

// parseBcrypt reads a bcrypt hash; prepare, when set, turns the password
// into bcrypt's input.
func parseBcrypt(s, scheme string, prepare func(string) []byte) (*foreign, error) {
	cost, err := bcrypt.Cost([]byte(s))
	if err != nil {
		return nil, invalid("bcrypt: %v", err)
	}
	if cost > maxBcryptCost {
		return nil, invalid("bcrypt cost %d above %d", cost, maxBcryptCost)
	}
	// x/crypto/bcrypt reads $2a$ and $2b$; $2y$ (PHP) is the same hash.
	stored := []byte(s)
	if strings.HasPrefix(s, "$2y$") {
		stored = []byte("$2b$" + s[4:])
	}
	if len(stored) != 60 {
		return nil, invalid("bcrypt: length %d", len(stored))
	}
	return &foreign{scheme: scheme, verify: func(pw string) bool {
		in := []byte(pw)
		if prepare != nil {
			in = prepare(pw)
		}
		if len(in) > bcryptMaxInput {
			in = in[:bcryptMaxInput] // as every bcrypt that made such hashes
		}
		return bcrypt.CompareHashAndPassword(stored, in) == nil
	}}, nil
}

// scryptVerifier checks scrypt parameters against the bounds and returns
// the verifier of key.
func scryptVerifier(salt, key []byte, n, r, p int) (*foreign, error) {
	if n < 2 || n&(n-1) != 0 || r < 1 || p < 1 || p > 16 || 128*n*r*p > maxScryptMemory || r > maxFirebaseR {
		return nil, invalid("scrypt parameters N=%d r=%d p=%d out of range", n, r, p)
	}
	if len(key) < 16 || len(key) > 128 || len(salt) == 0 {
		return nil, invalid("scrypt: salt or key length")
	}
	return &foreign{scheme: "scrypt", verify: func(pw string) bool {
		k, err := scrypt.Key([]byte(pw), salt, n, r, p, len(key))
		return err == nil && equal(k, key)
	}}, nil
}

// parsePasslibScrypt reads "$scrypt$ln=<l>,r=<r>,p=<p>$<salt>$<key>".
func parsePasslibScrypt(s string) (*foreign, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 5 {
		return nil, invalid("scrypt: fields")
	}
	kv, err := namedInts(parts[2], "ln", "r", "p")
	if err != nil || kv["ln"] < 1 || kv["ln"] > 30 {
		return nil, invalid("scrypt: parameters %q", parts[2])
	}
	salt, err1 := ab64(parts[3])
	key, err2 := ab64(parts[4])
	if err1 != nil || err2 != nil {
		return nil, invalid("scrypt: base64")
	}
	return scryptVerifier(salt, key, 1<<kv["ln"], kv["r"], kv["p"])
}

// parseDjangoScrypt reads Django's "scrypt$<salt>$<N>$<r>$<p>$<key>" (the
// salt used as text, the key in standard base64).
func parseDjangoScrypt(s string) (*foreign, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 {
		return nil, invalid("scrypt: fields")
	}
	n, err1 := strconv.Atoi(parts[2])
	r, err2 := strconv.Atoi(parts[3])
	p, err3 := strconv.Atoi(parts[4])
	key, err4 := base64.StdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return nil, invalid("scrypt: fields")
	}
	return scryptVerifier([]byte(parts[1]), key, n, r, p)
}

// namedInts reads "a=1,b=2" with exactly the names given, in that order.
func namedInts(s string, names ...string) (map[string]int, error) {
	fields := strings.Split(s, ",")
	if len(fields) != len(names) {
		return nil, invalid("parameters %q", s)
	}
	out := map[string]int{}
	for i, f := range fields {
		name, val, _ := strings.Cut(f, "=")
		n, err := strconv.Atoi(val)
		if err != nil || name != names[i] || n < 0 {
			return nil, invalid("parameters %q", s)
		}
		out[name] = n
	}
	return out, nil
}

// pbkdf2Hashes are the PBKDF2 PRFs by the names the formats give them.
var pbkdf2Hashes = map[string]func() hash.Hash{"sha1": sha1.New, "sha256": sha256.New, "sha512": sha512.New}

func pbkdf2Verifier(prf string, salt, key []byte, rounds int) (*foreign, error) {
	h, ok := pbkdf2Hashes[prf]
	if !ok {
		return nil, invalid("pbkdf2: unknown hash %q", prf)
	}
	if rounds < 1 || rounds > maxPBKDF2Rounds || len(key) < 16 || len(key) > 128 {
		return nil, invalid("pbkdf2: rounds or key length out of range")
	}
	return &foreign{scheme: "pbkdf2-" + prf, verify: func(pw string) bool {
		k, err := pbkdf2.Key(h, pw, salt, rounds, len(key))
		return err == nil && equal(k, key)
	}}, nil
}

// parsePasslibPBKDF2 reads passlib's "$pbkdf2[-sha256|-sha512]$<rounds>$
// <salt>$<key>" and the PHC form "$pbkdf2-<hash>$i=<rounds>,l=<len>$...".
func parsePasslibPBKDF2(s string) (*foreign, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 5 {
		return nil, invalid("pbkdf2: fields")
	}
	prf := "sha1"
	if name, ok := strings.CutPrefix(parts[1], "pbkdf2-"); ok {
		prf = name
	} else if parts[1] != "pbkdf2" {
		return nil, invalid("pbkdf2: scheme %q", parts[1])
	}
	rounds, err := strconv.Atoi(parts[2])
	if strings.HasPrefix(parts[2], "i=") {
		var kv map[string]int
		if kv, err = namedInts(parts[2], "i", "l"); err == nil {
			rounds = kv["i"]
		}
	}
	salt, err1 := ab64(parts[3])
	key, err2 := ab64(parts[4])
	if err != nil || err1 != nil || err2 != nil {
		return nil, invalid("pbkdf2: fields")
	}
	return pbkdf2Verifier(prf, salt, key, rounds)
}

// parseDjangoPBKDF2 reads Django's "pbkdf2_<hash>$<rounds>$<salt>$<key>"
// (the salt used as text, the key in standard base64).
func parseDjangoPBKDF2(s string) (*foreign, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 4 {
		return nil, invalid("pbkdf2: fields")
	}
	rounds, err1 := strconv.Atoi(parts[1])
	key, err2 := base64.StdEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil || parts[2] == "" {
		return nil, invalid("pbkdf2: fields")
	}
	return pbkdf2Verifier(strings.TrimPrefix(parts[0], "pbkdf2_"), []byte(parts[2]), key, rounds)
}

// parseFirebase reads "$firebase-scrypt$rounds=<r>,mem=<m>$<signer key>$
// <salt separator>$<salt>$<hash>". Firebase's scrypt derives a key with
// scrypt(password, salt || separator, N=2^mem, r=rounds, p=1, 64 bytes)
// and encrypts the project's signer key with AES-256-CTR under the
// derived key's first 32 bytes and a zero IV; the user's hash is that
// ciphertext (https://github.com/firebase/scrypt).
func parseFirebase(s string) (*foreign, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 7 {
		return nil, invalid("firebase-scrypt: fields")
	}
	kv, err := namedInts(parts[2], "rounds", "mem")
	if err != nil || kv["rounds"] < 1 || kv["rounds"] > maxFirebaseR || kv["mem"] < 1 || kv["mem"] > maxFirebaseMem ||
		128*(1<<kv["mem"])*kv["rounds"] > maxScryptMemory {
		return nil, invalid("firebase-scrypt: parameters %q", parts[2])
	}
	var raw [4][]byte
	for i := range raw {
		if raw[i], err = base64.StdEncoding.DecodeString(parts[3+i]); err != nil {
			return nil, invalid("firebase-scrypt: base64")
		}
	}
	signer, sep, salt, want := raw[0], raw[1], raw[2], raw[3]
	if len(signer) == 0 || len(want) != len(signer) {
		return nil, invalid("firebase-scrypt: hash and signer key lengths differ")
	}
	n, r := 1<<kv["mem"], kv["rounds"]
	return &foreign{scheme: "firebase-scrypt", verify: func(pw string) bool {
		dk, err := scrypt.Key([]byte(pw), append(append([]byte(nil), salt...), sep...), n, r, 1, 64)
		if err != nil {
			return false
		}
		block, err := aes.NewCipher(dk[:32])
		if err != nil {
			return false
		}
		got := make([]byte, len(signer))
		cipher.NewCTR(block, make([]byte, aes.BlockSize)).XORKeyStream(got, signer)
		return equal(got, want)
	}}, nil
}
