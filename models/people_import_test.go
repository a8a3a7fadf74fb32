package models_test

import (
	"context"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestPeopleImport imports people and their roles for a site without
// group claims: a preview changes nothing, the import creates the person
// and the grant, a second import changes nothing, and a bad file names
// its rows and is not applied at all.
func TestPeopleImport(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		eva := mustActor(t, s, "eva")
		const issuer = "https://login.example.se"
		file, err := charmap.Windows1252.NewEncoder().Bytes([]byte("subject;name;email;unit;role;role_unit;valid_from;valid_to;language\n" +
			"u123;Åsa Öberg;asa.oberg@example.se;NT;applicant;NT;;;sv\n" +
			"u123;Åsa Öberg;asa.oberg@example.se;NT;unit_head;NT;2026-07-01;2026-08-31;sv\n"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := models.ParsePeople(file)
		if err != nil {
			t.Fatal(err)
		}
		count := func() int64 {
			var n int64
			if err := s.DB().Model(&models.User{}).Where("issuer = ? AND subject = ?", issuer, "u123").Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		preview, err := s.ImportPeople(ctx, eva, issuer, rows, false)
		if err != nil || len(preview) != 2 || preview[0].Action != "create" || preview[1].Granted != workflow.RoleUnitHead {
			t.Fatalf("preview %+v, %v", preview, err)
		}
		if count() != 0 {
			t.Fatal("the preview created the person")
		}
		if _, err := s.ImportPeople(ctx, eva, issuer, rows, true); err != nil {
			t.Fatal(err)
		}
		var u models.User
		if err := s.DB().Where("issuer = ? AND subject = ?", issuer, "u123").First(&u).Error; err != nil || u.Name != "Åsa Öberg" {
			t.Fatalf("imported person %+v, %v", u, err)
		}
		grants, err := s.GrantsOf(ctx, u.ID)
		if err != nil || len(grants) != 2 {
			t.Fatalf("grants %+v, %v", grants, err)
		}
		again, err := s.ImportPeople(ctx, eva, issuer, rows, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range again {
			if c.Action != "" || c.Granted != "" {
				t.Errorf("a second import changes row %d: %+v", c.Row, c)
			}
		}

		bad, err := models.ParsePeople([]byte("subject,name,email,unit,role,role_unit\n" +
			"u200,Ny Person,ny@example.se,NT,applicant,NT\n" +
			"u201,Fel,inte-en-adress,NOPE,unit_head,\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportPeople(ctx, eva, issuer, bad, true)
		wantProblems(t, err, models.ImportProblem{Row: 3, Field: "email", Msg: models.MsgPersonEmail},
			models.ImportProblem{Row: 3, Field: "unit", Msg: models.MsgUnitParent},
			models.ImportProblem{Row: 3, Field: "role_unit", Msg: models.MsgGrantUnitNeeded})
		var n int64
		if err := s.DB().Model(&models.User{}).Where("subject = ?", "u200").Count(&n).Error; err != nil || n != 0 {
			t.Errorf("a refused file created its good row's person (%d, %v)", n, err)
		}
		_, err = models.ParsePeople([]byte("subject,name\nx,y\n"))
		wantProblems(t, err, models.ImportProblem{Row: 1, Field: "email", Msg: models.MsgImportColumn})
	})
}
