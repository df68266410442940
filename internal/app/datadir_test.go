package app_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestDataDirIsPrivate checks that a data directory created beforehand
// with 0755, and everything Cognate keeps in it (the SQLite database, its
// -wal and -shm, the master key, the outbox and its messages), end up
// accessible by their owner only, whatever the umask; and that a start
// tightens again what was loosened since.
func TestDataDirIsPrivate(t *testing.T) {
	old := syscall.Umask(0) // the loosest umask: nothing is taken away
	defer syscall.Umask(old)
	cfg := newConfig(t, "sqlite")
	if err := os.Chmod(cfg.DataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	use := func() {
		s := start(t, cfg)
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.signUpCode(clientID, "una", attr("email", "una@example.com")) // a message in the outbox
		result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("una")})).must(t)
		checkPrivate(t, cfg.DataDir)
		s.stop()
	}
	use()
	// Loosen everything, as a copy or an older Cognate might have.
	_ = filepath.WalkDir(cfg.DataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		mode := fs.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		if d.Name() != "master.key" { // a loose key file is refused, not fixed
			_ = os.Chmod(path, mode)
		}
		return nil
	})
	use()
}

// checkPrivate fails unless dir and every directory under it has mode 0700
// and every file 0600, and the files Cognate keeps there exist.
func checkPrivate(t *testing.T, dir string) {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		seen[rel] = true
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", rel, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{".", "cognate.db", "cognate.db-wal", "cognate.db-shm", "master.key", "outbox"} {
		if !seen[f] {
			t.Errorf("%s is missing from the data directory", f)
		}
	}
}
