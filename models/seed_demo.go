package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mobilityfund/workflow"
)

// demoUnit is an org unit of the demo university; parent names another
// demo unit by code.
type demoUnit struct {
	code, sv, en string
	kind         UnitKind
	parent       string
	costCentre   string
	project      string
}

var demoUnits = []demoUnit{
	{"HS", "Fakulteten för humaniora och samhällsvetenskap", "Faculty of Humanities and Social Sciences", KindFaculty, "", "1000", ""},
	{"MH", "Fakulteten för medicin och hälsa", "Faculty of Medicine and Health", KindFaculty, "", "2000", ""},
	{"ENT", "Fakulteten för ekonomi, naturvetenskap och teknik", "Faculty of Business, Science and Engineering", KindFaculty, "", "3000", ""},
	{"HUMUS", "Institutionen för humaniora, utbildnings- och samhällsvetenskap", "School of Humanities, Education and Social Sciences", KindInstitution, "HS", "1110", "P1110-MOB"},
	{"JPS", "Institutionen för juridik, psykologi och socialt arbete", "School of Law, Psychology and Social Work", KindInstitution, "HS", "1120", ""},
	{"MTK", "Institutionen för musik, teater och konst", "School of Music, Theatre and Art", KindInstitution, "HS", "1130", ""},
	{"RHM", "Institutionen för restaurang, hotell och måltid", "School of Hospitality, Culinary Arts and Meal Science", KindInstitution, "HS", "1140", ""},
	{"IMV", "Institutionen för medicinska vetenskaper", "School of Medical Sciences", KindInstitution, "MH", "2110", ""},
	{"IHV", "Institutionen för hälsovetenskaper", "School of Health Sciences", KindInstitution, "MH", "2120", "P2120-INT"},
	{"HH", "Handelshögskolan", "School of Business", KindInstitution, "ENT", "3110", ""},
	{"NT", "Institutionen för naturvetenskap och teknik", "School of Science and Technology", KindInstitution, "ENT", "3120", "P3120-MOB"},
	{"LS", "Ledningsstaben", "Office of the Vice-Chancellor", KindCentral, "", "9100", ""},
	{"IK", "Internationella kontoret", "International Office", KindDivision, "", "9210", ""},
	{"EKO", "Ekonomiavdelningen", "Finance Office", KindDivision, "", "9310", ""},
	{"HR", "HR-avdelningen", "Human Resources Office", KindDivision, "", "9410", ""},
}

// demoProjectNames name the demo units' projects, as finance's project
// register would.
var demoProjectNames = map[string]string{
	"P1110-MOB": "Utlandsmobilitet HUMUS",
	"P2120-INT": "Internationalisering IHV",
	"P3120-MOB": "Utlandsmobilitet NT",
}

// demoPerson is a demo user; the role's unit is "" for university-wide.
// A positive startsInDays makes the grant begin that many days after the
// seeding, as for a substitute who takes over later.
type demoPerson struct {
	subject, name, email, lang, unit string
	role                             workflow.Role
	roleUnit                         string
	startsInDays                     int
}

// demoPeople has a person for every role. Their subjects are stable so
// that tests and bookmarks can name them.
var demoPeople = []demoPerson{
	{"anna", "Anna Lindqvist", "anna.lindqvist@example.org", "sv", "HUMUS", workflow.RoleApplicant, "HUMUS", 0},
	{"james", "James Whitfield", "james.whitfield@example.org", "en", "HUMUS", workflow.RoleApplicant, "HUMUS", 0},
	{"erik", "Erik Nyström", "erik.nystrom@example.org", "sv", "NT", workflow.RoleApplicant, "NT", 0},
	{"maria", "Maria Berg", "maria.berg@example.org", "sv", "HUMUS", workflow.RoleUnitHead, "HUMUS", 0},
	{"nils", "Nils Ahlgren", "nils.ahlgren@example.org", "sv", "NT", workflow.RoleUnitHead, "NT", 0},
	{"lars", "Lars Holm", "lars.holm@example.org", "sv", "HS", workflow.RoleUnitHead, "HS", 0},
	{"sara", "Sara Ekberg", "sara.ekberg@example.org", "sv", "IK", workflow.RoleCoordinator, "", 0},
	{"karin", "Karin Sjöberg", "karin.sjoberg@example.org", "sv", "LS", workflow.RoleDecider, "", 0},
	{"johan", "Johan Dahl", "johan.dahl@example.org", "sv", "IHV", workflow.RoleDecider, "", 30},
	{"peter", "Peter Lund", "peter.lund@example.org", "sv", "EKO", workflow.RoleFinance, "", 0},
	{"eva", "Eva Strand", "eva.strand@example.org", "sv", "LS", workflow.RoleAdmin, "", 0},
}

// demoLine is a budget line of a demo application, in whole kronor.
type demoLine struct {
	category, text string
	kronor         int64
}

// demoStep is an action taken on a demo application by a demo person.
type demoStep struct {
	by     string
	action workflow.Action
	in     workflow.Input
}

// demoApplication is an application of the demo data and the steps that
// bring it to its state.
type demoApplication struct {
	unit, author   string
	title, summary string
	purpose        string
	neolaia        Neolaia
	activities     []int // positions in the plan's activity order
	levels         string
	students       [3]int
	lines          []demoLine
	steps          []demoStep
}

var demoConsiderations = [5]string{
	"Innehållet tas fram tillsammans med programansvariga och följs upp med studenternas utvärderingar.",
	"Resor planeras med hänsyn till kostnad och nytta; medlen redovisas mot institutionens verksamhetsplan.",
	"Särskilda informationsinsatser riktas till studenter med begränsade möjligheter till lång fysisk mobilitet.",
	"Tåg väljs före flyg där restiden tillåter, och korta utbyten kombineras med digitala moment.",
	"Urvalet sker med öppna kriterier; könsfördelning och bakgrund följs upp.",
}

var demoApplications = []demoApplication{
	{unit: "HUMUS", author: "anna", title: "Utbytesvecka i Bologna för lärarstudenter",
		summary: "En veckas intensivkurs med partneruniversitetet i Bologna för lärarstudenter inom NEOLAiA.",
		purpose: "Ger lärarstudenter som inte kan vara borta en hel termin en första utlandserfarenhet och väcker intresse för längre utbyten.",
		neolaia: NeolaiaYes, activities: []int{1, 2}, levels: "first", students: [3]int{20, 0, 0},
		lines: []demoLine{{"travel", "Tågresor för 20 studenter och 2 lärare", 96_000}, {"staff", "Lärartid för förberedelse, 80 timmar", 48_000}}},
	{unit: "HUMUS", author: "james", title: "Informationsturné om utlandsstudier",
		summary: "Programvisa informationsmöten om utbytesstudier och praktik utomlands, med tidigare utbytesstudenter.",
		purpose: "Fler studenter på institutionens program söker utbyte när de hör om det av andra studenter i rätt skede av utbildningen.",
		neolaia: NeolaiaPartly, activities: []int{2}, levels: "first,second", students: [3]int{15, 5, 0},
		lines: []demoLine{{"event", "Lokaler och fika vid sex möten", 18_000}, {"staff", "Arvoden till studentambassadörer", 24_000}},
		steps: []demoStep{{by: "james", action: workflow.ActionSubmit}}},
	{unit: "NT", author: "erik", title: "Kortare utbyten för ingenjörsstudenter inom NEOLAiA",
		summary: "Blandade intensivprogram (BIP) med två NEOLAiA-partner för ingenjörsstudenter i årskurs 2.",
		purpose: "Ingenjörsprogrammen saknar mobilitetsfönster; korta utbyten är ett steg mot att bygga in dem.",
		neolaia: NeolaiaYes, activities: []int{1, 3}, levels: "first", students: [3]int{30, 0, 0},
		lines: []demoLine{{"travel", "Resor och logi", 150_000}, {"staff", "Kursutveckling", 60_000}, {"material", "Digital plattform", 10_000}},
		steps: []demoStep{
			{by: "erik", action: workflow.ActionSubmit},
			{by: "nils", action: workflow.ActionEndorse, in: workflow.Input{Comment: "Institutionen står bakom ansökan."}},
			{by: "sara", action: workflow.ActionAssess, in: workflow.Input{Assessment: "Väl förankrad hos programansvariga. Budgeten för resor behöver preciseras."}},
		}},
	{unit: "HUMUS", author: "anna", title: "Språkstöd inför utlandsstudier",
		summary: "Kurs i akademisk engelska och tyska för studenter som planerar utbyte nästa läsår.",
		purpose: "Språket är det vanligaste skälet som studenterna anger för att inte resa; stödet sänker tröskeln.",
		neolaia: NeolaiaNo, activities: []int{2}, levels: "first,second", students: [3]int{25, 10, 0},
		lines: []demoLine{{"staff", "Språklärare, 120 timmar", 90_000}, {"material", "Kursmaterial", 8_000}},
		steps: []demoStep{
			{by: "anna", action: workflow.ActionSubmit},
			{by: "maria", action: workflow.ActionEndorse},
			{by: "sara", action: workflow.ActionMarkReady, in: workflow.Input{Assessment: "Svarar mot mål 1 i utbildningsområdet. Rekommenderas i sin helhet.", AmountOre: 98_000 * 100}},
		}},
	{unit: "NT", author: "erik", title: "Partnerbesök för nya utbytesavtal i Finland och Spanien",
		summary: "Besök hos fyra partneruniversitet för att teckna utbytesavtal för naturvetenskapliga program.",
		purpose: "Programmen har för få avtal för att erbjuda alla studenter en utbytesplats inom sitt ämne.",
		neolaia: NeolaiaPartly, activities: []int{3}, levels: "first,second,third", students: [3]int{10, 8, 2},
		lines: []demoLine{{"travel", "Resor för två lärare", 60_000}, {"staff", "Arbetstid för avtalsarbete", 180_000}},
		steps: []demoStep{
			{by: "erik", action: workflow.ActionSubmit},
			{by: "nils", action: workflow.ActionEndorse},
			{by: "sara", action: workflow.ActionMarkReady, in: workflow.Input{Assessment: "Resorna är väl motiverade; arbetstiden bör bäras av institutionen till en del.", AmountOre: 180_000 * 100}},
			{by: "karin", action: workflow.ActionGrant, in: workflow.Input{AmountOre: 180_000 * 100, DecisionRef: "ORU 2026/01234",
				Comment: "Beviljas delvis: resorna i sin helhet och hälften av arbetstiden, som i övrigt ryms i institutionens uppdrag."}},
		}},
	{unit: "HUMUS", author: "james", title: "Studieresa till London för masterstudenter",
		summary: "En studieresa för masterstudenter i historia till arkiv i London.",
		purpose: "Studenterna får kontakt med brittiska arkiv och forskare.",
		neolaia: NeolaiaNo, activities: []int{0}, levels: "second", students: [3]int{0, 12, 0},
		lines: []demoLine{{"travel", "Flyg och hotell", 85_000}},
		steps: []demoStep{
			{by: "james", action: workflow.ActionSubmit},
			{by: "maria", action: workflow.ActionEndorse},
			{by: "sara", action: workflow.ActionMarkReady, in: workflow.Input{Assessment: "En studieresa ökar inte den utresande studentmobiliteten i utbytesprogram.", AmountOre: 1}},
			{by: "karin", action: workflow.ActionReject, in: workflow.Input{DecisionRef: "ORU 2026/01235",
				Comment: "Avslås: en enstaka studieresa leder inte till fler utresande utbytesstudenter, vilket är medlens syfte."}},
		}},
}

// SeedDemo loads the demo university: org units, a person for every role
// and applications in different states, each brought there through the
// workflow so that its audit trail is real. It does nothing when the demo
// units exist already, and it sends no mail for what it does.
//
// It holds the migrations' lock: replicas starting together seed once,
// and the units go in through the org chart's import, as an
// administrator's file would.
func (s *Store) SeedDemo(ctx context.Context) error {
	return s.withMigrationLock(ctx, func(*sql.DB) error { return s.seedDemo(ctx) })
}

// DemoOrgChart is the demo university's org chart as import rows.
func DemoOrgChart() []UnitRow {
	rows := make([]UnitRow, 0, len(demoUnits))
	for i, d := range demoUnits {
		rows = append(rows, UnitRow{Row: i + 2, UnitInput: UnitInput{Code: d.code, NameSV: d.sv, NameEN: d.en, Kind: d.kind,
			Parent: d.parent, CostCentre: d.costCentre, ProjectCode: d.project, ProjectName: demoProjectNames[d.project]}})
	}
	return rows
}

// DemoPeople is the demo people as rows of a people file; a grant that
// starts later starts that many days after now.
func DemoPeople(now time.Time) []PersonRow {
	rows := make([]PersonRow, 0, len(demoPeople))
	for i, d := range demoPeople {
		r := PersonRow{Row: i + 2, Subject: d.subject, Name: d.name, Email: d.email, Unit: d.unit, Language: d.lang,
			Role: d.role, RoleUnit: d.roleUnit}
		if d.startsInDays > 0 {
			from := now.AddDate(0, 0, d.startsInDays).Truncate(24 * time.Hour)
			r.ValidFrom = &from
		}
		rows = append(rows, r)
	}
	return rows
}

func (s *Store) seedDemo(ctx context.Context) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var n int64
		if err := tx.Model(&OrgUnit{}).Where("code = ?", demoUnits[0].code).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		now := s.now()
		changes, err := s.importOrgChart(ctx, nil, DemoOrgChart(), true)
		if err != nil {
			return fmt.Errorf("demo org chart: %w", err)
		}
		units := map[string]int64{}
		chart, err := s.OrgChart(ctx)
		if err != nil {
			return err
		}
		for _, u := range chart.Units {
			units[u.Code] = u.ID
		}
		if len(changes) != len(demoUnits) {
			return fmt.Errorf("demo org chart: %d units imported, want %d", len(changes), len(demoUnits))
		}
		people := map[string]*Actor{}
		// The demo people go in as an administrator's people file would.
		if _, err := s.importPeople(ctx, nil, DevIssuer, DemoPeople(now), true); err != nil {
			return fmt.Errorf("demo people: %w", err)
		}
		for _, d := range demoPeople {
			var u User
			if err := tx.Where("issuer = ? AND subject = ?", DevIssuer, d.subject).First(&u).Error; err != nil {
				return err
			}
			a, err := s.ActorFor(ctx, u.ID)
			if err != nil {
				return err
			}
			people[d.subject] = a
		}
		// What the demo university's decision documents say of it.
		if err := tx.Model(&RecordSettings{}).Where("id = 1").Updates(map[string]any{
			"university_sv": "Örebro universitet", "university_en": "Örebro University",
			"fund_sv": "Mobilitetsfonden", "fund_en": "the Mobility Fund",
			"decider_title_sv": "vicerektor för internationalisering", "decider_title_en": "Vice-Rector for Internationalisation",
			"updated_at": now}).Error; err != nil {
			return err
		}
		return s.seedDemoApplications(ctx, units, people)
	})
}

func (s *Store) seedDemoApplications(ctx context.Context, units map[string]int64, people map[string]*Actor) error {
	tx := s.conn(ctx)
	var call Call
	if err := tx.Where("code = ?", CallCode2026).First(&call).Error; err != nil {
		return fmt.Errorf("the 2026 call: %w", err)
	}
	plan, err := s.PlanByID(ctx, call.PlanID)
	if err != nil {
		return err
	}
	activities := plan.Activities()
	// Steps happen a month after the call opened, so that the demo
	// works whatever today's date is.
	when := call.OpensAt.AddDate(0, 1, 0)
	year := s.YearOf(call.DeadlineAt)
	start := time.Date(year, 9, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year+1, 6, 30, 0, 0, 0, 0, time.UTC)
	var ids []int64
	for _, d := range demoApplications {
		now := s.now()
		author := people[d.author]
		var requested int64
		for _, l := range d.lines {
			requested += l.kronor * 100
		}
		app := Application{RequestedOre: requested, CallID: call.ID, UnitID: units[d.unit], CreatedBy: author.User.ID, Title: d.title,
			Summary: d.summary, Purpose: d.purpose, PeriodStart: &start, PeriodEnd: &end, Neolaia: d.neolaia,
			ConsiderationQuality: demoConsiderations[0], ConsiderationResponsibility: demoConsiderations[1],
			ConsiderationInclusion: demoConsiderations[2], ConsiderationSustainability: demoConsiderations[3],
			ConsiderationEquality: demoConsiderations[4], TargetLevels: d.levels,
			ExpectedStudentsFirst: d.students[0], ExpectedStudentsSecond: d.students[1], ExpectedStudentsThird: d.students[2],
			ExpectedPartnerAgreements: 1, State: workflow.StateDraft, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&app).Error; err != nil {
			return err
		}
		ids = append(ids, app.ID)
		for i, l := range d.lines {
			line := BudgetLine{ApplicationID: app.ID, Position: i + 1, Category: l.category, Description: l.text, AmountOre: l.kronor * 100}
			if err := tx.Create(&line).Error; err != nil {
				return err
			}
		}
		for _, pos := range d.activities {
			if err := tx.Create(&ApplicationActivity{ApplicationID: app.ID, ActivityID: activities[pos].ID}).Error; err != nil {
				return err
			}
		}
		appID, actorID := app.ID, author.User.ID
		if err := tx.Create(&AuditEvent{Entity: "application", EntityID: app.ID, ApplicationID: &appID, ActorID: &actorID,
			Action: "create", ToState: string(workflow.StateDraft), CreatedAt: now}).Error; err != nil {
			return err
		}
		version := app.Version
		for _, st := range d.steps {
			in := st.in
			in.Now = when
			done, err := s.Apply(ctx, app.ID, version, people[st.by], st.action, in)
			if err != nil {
				return fmt.Errorf("demo application %q, %s by %s: %w", d.title, st.action, st.by, err)
			}
			version = done.Version
		}
	}
	// The demo's history happened before anyone could read mail.
	return tx.Where("application_id IN ?", ids).Delete(&OutboxMessage{}).Error
}

// DemoActor returns the demo person with subject ("anna", "karin", …) as
// an actor, or an error wrapping ErrNotFound.
func (s *Store) DemoActor(ctx context.Context, subject string) (*Actor, error) {
	var u User
	if err := s.conn(ctx).Where("issuer = ? AND subject = ?", DevIssuer, subject).First(&u).Error; err != nil {
		return nil, notFound(err, "demo user", subject)
	}
	return s.ActorFor(ctx, u.ID)
}
