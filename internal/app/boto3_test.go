package app_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cognate-dev/cognate/internal/app"
)

// TestBoto3AndCLI drives IAM and STS with boto3 and the AWS CLI
// (testdata/boto3_sts_iam.py). It is skipped when python3 with boto3 or
// the aws command is missing.
func TestBoto3AndCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 with boto3 not installed")
	}
	is := newOIDCIssuer(t)
	f := startWith(t, "sqlite", app.WithHTTPClient(is.srv.Client()))
	id, key := f.app.RootCredentials()
	cmd := exec.Command("python3", "testdata/boto3_sts_iam.py")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env,
		"COGNATE_ENDPOINT="+f.http.URL,
		"AWS_ACCESS_KEY_ID="+id, "AWS_SECRET_ACCESS_KEY="+key,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_DEFAULT_REGION=us-east-1",
		"ISSUER_URL="+is.url(), "PROVIDER_KEY="+is.providerKey(),
		"GOOD_TOKEN="+is.token(t, map[string]any{"sub": "user-1", "aud": "my-app"}, nil),
		"WRONG_AUDIENCE_TOKEN="+is.token(t, map[string]any{"sub": "user-1", "aud": "other"}, nil),
	)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "OK") {
		t.Fatalf("boto3/CLI script: %v\n%s", err, out)
	}
}
