package document_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"mobilityfund/document"
	"mobilityfund/internal/pdftest"
)

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()

func sample(kind document.Kind) document.Decision {
	return document.Decision{
		Kind: kind, University: "Örebro universitet", Fund: "Mobilitetsfonden", Ref: "ORU 2026/00123",
		// 23:30 UTC on 14 March is 15 March in Stockholm.
		DecidedAt: time.Date(2026, 3, 14, 23, 30, 0, 0, time.UTC), Zone: stockholm,
		Application: "MF-2026-0007", Title: "Utbytesvecka i Bologna för lärarstudenter",
		Unit: "Institutionen för humaniora, utbildnings- och samhällsvetenskap", Faculty: "Fakulteten för humaniora och samhällsvetenskap",
		Contact: "Anna Lindqvist", Call: "Medel för utresande studentmobilitet 2026",
		Plan:        "Handlingsplan för internationalisering 2025-2026",
		Activities:  []string{"Öka antalet utbytesavtal", "Korta mobilitetsfönster i programmen"},
		PeriodStart: time.Date(2026, 8, 31, 22, 0, 0, 0, time.UTC), PeriodEnd: time.Date(2027, 6, 29, 22, 0, 0, 0, time.UTC),
		RequestedOre: 1_234_567_00, GrantedOre: 987_654_00, ReturnedOre: 500_000_00,
		Motivation: "Ansökan bedöms väl förankrad; särskilt värdefullt är fokus på studenter som inte kan åka länge – även för yrkesverksamma.",
		ReportDue:  time.Date(2027, 9, 29, 22, 0, 0, 0, time.UTC),
		Decider:    "Johan Dahl", DeciderTitle: "vicerektor för internationalisering", OnBehalfOf: "Karin Sjöberg",
		Presenter:  "Sara Ekberg",
		EarlierRef: "ORU 2026/00100", EarlierAt: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC),
	}
}

func TestDecisionPDF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind document.Kind
		lang string
		want []string
		not  []string
	}{
		{document.KindGrant, "sv", []string{"Beslut om medel ur Mobilitetsfonden", "beviljas 987 654 kr ur Mobilitetsfonden",
			"Villkor", "senast 2027-09-30", "Öka antalet utbytesavtal", "Medlen avser"}, []string{"delvis", "avslås"}},
		{document.KindPartial, "sv", []string{"beviljas 987 654 kr av sökta 1 234 567 kr", "Ansökan beviljas därmed delvis.",
			"Beviljat belopp 987 654 kr"}, []string{"avslås"}},
		{document.KindReject, "sv", []string{"om 1 234 567 kr ur Mobilitetsfonden", "avslås."}, []string{"Villkor", "Beviljat belopp"}},
		{document.KindRevoke, "sv", []string{"Beslut om att upphäva beslut om medel ur Mobilitetsfonden", "Beslutet den 2026-02-01 (dnr ORU 2026/00100)",
			"upphävs", "500 000 kr som inte har använts återförs till Mobilitetsfonden"}, []string{"Villkor"}},
		{document.KindPartial, "en", []string{"Decision on funding from Mobilitetsfonden", "is granted SEK 987,654 of the SEK 1,234,567",
			"DECISION", "Ref. no. ORU 2026/00123", "as substitute for vicerektor för internationalisering Karin Sjöberg",
			"This is a translation."}, []string{"Beslutet har fattats"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+tt.lang, func(t *testing.T) {
			t.Parallel()
			d := sample(tt.kind)
			pdf, err := document.DecisionPDF(d, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			text := pdftest.Text(t, pdf)
			flat := pdftest.Flat(t, pdf)
			// Amounts are written as the app writes them, with no-break
			// spaces: "1 234 567 kr".
			if tt.kind != document.KindRevoke && tt.lang == "sv" && !strings.Contains(text, "1\u00a0234\u00a0567\u00a0kr") {
				t.Errorf("the requested amount with no-break spaces is missing:\n%s", text)
			}
			for _, w := range append(tt.want, "ORU 2026/00123", "2026-03-15", "Örebro universitet", "MF-2026-0007",
				"särskilt värdefullt är fokus på studenter som inte kan åka länge – även för yrkesverksamma") {
				if !strings.Contains(flat, w) {
					t.Errorf("%q missing in:\n%s", w, flat)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(flat, w) {
					t.Errorf("%q should not be in:\n%s", w, flat)
				}
			}
			if tt.lang == "sv" && !strings.Contains(flat, "Beslutet har fattats av Johan Dahl som ersättare för vicerektor för internationalisering Karin Sjöberg efter föredragning av Sara Ekberg.") {
				t.Errorf("decider and presenter missing:\n%s", flat)
			}
			if !strings.Contains(flat, "(1)") {
				t.Errorf("page numbering missing:\n%s", flat)
			}
			again, err := document.DecisionPDF(d, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pdf, again) {
				t.Error("the same decision gave different bytes")
			}
			if !bytes.Contains(pdf, []byte("D:20260314233000")) {
				t.Error("the creation date is not the decision's moment")
			}
		})
	}
}

func TestDecisionPDFRegularDecider(t *testing.T) {
	t.Parallel()
	d := sample(document.KindGrant)
	d.Decider, d.OnBehalfOf = "Karin Sjöberg", ""
	pdf, err := document.DecisionPDF(d, "sv")
	if err != nil {
		t.Fatal(err)
	}
	if flat := pdftest.Flat(t, pdf); !strings.Contains(flat, "Beslutet har fattats av vicerektor för internationalisering Karin Sjöberg efter föredragning av Sara Ekberg.") ||
		strings.Contains(flat, "ersättare") {
		t.Errorf("signature:\n%s", flat)
	}
}

func TestDecisionPDFIncomplete(t *testing.T) {
	t.Parallel()
	for _, blank := range []func(*document.Decision){
		func(d *document.Decision) { d.Ref = " " },
		func(d *document.Decision) { d.Decider = "" },
		func(d *document.Decision) { d.Motivation = "" },
	} {
		d := sample(document.KindGrant)
		blank(&d)
		if _, err := document.DecisionPDF(d, "sv"); !errors.Is(err, document.ErrIncomplete) {
			t.Errorf("err = %v, want ErrIncomplete", err)
		}
	}
}

func TestDecisionFileName(t *testing.T) {
	t.Parallel()
	if got := document.DecisionFileName("ORU 2026/00123", "MF-2026-0007", "sv"); got != "beslut_ORU-2026-00123_MF-2026-0007.pdf" {
		t.Errorf("sv: %q", got)
	}
	if got := document.DecisionFileName("../../etc/passwd", "MF-2026-0007", "en"); got != "decision_etc-passwd_MF-2026-0007.pdf" {
		t.Errorf("en: %q", got)
	}
}
