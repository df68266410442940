package app_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// consoleBrowser is an operator's browser: a cookie jar, no redirects followed.
type consoleBrowser struct {
	t    testing.TB
	base string
	c    *http.Client
}

func newConsoleBrowser(t testing.TB, base string) *consoleBrowser {
	jar, _ := cookiejar.New(nil)
	return &consoleBrowser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *consoleBrowser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	return res, string(text)
}

func (b *consoleBrowser) get(path string) (int, string) {
	res, text := b.do("GET", path, nil)
	return res.StatusCode, text
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the forms of the page at path.
func (b *consoleBrowser) csrf(path string) string {
	b.t.Helper()
	_, text := b.get(path)
	m := csrfPattern.FindStringSubmatch(text)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s: %s", path, text)
	}
	return m[1]
}

// signInRoot signs the browser in with the root credentials.
func (b *consoleBrowser) signInRoot(id, key string) {
	b.t.Helper()
	res, _ := b.do("POST", "/console/signin", url.Values{"csrf": {b.csrf("/console/signin")}, "kind": {"root"},
		"access_key_id": {id}, "secret_access_key": {key}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/" {
		b.t.Fatalf("root sign-in: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestConsoleSignIn: the console asks for a sign-in, refuses wrong
// credentials and forms without their CSRF token, sets a strict HttpOnly
// cookie, forbids scripts, and a signed-out session's cookie is dead.
func TestConsoleSignIn(t *testing.T) {
	s := newServer(t, "sqlite")
	id, key := s.app.RootCredentials()
	b := newConsoleBrowser(t, s.http.URL)
	if res, _ := b.do("GET", "/console/", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/signin" {
		t.Fatalf("signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, page := b.do("GET", "/console/signin", nil)
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	if strings.Contains(page, "<script") {
		t.Error("the sign-in page has a script")
	}
	csrf := b.csrf("/console/signin")
	if res, _ := b.do("POST", "/console/signin", url.Values{"kind": {"root"}, "access_key_id": {id}, "secret_access_key": {key}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", res.StatusCode)
	}
	if res, text := b.do("POST", "/console/signin", url.Values{"csrf": {csrf}, "kind": {"root"}, "access_key_id": {id}, "secret_access_key": {key + "x"}}); res.StatusCode != http.StatusUnauthorized || !strings.Contains(text, "refused") {
		t.Errorf("wrong secret: %d", res.StatusCode)
	}
	res, _ = b.do("POST", "/console/signin", url.Values{"csrf": {csrf}, "kind": {"root"}, "access_key_id": {id}, "secret_access_key": {key}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("root sign-in: %d", res.StatusCode)
	}
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "cognate_console" && c.Value != "" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/console/" {
		t.Fatalf("session cookie %+v", session)
	}
	if code, text := b.get("/console/"); code != http.StatusOK || !strings.Contains(text, "Who owns this?") {
		t.Fatalf("home: %d", code)
	}
	// Signing out kills the cookie, also a copy kept elsewhere.
	if res, _ := b.do("POST", "/console/signout", url.Values{"csrf": {b.csrf("/console/")}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.StatusCode)
	}
	thief := newConsoleBrowser(t, s.http.URL)
	u, _ := url.Parse(s.http.URL + "/console/")
	thief.c.Jar.SetCookies(u, []*http.Cookie{{Name: session.Name, Value: session.Value}})
	if code, _ := thief.get("/console/pools"); code != http.StatusSeeOther {
		t.Errorf("a signed-out session's cookie still works: %d", code)
	}
}

// TestConsoleIdleTimeout: a session that makes no request for the idle
// timeout ends; one that does stays.
func TestConsoleIdleTimeout(t *testing.T) {
	clk := newTestClock()
	s := newClockServer(t, "sqlite", clk)
	id, key := s.app.RootCredentials()
	b := newConsoleBrowser(t, s.http.URL)
	b.signInRoot(id, key)
	clk.Advance(20 * time.Minute)
	if code, _ := b.get("/console/pools"); code != http.StatusOK {
		t.Fatalf("after 20 minutes: %d", code)
	}
	clk.Advance(20 * time.Minute)
	if code, _ := b.get("/console/pools"); code != http.StatusOK {
		t.Fatalf("20 minutes after the last request: %d", code)
	}
	clk.Advance(31 * time.Minute)
	if code, _ := b.get("/console/pools"); code != http.StatusSeeOther {
		t.Fatalf("31 idle minutes: %d, want the sign-in", code)
	}
}

// TestConsoleOwnerAndActions: the operator finds the owner of a private
// S3 folder, disables them (and the sign-in is refused), and every other
// action of the user page works, is refused without the CSRF token, and
// is recorded in the audit log under the admin's name.
func TestConsoleOwnerAndActions(t *testing.T) {
	forEachIDBackend(t, testConsoleOwnerAndActions)
}

func testConsoleOwnerAndActions(t *testing.T, s *idServer) {
	up := s.userPool()
	tok := s.idToken(up, "ann")
	idPool := s.identityPool(false, up)
	identityID, err := s.getID(idPool, map[string]string{awsKey(up.poolID): tok})
	if err != nil {
		t.Fatal(err)
	}
	rootID, rootKey := s.app.RootCredentials()
	b := newConsoleBrowser(t, s.http.URL)
	b.signInRoot(rootID, rootKey)

	code, page := b.get("/console/owner?q=" + url.QueryEscape("private/"+identityID+"/photo.jpg"))
	if code != http.StatusOK || !strings.Contains(page, ">ann</a>") || !strings.Contains(page, "ann@example.com") {
		t.Fatalf("who owns: %d %s", code, page)
	}
	sub := regexp.MustCompile(`/console/pools/[^/]+/users/([0-9a-f-]{36})`).FindStringSubmatch(page)
	if sub == nil {
		t.Fatal("no link to the user")
	}
	userPath := "/console/pools/" + up.poolID + "/users/" + sub[1]
	if code, page := b.get("/console/owner?q=private%2Fus-east-1%3A00000000-0000-0000-0000-000000000000%2Fx"); code != http.StatusNotFound || !strings.Contains(page, "not found") && !strings.Contains(page, "not") {
		t.Errorf("unknown identity: %d", code)
	}
	// Users search by identity id and by a ListUsers filter.
	if _, page := b.get("/console/pools/" + up.poolID + "/users?identity=" + url.QueryEscape(identityID)); !strings.Contains(page, ">ann</a>") {
		t.Error("search by identity id misses ann")
	}
	if _, page := b.get("/console/pools/" + up.poolID + "/users?filter=" + url.QueryEscape(`email ^= "ann"`)); !strings.Contains(page, ">ann</a>") {
		t.Error("filter search misses ann")
	}
	if code, _ := b.get("/console/pools/" + up.poolID + "/users?filter=" + url.QueryEscape(`bogus`)); code != http.StatusBadRequest {
		t.Errorf("bad filter: %d", code)
	}
	// The user page lists the identity with its history.
	if _, page := b.get(userPath); !strings.Contains(page, identityID) || !strings.Contains(page, "IdentityCreated") {
		t.Errorf("user page lacks the identity and its history")
	}

	csrf := b.csrf(userPath)
	if res, _ := b.do("POST", userPath+"/disable", url.Values{"csrf": {"forged"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("forged CSRF token: %d", res.StatusCode)
	}
	if _, err := s.idp.InitiateAuth(ctx, passwordAuth(up.clientID, "ann")); err != nil {
		t.Fatalf("a refused form changed the user: %v", err)
	}
	if res, _ := b.do("POST", userPath+"/disable", url.Values{"csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	_, err = s.idp.InitiateAuth(ctx, passwordAuth(up.clientID, "ann"))
	var na *types.NotAuthorizedException
	if !errors.As(err, &na) || !strings.Contains(na.ErrorMessage(), "disabled") {
		t.Fatalf("disabled user's sign-in: %v", err)
	}
	act := func(action string, form url.Values) {
		t.Helper()
		form.Set("csrf", csrf)
		if res, text := b.do("POST", userPath+"/"+action, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", action, res.StatusCode, text)
		}
	}
	act("enable", url.Values{})
	if _, err := s.idp.InitiateAuth(ctx, passwordAuth(up.clientID, "ann")); err != nil {
		t.Fatalf("enabled user's sign-in: %v", err)
	}
	result(s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &up.poolID, GroupName: aws.String("red")})).must(t)
	act("add-group", url.Values{"group": {"red"}})
	groups := result(s.idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &up.poolID, Username: aws.String("ann")})).must(t)
	if len(groups.Groups) != 1 || *groups.Groups[0].GroupName != "red" {
		t.Errorf("groups after add: %v", groups.Groups)
	}
	act("remove-group", url.Values{"group": {"red"}})
	act("attributes", url.Values{"name": {"name"}, "value": {"Ann Example"}})
	got := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("ann")})).must(t)
	if v, _ := attrValue(got.UserAttributes, "name"); v != "Ann Example" {
		t.Errorf("name = %q", v)
	}
	tokens := result(s.idp.InitiateAuth(ctx, passwordAuth(up.clientID, "ann"))).must(t)
	act("sign-out", url.Values{})
	if _, err := s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tokens.AuthenticationResult.AccessToken}); err == nil {
		t.Error("access token works after sign out everywhere")
	}
	act("attributes", url.Values{"name": {"email_verified"}, "value": {"true"}})
	act("reset-password", url.Values{})
	if got := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("ann")})).must(t); got.UserStatus != types.UserStatusTypeResetRequired {
		t.Errorf("status after reset = %s", got.UserStatus)
	}

	// The audit log names the admin; the CSV has the same.
	_, page = b.get("/console/audit?type=ConsoleUserDisabled")
	if !strings.Contains(page, ">ConsoleUserDisabled</td>") || !strings.Contains(page, "Admin=root") || strings.Contains(page, ">ConsoleUserEnabled</td>") {
		t.Errorf("audit by type: %s", page)
	}
	if _, page := b.get("/console/audit?pool=" + up.poolID + "&sub=ann&type=ConsoleUserEnabled"); !strings.Contains(page, ">ConsoleUserEnabled</td>") {
		t.Error("audit by username misses ann's events")
	}
	if code, _ := b.get("/console/audit?pool=" + up.poolID + "&sub=nobody"); code != http.StatusBadRequest {
		t.Errorf("audit of an unknown username: %d", code)
	}
	res, csv := b.do("GET", "/console/audit.csv?pool="+up.poolID+"&sub="+sub[1], nil)
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv, "ConsoleUserEnabled") || !strings.Contains(csv, "ConsoleUserPasswordReset") {
		t.Errorf("CSV: %s", csv)
	}

	// Create, invite and delete through the console.
	res, _ = b.do("POST", "/console/pools/"+up.poolID+"/users", url.Values{"csrf": {csrf}, "username": {"bob"}, "email": {"bob@example.com"}, "invite": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	if !strings.Contains(s.lastMessage(), "bob") {
		t.Error("no invitation for bob")
	}
	bobPath := res.Header.Get("Location")
	bobPath = bobPath[:strings.Index(bobPath, "?")]
	if res, _ := b.do("POST", bobPath+"/delete", url.Values{"csrf": {csrf}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if _, err := s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("bob")}); err == nil {
		t.Error("bob survived his deletion")
	}

	// Confirm a sign-up; delete an attribute.
	result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &up.clientID, Username: aws.String("cal"), Password: aws.String("Correct-Horse-9"),
		UserAttributes: []types.AttributeType{attr("email", "cal@example.com"), attr("name", "Cal")}})).must(t)
	cal, _ := attrValue(result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("cal")})).must(t).UserAttributes, "sub")
	calPath := "/console/pools/" + up.poolID + "/users/" + cal
	if _, page := b.get(calPath); !strings.Contains(page, "/confirm") {
		t.Error("no Confirm action for an unconfirmed user")
	}
	for _, a := range []struct {
		action string
		form   url.Values
	}{{"confirm", url.Values{}}, {"attributes", url.Values{"name": {"name"}, "value": {""}}}} {
		a.form.Set("csrf", csrf)
		if res, text := b.do("POST", calPath+"/"+a.action, a.form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", a.action, res.StatusCode, text)
		}
	}
	got = result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &up.poolID, Username: aws.String("cal")})).must(t)
	if _, has := attrValue(got.UserAttributes, "name"); got.UserStatus != types.UserStatusTypeConfirmed || has {
		t.Errorf("cal after confirm and deleting name: %s, name kept: %v", got.UserStatus, has)
	}

	// Every page renders.
	for _, p := range []string{"/console/", "/console/pools", "/console/pools/" + up.poolID, "/console/identity-pools",
		"/console/identity-pools/" + idPool, "/console/identities/" + identityID, "/console/audit"} {
		if code, text := b.get(p); code != http.StatusOK {
			t.Errorf("%s: %d %s", p, code, text)
		}
	}
}

func passwordAuth(clientID, username string) *cip.InitiateAuthInput {
	return &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: &clientID,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": "Correct-Horse-9"}}
}

// TestConsolePools: pools, settings, app clients and groups made through
// the console are what the API then describes; the settings form keeps
// the settings it does not show; a client's secret is shown once.
func TestConsolePools(t *testing.T) {
	s := newServer(t, "sqlite")
	id, key := s.app.RootCredentials()
	b := newConsoleBrowser(t, s.http.URL)
	b.signInRoot(id, key)
	csrf := b.csrf("/console/pools")
	res, text := b.do("POST", "/console/pools", url.Values{"csrf": {csrf}, "name": {"staff"}, "region": {"us-east-1"}, "email_sign_in": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create pool: %d %s", res.StatusCode, text)
	}
	poolID := strings.TrimPrefix(strings.Split(res.Header.Get("Location"), "?")[0], "/console/pools/")
	if !strings.HasPrefix(poolID, "us-east-1_") {
		t.Fatalf("pool id %q", poolID)
	}
	res, text = b.do("POST", "/console/pools/"+poolID+"/settings", url.Values{"csrf": {csrf}, "mfa": {"OFF"},
		"deletion_protection": {"ACTIVE"}, "min_length": {"12"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d %s", res.StatusCode, text)
	}
	p := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID})).must(t).UserPool
	if aws.ToString(p.Name) != "staff" || p.DeletionProtection != types.DeletionProtectionTypeActive ||
		aws.ToInt32(p.Policies.PasswordPolicy.MinimumLength) != 12 || len(p.AutoVerifiedAttributes) != 1 || len(p.UsernameAttributes) != 1 {
		t.Errorf("pool after the settings form: %+v", p)
	}
	if res, _ := b.do("POST", "/console/pools/"+poolID+"/settings", url.Values{"csrf": {csrf}, "min_length": {"many"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad length: %d", res.StatusCode)
	}
	res, page := b.do("POST", "/console/pools/"+poolID+"/clients", url.Values{"csrf": {csrf}, "name": {"web"}, "secret": {"1"}})
	m := regexp.MustCompile(`<code class="big">([^<]+)</code>`).FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create client: %d, no secret shown", res.StatusCode)
	}
	clients := result(s.idp.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: &poolID})).must(t).UserPoolClients
	if len(clients) != 1 {
		t.Fatalf("clients: %v", clients)
	}
	c := result(s.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: clients[0].ClientId})).must(t)
	if aws.ToString(c.UserPoolClient.ClientSecret) != m[1] {
		t.Error("the secret shown is not the client's")
	}
	if _, page := b.get("/console/pools/" + poolID); strings.Contains(page, m[1]) {
		t.Error("the secret is shown again")
	}
	if res, _ := b.do("POST", "/console/pools/"+poolID+"/groups", url.Values{"csrf": {csrf}, "name": {"admins"}, "description": {"Operators"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create group: %d", res.StatusCode)
	}
	g := result(s.idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")})).must(t)
	if aws.ToString(g.Group.Description) != "Operators" {
		t.Errorf("group: %+v", g.Group)
	}
	if _, page := b.get("/console/audit?type=ConsoleAppClientCreated"); !strings.Contains(page, "ClientId="+aws.ToString(clients[0].ClientId)) {
		t.Error("no audit event for the client")
	}
}
