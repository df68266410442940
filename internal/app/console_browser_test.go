package app_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestConsoleInChromium runs clients/js/browser/console's test: in
// headless Chromium an operator signs in to the console, finds the owner
// of private/<identity id>/photo.jpg, and disables them; then the user's
// sign-in through aws-sdk-go-v2 is refused. The test also captures every
// page into docs/console/. Without node, npm or chromium it is skipped,
// unless COGNATE_TEST_BROWSER=1 makes it mandatory.
func TestConsoleInChromium(t *testing.T) {
	node, chromium, pkg := browserTools(t, "browser", "playwright-core")
	s := newIDServer(t, "sqlite")
	up := s.userPool()
	tok := s.idToken(up, "ann")
	idPool := s.identityPool(false, up)
	identityID, err := s.getID(idPool, map[string]string{awsKey(up.poolID): tok})
	if err != nil {
		t.Fatal(err)
	}
	result(s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &up.poolID, GroupName: aws.String("editors"),
		Description: aws.String("People who edit")})).must(t)
	result(s.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &up.poolID, GroupName: aws.String("editors"),
		Username: aws.String("ann")})).must(t)
	s.idToken(up, "bea")
	if _, err := s.idp.InitiateAuth(ctx, passwordAuth(up.clientID, "ann")); err != nil {
		t.Fatalf("ann's sign-in before: %v", err)
	}

	id, key := s.app.RootCredentials()
	cmdCtx, stop := context.WithTimeout(context.Background(), 5*time.Minute)
	defer stop()
	cmd := exec.CommandContext(cmdCtx, node, "--test", "console/")
	cmd.Dir = pkg
	cmd.Env = append(os.Environ(), "COGNATE_ENDPOINT="+s.http.URL, "ACCESS_KEY_ID="+id, "SECRET_ACCESS_KEY="+key,
		"S3_KEY=private/"+identityID+"/photo.jpg", "USERNAME=ann", "POOL_ID="+up.poolID,
		"IDENTITY_POOL_ID="+idPool, "CHROMIUM="+chromium)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, os.Stdout), io.MultiWriter(&out, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("node --test: %v", err)
	}
	if !strings.Contains(out.String(), "# pass 1") {
		t.Fatalf("the browser test did not pass:\n%s", out.String())
	}
	_, err = s.idp.InitiateAuth(ctx, passwordAuth(up.clientID, "ann"))
	var na *types.NotAuthorizedException
	if !errors.As(err, &na) || na.ErrorMessage() != "User is disabled." {
		t.Fatalf("ann's sign-in after the console disabled her: %v", err)
	}
}
