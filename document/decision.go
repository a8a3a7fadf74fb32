package document

import (
	"errors"
	"regexp"
	"strings"
	"time"

	"mobilityfund/money"
)

// Kind is what a decision decides.
type Kind string

// The kinds of decision that produce a document.
const (
	KindGrant   Kind = "grant"   // granted in full
	KindPartial Kind = "partial" // granted, less than requested
	KindReject  Kind = "reject"
	KindRevoke  Kind = "revoke"
)

// Kinds returns every kind of decision.
func Kinds() []Kind { return []Kind{KindGrant, KindPartial, KindReject, KindRevoke} }

// Decision is everything a decision document says, with every name
// already in the document's language. Moments are shown as days in Zone.
type Decision struct {
	Kind       Kind
	University string // the university's name, from its settings
	Fund       string // the pot the money comes from: "Mobilitetsfonden"
	Ref        string // the decision's reference number (diarienummer)
	DecidedAt  time.Time
	Zone       *time.Location

	Application string // the application's number, MF-2026-0042
	Title       string
	Unit        string
	Faculty     string // empty when the unit is itself a faculty
	Contact     string // the applicants' contact person
	Call        string
	Plan        string
	Activities  []string // the plan activities the money is for
	PeriodStart time.Time
	PeriodEnd   time.Time

	RequestedOre int64
	GrantedOre   int64 // what was granted; for a revocation, the grant revoked
	ReturnedOre  int64 // for a revocation, what goes back to the fund
	Motivation   string
	ReportDue    time.Time // the condition of a grant: the report's last day

	Decider      string
	DeciderTitle string // the regular decider's office: "vicerektor för internationalisering"
	// OnBehalfOf names the regular decider when a substitute decided.
	OnBehalfOf string
	Presenter  string // föredragande: the coordinator who made the case ready

	// EarlierRef and EarlierAt name the grant a revocation revokes.
	EarlierRef string
	EarlierAt  time.Time
}

// ErrIncomplete is returned for a decision without a reference number,
// a decider or a motivation: a document without them is no record.
var ErrIncomplete = errors.New("document: decision lacks reference, decider or motivation")

// DecisionPDF writes the decision document in lang ("sv", or "en" for
// the English translation). The PDF's creation date is the decision's
// moment, so the same decision always gives the same bytes. It returns
// ErrIncomplete, or an error of the PDF writer.
func DecisionPDF(d Decision, lang string) ([]byte, error) {
	if strings.TrimSpace(d.Ref) == "" || strings.TrimSpace(d.Decider) == "" || strings.TrimSpace(d.Motivation) == "" {
		return nil, ErrIncomplete
	}
	tx := decisionTexts(lang)
	if d.Zone == nil {
		d.Zone = time.UTC
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.In(d.Zone).Format(time.DateOnly)
	}
	kr := func(ore int64) string { return money.Format(ore, tx.lang) }
	heading := tx.heading(d)
	p := newPage(heading+" – "+d.Ref, d.University, tx.lang, d.DecidedAt.UTC(), func(n int) string {
		return tx.footer(d.University, d.Ref, n)
	})

	// Letterhead: the university on the left; the document's kind, date
	// and reference on the right.
	f := p.f
	top := f.GetY()
	f.SetFont(family, "B", 13)
	f.MultiCell(p.width()*0.55, 6.5, clean(d.University), "", "L", false)
	if d.Fund != "" {
		f.SetFont(family, "", 9)
		f.MultiCell(p.width()*0.55, 4.5, clean(d.Fund), "", "L", false)
	}
	after := f.GetY()
	x := margin + p.width()*0.6
	f.SetXY(x, top)
	f.SetFont(family, "B", 12)
	f.CellFormat(p.width()*0.4, 6.5, tx.docKind, "", 2, "L", false, 0, "")
	f.SetFont(family, "", 9.5)
	f.SetX(x)
	f.CellFormat(p.width()*0.4, 5, tx.date+" "+day(d.DecidedAt), "", 2, "L", false, 0, "")
	f.SetX(x)
	f.MultiCell(p.width()*0.4, 5, clean(tx.ref+" "+d.Ref), "", "L", false)
	f.SetY(max(after, f.GetY()) + 8)

	p.title(heading)
	p.heading(tx.decisionHeading)
	p.bold(tx.decisionSentence(d, kr, day))
	if d.Kind == KindGrant || d.Kind == KindPartial {
		p.heading(tx.activitiesHeading)
		p.text(tx.activitiesIntro(d.Plan))
		p.bullets(d.Activities)
		p.heading(tx.conditionsHeading)
		p.text(tx.conditions(d, day))
	}
	p.heading(tx.reasonsHeading)
	p.text(d.Motivation)

	p.heading(tx.caseHeading)
	unit := d.Unit
	if d.Faculty != "" {
		unit += ", " + d.Faculty
	}
	facts := [][2]string{
		{tx.application, d.Application},
		{tx.title, d.Title},
		{tx.unit, unit},
		{tx.contact, d.Contact},
		{tx.call, d.Call},
		{tx.period, day(d.PeriodStart) + " – " + day(d.PeriodEnd)},
		{tx.requested, kr(d.RequestedOre)},
	}
	switch d.Kind {
	case KindGrant, KindPartial:
		facts = append(facts, [2]string{tx.granted, kr(d.GrantedOre)})
	case KindRevoke:
		facts = append(facts, [2]string{tx.granted, kr(d.GrantedOre)}, [2]string{tx.returned, kr(d.ReturnedOre)})
	}
	p.facts(facts)

	p.f.Ln(3)
	p.text(tx.signature(d))
	p.small(tx.noSignature)
	if tx.translation != "" {
		p.small(tx.translation)
	}
	return p.bytes()
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// DecisionFileName is the file name of a decision document: the kind of
// document, the reference number and the application's number, in
// characters every file system and registry system takes.
func DecisionFileName(ref, application, lang string) string {
	kind := "beslut"
	if lang == "en" {
		kind = "decision"
	}
	part := func(s string) string { return strings.Trim(unsafeFileChars.ReplaceAllString(s, "-"), "-.") }
	return kind + "_" + part(ref) + "_" + part(application) + ".pdf"
}
