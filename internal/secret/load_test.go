package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadKeyRingCreatesAndReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := LoadKeyRing(dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("data dir mode %v, want 0700", di.Mode().Perm())
	}
	sealed := k1.Seal([]byte("x"), nil)
	k2, err := LoadKeyRing(dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k2.Open(sealed, nil); err != nil || string(got) != "x" {
		t.Fatalf("second load uses another key: %v", err)
	}
	if k2.Current() != 1 {
		t.Fatalf("Current = %d", k2.Current())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("data dir holds %d entries, want only the key file", len(entries))
	}
}

func TestLoadKeyRingConcurrentFirstStart(t *testing.T) {
	dir := t.TempDir()
	rings := make([]*KeyRing, 8)
	var wg sync.WaitGroup
	for i := range rings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := LoadKeyRing(dir, envOf(nil))
			if err != nil {
				t.Error(err)
			}
			rings[i] = r
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	sealed := rings[0].Seal([]byte("x"), nil)
	for i, r := range rings {
		if _, err := r.Open(sealed, nil); err != nil {
			t.Fatalf("ring %d has a different key", i)
		}
	}
}

func TestLoadKeyRingRefusesLooseMode(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadKeyRing(dir, envOf(nil)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, KeyFileName), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyRing(dir, envOf(nil)); err == nil {
		t.Fatal("loaded a world-readable key file")
	}
}

func TestLoadKeyRingFromEnv(t *testing.T) {
	key := bytes.Repeat([]byte{9}, KeySize)
	b64 := base64.StdEncoding.EncodeToString(key)
	want := mustRing(t, map[uint32][]byte{1: key}, 1)
	sealed := want.Seal([]byte("x"), nil)

	file := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(file, []byte("# comment\nv1:"+b64+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"plain std base64", map[string]string{EnvMasterKey: b64}},
		{"plain url base64 unpadded", map[string]string{EnvMasterKey: base64.RawURLEncoding.EncodeToString(key)}},
		{"versioned", map[string]string{EnvMasterKey: "v1:" + b64}},
		{"file", map[string]string{EnvMasterKeyFile: file}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := LoadKeyRing(dir, envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := k.Open(sealed, nil); err != nil {
				t.Fatal("ring from env has another key")
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !os.IsNotExist(err) {
		t.Fatal("a key file was created although the key came from the environment")
	}
}

func TestLoadKeyRingEnvErrors(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, KeySize))
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"both set", map[string]string{EnvMasterKey: b64, EnvMasterKeyFile: "/x"}},
		{"short", map[string]string{EnvMasterKey: base64.StdEncoding.EncodeToString([]byte("short"))}},
		{"not base64", map[string]string{EnvMasterKey: "*not base64*"}},
		{"bad version", map[string]string{EnvMasterKey: "vx:" + b64}},
		{"version zero", map[string]string{EnvMasterKey: "v0:" + b64}},
		{"duplicate version", map[string]string{EnvMasterKey: "v1:" + b64 + ",v1:" + b64}},
		{"missing file", map[string]string{EnvMasterKeyFile: "/nonexistent/key"}},
		{"only comments", map[string]string{EnvMasterKey: "# nothing\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := LoadKeyRing(t.TempDir(), envOf(tt.env)); err == nil {
				t.Fatal("LoadKeyRing succeeded")
			}
		})
	}
}

func TestParseKeysRotation(t *testing.T) {
	keys := map[uint32][]byte{1: testKey(1), 3: testKey(3), 2: testKey(2)}
	text := FormatKeys(keys)
	got, current, err := ParseKeys(text)
	if err != nil {
		t.Fatal(err)
	}
	if current != 3 || len(got) != 3 || !bytes.Equal(got[2], testKey(2)) {
		t.Fatalf("ParseKeys(%q) = %d keys, current %d", text, len(got), current)
	}
	// Comma and space separated entries, as one env value.
	one := "v2:" + base64.StdEncoding.EncodeToString(testKey(2)) + ", v5:" + base64.StdEncoding.EncodeToString(testKey(5))
	if _, current, err := ParseKeys([]byte(one)); err != nil || current != 5 {
		t.Fatalf("ParseKeys(list) = current %d, %v", current, err)
	}
}

func TestReadKeyRingCreatesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := ReadKeyRing(dir, envOf(nil)); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), EnvMasterKey) {
		t.Fatalf("ReadKeyRing without a key = %v, want fs.ErrNotExist naming %s", err, EnvMasterKey)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadKeyRing created the data directory (%v)", err)
	}
	made, err := LoadKeyRing(dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	read, err := ReadKeyRing(dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := read.Open(made.Seal([]byte("x"), nil), nil); err != nil {
		t.Fatal("ReadKeyRing read another key than LoadKeyRing made")
	}
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, KeySize))
	if _, err := ReadKeyRing(filepath.Join(t.TempDir(), "none"), envOf(map[string]string{EnvMasterKey: key})); err != nil {
		t.Fatalf("ReadKeyRing with %s: %v", EnvMasterKey, err)
	}
}
