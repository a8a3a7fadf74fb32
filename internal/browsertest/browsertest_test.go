package browsertest

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestHelpers checks the helpers against small pages of its own: axe-core
// finds a missing label and a missing alternative text and passes a
// correct page, a form typed into and submitted arrives whole, and the
// keyboard walk reaches every control.
func TestHelpers(t *testing.T) {
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><html lang="sv"><head><title>T</title>
<style>:focus-visible, input:focus { outline: 3px solid #000; }</style></head>
<body><a href="#main">Hoppa</a><main id="main" tabindex="-1"><h1>T</h1>%s</main></body></html>`, body)
		}
	}
	mux.HandleFunc("/bad", page(`<img src="x.png"><input name="q">`))
	mux.HandleFunc("/good", page(`<form method="post" action="/echo"><label for="q">Fråga</label>
<input id="q" name="q"><textarea id="t" name="t" aria-label="Text"></textarea><button type="submit">Skicka</button></form>`))
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		page("<p id=out>"+html.EscapeString(r.PostFormValue("q")+"|"+r.PostFormValue("t"))+"</p>")(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	b := Start(t)
	tab := b.NewTab(t, srv.URL, "helpers")

	tab.Open("/bad")
	var rules []string
	for _, v := range tab.Violations() {
		rules = append(rules, v.ID)
	}
	for _, want := range []string{"image-alt", "label"} {
		if !slices.Contains(rules, want) {
			t.Errorf("axe on a page with an unlabelled input and an image without alt: %v, want %s", rules, want)
		}
	}

	tab.Open("/good")
	tab.Axe("good")
	tab.Type("#q", "hej då")
	tab.Type("#t", "rad")
	tab.Submit(`button[type=submit]`)
	if got := Eval[string](tab, `document.getElementById("out").textContent`); got != "hej då|rad" {
		t.Errorf("the form arrived as %q", got)
	}
	tab.CheckSkipLink("/good")
	tab.CheckFocusOrder("/good")
}
