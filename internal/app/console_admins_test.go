package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

var pendingPattern = regexp.MustCompile(`name="pending" value="([^"]+)"`)

// TestConsolePoolAdmins: with --console-user-pool-id, members of the
// pool's group admins sign in with their password and their TOTP code;
// others, wrong passwords and wrong codes are refused, and the audit log
// names the admin.
func TestConsolePoolAdmins(t *testing.T) {
	clk := newTestClock()
	s := newClockServer(t, "sqlite", clk)
	poolID := s.pool(nil)
	s.setMFA(poolID, types.UserPoolMfaTypeOptional, false, true, true)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "ops", "Correct-Horse-9")
	s.user(poolID, "eve", "Correct-Horse-9")
	result(s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")})).must(t)
	result(s.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins"), Username: aws.String("ops")})).must(t)
	tok := s.signIn(clientID, "ops", "Correct-Horse-9")
	secret := s.enrollTOTP(tok.AccessToken, clk.Now())
	result(s.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: aws.String("ops"),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})).must(t)

	// duo has two factors and no preference.
	s.user(poolID, "duo", "Correct-Horse-9", attr("email", "duo@example.com"), attr("email_verified", "true"))
	result(s.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins"), Username: aws.String("duo")})).must(t)
	duoSecret := s.enrollTOTP(s.signIn(clientID, "duo", "Correct-Horse-9").AccessToken, clk.Now())
	result(s.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: aws.String("duo"),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true},
		EmailMfaSettings:         &types.EmailMfaSettingsType{Enabled: true}})).must(t)
	if init := s.passwordInit(clientID, "duo", "Correct-Horse-9"); init.ChallengeName != types.ChallengeNameTypeSelectMfaType {
		t.Fatalf("duo's sign-in: %s, want SELECT_MFA_TYPE", init.ChallengeName)
	}

	// Restart with the pool as the console's admin pool.
	s.stop()
	cfg := s.cfg
	cfg.Console.UserPoolID, cfg.Console.ClientID = poolID, clientID
	cfg.RateLimits = "address:UserAuthentication=0.001/5"
	s = startClock(t, cfg, clk)
	clk.Advance(30 * time.Second)

	b := newConsoleBrowser(t, s.http.URL)
	if _, page := b.get("/console/signin"); !strings.Contains(page, "Administrator account") {
		t.Fatal("no sign-in form for pool admins")
	}
	signin := func(username, password string) (*http.Response, string) {
		return b.do("POST", "/console/signin", url.Values{"csrf": {b.csrf("/console/signin")}, "kind": {"pool"},
			"username": {username}, "password": {password}})
	}
	if res, page := signin("eve", "Correct-Horse-9"); res.StatusCode != http.StatusForbidden || !strings.Contains(page, "not a member") {
		t.Errorf("eve (no admin): %d", res.StatusCode)
	}
	if res, page := signin("ops", "Wrong-Horse-9"); res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "Incorrect username or password.") {
		t.Errorf("wrong password: %d", res.StatusCode)
	}
	res, page := signin("ops", "Correct-Horse-9")
	m := pendingPattern.FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("ops: %d, no code asked: %s", res.StatusCode, page)
	}
	pending := m[1]
	answer := func(code string) *http.Response {
		res, _ := b.do("POST", "/console/signin/mfa", url.Values{"csrf": {b.csrf("/console/signin")}, "pending": {pending}, "code": {code}})
		return res
	}
	code := totpCode(t, secret, clk.Now())
	if res := answer(wrongCode(code)); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong code: %d", res.StatusCode)
	}
	if res := answer(code); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/" {
		t.Fatalf("right code: %d", res.StatusCode)
	}
	if code, page := b.get("/console/audit?type=ConsoleSignIn"); code != http.StatusOK || !strings.Contains(page, "Admin="+poolID+"/ops") {
		t.Errorf("the audit log does not name the admin: %s", page)
	}
	// With two factors and no preference, the console asks for the app's code.
	duo := newConsoleBrowser(t, s.http.URL)
	res, page = duo.do("POST", "/console/signin", url.Values{"csrf": {duo.csrf("/console/signin")}, "kind": {"pool"},
		"username": {"duo"}, "password": {"Correct-Horse-9"}})
	m = pendingPattern.FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || m == nil || !strings.Contains(page, "authenticator app") {
		t.Fatalf("duo: %d, no TOTP code asked: %s", res.StatusCode, page)
	}
	res, _ = duo.do("POST", "/console/signin/mfa", url.Values{"csrf": {duo.csrf("/console/signin")}, "pending": {m[1]},
		"code": {totpCode(t, duoSecret, clk.Now())}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("duo's code: %d", res.StatusCode)
	}

	// Out of the group, out of the console, at the next request.
	result(s.idp.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins"), Username: aws.String("ops")})).must(t)
	if code, _ := b.get("/console/pools"); code != http.StatusSeeOther {
		t.Errorf("removed from admins, still signed in: %d", code)
	}
	// The console's sign-ins count against the address's rate limit:
	// four above, one more, and the sixth is refused unchecked.
	if res, _ := signin("eve", "Wrong-Horse-9"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("fifth sign-in: %d", res.StatusCode)
	}
	if res, page := signin("ops", "Correct-Horse-9"); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "Too many") {
		t.Errorf("sixth sign-in: %d", res.StatusCode)
	}
}
