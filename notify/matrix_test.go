package notify_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// Demo people's addresses; james reads English, everyone else Swedish.
const (
	anna  = "anna.lindqvist@example.org"
	james = "james.whitfield@example.org"
	erik  = "erik.nystrom@example.org"
	maria = "maria.berg@example.org"
	nils  = "nils.ahlgren@example.org"
	sara  = "sara.ekberg@example.org"
	karin = "karin.sjoberg@example.org"
	peter = "peter.lund@example.org"
)

// want is one mail a step must cause: its recipient and words that its
// subject, and words that its plain and HTML parts, must contain.
type want struct {
	to      string
	subject string
	body    []string
}

// TestNotificationMatrix drives every workflow action that notifies
// through Store.Apply on the demo data, runs the worker against a real
// SMTP server, and checks who got which mail in which language.
func TestNotificationMatrix(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		e := newEnv(t, s, testOptions())
		bologna := e.app("Utbytesvecka i Bologna")
		sprak := e.app("Språkstöd inför")
		partner := e.app("Partnerbesök")
		info := e.app("Informationsturné")
		calls, _ := s.Calls(e.ctx)
		deadline := calls[0].DeadlineAt

		steps := []struct {
			name   string
			app    *models.Application
			who    string
			action workflow.Action
			in     workflow.Input
			want   []want
		}{
			{"deadline extended", bologna, "sara", workflow.ActionExtendDeadline,
				workflow.Input{ExtendTo: deadline.AddDate(0, 0, 14), Comment: "Förlängt efter begäran."},
				[]want{{anna, "Förlängd tid att skicka in", []string{"Förlängt efter begäran."}},
					{james, "Deadline extended", []string{"Förlängt efter begäran."}}}},
			{"submission, endorsement required", bologna, "anna", workflow.ActionSubmit, workflow.Input{},
				[]want{{maria, "väntar på ditt tillstyrkande", nil},
					{anna, "Ansökan inskickad", []string{"kvittot"}},
					{james, "Application submitted", []string{"receipt"}}}},
			{"return for completion", bologna, "maria", workflow.ActionReturn,
				workflow.Input{Comment: "Dela upp resebudgeten per resa."},
				[]want{{anna, "behöver kompletteras", []string{"Dela upp resebudgeten per resa."}},
					{james, "returned for completion", []string{"Dela upp resebudgeten per resa."}}}},
			{"resubmission", bologna, "anna", workflow.ActionSubmit, workflow.Input{},
				[]want{{maria, "väntar på ditt tillstyrkande", nil},
					{anna, "Ansökan inskickad", nil}, {james, "Application submitted", nil}}},
			{"endorsement", bologna, "maria", workflow.ActionEndorse, workflow.Input{},
				[]want{{sara, "Ny ansökan att granska", []string{"tillstyrkts"}},
					{anna, "Ansökan tillstyrkt", nil}, {james, "Application endorsed", nil}}},
			{"ready for decision", bologna, "sara", workflow.ActionMarkReady,
				workflow.Input{Assessment: "Väl förankrad.", AmountOre: 120_000_00},
				[]want{{karin, "lämnad till beslut", nil}}},
			{"grant", bologna, "karin", workflow.ActionGrant,
				workflow.Input{AmountOre: 120_000_00, DecisionRef: "ORU 2026/9", Comment: "Resorna beviljas i sin helhet."},
				[]want{{anna, "Ansökan beviljad", []string{"120\u00a0000\u00a0kr", "Resorna beviljas i sin helhet."}},
					{james, "Application granted", []string{"SEK\u00a0120,000", "Resorna beviljas i sin helhet."}},
					{sara, "Beslut fattat", []string{"beviljats med 120\u00a0000\u00a0kr", "Resorna beviljas i sin helhet."}},
					{maria, "Beslut fattat", []string{"beviljats med 120\u00a0000\u00a0kr"}},
					{peter, "Beviljat belopp att bokföra", []string{"120\u00a0000\u00a0kr"}}}},
			{"booking", bologna, "peter", workflow.ActionBook, workflow.Input{},
				[]want{{anna, "Medlen är överförda", nil}, {james, "Funds transferred", nil}}},
			{"report", bologna, "anna", workflow.ActionReport, workflow.Input{Comment: "Resorna genomfördes.", AmountOre: 100_000_00},
				[]want{{sara, "Återrapport inskickad", []string{"100\u00a0000\u00a0kr", "Resorna genomfördes."}}}},
			{"report revision", bologna, "sara", workflow.ActionRequestRevision, workflow.Input{Comment: "Bifoga kvitton."},
				[]want{{anna, "Återrapporten behöver kompletteras", []string{"Bifoga kvitton."}},
					{james, "Report needs revision", []string{"Bifoga kvitton."}}}},
			{"report again", bologna, "anna", workflow.ActionReport, workflow.Input{Comment: "Kvitton bifogade.", AmountOre: 100_000_00},
				[]want{{sara, "Återrapport inskickad", nil}}},
			{"report accepted", bologna, "sara", workflow.ActionAcceptReport, workflow.Input{},
				[]want{{anna, "Återrapporten godkänd", []string{"20\u00a0000\u00a0kr"}},
					{james, "Report accepted", []string{"SEK\u00a020,000"}},
					{peter, "Återbetalning att bokföra", []string{"20\u00a0000\u00a0kr", "nästa omföringsunderlag"}}}},
			{"sent back", sprak, "karin", workflow.ActionSendBack, workflow.Input{Comment: "Precisera lärartiden."},
				[]want{{sara, "tillbaka till granskning", []string{"Precisera lärartiden."}}}},
			{"ready again", sprak, "sara", workflow.ActionMarkReady, workflow.Input{},
				[]want{{karin, "lämnad till beslut", nil}}},
			{"rejection", sprak, "karin", workflow.ActionReject,
				workflow.Input{DecisionRef: "ORU 2026/10", Comment: "Språkstöd bekostas av fakulteten."},
				[]want{{anna, "Ansökan avslagen", []string{"Språkstöd bekostas av fakulteten."}},
					{james, "Application rejected", []string{"Motivation", "Språkstöd bekostas av fakulteten."}},
					{sara, "Beslut fattat", []string{"avslagits", "Språkstöd bekostas av fakulteten."}},
					{maria, "Beslut fattat", []string{"avslagits"}}}},
			{"revocation", partner, "karin", workflow.ActionRevoke,
				workflow.Input{DecisionRef: "ORU 2026/11", Comment: "Resorna har ställts in."},
				[]want{{erik, "Beslutet upphävt", []string{"Resorna har ställts in.", "180\u00a0000\u00a0kr"}},
					{sara, "Beslutet upphävt", nil}, {peter, "Beslutet upphävt", nil},
					{nils, "Beslutet upphävt", nil}}},
			{"withdrawal", info, "james", workflow.ActionWithdraw, workflow.Input{},
				[]want{{sara, "Ansökan återtagen", nil}}},
		}
		for _, st := range steps {
			e.apply(st.app, st.who, st.action, st.in)
			got := e.deliver()
			var gotTo, wantTo []string
			for _, m := range got {
				gotTo = append(gotTo, strings.Join(m.To, ","))
			}
			for _, w := range st.want {
				wantTo = append(wantTo, w.to)
			}
			slices.Sort(gotTo)
			slices.Sort(wantTo)
			if !slices.Equal(gotTo, wantTo) {
				t.Errorf("%s: mail went to %v, want %v", st.name, gotTo, wantTo)
				continue
			}
			number := models.ApplicationNumber(st.app.CreatedAt, st.app.ID)
			link := baseURL + "/applications/" + strconv.FormatInt(st.app.ID, 10)
			for _, w := range st.want {
				i := slices.IndexFunc(got, func(m notifyMessage) bool { return m.To[0] == w.to })
				m := got[i]
				if !strings.Contains(m.Subject, number) || !strings.Contains(m.Subject, w.subject) {
					t.Errorf("%s: subject to %s = %q, want %s and %q", st.name, w.to, m.Subject, number, w.subject)
				}
				if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
					t.Errorf("%s: mail to %s lacks the link %s:\n%s", st.name, w.to, link, m.Text)
				}
				for _, b := range w.body {
					if !strings.Contains(m.Text, b) || !strings.Contains(m.HTML, b) {
						t.Errorf("%s: mail to %s lacks %q in both parts:\n%s\n%s", st.name, w.to, b, m.Text, m.HTML)
					}
				}
				if strings.Contains(m.HTML, "<img") {
					t.Errorf("%s: mail to %s has an image", st.name, w.to)
				}
			}
		}
		for _, row := range e.outbox() {
			if row.Status != models.OutboxSent || row.Attempts != 1 {
				t.Errorf("outbox row %d (%s to %s): status %s after %d attempts", row.ID, row.Event, row.RecipientEmail, row.Status, row.Attempts)
			}
		}
	})
}
