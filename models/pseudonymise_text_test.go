package models

import "testing"

func TestReplaceTargets(t *testing.T) {
	t.Parallel()
	targets := append(textTargets("an@example.org", "EMAIL", emailBoundary),
		textTargets("Anna Öberg", "NAME", wordBoundary)...)
	targets = append(targets, textTargets("Ann O'Neil", "NAME2", wordBoundary)...)
	for in, want := range map[string]string{
		"an@example.org":                            "EMAIL",
		"Skriv till AN@Example.ORG.":                "Skriv till EMAIL.",
		"<an@example.org>, jan@example.org":         "<EMAIL>, jan@example.org",
		"an@example.org.uk och an@example.orgx":     "an@example.org.uk och an@example.orgx",
		"ann.an@example.org":                        "ann.an@example.org",
		`{"to":"an@example.org"}`:                   `{"to":"EMAIL"}`,
		"Hej Anna Öberg! ANNA ÖBERG, anna öberg":    "Hej NAME! NAME, NAME",
		"Anna Öbergs och Hanna Anna Öberg2":         "Anna Öbergs och Hanna Anna Öberg2",
		"<p>Hej Ann O&#39;Neil</p> och Ann O'Neil.": "<p>Hej NAME2</p> och NAME2.",
		"ingen här": "ingen här",
	} {
		if got := replaceTargets(in, targets); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}
