package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestPseudonymiseCommand runs `pseudonymise --dry-run`, then
// `pseudonymise` twice, on each database with the demo data and one person
// last seen three years ago: the dry run names them and changes nothing,
// the run replaces them without printing their name, the second run finds
// no one. Everyone in the demo holds a role and is kept.
func TestPseudonymiseCommand(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"DATABASE_URL": dbtest.Empty(t, b), "PERSONAL_DATA_RETENTION": "2y"}
			getenv := func(k string) string { return env[k] }
			ctx := context.Background()
			cmd := func(args ...string) string {
				t.Helper()
				var out bytes.Buffer
				if err := run(ctx, args, getenv, &out, nil); err != nil {
					t.Fatalf("%v: %v\n%s", args, err, out.String())
				}
				return out.String()
			}
			cmd("seed", "--demo")
			s, err := models.Open(env["DATABASE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			long := time.Now().UTC().AddDate(-3, 0, 0)
			gone := models.User{Issuer: "https://idp.example.org", Subject: "f3a9", Email: "gunnel.oberg@example.org",
				Name: "Gunnel Öberg", Language: "sv", CreatedAt: long, UpdatedAt: long}
			if err := s.DB().Create(&gone).Error; err != nil {
				t.Fatal(err)
			}

			out := cmd("pseudonymise", "--dry-run")
			for _, want := range []string{"Dry run", "Retention 2y", "Gunnel Öberg <gunnel.oberg@example.org>", "users.name 1", "1 people would be pseudonymised"} {
				if !strings.Contains(out, want) {
					t.Errorf("dry run does not say %q:\n%s", want, out)
				}
			}
			if u, _ := s.UserByID(ctx, gone.ID); u.Name != gone.Name {
				t.Errorf("the dry run renamed them to %q", u.Name)
			}
			out = cmd("pseudonymise")
			name, _ := models.Pseudonym(gone.ID)
			if !strings.Contains(out, name) || !strings.Contains(out, "1 people pseudonymised") || strings.Contains(out, "Gunnel") {
				t.Errorf("run:\n%s", out)
			}
			if u, _ := s.UserByID(ctx, gone.ID); u.Name != name || u.Subject != "f3a9" {
				t.Errorf("after the run: %+v", u)
			}
			if out := cmd("pseudonymise"); !strings.Contains(out, "0 people pseudonymised") {
				t.Errorf("second run:\n%s", out)
			}
			if out := cmd("pseudonymise", "-h"); !strings.Contains(out, "PERSONAL_DATA_RETENTION") {
				t.Errorf("help:\n%s", out)
			}
		})
	}
}
