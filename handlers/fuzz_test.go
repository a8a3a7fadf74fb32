package handlers

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"mobilityfund/workflow"
)

// FuzzDraftForm binds arbitrary posted forms: binding never panics, never
// keeps more budget lines than a form may have, and whatever it makes of
// the form either passes the draft's own validation or fails it with a
// validation error, never anything else.
func FuzzDraftForm(f *testing.F) {
	f.Add("title=Utbyte&summary=x&line_category=travel&line_description=Resor&line_amount=1+234%2C50&activities=1", "sv")
	f.Add("line_category=travel&line_category=staff&line_amount=12%2C345&line_amount=-1&op=remove_line&index=0", "sv")
	f.Add("period_start=2026-13-40&period_end=1999-01-01&expected_first=-3&target_levels=fourth", "en")
	f.Add("unit=abc&neolaia=maybe&op=add_line", "sv")
	f.Fuzz(func(t *testing.T, body, lang string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		form, op, index := readDraftForm(values, lang)
		changeLines(&form, op, index)
		if len(form.Lines) > maxBudgetLines+1 {
			t.Fatalf("%d budget lines kept from one form", len(form.Lines))
		}
		d, problems := form.draft()
		if len(problems) > 0 {
			return
		}
		var v *workflow.ValidationError
		if err := d.Validate(); err != nil && !errors.As(err, &v) {
			t.Fatalf("Validate: %v", err)
		}
		_ = form.Total()
	})
}

// FuzzTypedText checks the edge's text rule against its definition: valid
// UTF-8 whose only control characters are tab, line feed and carriage
// return.
func FuzzTypedText(f *testing.F) {
	for _, s := range []string{"Växjö", "A\x00B", "bad \xff", "rad 1\r\nrad 2\tflik", "\u2028", "\x7f", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
			return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
		})
		if got := typedText(s); got != want {
			t.Fatalf("typedText(%q) = %v, want %v", s, got, want)
		}
	})
}
