package workflow

import (
	"slices"
	"testing"
)

// TestRevocationKeepsTheGrant: a revocation records its own reference;
// the grant's reference and motivation stay on the application.
func TestRevocationKeepsTheGrant(t *testing.T) {
	t.Parallel()
	app := completeApp(StateBooked)
	app.DecisionRef, app.Motivation = "ORU 2026/1", "Beviljas."
	in := validInput()
	in.DecisionRef = " ORU 2026/99 "
	out := mustDecide(t, app, testCall(true), RoleDecider, ActionRevoke, in)
	if out.App.DecisionRef != "ORU 2026/1" || out.App.Motivation != "Beviljas." || out.App.RevocationRef != "ORU 2026/99" {
		t.Errorf("after revocation: decision %q, motivation %q, revocation %q", out.App.DecisionRef, out.App.Motivation, out.App.RevocationRef)
	}
}

// TestReturnNotifiesFinance: finance hears of an accepted report only
// when it gives money back, since only then is there a return to book.
func TestReturnNotifiesFinance(t *testing.T) {
	t.Parallel()
	toFinance := func(ns []Notice) bool {
		return slices.Contains(ns, Notice{Event: "return_waiting", To: Recipient{Kind: RecipientFinance}})
	}
	for spent, want := range map[int64]bool{30_000: true, 80_000: false} {
		app := completeApp(StateReported) // granted 80 000
		app.SpentOre = spent
		out := mustDecide(t, app, testCall(true), RoleCoordinator, ActionAcceptReport, validInput())
		if got := toFinance(out.Notices); got != want {
			t.Errorf("spent %d: finance told of a return = %v, want %v (notices %v)", spent, got, want, out.Notices)
		}
	}
}
