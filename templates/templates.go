// Package templates holds the server-rendered pages, embedded in the
// binary and parsed once at start-up: one base layout, shared partials,
// and a page file each.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
)

//go:embed layout/*.html pages/*.html
var pageFS embed.FS

//go:embed static
var staticFS embed.FS

// Static returns the stylesheet and other assets served under /static/.
func Static() fs.FS {
	sub, _ := fs.Sub(staticFS, "static")
	return sub
}

// Renderer renders pages by name ("start", "plan", …).
type Renderer struct {
	pages map[string]*template.Template
}

// New parses the layout and every page with funcs. It fails at start-up on
// any template error, so a broken page never reaches a user.
func New(funcs template.FuncMap) (*Renderer, error) {
	base, err := template.New("base").Funcs(funcs).ParseFS(pageFS, "layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: layout: %w", err)
	}
	files, err := fs.Glob(pageFS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: make(map[string]*template.Template, len(files))}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(pageFS, f); err != nil {
			return nil, fmt.Errorf("templates: %s: %w", f, err)
		}
		r.pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return r, nil
}

// Names returns the names of every page.
func (r *Renderer) Names() []string {
	out := make([]string, 0, len(r.pages))
	for n := range r.pages {
		out = append(out, n)
	}
	return out
}

// Render writes page with data to w. It renders into a buffer first so
// that a failing template produces an error, not half a page.
func (r *Renderer) Render(w io.Writer, page string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("templates: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", data); err != nil {
		return fmt.Errorf("templates: %s: %w", page, err)
	}
	_, err := buf.WriteTo(w)
	return err
}
