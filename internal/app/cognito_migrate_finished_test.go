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
