package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestBackupUnderLoad: `cognate backup` taken while writers create users
// holds every user whose creation was acknowledged before the backup
// began; `cognate restore` into another data directory (with the master
// key copied beside it) gives a server that serves them, a user's password
// included.
func TestBackupUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the cognate binary")
	}
	ctx := t.Context()
	bin := buildCognate(t)
	dataDir := t.TempDir()
	srv := startCognate(t, bin, dataDir, "")
	idp := srv.client(srv.accessKeyID, srv.secretAccessKey)
	pool := result(idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("backed-up")})).must(t).UserPool
	client := result(idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: pool.Id, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})).must(t).UserPoolClient
	result(idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String(durableUser),
		MessageAction: types.MessageActionTypeSuppress})).must(t)
	result(idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool.Id, Username: aws.String(durableUser),
		Password: aws.String(durablePassword), Permanent: true})).must(t)

	// Writers create users until told to stop, noting when each creation
	// was acknowledged.
	var mu sync.Mutex
	acked := map[string]time.Time{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("writer%d-%05d", w, i)
				_, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool.Id, Username: aws.String(name),
					MessageAction: types.MessageActionTypeSuppress})
				if err != nil {
					t.Errorf("AdminCreateUser %s: %v", name, err)
					return
				}
				mu.Lock()
				acked[name] = time.Now()
				mu.Unlock()
			}
		}()
	}
	ackCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	waitAcks := func(n int) {
		for deadline := time.Now().Add(60 * time.Second); ackCount() < n && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitAcks(8)
	file := filepath.Join(t.TempDir(), "cognate.backup")
	began := time.Now()
	var out bytes.Buffer
	cmd := exec.Command(bin, "backup", "--data-dir", dataDir, file)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("cognate backup: %v\n%s", err, out.String())
	}
	waitAcks(ackCount() + 4) // writes go on after the backup
	close(stop)
	wg.Wait()
	srv.kill()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v, want 0600", fi.Mode().Perm())
	}
	var before []string
	for name, at := range acked {
		if at.Before(began) {
			before = append(before, name)
		}
	}
	if len(before) < 8 || len(before) == len(acked) {
		t.Fatalf("%d of %d writes acknowledged before the backup: the load did not overlap it", len(before), len(acked))
	}

	restored := t.TempDir()
	cmd = exec.Command(bin, "restore", "--data-dir", restored, file)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("cognate restore: %v\n%s", err, out.String())
	}
	key, err := os.ReadFile(filepath.Join(dataDir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, "master.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	again := startCognate(t, bin, restored, "")
	idp = again.client(srv.accessKeyID, srv.secretAccessKey)
	for _, name := range before {
		if _, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool.Id, Username: aws.String(name)}); err != nil {
			t.Errorf("%s, acknowledged before the backup began, is not in it: %v", name, err)
		}
	}
	signIn(t, idp, *client.ClientId)
	t.Logf("%d users acknowledged before the backup began, %d in all", len(before), len(acked))
	again.kill()

	// The restored server's pool moves on to a third data directory with
	// cognate export and import; the user signs in there as before.
	keyFile := filepath.Join(t.TempDir(), "export.key")
	_ = os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))+"\n"), 0o600)
	exported := filepath.Join(t.TempDir(), "pools.jsonl")
	third := t.TempDir()
	for _, args := range [][]string{
		{"export", "--data-dir", restored, "--out", exported, "--seal-key-file", keyFile, "--user-pool-id", *pool.Id, "--signing-keys"},
		{"import", "--data-dir", third, "--in", exported, "--seal-key-file", keyFile},
	} {
		msg, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil || !strings.Contains(string(msg), "user") {
			t.Fatalf("cognate %s: %v %s", args[0], err, msg)
		}
	}
	moved := startCognate(t, bin, third, "")
	idp = moved.client(moved.accessKeyID, moved.secretAccessKey)
	signIn(t, idp, *client.ClientId)
	users := result(idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pool.Id})).must(t).Users
	if len(users) == 0 {
		t.Fatal("no users after the import")
	}

	// A restore refuses a file that is not a Cognate database.
	junk := filepath.Join(t.TempDir(), "junk")
	_ = os.WriteFile(junk, []byte(strings.Repeat("x", 4096)), 0o600)
	cmd = exec.Command(bin, "restore", "--data-dir", t.TempDir(), junk)
	if msg, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(msg), "not a") {
		t.Fatalf("restore of junk: %v %s", err, msg)
	}
}
