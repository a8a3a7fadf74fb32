package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWriteRegistryCSV(t *testing.T) {
	t.Parallel()
	rows := []RegistryRow{
		{Ref: "ORU 2026/00123", Date: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), Title: "Utbytesvecka; Bologna",
			Unit: "Institutionen för humaniora", AmountOre: 120_000_50, Decider: "Johan Dahl (ersättare för Karin Sjöberg)",
			FileName: "beslut_ORU-2026-00123_MF-2026-0007.pdf"},
		{Ref: "=HYPERLINK(\"x\")", Title: "+1", Unit: "-enhet", Decider: "@k", FileName: "a.pdf"},
	}
	var buf bytes.Buffer
	seq := func(yield func(RegistryRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
	if err := WriteRegistryCSV(&buf, seq); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	want := "\uFEFFDnr;Datum;Rubrik;Enhet;Belopp;Beslutande;Filnamn\r\n" +
		"ORU 2026/00123;2026-03-15;\"Utbytesvecka; Bologna\";Institutionen för humaniora;120000,50;Johan Dahl (ersättare för Karin Sjöberg);beslut_ORU-2026-00123_MF-2026-0007.pdf\r\n" +
		"\"'=HYPERLINK(\"\"x\"\")\";;'+1;'-enhet;0,00;'@k;a.pdf\r\n"
	if got != want {
		t.Errorf("CSV:\n%q\nwant\n%q", got, want)
	}
	fail := errors.New("database gone")
	err := WriteRegistryCSV(&bytes.Buffer{}, func(yield func(RegistryRow, error) bool) { yield(RegistryRow{}, fail) })
	if !errors.Is(err, fail) || strings.Contains(err.Error(), "csv") {
		t.Errorf("err = %v", err)
	}
}
