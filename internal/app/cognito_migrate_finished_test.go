package app_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/app"
)

// TestMigrateFromCognitoDeletedAfterFinish: a copied user deleted here
// after --finish stays deleted when the copy is run again (which turns
// the lazy migration on again): the pool records deletions for as long
// as it was ever copied, not only while it migrates.
func TestMigrateFromCognitoDeletedAfterFinish(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testMigrateFromCognitoDeletedAfterFinish(t, backend) })
	}
}

func testMigrateFromCognitoDeletedAfterFinish(t *testing.T, backend string) {
	old := newOldCognito(t)
	s := startRP(t, backend, nil)
	old.migrate(t, s, old.pool)
	s.stop()
	if err := app.FinishCognitoMigration(ctx, s.cfg, func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)), "", io.Discard); err != nil {
		t.Fatal(err)
	}
	s = start(t, s.cfg)
	result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &old.pool, Username: aws.String("bob")})).must(t)
	s.stop()
	counts := old.migrate(t, s, old.pool)
	if counts["users skipped (deleted here)"] != 1 || counts["users"] != 0 {
		t.Errorf("copy after --finish and a deletion: %s", counts)
	}
	s = start(t, s.cfg)
	_, err := s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &old.pool, Username: aws.String("bob")})
	wantCode(t, err, "UserNotFoundException", "")
	// Nor does bob's old password bring him back, now that the copy has
	// turned the migration on again.
	_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": "Bob-pass-123", "SECRET_HASH": secretHash(old.webSecret, "bob", old.web)}})
	if err == nil {
		t.Error("bob signed in after his deletion")
	}
}

// TestMigrateFromCognitoMembershipsRerun: a copy run adds old group
// memberships to the users it copies, never to a user it left as found:
// alice, removed from admins here after the first run, is not put back
// (a revoked privilege stays revoked), and dave, a name created on the
// old pool in admins after the first run and taken here meanwhile by
// someone else (another sub), does not make that someone an admin.
func TestMigrateFromCognitoMembershipsRerun(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testMigrateFromCognitoMembershipsRerun(t, backend) })
	}
}

func testMigrateFromCognitoMembershipsRerun(t *testing.T, backend string) {
	old := newOldCognito(t)
	s := startRP(t, backend, nil)
	old.migrate(t, s, old.pool)
	groupsOf := func(name string) []string {
		t.Helper()
		out := result(s.idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &old.pool, Username: aws.String(name)})).must(t)
		var names []string
		for _, g := range out.Groups {
			names = append(names, *g.GroupName)
		}
		return names
	}
	if g := groupsOf("alice"); len(g) != 1 {
		t.Fatalf("alice after the first run: %v", g)
	}
	result(s.idp.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: &old.pool, GroupName: aws.String("admins"),
		Username: aws.String("alice")})).must(t)
	old.user(old.pool, "dave", "Dave-pass-123", attr("email", "dave@example.com"))
	result(old.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &old.pool, GroupName: aws.String("admins"),
		Username: aws.String("dave")})).must(t)
	s.user(old.pool, "dave", "Other-dave-12", attr("email", "other-dave@example.com"))
	// erin, new on the old pool and in admins, is copied with her membership.
	old.user(old.pool, "erin", "Erin-pass-123", attr("email", "erin@example.com"))
	result(old.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &old.pool, GroupName: aws.String("admins"),
		Username: aws.String("erin")})).must(t)

	counts := old.migrate(t, s, old.pool)
	for name, want := range map[string]int{"alice": 0, "dave": 0, "erin": 1} {
		if g := groupsOf(name); len(g) != want {
			t.Errorf("%s after the second run: groups %v, want %d", name, g, want)
		}
	}
	if counts["users"] != 1 || counts["memberships"] != 1 || counts["users skipped (name taken here)"] != 1 || counts["users existing"] != 2 {
		t.Errorf("second run: %s", counts)
	}
}

// TestMigrateFromCognitoUIRerun: a copy run leaves a managed login CSS set
// here since the first run as it is, as it leaves every record it finds.
func TestMigrateFromCognitoUIRerun(t *testing.T) {
	old := newOldCognito(t)
	s := startRP(t, "sqlite", nil)
	old.migrate(t, s, old.pool)
	const css = ".banner-customizable { background-color: #654321; }"
	result(s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &old.pool, CSS: aws.String(css)})).must(t)
	if counts := old.migrate(t, s, old.pool); counts["UI customizations"] != 0 || counts["UI customizations existing"] != 1 {
		t.Errorf("second run: %s", counts)
	}
	ui := result(s.idp.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &old.pool})).must(t).UICustomization
	if got := aws.ToString(ui.CSS); got != css {
		t.Errorf("CSS after the second run: %q, want the one set here", got)
	}
}
