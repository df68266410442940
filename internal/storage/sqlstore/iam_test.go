package sqlstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/storage/postgres"
	"github.com/cognate-dev/cognate/internal/storage/sqlite"
)

// eachIAMBackend runs fn on a fresh SQLite store and, when
// COGNATE_TEST_POSTGRES_URL is set, a fresh PostgreSQL database.
func eachIAMBackend(t *testing.T, fn func(t *testing.T, s storage.Store)) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, db)
	})
	base := os.Getenv("COGNATE_TEST_POSTGRES_URL")
	if base == "" {
		t.Log("PostgreSQL: skipped (COGNATE_TEST_POSTGRES_URL not set)")
		return
	}
	t.Run("postgres", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		name := "cognate_sqlstore_" + hex.EncodeToString(b)
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
		t.Cleanup(func() {
			if conn, err := pgx.Connect(ctx, base); err == nil {
				_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
				conn.Close(ctx)
			}
		})
		u, _ := url.Parse(base)
		u.Path = "/" + name
		db, err := postgres.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, db)
	})
}

var iamT0 = time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.UTC)

func TestRoles(t *testing.T) {
	eachIAMBackend(t, func(t *testing.T, s storage.Store) {
		ctx := context.Background()
		rs := s.Roles()
		app := storage.Role{ID: "AROAAPP00000000000001", Name: "App", Path: "/svc/", AssumeRolePolicy: `{"Version":"2012-10-17"}`,
			Description: "d", MaxSessionDuration: 3600, Tags: []storage.Tag{{Key: "b", Value: "2"}, {Key: "a", Value: ""}}, CreatedAt: iamT0, UpdatedAt: iamT0}
		if err := rs.Create(ctx, app); err != nil {
			t.Fatal(err)
		}
		dup := app
		dup.ID, dup.Name = "AROAAPP00000000000002", "APP"
		if err := rs.Create(ctx, dup); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("case-insensitive duplicate: %v", err)
		}
		got, err := rs.Get(ctx, "app")
		if err != nil || !reflect.DeepEqual(got, app) {
			t.Fatalf("Get = %+v, %v\nwant %+v", got, err, app)
		}
		if _, err := rs.Get(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Get missing: %v", err)
		}
		for i, name := range []string{"c", "B", "a"} {
			path := "/"
			if i == 0 {
				path = "/svc/x/"
			}
			r := storage.Role{ID: "AROAOTHER00000000000" + name, Name: name, Path: path, AssumeRolePolicy: "{}", MaxSessionDuration: 3600, CreatedAt: iamT0, UpdatedAt: iamT0}
			if err := rs.Create(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		var names []string
		tok := ""
		for {
			page, next, err := rs.List(ctx, "", storage.Page{Token: tok, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				names = append(names, r.Name)
			}
			if tok = next; tok == "" {
				break
			}
		}
		if !reflect.DeepEqual(names, []string{"a", "App", "B", "c"}) {
			t.Fatalf("List = %v", names)
		}
		svc, _, err := rs.List(ctx, "/svc/", storage.Page{})
		if err != nil || len(svc) != 2 || svc[0].Name != "App" || svc[1].Name != "c" {
			t.Fatalf("List /svc/ = %+v, %v", svc, err)
		}

		app.AssumeRolePolicy, app.Tags, app.UpdatedAt = "{}", nil, iamT0.Add(time.Hour)
		if err := rs.Update(ctx, app); err != nil {
			t.Fatal(err)
		}
		if got, _ := rs.Get(ctx, "App"); got.AssumeRolePolicy != "{}" || got.Tags != nil || !got.UpdatedAt.Equal(app.UpdatedAt) {
			t.Fatalf("after Update: %+v", got)
		}

		p := storage.RolePolicy{RoleID: app.ID, Name: "read", Document: `{"v":1}`, CreatedAt: iamT0, UpdatedAt: iamT0}
		if err := rs.PutPolicy(ctx, p); err != nil {
			t.Fatal(err)
		}
		p.Document, p.UpdatedAt = `{"v":2}`, iamT0.Add(time.Minute)
		replaced := p
		replaced.CreatedAt = iamT0.Add(time.Minute) // ignored on replace
		if err := rs.PutPolicy(ctx, replaced); err != nil {
			t.Fatal(err)
		}
		if got, err := rs.GetPolicy(ctx, app.ID, "read"); err != nil || !reflect.DeepEqual(got, p) {
			t.Fatalf("GetPolicy = %+v, %v\nwant %+v", got, err, p)
		}
		if err := rs.PutPolicy(ctx, storage.RolePolicy{RoleID: "AROAMISSING", Name: "x", Document: "{}"}); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("PutPolicy on a missing role: %v", err)
		}
		_ = rs.PutPolicy(ctx, storage.RolePolicy{RoleID: app.ID, Name: "admin", Document: "{}", CreatedAt: iamT0, UpdatedAt: iamT0})
		all, err := rs.Policies(ctx, app.ID)
		if err != nil || len(all) != 2 || all[0].Name != "admin" || all[1].Name != "read" {
			t.Fatalf("Policies = %+v, %v", all, err)
		}
		first, next, err := rs.ListPolicies(ctx, app.ID, storage.Page{Limit: 1})
		if err != nil || len(first) != 1 || first[0].Name != "admin" || next == "" {
			t.Fatalf("ListPolicies page 1 = %+v %q %v", first, next, err)
		}
		second, next, err := rs.ListPolicies(ctx, app.ID, storage.Page{Limit: 1, Token: next})
		if err != nil || len(second) != 1 || second[0].Name != "read" || next != "" {
			t.Fatalf("ListPolicies page 2 = %+v %q %v", second, next, err)
		}

		if err := rs.Delete(ctx, app.ID); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("Delete with policies: %v", err)
		}
		for _, name := range []string{"admin", "read"} {
			if err := rs.DeletePolicy(ctx, app.ID, name); err != nil {
				t.Fatal(err)
			}
		}
		if err := rs.DeletePolicy(ctx, app.ID, "read"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("DeletePolicy twice: %v", err)
		}
		if err := rs.Delete(ctx, app.ID); err != nil {
			t.Fatal(err)
		}
		if err := rs.Delete(ctx, app.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Delete twice: %v", err)
		}
	})
}

func TestOIDCProviders(t *testing.T) {
	eachIAMBackend(t, func(t *testing.T, s storage.Store) {
		ctx := context.Background()
		ps := s.OIDCProviders()
		p := storage.OIDCProvider{URL: "issuer.example/tenant", ClientIDs: []string{"b", "a"},
			Thumbprints: []string{"0123456789012345678901234567890123456789"}, CreatedAt: iamT0, UpdatedAt: iamT0}
		if err := ps.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := ps.Create(ctx, p); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("duplicate: %v", err)
		}
		if got, err := ps.Get(ctx, p.URL); err != nil || !reflect.DeepEqual(got, p) {
			t.Fatalf("Get = %+v, %v", got, err)
		}
		p.ClientIDs, p.Tags, p.UpdatedAt = nil, []storage.Tag{{Key: "k", Value: "v"}}, iamT0.Add(time.Hour)
		if err := ps.Update(ctx, p); err != nil {
			t.Fatal(err)
		}
		_ = ps.Create(ctx, storage.OIDCProvider{URL: "a.example", CreatedAt: iamT0, UpdatedAt: iamT0})
		list, err := ps.List(ctx)
		if err != nil || len(list) != 2 || list[0].URL != "a.example" || !reflect.DeepEqual(list[1], p) {
			t.Fatalf("List = %+v, %v", list, err)
		}
		if err := ps.Delete(ctx, p.URL); err != nil {
			t.Fatal(err)
		}
		if _, err := ps.Get(ctx, p.URL); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Get after Delete: %v", err)
		}
		if err := ps.Update(ctx, p); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Update after Delete: %v", err)
		}
	})
}
