package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Environment variables read by LoadKeyRing.
const (
	EnvMasterKey     = "COGNATE_MASTER_KEY"
	EnvMasterKeyFile = "COGNATE_MASTER_KEY_FILE"
)

// KeyFileName is the name of the key file LoadKeyRing keeps in the data
// directory when no key is given in the environment.
const KeyFileName = "master.key"

// LoadKeyRing returns the server key ring, from the first of:
//
//   - COGNATE_MASTER_KEY: the key text (see ParseKeys);
//   - COGNATE_MASTER_KEY_FILE: the path of a file holding the key text;
//   - <dataDir>/master.key, created with one random key (mode 0600, in a
//     data directory created 0700 if missing) on the first start.
//
// Setting both variables is an error. The master.key file must not be
// readable or writable by group or others. getenv is os.Getenv outside
// tests.
func LoadKeyRing(dataDir string, getenv func(string) string) (*KeyRing, error) {
	return loadKeyRing(dataDir, getenv, true)
}

// ReadKeyRing is LoadKeyRing for commands that must not set up a data
// directory: it creates no key file, and fails with an error wrapping
// fs.ErrNotExist when there is no key.
func ReadKeyRing(dataDir string, getenv func(string) string) (*KeyRing, error) {
	return loadKeyRing(dataDir, getenv, false)
}

func loadKeyRing(dataDir string, getenv func(string) string, create bool) (*KeyRing, error) {
	env, envFile := getenv(EnvMasterKey), getenv(EnvMasterKeyFile)
	switch {
	case env != "" && envFile != "":
		return nil, fmt.Errorf("secret: set only one of %s and %s", EnvMasterKey, EnvMasterKeyFile)
	case env != "":
		return ringFromText([]byte(env), EnvMasterKey)
	case envFile != "":
		text, err := os.ReadFile(envFile)
		if err != nil {
			return nil, fmt.Errorf("secret: %s: %w", EnvMasterKeyFile, err)
		}
		return ringFromText(text, envFile)
	}
	if dataDir == "" {
		return nil, fmt.Errorf("secret: no data directory and no %s", EnvMasterKey)
	}
	path := filepath.Join(dataDir, KeyFileName)
	text, err := readKeyFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && create:
		text, err = createKeyFile(dataDir, path)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("secret: no master key: %s and %s are unset and %s does not exist: %w",
			EnvMasterKey, EnvMasterKeyFile, path, fs.ErrNotExist)
	}
	if err != nil {
		return nil, err
	}
	return ringFromText(text, path)
}

func ringFromText(text []byte, source string) (*KeyRing, error) {
	keys, current, err := ParseKeys(text)
	if err != nil {
		return nil, fmt.Errorf("secret: %s: %w", source, err)
	}
	return NewKeyRing(keys, current)
}

// ParseKeys parses key text: either one base64 key (standard or URL
// alphabet, padded or not; it is version 1), or entries "v<N>:<base64>"
// separated by newlines, commas or spaces, where lines starting with '#' are
// comments. The highest version is the current one.
func ParseKeys(text []byte) (map[uint32][]byte, uint32, error) {
	var fields []string
	for _, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields = append(fields, strings.FieldsFunc(line, func(r rune) bool {
			return r == ',' || r == ' ' || r == '\t' || r == '\r'
		})...)
	}
	if len(fields) == 0 {
		return nil, 0, errors.New("no key")
	}
	keys := make(map[uint32][]byte, len(fields))
	if len(fields) == 1 && !strings.Contains(fields[0], ":") {
		key, err := decodeKey(fields[0])
		if err != nil {
			return nil, 0, err
		}
		keys[1] = key
		return keys, 1, nil
	}
	var current uint32
	for _, f := range fields {
		ver, b64, ok := strings.Cut(f, ":")
		if !ok || !strings.HasPrefix(ver, "v") {
			return nil, 0, errors.New(`key entries must look like "v1:<base64>"`)
		}
		n, err := strconv.ParseUint(ver[1:], 10, 32)
		if err != nil || n == 0 {
			return nil, 0, fmt.Errorf("bad key version %q", ver)
		}
		if _, dup := keys[uint32(n)]; dup {
			return nil, 0, fmt.Errorf("key version %d given twice", n)
		}
		key, err := decodeKey(b64)
		if err != nil {
			return nil, 0, fmt.Errorf("key version %d: %w", n, err)
		}
		keys[uint32(n)] = key
		current = max(current, uint32(n))
	}
	return keys, current, nil
}

// FormatKeys renders keys as key text ("v<N>:<base64>" lines, ascending)
// that ParseKeys reads back.
func FormatKeys(keys map[uint32][]byte) []byte {
	vs := make([]uint32, 0, len(keys))
	for v := range keys {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	var b bytes.Buffer
	for _, v := range vs {
		fmt.Fprintf(&b, "v%d:%s\n", v, base64.StdEncoding.EncodeToString(keys[v]))
	}
	return b.Bytes()
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("key is %d bytes, want %d", len(key), KeySize)
			}
			return key, nil
		}
	}
	return nil, errors.New("key is not base64")
}

func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secret: key file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secret: key file %s has mode %v; it must be accessible by its owner only (chmod 600)", path, fi.Mode().Perm())
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret: key file: %w", err)
	}
	return text, nil
}

// createKeyFile writes a new random key file without ever replacing an
// existing one: the key goes to a temporary file that is synced and then
// hard-linked to its name, which fails if a concurrent first start won the
// race (its key is then read back instead).
func createKeyFile(dataDir, path string) ([]byte, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("secret: data directory: %w", err)
	}
	text := FormatKeys(map[uint32][]byte{1: RandomBytes(KeySize)})
	tmp, err := os.CreateTemp(dataDir, ".master.key-*")
	if err != nil {
		return nil, fmt.Errorf("secret: create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600 already; be explicit.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("secret: create key file: %w", err)
	}
	if _, err := tmp.Write(text); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("secret: write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("secret: sync key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("secret: close key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("secret: install key file: %w", err)
	}
	if dir, err := os.Open(dataDir); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	return text, nil
}
