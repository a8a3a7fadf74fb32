package models_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// bookingClock is the time both stores of a comparison live at, so that
// their rows can be compared field by field.
var bookingClock = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

// newBookingFixture is the demo university with a generated one of n
// applications, of which awards applications still undecided have been
// granted by hand, so that the next batch holds them: every seventh
// with a contact person, every eleventh with its author disabled.
func newBookingFixture(t *testing.T, b dbtest.Backend, n, awards int) *financeFixture {
	t.Helper()
	s := dbtest.New(t, b)
	s.SetClock(func() time.Time { return bookingClock })
	f := newFinanceFixture(t, s)
	if _, err := s.SeedSynthetic(f.ctx, n, 6); err != nil {
		t.Fatal(err)
	}
	f.grantByHand(awards)
	return f
}

// grantByHand grants n applications that wait for a decision or were
// refused, in id order, as a decider would, without the workflow.
func (f *financeFixture) grantByHand(n int) []int64 {
	f.t.Helper()
	var ids []int64
	undecided := []workflow.State{workflow.StateSubmitted, workflow.StateEndorsed, workflow.StateInReview,
		workflow.StateReadyForDecision, workflow.StateRejected, workflow.StateWithdrawn, workflow.StateReturned}
	if err := f.s.DB().Model(&models.Application{}).Where("state IN ? AND deleted_at IS NULL AND requested_ore > 0", undecided).
		Order("id").Limit(n).Pluck("id", &ids).Error; err != nil {
		f.t.Fatal(err)
	}
	if len(ids) != n {
		f.t.Fatalf("%d applications to grant, want %d", len(ids), n)
	}
	var other int64
	if err := f.s.DB().Model(&models.User{}).Where("id <> ?", f.anna.User.ID).Order("id DESC").Limit(1).Pluck("id", &other).Error; err != nil {
		f.t.Fatal(err)
	}
	for i, id := range ids {
		db := f.s.DB()
		if err := db.Exec("UPDATE applications SET state = ?, granted_ore = requested_ore, decision_ref = ?, decided_at = ?, version = version + 1 WHERE id = ?",
			workflow.StateGranted, fmt.Sprintf("ORU 2026/%05d", id), bookingClock, id).Error; err != nil {
			f.t.Fatal(err)
		}
		if i%7 == 3 {
			if err := db.Exec("UPDATE applications SET contact_id = ? WHERE id = ?", other, id).Error; err != nil {
				f.t.Fatal(err)
			}
		}
		if i%11 == 5 {
			if err := db.Exec("UPDATE users SET disabled = ? WHERE id = (SELECT created_by FROM applications WHERE id = ?)", true, id).Error; err != nil {
				f.t.Fatal(err)
			}
		}
	}
	return ids
}

// bookOneByOne is what booking a batch did before it went by chunks:
// Apply for each award line's application still granted, in id order.
func (f *financeFixture) bookOneByOne(batch int64, comment string) {
	f.t.Helper()
	var apps []struct {
		ID      int64
		Version int
		State   workflow.State
	}
	if err := f.s.DB().Table("applications").Select("applications.id, applications.version, applications.state").
		Joins("JOIN finance_batch_lines ON finance_batch_lines.application_id = applications.id").
		Where("finance_batch_lines.batch_id = ? AND finance_batch_lines.kind = ?", batch, models.LineAward).
		Order("applications.id").Scan(&apps).Error; err != nil {
		f.t.Fatal(err)
	}
	for _, a := range apps {
		if a.State != workflow.StateGranted {
			continue
		}
		if _, err := f.s.Apply(f.ctx, a.ID, a.Version, f.peter, workflow.ActionBook, workflow.Input{Comment: comment}); err != nil {
			f.t.Fatalf("book application %d: %v", a.ID, err)
		}
	}
}

// bookingRows is what booking leaves behind, in a form two stores can be
// compared in: every application's state, version and time, the booking
// audit events, and their outbox rows with the audit event's id in the
// dedupe key replaced by its application's.
// Its own booking's events, those with comment, must follow the
// applications' order.
func (f *financeFixture) bookingRows(comment string) []string {
	f.t.Helper()
	db := f.s.DB()
	var out []string
	var apps []models.Application
	if err := db.Order("id").Find(&apps).Error; err != nil {
		f.t.Fatal(err)
	}
	for _, a := range apps {
		out = append(out, fmt.Sprintf("app %d %s v%d %s granted %d", a.ID, a.State, a.Version, a.UpdatedAt.UTC().Format(time.RFC3339Nano), a.GrantedOre))
	}
	var events []models.AuditEvent
	if err := db.Where("action = ?", workflow.ActionBook).Order("id").Find(&events).Error; err != nil {
		f.t.Fatal(err)
	}
	evApp := map[string]int64{}
	var last int64
	for _, e := range events {
		if e.Comment == comment {
			if e.EntityID <= last {
				f.t.Errorf("audit event %d for application %d after one for %d", e.ID, e.EntityID, last)
			}
			last = e.EntityID
		}
		evApp[fmt.Sprint(e.ID)] = e.EntityID
		out = append(out, fmt.Sprintf("audit %s %d app %d actor %d %s→%s %q %d %s", e.Entity, e.EntityID, *e.ApplicationID, *e.ActorID,
			e.FromState, e.ToState, e.Comment, e.AmountOre, e.CreatedAt.UTC().Format(time.RFC3339Nano)))
	}
	var msgs []models.OutboxMessage
	if err := db.Where("event = ?", workflow.EventBooked).Order("id").Find(&msgs).Error; err != nil {
		f.t.Fatal(err)
	}
	for _, m := range msgs {
		key := strings.Split(*m.DedupeKey, ":") // app:<id>:ev:<event id>:<event>:u:<user id>
		if len(key) != 7 || key[0] != "app" || key[2] != "ev" || fmt.Sprint(evApp[key[3]]) != key[1] || key[1] != fmt.Sprint(*m.ApplicationID) {
			f.t.Errorf("outbox %d: dedupe key %q is not of its application's booking event", m.ID, *m.DedupeKey)
			continue
		}
		key[3] = "E"
		out = append(out, fmt.Sprintf("outbox %s app %d to %d %s %s %s %s %s %s", m.Event, *m.ApplicationID, *m.RecipientID, m.RecipientEmail,
			m.Language, m.Payload, strings.Join(key, ":"), m.Status, m.NextAttemptAt.UTC().Format(time.RFC3339Nano)))
	}
	return out
}

// TestBookingEqualsOneByOne books the same batch of a few hundred awards
// in two stores holding the same data, once application by application
// through Apply and once as a batch, one award revoked after the batch
// was made, and compares what the two leave behind row by row.
func TestBookingEqualsOneByOne(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			var got [2][]string
			for i, byBatch := range []bool{false, true} {
				f := newBookingFixture(t, b, 1500, 300)
				batch := f.batch(models.BatchInput{})
				var revoke models.Application
				if err := f.s.DB().Where("state = ?", workflow.StateGranted).Order("id DESC").First(&revoke).Error; err != nil {
					t.Fatal(err)
				}
				if _, err := f.s.Apply(f.ctx, revoke.ID, revoke.Version, f.karin, workflow.ActionRevoke,
					workflow.Input{DecisionRef: "ORU 2026/99999", Comment: "Återkallas."}); err != nil {
					t.Fatal(err)
				}
				comment := fmt.Sprintf("Verifikation IB 4711 2026-06-01 (batch %d)", batch.ID)
				in := models.BookingInput{VoucherSeries: "IB", VoucherNumber: "4711", VoucherDate: bookingClock}
				if byBatch {
					if _, err := f.s.BookFinanceBatch(f.ctx, f.peter, batch.ID, batch.Version, in); err != nil {
						t.Fatal(err)
					}
					f.assertMoney("booked")
				} else {
					f.bookOneByOne(batch.ID, comment)
				}
				got[i] = f.bookingRows(comment)
			}
			one, all := got[0], got[1]
			var booked int
			for _, r := range all {
				if strings.HasPrefix(r, "audit ") {
					booked++
				}
			}
			if booked < 300 {
				t.Errorf("%d applications booked, want the 300 awards granted and those already waiting", booked)
			}
			if len(one) != len(all) {
				t.Errorf("%d rows one by one, %d by batch", len(one), len(all))
			}
			for i := range min(len(one), len(all)) {
				if one[i] != all[i] {
					t.Fatalf("row %d differs:\none by one: %s\nby batch:   %s", i, one[i], all[i])
				}
			}
		})
	}
}

// TestBookingStatements: booking a batch takes a number of statements
// that grows with its chunks of applications, not with each one.
func TestBookingStatements(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			f := newBookingFixture(t, b, 2000, 50)
			count := dbtest.CountStatements(t, f.s)
			var n [2]int64
			for i, awards := range []int{50, 500} {
				if i > 0 {
					f.grantByHand(awards)
				}
				batch := f.batch(models.BatchInput{})
				count.Reset()
				f.book(batch, fmt.Sprint(i+1))
				n[i] = count.N()
				var booked int64
				f.s.DB().Model(&models.AuditEvent{}).Where("action = ? AND comment LIKE ?", workflow.ActionBook,
					fmt.Sprintf("%%(batch %d)", batch.ID)).Count(&booked)
				if booked < int64(awards) {
					t.Fatalf("batch %d booked %d applications, want at least %d", batch.ID, booked, awards)
				}
				t.Logf("%d applications booked in %d statements", booked, n[i])
			}
			if n[0] > 20 || n[1] > n[0]+6 {
				t.Errorf("booking took %d statements for 50 awards and %d for 500", n[0], n[1])
			}
		})
	}
}
