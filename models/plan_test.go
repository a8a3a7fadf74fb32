package models_test

import (
	"context"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestPlan2025 checks the action plan loaded at start-up against the
// adopted text: four areas, six goals, ten activities, the footnote's ten
// codes, and the 2026 call of 3 000 000 kr.
func TestPlan2025(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		// Loading again must not duplicate anything.
		if err := s.SeedPlan(ctx); err != nil {
			t.Fatal(err)
		}
		plan, err := s.CurrentPlan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if plan.TitleSV != "Handlingsplan för internationalisering 2025–2026" {
			t.Errorf("title = %q", plan.TitleSV)
		}
		var areas []string
		goals := 0
		for _, a := range plan.Areas {
			areas = append(areas, a.NameSV)
			goals += len(a.Goals)
		}
		wantAreas := []string{"Forskning", "Utbildning", "Utvecklande studie- och arbetsplats", "Övergripande strategiskt arbete"}
		if len(areas) != 4 {
			t.Fatalf("areas = %q, want %q", areas, wantAreas)
		}
		for i := range wantAreas {
			if areas[i] != wantAreas[i] {
				t.Errorf("area %d = %q, want %q", i+1, areas[i], wantAreas[i])
			}
		}
		if goals != 6 {
			t.Errorf("goals = %d, want 6", goals)
		}
		acts := plan.Activities()
		if len(acts) != 10 {
			t.Fatalf("activities = %d, want 10", len(acts))
		}
		neolaia := map[models.Neolaia]int{}
		for _, a := range acts {
			neolaia[a.Neolaia]++
			if a.TextEN == "" || len(a.ResponsibleCodes()) == 0 {
				t.Errorf("activity %q lacks English text or responsible", a.TextSV)
			}
		}
		if neolaia[models.NeolaiaYes] != 4 || neolaia[models.NeolaiaPartly] != 4 || neolaia[models.NeolaiaNone] != 2 {
			t.Errorf("NEOLAiA relations = %v, want 4 ja, 4 delvis, 2 –", neolaia)
		}
		exact := []struct {
			i           int
			sv          string
			neolaia     models.Neolaia
			responsible string
		}{
			{0, "Delta i NEOLAiA-alliansens forskningsrelaterade aktiviteter.", models.NeolaiaYes, "Inst, Fak"},
			{4, "Ökade rekryteringsinsatser mot europeiska freemoverstudenter.", models.NeolaiaNone, "IK, Centralt"},
			{5, "Utveckla ”internationalisering på hemmaplan”, ”virtuell mobilitet” och ”kortare utbyten” (sommarskolor, blended mobility etc.), särskilt för grupper med begränsade möjligheter till längre fysisk mobilitet.", models.NeolaiaYes, "Inst, HPC, IK"},
			{9, "Det ska fattas strategiska val på såväl central som lokal nivå gällande vilka ackrediteringar och rankingar som ska prioriteras samt avsätta tid och resurser för att detta arbete ska ge maximal effekt.", models.NeolaiaNone, "LS, UB, KomSam, Fak, Inst, Centralt"},
		}
		for _, e := range exact {
			a := acts[e.i]
			if a.TextSV != e.sv || a.Neolaia != e.neolaia || a.Responsible != e.responsible {
				t.Errorf("activity %d = %q (%q, %q), want %q (%q, %q)", e.i+1, a.TextSV, a.Neolaia, a.Responsible, e.sv, e.neolaia, e.responsible)
			}
		}
		if got := plan.Areas[1].Goals[0].TextSV; got != "Öka antalet utresande utbytesstudenter (inkl. praktik, examensarbete, studiebesök) på alla nivåer (grund-, avancerad, forskarutbildningsnivå) och alla institutioner avsevärt." {
			t.Errorf("education goal 1 = %q", got)
		}
		codes := map[string]string{}
		for _, r := range plan.Responsibles {
			codes[r.Code] = r.DefinitionSV
		}
		if len(codes) != 10 || codes["IK"] != "Internationella kontoret" || codes["Centralt"] != "Vicerektor för internationalisering samt administrativt stöd från Ledningsstaben" {
			t.Errorf("responsible codes = %v", codes)
		}

		calls, err := s.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != 1 || calls[0].Code != models.CallCode2026 || calls[0].BudgetOre != 300_000_000 || calls[0].PlanID != plan.ID {
			t.Fatalf("calls = %+v, want the 2026 call of 3 000 000 kr", calls)
		}
	})
}
