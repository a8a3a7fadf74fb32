package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
)

// TestAccessibilityStatement checks the statement without a browser, so
// that it is checked where Chromium is missing too: in both languages it
// names the compliance level, the contact address from SMTP_FROM and
// DIGG's form, and every page's footer links to it.
func TestAccessibilityStatement(t *testing.T) {
	t.Parallel()
	a := newApp(t, dbtest.New(t, dbtest.Backend{Name: "sqlite"}))
	get := func(path, lang string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK && path != "/no-such-page" {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return string(body)
	}
	for lang, want := range map[string][]string{
		"sv-SE": {`<html lang="sv">`, "Tillgänglighetsredogörelse", "Delvis förenlig", "WCAG 2.1 nivå AA", "Kontakta systemägaren"},
		"en-GB": {`<html lang="en">`, "Accessibility statement", "Partially compliant", "WCAG 2.1 level AA", "Contact the system owner"},
	} {
		body := get("/tillganglighet", lang)
		want = append(want, `href="mailto:noreply@localhost"`, `href="`+"https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-digital-offentlig-service-dos-lagen/anmal-bristande-tillganglighet"+`"`)
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the statement lacks %q", lang, w)
			}
		}
	}
	for _, p := range []string{"/", "/plan", "/login", "/tillganglighet", "/no-such-page"} {
		if !strings.Contains(get(p, "sv"), `<a href="/tillganglighet"`) {
			t.Errorf("the footer of %s does not link to the accessibility statement", p)
		}
	}
}
