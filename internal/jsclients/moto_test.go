package jsclients_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"
)

// startMoto runs moto_server (moto's S3, the store behind the S3 gateway
// in the gateway tests) on a free port until the test ends and returns its
// endpoint; "" when moto_server is not installed and COGNATE_TEST_S3 is
// not 1 (then the gateway tests skip).
func startMoto(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("COGNATE_TEST_S3") == "1" {
			t.Fatalf("moto_server is not on PATH (COGNATE_TEST_S3=1 requires it): %v", err)
		}
		t.Logf("moto_server is not on PATH: the S3 gateway tests will skip")
		return ""
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/"); err == nil {
			resp.Body.Close()
			return url
		}
	}
	t.Fatalf("moto_server did not answer on %s in 60 s", url)
	return ""
}
