package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// The action plan 2025–2026 as the university adopted it (the Swedish
// texts are verbatim from the plan; the English ones are translations),
// and the 2026 call for outgoing student mobility. Both are loaded on every
// start, in every mode; loading is idempotent, keyed on the plan's and the
// call's codes.

type seedActivity struct {
	sv, en      string
	neolaia     Neolaia
	responsible string
}

type seedGoal struct {
	sv, en     string
	activities []seedActivity
}

type seedArea struct {
	sv, en string
	goals  []seedGoal
}

// PlanCode2025 is the code of the 2025–2026 plan.
const PlanCode2025 = "2025-2026"

// CallCode2026 is the code of the 2026 call.
const CallCode2026 = "2026"

var plan2025Responsibles = []PlanResponsible{
	{Code: "Avd", DefinitionSV: "de administrativa avdelningarna", DefinitionEN: "the administrative divisions"},
	{Code: "Centralt", DefinitionSV: "Vicerektor för internationalisering samt administrativt stöd från Ledningsstaben", DefinitionEN: "the Vice-Rector for Internationalisation with administrative support from the Vice-Chancellor's Office"},
	{Code: "Fak", DefinitionSV: "Fakulteter", DefinitionEN: "Faculties"},
	{Code: "HPC", DefinitionSV: "Högskolepedagogiskt centrum", DefinitionEN: "Centre for Academic Development"},
	{Code: "HR", DefinitionSV: "HR-avdelningen", DefinitionEN: "Human Resources Division"},
	{Code: "IK", DefinitionSV: "Internationella kontoret", DefinitionEN: "International Office"},
	{Code: "Inst", DefinitionSV: "Institutioner", DefinitionEN: "Schools and departments"},
	{Code: "KomSam", DefinitionSV: "Kommunikation och samverkan", DefinitionEN: "Communications and External Relations"},
	{Code: "LS", DefinitionSV: "Ledningsstaben", DefinitionEN: "Vice-Chancellor's Office"},
	{Code: "UB", DefinitionSV: "Universitetsbiblioteket", DefinitionEN: "University Library"},
}

var plan2025Areas = []seedArea{
	{"Forskning", "Research", []seedGoal{
		{"Öka forskningssamarbetena inom NEOLAiA-alliansen", "Increase research collaboration within the NEOLAiA alliance", []seedActivity{
			{"Delta i NEOLAiA-alliansens forskningsrelaterade aktiviteter.", "Take part in the NEOLAiA alliance's research-related activities.", NeolaiaYes, "Inst, Fak"},
		}},
	}},
	{"Utbildning", "Education", []seedGoal{
		{"Öka antalet utresande utbytesstudenter (inkl. praktik, examensarbete, studiebesök) på alla nivåer (grund-, avancerad, forskarutbildningsnivå) och alla institutioner avsevärt.",
			"Considerably increase the number of outgoing exchange students (including placements, degree projects and study visits) at all levels (first cycle, second cycle, third cycle) and in all schools and departments.",
			[]seedActivity{
				{"Översyn av samtliga program på ORU för att identifiera var det finns mobilitetsfönster samt hur dessa tydliggörs i utbildningsplaner samt på hemsida. Detta för att identifiera utbildningsprogram som kan skapa mobilitetsfönster eller som tydligare kan kommunicera redan befintliga mobilitetsfönster till studenterna.",
					"Review all of ORU's programmes to identify where there are mobility windows and how these are made clear in programme syllabi and on the website, in order to identify programmes that can create mobility windows or communicate existing ones more clearly to students.",
					NeolaiaPartly, "Inst"},
				{"Översyn av engelskspråkigt utbildningsutbudet på kursnivå för att möjliggöra högkvalitativa utbytesavtal.",
					"Review the English-taught courses on offer to make high-quality exchange agreements possible.",
					NeolaiaPartly, "Inst"},
				{"Utveckla ORU:s första engelskspråkiga program på kandidatnivå.",
					"Develop ORU's first English-taught programme at bachelor's level.",
					NeolaiaPartly, "Inst, Fak"},
				{"Ökade rekryteringsinsatser mot europeiska freemoverstudenter.",
					"Increase recruitment efforts aimed at European free-mover students.",
					NeolaiaNone, "IK, Centralt"},
			}},
		{"Utveckla alternativa och/eller nya former för internationalisering inom utbildning.",
			"Develop alternative and/or new forms of internationalisation in education.",
			[]seedActivity{
				{"Utveckla ”internationalisering på hemmaplan”, ”virtuell mobilitet” och ”kortare utbyten” (sommarskolor, blended mobility etc.), särskilt för grupper med begränsade möjligheter till längre fysisk mobilitet.",
					"Develop “internationalisation at home”, “virtual mobility” and “shorter exchanges” (summer schools, blended mobility etc.), especially for groups with limited possibilities for longer physical mobility.",
					NeolaiaYes, "Inst, HPC, IK"},
			}},
	}},
	{"Utvecklande studie- och arbetsplats", "A developing place to study and work", []seedGoal{
		{"Lyckade internationella rekryteringar", "Successful international recruitment", []seedActivity{
			{"Öka förutsättningarna för lyckade internationella rekryteringar, t.ex. genom ett utökat stöd för medföljande.",
				"Improve the conditions for successful international recruitment, for example through more support for accompanying family members.",
				NeolaiaYes, "HR, Inst, Avd"},
		}},
		{"Öka tvåspråkigheten hos medarbetarna (multilingualism).", "Increase bilingualism among staff (multilingualism).", []seedActivity{
			{"Erbjuda anställda kurser i engelska och interkulturell förståelse; internationella studiebesök och andra aktiviteter för att minska hindren för internationalisering.",
				"Offer staff courses in English and intercultural understanding; international study visits and other activities that lower the barriers to internationalisation.",
				NeolaiaPartly, "HR"},
			{"Vid internationella rekryteringar ska en plan tas fram för inlärning av svenska språket till nivå B2, t.ex. genom avsättande av medel för språkkurser och kompetensutvecklingstid.",
				"For international recruitments, a plan is drawn up for learning Swedish to level B2, for example by setting aside funds for language courses and time for professional development.",
				NeolaiaYes, "Fak, HR"},
		}},
	}},
	{"Övergripande strategiskt arbete", "Overall strategic work", []seedGoal{
		{"ORU ska arbeta aktivt med internationella rankingar och ackrediteringar.", "ORU works actively with international rankings and accreditations.", []seedActivity{
			{"Det ska fattas strategiska val på såväl central som lokal nivå gällande vilka ackrediteringar och rankingar som ska prioriteras samt avsätta tid och resurser för att detta arbete ska ge maximal effekt.",
				"Strategic choices are made at both central and local level about which accreditations and rankings to prioritise, and time and resources are set aside so that this work has the greatest effect.",
				NeolaiaNone, "LS, UB, KomSam, Fak, Inst, Centralt"},
		}},
	}},
}

func stockholm() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}

// SeedPlan loads the 2025–2026 action plan and the 2026 call unless they
// are there already. Migrate calls it; it is safe to call again.
func (s *Store) SeedPlan(ctx context.Context) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var plan Plan
		err := tx.Where("code = ?", PlanCode2025).First(&plan).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			plan, err = s.insertPlan2025(ctx)
		}
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Call{}).Where("code = ?", CallCode2026).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		loc := stockholm()
		return tx.Create(&Call{
			PlanID:  plan.ID,
			Code:    CallCode2026,
			TitleSV: "Medel för utresande studentmobilitet 2026",
			TitleEN: "Funding for outgoing student mobility 2026",
			DescriptionSV: "Från 2026 samlas de cirka 3 miljoner kronor som institutionerna tidigare fick i HÅS-ersättning för utresande utbytesstudenter i en central pott som vicerektor för internationalisering förfogar över. " +
				"Institutioner, fakulteter och administrativa avdelningar kan söka medel för arbete som främjar utresande studentmobilitet, kopplat till handlingsplanens mål och aktiviteter.",
			DescriptionEN: "From 2026 the roughly SEK 3 million that schools and departments used to receive as compensation for outgoing exchange students is one central pot at the disposal of the Vice-Rector for Internationalisation. " +
				"Schools, faculties and administrative divisions can apply for funding for work that increases outgoing student mobility, linked to the goals and activities of the action plan.",
			BudgetOre:           3_000_000 * 100,
			OpensAt:             time.Date(2026, 1, 1, 0, 0, 0, 0, loc).UTC(),
			DeadlineAt:          time.Date(2026, 12, 31, 23, 59, 0, 0, loc).UTC(),
			ReportDueOn:         time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC),
			EndorsementRequired: true,
		}).Error
	})
}

func (s *Store) insertPlan2025(ctx context.Context) (Plan, error) {
	tx := s.conn(ctx)
	plan := Plan{
		Code:     PlanCode2025,
		TitleSV:  "Handlingsplan för internationalisering 2025–2026",
		TitleEN:  "Action plan for internationalisation 2025–2026",
		StartsOn: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		EndsOn:   time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
	}
	if err := tx.Create(&plan).Error; err != nil {
		return plan, err
	}
	for i, r := range plan2025Responsibles {
		r.PlanID, r.Position = plan.ID, i+1
		if err := tx.Create(&r).Error; err != nil {
			return plan, err
		}
	}
	for ai, a := range plan2025Areas {
		area := PlanArea{PlanID: plan.ID, Position: ai + 1, NameSV: a.sv, NameEN: a.en}
		if err := tx.Create(&area).Error; err != nil {
			return plan, err
		}
		for gi, g := range a.goals {
			goal := PlanGoal{AreaID: area.ID, Position: gi + 1, TextSV: g.sv, TextEN: g.en}
			if err := tx.Create(&goal).Error; err != nil {
				return plan, err
			}
			for xi, x := range g.activities {
				act := PlanActivity{GoalID: goal.ID, Position: xi + 1, TextSV: x.sv, TextEN: x.en, Neolaia: x.neolaia, Responsible: x.responsible}
				if err := tx.Create(&act).Error; err != nil {
					return plan, err
				}
			}
		}
	}
	return plan, nil
}
