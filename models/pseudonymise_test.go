package models_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// recordSnapshot is everything pseudonymisation must leave as it was:
// applications' states and amounts, decisions and their documents, the
// finance lines, and every audit row but its comment.
func recordSnapshot(t *testing.T, s *models.Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, state, requested_ore, granted_ore, returned_ore, recommended_ore, spent_ore, decision_ref,
			revocation_ref, created_by, contact_id, version FROM applications ORDER BY id`,
		`SELECT id, application_id, kind, decision_ref, decided_at, decided_by, amount_ore, audit_event_id FROM decisions ORDER BY id`,
		`SELECT decision_id, language, sha256, file_name FROM decision_documents ORDER BY decision_id, language`,
		`SELECT id, batch_id, application_id, kind, amount_ore, decision_ref FROM finance_batch_lines ORDER BY id`,
		`SELECT id, entity, entity_id, application_id, actor_id, action, from_state, to_state, amount_ore, created_at
			FROM audit_events WHERE NOT (entity = 'user' AND action = 'pseudonymise') ORDER BY id`,
		`SELECT id, application_id, author_id, internal, created_at FROM comments ORDER BY id`,
	} {
		var rows []map[string]any
		mustOK(t, s.DB().Raw(q).Scan(&rows).Error)
		fmt.Fprintf(&b, "%v\n", rows)
	}
	return b.String()
}

// textHits lists every text column, of every table, holding any of
// needles (ignoring case), with its number of rows.
func textHits(t *testing.T, s *models.Store, needles ...string) []string {
	t.Helper()
	cols, err := s.TextColumns(context.Background())
	mustOK(t, err)
	if len(cols) < 50 {
		t.Fatalf("only %d text columns found", len(cols))
	}
	var hits []string
	for _, c := range cols {
		for _, n := range needles {
			// Whole occurrences only: joanna.lindqvist@… is someone else.
			whole := regexp.MustCompile(`(?i)(^|[^\pL\pN._%+-])` + regexp.QuoteMeta(n) + `($|[^\pL\pN-])`)
			var vals []string
			mustOK(t, s.DB().Table(c[0]).Where(`LOWER("`+c[1]+`") LIKE ?`, "%"+strings.ToLower(n)+"%").
				Pluck(c[1], &vals).Error)
			count := 0
			for _, v := range vals {
				if whole.MatchString(v) {
					count++
				}
			}
			if count > 0 {
				hits = append(hits, fmt.Sprintf("%s.%s: %d × %q", c[0], c[1], count, n))
			}
		}
	}
	return hits
}

// TestPseudonymise drives anna (demo) to an inactive person with her name
// and address in mail, a comment, the audit trail and a decision, and
// checks on both databases who is and is not due, that a dry run changes
// nothing, that a real run leaves no trace of her name or address in any
// text column while amounts, decisions and the audit rows stay as they
// were, and that a second run changes nothing.
func TestPseudonymise(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		const name, email = "Anna Lindqvist", "anna.lindqvist@example.org"
		clk := newClock(s)
		booked := mustBookedDemo(t, s, "Språkstöd inför utlandsstudier")
		anna, james, sara, eva := mustActor(t, s, "anna"), mustActor(t, s, "james"), mustActor(t, s, "sara"), mustActor(t, s, "eva")
		_, err := s.AddComment(ctx, sara, booked.ID, false, "Ring "+name+" ("+strings.ToUpper(email)+") om resorna.")
		mustOK(t, err)
		const someoneElse = "Kopia till jo" + email + " och Anna Lindqvistsson."
		other, err := s.AddComment(ctx, sara, booked.ID, false, someoneElse)
		mustOK(t, err)
		var drafts []models.Application
		mustOK(t, s.DB().Where("created_by = ? AND state = ?", anna.User.ID, workflow.StateDraft).Find(&drafts).Error)
		if len(drafts) == 0 {
			t.Fatal("anna has no draft")
		}
		_, err = s.SetContact(ctx, anna, drafts[0].ID, james.User.ID)
		mustOK(t, err)
		_, err = s.SetContact(ctx, james, drafts[0].ID, anna.User.ID) // the audit row names her
		mustOK(t, err)
		mustOK(t, s.DB().Create(&models.MailboxMessage{RecipientEmail: email, Subject: "Hej",
			TextBody: "Hej " + name, HTMLBody: "<p>Hej " + name + "</p>", CreatedAt: s.Now()}).Error)
		_, err = s.StartSession(ctx, anna.User.ID, sessHash(9), nil, "")
		mustOK(t, err)
		for _, g := range anna.Grants {
			_, err := s.RevokeGrant(ctx, eva, anna.User.ID, g.ID)
			mustOK(t, err)
		}

		clk.Advance(25 * 31 * 24 * time.Hour)
		cutoff := s.Now().AddDate(-2, 0, 0)
		due := func() []string {
			var out []string
			mustOK(t, s.EachPseudonymCandidate(ctx, cutoff, func(c models.PseudonymCandidate) error {
				out = append(out, c.User.Name)
				return nil
			}))
			return out
		}
		// Named on open applications (her draft, the booked one): not due,
		// and neither is anyone holding a role, a dated one to come too.
		if got := due(); len(got) != 0 {
			t.Fatalf("due with open applications and roles: %v", got)
		}
		if _, err := s.Pseudonymise(ctx, anna.User.ID, cutoff, false); !errors.Is(err, models.ErrNotPseudonymisable) {
			t.Fatalf("pseudonymised while named on open applications: %v", err)
		}
		mustOK(t, s.DB().Exec("UPDATE applications SET state = ? WHERE id = ?", workflow.StateWithdrawn, drafts[0].ID).Error)
		mustOK(t, s.DB().Exec("UPDATE applications SET state = ? WHERE state = ?", workflow.StateClosed, workflow.StateBooked).Error)
		mustOK(t, s.DB().Exec("UPDATE applications SET state = ? WHERE created_by = ? AND state = ?",
			workflow.StateWithdrawn, anna.User.ID, workflow.StateDraft).Error)
		if got := due(); len(got) != 1 || got[0] != name {
			t.Fatalf("due: %v, want only %s", got, name)
		}

		before := recordSnapshot(t, s)
		if hits := textHits(t, s, name, email); len(hits) < 5 {
			t.Fatalf("the fixture puts her name in too few places: %v", hits)
		}
		dry, err := s.Pseudonymise(ctx, anna.User.ID, cutoff, true)
		mustOK(t, err)
		if len(dry.Changed) < 4 || dry.Sessions != 1 || !dry.NameInText {
			t.Errorf("dry run reports %+v", dry)
		}
		if hits := textHits(t, s, name); len(hits) == 0 {
			t.Fatal("the dry run changed the database")
		}

		res, err := s.Pseudonymise(ctx, anna.User.ID, cutoff, false)
		mustOK(t, err)
		if fmt.Sprint(res.Changed) != fmt.Sprint(dry.Changed) {
			t.Errorf("the run changed %v, the dry run said %v", res.Changed, dry.Changed)
		}
		if hits := textHits(t, s, name, email); len(hits) > 0 {
			t.Errorf("her name or address is still there: %v", hits)
		}
		if after := recordSnapshot(t, s); after != before {
			t.Errorf("records changed:\nbefore %s\nafter  %s", before, after)
		}
		pName, pEmail := models.Pseudonym(anna.User.ID)
		u, err := s.UserByID(ctx, anna.User.ID)
		mustOK(t, err)
		if u.Name != pName || u.Email != pEmail || u.PseudonymisedAt == nil || u.Subject != "anna" || u.Issuer != models.DevIssuer {
			t.Errorf("user row: %+v", u)
		}
		if n, _ := s.CountSessions(ctx, u.ID); n != 0 {
			t.Errorf("%d sessions left", n)
		}
		var c models.Comment
		mustOK(t, s.DB().Where("application_id = ? AND author_id = ?", booked.ID, sara.User.ID).First(&c).Error)
		if !strings.Contains(c.Body, pName) || !strings.Contains(c.Body, pEmail) {
			t.Errorf("comment: %q", c.Body)
		}
		var kept models.Comment
		mustOK(t, s.DB().First(&kept, other.ID).Error)
		if kept.Body != someoneElse {
			t.Errorf("another person's address and name were changed: %q", kept.Body)
		}
		var ev models.AuditEvent
		mustOK(t, s.DB().Where("entity = 'user' AND entity_id = ? AND action = 'pseudonymise'", u.ID).First(&ev).Error)
		if ev.ActorID != nil || strings.Contains(ev.Comment, "Anna") {
			t.Errorf("audit row: %+v", ev)
		}

		// Idempotent: nobody is due any more, and the person is not
		// pseudonymised again.
		if got := due(); len(got) != 0 {
			t.Errorf("due after the run: %v", got)
		}
		if _, err := s.Pseudonymise(ctx, u.ID, cutoff, false); !errors.Is(err, models.ErrNotPseudonymisable) {
			t.Errorf("second run: %v", err)
		}
		var audits int64
		mustOK(t, s.DB().Model(&models.AuditEvent{}).Where("action = 'pseudonymise'").Count(&audits).Error)
		if audits != 1 {
			t.Errorf("%d pseudonymisation audit rows", audits)
		}

		// She comes back: sign-in finds her by issuer and subject and gives
		// her name and address back.
		back, err := s.SignIn(ctx, models.Identity{Issuer: models.DevIssuer, Subject: "anna", Email: email, Name: name},
			nil, sessHash(10), nil, "")
		mustOK(t, err)
		if back.Created || back.User.ID != u.ID || back.User.Name != name || back.User.PseudonymisedAt != nil {
			t.Errorf("after signing in again: %+v", back.User)
		}
	})
}

// TestAuditRedactionIsNarrow: even while a pseudonymisation holds its
// permit, only an audit row's comment may change, and nothing may be
// deleted; without the permit not even the comment.
func TestAuditRedactionIsNarrow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		mustSeedDemo(t, s)
		var ev models.AuditEvent
		mustOK(t, s.DB().Order("id").First(&ev).Error)
		var uid int64
		mustOK(t, s.DB().Raw("SELECT MIN(id) FROM users").Scan(&uid).Error)
		for _, stmt := range []string{
			"UPDATE audit_events SET action = 'forged' WHERE id = ?",
			"UPDATE audit_events SET comment = 'x', amount_ore = 1 WHERE id = ?",
			"DELETE FROM audit_events WHERE id = ?",
		} {
			tx := s.DB().Begin()
			mustOK(t, tx.Exec("INSERT INTO audit_redaction_permits (user_id) VALUES (?)", uid).Error)
			if err := tx.Exec(stmt, ev.ID).Error; err == nil {
				t.Errorf("with a permit, %q was let through", stmt)
			}
			tx.Rollback()
		}
		tx := s.DB().Begin()
		mustOK(t, tx.Exec("INSERT INTO audit_redaction_permits (user_id) VALUES (?)", uid).Error)
		mustOK(t, tx.Exec("UPDATE audit_events SET comment = 'redacted' WHERE id = ?", ev.ID).Error)
		tx.Rollback()
		if err := s.DB().Exec("UPDATE audit_events SET comment = 'redacted' WHERE id = ?", ev.ID).Error; err == nil {
			t.Error("without a permit a comment was changed")
		}
	})
}
