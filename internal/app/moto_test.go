package app_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// moto is one moto_server (moto's S3, a stand-in for any S3-compatible
// store) shared by the tests of this package; each test uses its own
// bucket.
var moto struct {
	once sync.Once
	url  string
	err  error
}

// motoURL starts moto_server once and returns its endpoint. Without
// moto_server the test is skipped, unless COGNATE_TEST_S3=1 (CI) makes
// the gateway tests mandatory.
func motoURL(t testing.TB) string {
	t.Helper()
	moto.once.Do(func() {
		path, err := exec.LookPath("moto_server")
		if err != nil {
			moto.err = err
			return
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			moto.err = err
			return
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		cmd := exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
		cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=true")
		if err := cmd.Start(); err != nil {
			moto.err = err
			return
		}
		// The process outlives the tests by at most the binary's life:
		// it is killed when the test binary exits (process group of go
		// test), and explicitly below on timeout.
		url := fmt.Sprintf("http://127.0.0.1:%d", port)
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			resp, err := http.Get(url + "/")
			if err == nil {
				resp.Body.Close()
				moto.url = url
				motoProcess = cmd.Process
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		_ = cmd.Process.Kill()
		moto.err = fmt.Errorf("moto_server did not answer on %s", url)
	})
	if moto.err != nil {
		if os.Getenv("COGNATE_TEST_S3") == "1" {
			t.Fatalf("moto_server: %v (COGNATE_TEST_S3=1 requires it)", moto.err)
		}
		t.Skipf("moto_server: %v (set COGNATE_TEST_S3=1 to require it)", moto.err)
	}
	return moto.url
}

// motoProcess is the moto_server motoURL started, killed when the tests end.
var motoProcess *os.Process

func TestMain(m *testing.M) {
	code := m.Run()
	if motoProcess != nil {
		_ = motoProcess.Kill()
		_, _ = motoProcess.Wait()
	}
	os.Exit(code)
}
