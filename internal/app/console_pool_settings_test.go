package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestConsolePoolSettings: the pool page's forms (with their CSRF token)
// change the sign-in attributes, remove and change custom attributes and
// make an attribute required on a populated pool, show what the change
// did, and are audited naming the admin.
func TestConsolePoolSettings(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
		{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
		{Name: aws.String("level"), AttributeDataType: types.AttributeDataTypeNumber, Mutable: aws.Bool(true)},
	}})
	clientID, _ := s.appClient(poolID, false)
	const pw = "Correct-Horse-9"
	s.user(poolID, "ann", pw, attr("email", "ann@example.com"), attr("email_verified", "true"), attr("custom:tier", "gold"), attr("custom:level", "7"))
	id, key := s.app.RootCredentials()
	b := newConsoleBrowser(t, s.http.URL)
	b.signInRoot(id, key)
	page := "/console/pools/" + poolID
	csrf := b.csrf(page)
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		res, text := b.do("POST", page+path, form)
		return res.StatusCode, text
	}
	if _, text := b.get(page); !strings.Contains(text, `action="/console/pools/`+poolID+`/signin-settings"`) || !strings.Contains(text, "<code>custom:tier</code>") {
		t.Fatalf("the pool page lacks the settings forms: %s", text)
	}

	// Without the CSRF token nothing changes.
	if code, _ := post("/signin-settings", url.Values{"alias_attribute": {"email"}}); code != http.StatusForbidden {
		t.Fatalf("a form without CSRF: %d", code)
	}
	code, text := post("/signin-settings", url.Values{"csrf": {csrf}, "alias_attribute": {"email"}, "case_sensitive": {"1"}})
	if code != http.StatusOK || !strings.Contains(text, "1 users re-keyed") {
		t.Fatalf("sign-in settings: %d %s", code, text)
	}
	s.signIn(clientID, "ann@example.com", pw)
	code, text = post("/signin-settings", url.Values{"csrf": {csrf}, "alias_attribute": {"email"}})
	if code != http.StatusOK || !strings.Contains(text, "Usernames are now case-insensitive: 1 users re-keyed") {
		t.Fatalf("case-insensitive: %d %s", code, text)
	}
	s.signIn(clientID, "ANN@example.com", pw)

	if code, _ := post("/attributes", url.Values{"csrf": {csrf}, "action": {"delete"}, "name": {"custom:tier"}}); code != http.StatusBadRequest {
		t.Fatalf("a removal without confirmation: %d", code)
	}
	code, text = post("/attributes", url.Values{"csrf": {csrf}, "action": {"delete"}, "name": {"custom:tier"}, "confirm": {"1"}})
	if code != http.StatusOK || !strings.Contains(text, "custom:tier removed: from 1 users") {
		t.Fatalf("remove: %d %s", code, text)
	}
	if _, ok := getAttr(t, s, poolID, "ann", "custom:tier"); ok {
		t.Fatal("ann keeps custom:tier")
	}
	code, text = post("/attributes", url.Values{"csrf": {csrf}, "action": {"update"}, "name": {"custom:level"}, "min": {"10"}, "mutable": {"no"}})
	if code != http.StatusOK || !strings.Contains(text, "1 users hold a value outside the new constraints (ann)") {
		t.Fatalf("update: %d %s", code, text)
	}
	d := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})).must(t).UserPool
	if a, _ := attrSchema(d.SchemaAttributes, "custom:level"); aws.ToBool(a.Mutable) || a.NumberAttributeConstraints == nil ||
		aws.ToString(a.NumberAttributeConstraints.MinValue) != "10" {
		t.Fatalf("custom:level after the form: %+v", a)
	}
	code, text = post("/attributes", url.Values{"csrf": {csrf}, "action": {"required"}, "name": {"given_name"}})
	if code != http.StatusOK || !strings.Contains(text, "given_name is required: 1 users lack it (ann)") ||
		!strings.Contains(text, "Required now: <code>given_name</code>") {
		t.Fatalf("required: %d %s", code, text)
	}
	// A refusal is shown with its reason.
	code, text = post("/signin-settings", url.Values{"csrf": {csrf}, "alias_attribute": {"email"}, "username_attribute": {"email"}})
	if code != http.StatusBadRequest || !strings.Contains(text, "Only one of AliasAttributes and UsernameAttributes") {
		t.Fatalf("both lists: %d %s", code, text)
	}
	if _, text := b.get("/console/audit?type=ConsoleCustomAttributeDeleted"); !strings.Contains(text, "Name=custom:tier") {
		t.Errorf("no console audit event for the removal: %s", text)
	}
}
