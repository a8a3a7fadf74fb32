package models_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"mobilityfund/export"
	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// chartCSV writes the org chart as its CSV export does.
func chartCSV(t *testing.T, s *models.Store) []byte {
	t.Helper()
	chart, err := s.OrgChart(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.WriteOrgChartCSV(&buf, models.OrgChartColumns, chart.OrgChartRows()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func wantProblems(t *testing.T, err error, want ...models.ImportProblem) {
	t.Helper()
	var ie *models.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want import problems %v", err, want)
	}
	for _, w := range want {
		if !slices.ContainsFunc(ie.Problems, func(p models.ImportProblem) bool {
			return p.Row == w.Row && p.Field == w.Field && p.Msg == w.Msg
		}) {
			t.Errorf("problems %v lack %v", ie.Problems, w)
		}
	}
}

// TestOrgChartImport round-trips the demo org chart through its CSV, and
// checks that a bad file names its rows and fields and changes nothing.
func TestOrgChartImport(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		eva := mustActor(t, s, "eva")
		demo := chartCSV(t, s)

		// The demo seed made the chart through the import; its export
		// imported again changes nothing and exports the same.
		t.Run("RoundTrip", func(t *testing.T) {
			rows, err := models.ParseOrgChart(demo)
			if err != nil {
				t.Fatal(err)
			}
			changes, err := s.ImportOrgChart(ctx, eva, rows, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range changes {
				if c.Action != "" {
					t.Errorf("importing the chart's own export changes %s: %s %v", c.Code, c.Action, c.Fields)
				}
			}
			if got := chartCSV(t, s); !bytes.Equal(got, demo) {
				t.Errorf("chart after import:\n%s\nwant\n%s", got, demo)
			}
		})

		t.Run("PreviewThenApplyWindows1252", func(t *testing.T) {
			// Excel on Swedish Windows: semicolons, Windows-1252.
			text := "code;name_sv;name_en;parent;cost_centre;project\n" +
				"GEO;Institutionen för geografi och miljö;School of Geography;ENT;3130;P3130-MOB\n" +
				"HUMUS;Institutionen för humaniora, utbildnings- och samhällsvetenskap;School of Humanities, Education and Social Sciences;HS;1111;P1110-MOB\n"
			data, err := charmap.Windows1252.NewEncoder().Bytes([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := models.ParseOrgChart(data)
			if err != nil {
				t.Fatal(err)
			}
			if rows[0].NameSV != "Institutionen för geografi och miljö" {
				t.Fatalf("decoded %q", rows[0].NameSV)
			}
			before := chartCSV(t, s)
			preview, err := s.ImportOrgChart(ctx, eva, rows, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(preview) != 2 || preview[0].Action != "create" || preview[1].Action != "update" ||
				!slices.Equal(preview[1].Fields, []string{"cost_centre"}) {
				t.Fatalf("preview = %+v", preview)
			}
			if !bytes.Equal(chartCSV(t, s), before) {
				t.Fatal("the preview changed the chart")
			}
			if _, err := s.ImportOrgChart(ctx, eva, rows, true); err != nil {
				t.Fatal(err)
			}
			again, err := s.ImportOrgChart(ctx, eva, rows, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range again {
				if c.Action != "" {
					t.Errorf("a second import changes %s", c.Code)
				}
			}
		})

		t.Run("BadFiles", func(t *testing.T) {
			before := chartCSV(t, s)
			_, err := models.ParseOrgChart([]byte("code,name_sv,parent,cost_centre\nX,Y,,1\n"))
			wantProblems(t, err, models.ImportProblem{Row: 1, Field: "name_en", Msg: models.MsgImportColumn},
				models.ImportProblem{Row: 1, Field: "project", Msg: models.MsgImportColumn})
			_, err = models.ParseOrgChart([]byte("code,name_sv,name_en,parent,cost_centre,project\nA,A,A,,1,\nA,B,B,,2,\n"))
			wantProblems(t, err, models.ImportProblem{Row: 3, Field: "code", Msg: models.MsgImportDuplicate})

			// An unknown parent on row 3, a move under its own child on
			// row 4: the good row 2 is not applied either.
			rows, err := models.ParseOrgChart([]byte("code,name_sv,name_en,parent,cost_centre,project\n" +
				"NEW1,Ny,New,HS,1190,\nNEW2,Ny 2,New 2,NOPE,1191,\nHS,Fakulteten för humaniora och samhällsvetenskap,Faculty of Humanities and Social Sciences,HUMUS,1000,\n"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.ImportOrgChart(ctx, eva, rows, true)
			wantProblems(t, err, models.ImportProblem{Row: 3, Field: "parent", Msg: models.MsgUnitParent},
				models.ImportProblem{Row: 4, Field: "parent", Msg: models.MsgUnitCycle})
			if !bytes.Equal(chartCSV(t, s), before) {
				t.Error("a refused import changed the chart")
			}
		})

		t.Run("MoveRenameClose", func(t *testing.T) {
			chart, err := s.OrgChart(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var hs, humus int64
			for _, u := range chart.Units {
				switch u.Code {
				case "HS":
					hs = u.ID
				case "HUMUS":
					humus = u.ID
				}
			}
			in := chart.UnitInputOf(hs)
			in.Parent = "HUMUS"
			_, err = s.SaveUnit(ctx, eva, hs, in)
			wantFields(t, err, map[string]string{"parent": models.MsgUnitCycle})
			in = chart.UnitInputOf(humus)
			in.NameSV, in.Parent = "Institutionen för humaniora", "ENT"
			if _, err := s.SaveUnit(ctx, eva, humus, in); err != nil {
				t.Fatal(err)
			}
			if err := s.CloseUnit(ctx, eva, humus, true); err != nil {
				t.Fatal(err)
			}
			chart, _ = s.OrgChart(ctx)
			if u, _ := chart.Unit(humus); u.ClosedAt == nil || u.NameSV != "Institutionen för humaniora" {
				t.Errorf("unit after rename and close: %+v", u)
			}
			if !strings.Contains(string(chartCSV(t, s)), "HUMUS;Institutionen för humaniora;") {
				t.Error("the export lacks the renamed unit")
			}
		})
	})
}
