package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"mobilityfund/internal/browsertest"
)

// TestPersonalDataPage: Anna Lindqvist reaches her personal data from the
// footer; the page passes axe-core and reflows at 320 pixels in both
// languages, and the download the page links to is her data as JSON.
// The administrator's people page, with the privileged roles, too.
func TestPersonalDataPage(t *testing.T) {
	b := browsertest.Start(t)
	for _, lang := range []string{"sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			j := newJourney(t, b, lang, "personal-data-"+lang)
			tab := j.tab
			tab.SignIn("Anna Lindqvist")
			tab.UseLanguage(lang)
			if !tab.Has(`footer a[href="/me/data"]`) {
				t.Error("the footer does not link to the personal data")
			}
			tab.Open("/me/data")
			j.page("personal data", "anna.lindqvist@example.org", j.l.T("personal.title"), "arkivlagen")
			tab.Viewport(320, 640)
			tab.CheckReflow("personal data " + lang)
			tab.Viewport(1280, 900)
			status, body := tab.Fetch("/me/data.json")
			var doc struct{ Profile struct{ Email string } }
			if err := json.Unmarshal(body, &doc); status != 200 || err != nil || doc.Profile.Email != "anna.lindqvist@example.org" {
				t.Errorf("download: %d, %v, %s", status, err, strings.TrimSpace(string(body[:min(len(body), 200)])))
			}

			tab.SignIn("Eva Strand")
			tab.UseLanguage(lang)
			tab.Open("/admin/people")
			j.page("people", j.l.T("privileged.heading"), "Karin Sjöberg")
			tab.Viewport(320, 640)
			tab.CheckReflow("people " + lang)
		})
	}
}
