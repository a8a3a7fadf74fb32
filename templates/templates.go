// Package templates holds the server-rendered pages, embedded in the
// binary: one base layout, shared partials, and a page file each. Every
// page is parsed at start-up to refuse a broken one, and kept parsed from
// its first use on: each page holds its own copy of the layout, and a
// server that never shows a page does not keep it in memory.
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
	"sync"
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
	base  *template.Template
	pages map[string]*page
}

// page is one page's file and, once it has been shown, its templates.
type page struct {
	file string
	once sync.Once
	t    *template.Template
	err  error
}

// parse parses the page's file over a copy of the layout.
func (r *Renderer) parse(file string) (*template.Template, error) {
	t, err := r.base.Clone()
	if err != nil {
		return nil, err
	}
	if _, err := t.ParseFS(pageFS, file); err != nil {
		return nil, fmt.Errorf("templates: %s: %w", file, err)
	}
	return t, nil
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
	r := &Renderer{base: base, pages: make(map[string]*page, len(files))}
	for _, f := range files {
		if _, err := r.parse(f); err != nil {
			return nil, err
		}
		r.pages[strings.TrimSuffix(path.Base(f), ".html")] = &page{file: f}
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

// Render writes page name with data to w. It renders into a buffer first so
// that a failing template produces an error, not half a page.
func (r *Renderer) Render(w io.Writer, name string, data any) error {
	p, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("templates: no page %q", name)
	}
	p.once.Do(func() { p.t, p.err = r.parse(p.file) })
	if p.err != nil {
		return p.err
	}
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, "base", data); err != nil {
		return fmt.Errorf("templates: %s: %w", name, err)
	}
	_, err := buf.WriteTo(w)
	return err
}
