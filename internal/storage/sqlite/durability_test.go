package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// TestAcknowledgedWritesSurviveKill: a process that writes pools and prints
// each id once Create has returned is killed (SIGKILL) in the middle of its
// writes, with the background checkpointer running; every pool it printed
// is in the database when it is opened again, recovered from a WAL that
// no commit checkpointed. (A kill leaves the page cache to the kernel, so
// this does not test synchronous = FULL's fsync, only that a write is
// acknowledged after its commit and that the WAL recovers.)
func TestAcknowledgedWritesSurviveKill(t *testing.T) {
	if path := os.Getenv("COGNATE_TEST_KILL_WRITER"); path != "" {
		killedWriter(path)
		return
	}
	path := filepath.Join(t.TempDir(), "cognate.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcknowledgedWritesSurviveKill$")
	cmd.Env = append(os.Environ(), "COGNATE_TEST_KILL_WRITER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	lines := bufio.NewScanner(out)
	for len(acked) < 300 && lines.Scan() {
		acked = append(acked, lines.Text())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() { // printed before the kill landed: acknowledged too
		acked = append(acked, lines.Text())
	}
	_ = cmd.Wait()
	if len(acked) < 300 {
		t.Fatalf("the writer acknowledged %d writes before it ended, want 300", len(acked))
	}

	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range acked {
		if _, err := db.Pools().Get(context.Background(), id); err != nil {
			t.Fatalf("pool %s, acknowledged before the kill: %v", id, err)
		}
	}
}

// killedWriter writes pools until it is killed, printing each id once its
// write returned; every 50th write is a large transaction, so that
// checkpoints run while it writes.
func killedWriter(path string) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	now := time.Now()
	for i := 0; ; i++ {
		id := fmt.Sprintf("us-east-1_kill%d", i)
		p := storage.Pool{ID: id, Name: id, Region: "us-east-1", Config: []byte("{}"), CreatedAt: now, UpdatedAt: now}
		if i%50 == 0 {
			p.Config = []byte(`{"pad":"` + strings.Repeat("x", 1<<20) + `"}`)
		}
		if err := db.Pools().Create(ctx, p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(id)
	}
}
