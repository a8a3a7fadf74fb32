// Package notify delivers the outbox: a worker claims pending rows,
// renders each in its recipient's language (plain text and HTML), sends
// it over SMTP (or, without SMTP_HOST, to the log and the development
// mailbox), retries with backoff, and writes the reminders that fall due.
package notify

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strconv"
	"strings"
	texttemplate "text/template"
	"unicode"

	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/templates"
	"mobilityfund/workflow"
)

// Languages are the languages every mail exists in; an outbox row with
// any other language gets Swedish.
var Languages = []string{"sv", "en"}

// Events returns every event a mail can be about: the workflow's notices,
// the reminders and the changes to privileged roles.
func Events() []workflow.Event { return append(workflow.Events(), workflow.RoleEvents()...) }

// ErrNoTemplate is returned for an event that has no template in the
// recipient's language.
var ErrNoTemplate = errors.New("notify: no mail template")

// Mail is one rendered message to one person. Subject, To and ToName are
// safe for a header: no control characters.
type Mail struct {
	To, ToName string
	Subject    string
	Text, HTML string
	// MessageID is the same for every attempt at one outbox row, so that
	// a receiving system recognises a repeat.
	MessageID string
}

// Renderer turns outbox rows into mail with the embedded templates.
type Renderer struct {
	baseURL string
	text    map[string]*texttemplate.Template // "LANG/EVENT"
	html    map[string]*htmltemplate.Template
}

// NewRenderer parses every mail template; links point into baseURL. It
// returns an error when a template does not parse or lacks one of the
// parts "subject", "text" and "html".
func NewRenderer(baseURL string) (*Renderer, error) {
	r := &Renderer{baseURL: strings.TrimRight(baseURL, "/"),
		text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	src := templates.Mail()
	for _, lang := range Languages {
		files, err := fs.Glob(src, lang+"/*.tmpl")
		if err != nil {
			return nil, err
		}
		layout := lang + "/layout.tmpl"
		for _, f := range files {
			if f == layout {
				continue
			}
			key := lang + "/" + strings.TrimSuffix(path.Base(f), ".tmpl")
			tt, err := texttemplate.New(key).ParseFS(src, layout, f)
			if err != nil {
				return nil, fmt.Errorf("mail template %s: %w", f, err)
			}
			ht, err := htmltemplate.New(key).ParseFS(src, layout, f)
			if err != nil {
				return nil, fmt.Errorf("mail template %s: %w", f, err)
			}
			for _, part := range []string{"subject", "text", "html"} {
				if tt.Lookup(part) == nil {
					return nil, fmt.Errorf("mail template %s: no %q part", f, part)
				}
			}
			r.text[key], r.html[key] = tt, ht
		}
	}
	return r, nil
}

// Has reports whether event has a template in lang.
func (r *Renderer) Has(lang string, event workflow.Event) bool {
	key := lang + "/" + string(event)
	return r.text[key] != nil && r.html[key] != nil
}

// data is what the templates see.
type data struct {
	models.NoticePayload
	Name   string
	Amount string // formatted for the reader; empty when there is none
	Link   string
	// Document links to the decision's document in the reader's
	// language; Original to the Swedish record when that is another.
	Document, Original string
	// Addressed is true for the applicants' contact person.
	Addressed bool
}

// Render builds the mail for m in its recipient's language. It returns
// ErrNoTemplate for an event without a template, and an error when the
// payload or the recipient's address is unusable; both are permanent.
func (r *Renderer) Render(m models.ClaimedMessage) (Mail, error) {
	lang := m.Language
	if lang != "en" {
		lang = "sv"
	}
	key := lang + "/" + string(m.Event)
	if !r.Has(lang, m.Event) {
		return Mail{}, fmt.Errorf("%w: event %q in %s", ErrNoTemplate, m.Event, lang)
	}
	var d data
	var err error
	if d.NoticePayload, err = m.Notice(); err != nil {
		return Mail{}, fmt.Errorf("notify: payload of outbox row %d: %w", m.ID, err)
	}
	d.Name = headerSafe(m.RecipientName)
	if d.AmountOre != 0 {
		d.Amount = money.Format(d.AmountOre, lang)
	}
	d.Link = r.baseURL + "/"
	if d.PersonID != 0 {
		d.Link = r.baseURL + "/admin/people/" + strconv.FormatInt(d.PersonID, 10)
	}
	if m.ApplicationID != nil {
		d.Link = r.baseURL + "/applications/" + strconv.FormatInt(*m.ApplicationID, 10)
	}
	if d.Decision != 0 {
		doc := r.baseURL + "/decisions/" + strconv.FormatInt(d.Decision, 10) + "/document"
		d.Document = doc
		if lang == "en" {
			d.Document, d.Original = doc+"?lang=en", doc
		}
	}
	d.Addressed = m.RecipientID != nil && d.ContactID != 0 && *m.RecipientID == d.ContactID
	d.Contact = headerSafe(d.Contact)
	d.Person, d.ActorName = headerSafe(d.Person), headerSafe(d.ActorName)
	to := headerSafe(m.RecipientEmail)
	if to == "" || strings.ContainsAny(to, " <>,;\"") || strings.Count(to, "@") != 1 {
		return Mail{}, fmt.Errorf("notify: outbox row %d: unusable address %q", m.ID, to)
	}
	var subject, text, html bytes.Buffer
	tt, ht := r.text[key], r.html[key]
	if err := tt.ExecuteTemplate(&subject, "subject", d); err != nil {
		return Mail{}, err
	}
	if err := tt.ExecuteTemplate(&text, "text_layout", d); err != nil {
		return Mail{}, err
	}
	if err := ht.ExecuteTemplate(&html, "html_layout", d); err != nil {
		return Mail{}, err
	}
	return Mail{
		To: to, ToName: d.Name, Subject: headerSafe(subject.String()),
		Text: text.String(), HTML: html.String(),
		MessageID: "outbox-" + strconv.FormatInt(m.ID, 10) + "-" + strconv.FormatInt(m.CreatedAt.Unix(), 10),
	}, nil
}

// headerSafe makes s fit for a mail header: every control character
// (CR and LF above all, which would start a new header) and every line or
// paragraph separator becomes a space, runs of spaces become one, and the
// result is at most 200 characters.
func headerSafe(s string) string {
	var b strings.Builder
	space := false
	n := 0
	for _, c := range s {
		if unicode.IsControl(c) || c == '\u2028' || c == '\u2029' || unicode.IsSpace(c) {
			space = b.Len() > 0
			continue
		}
		if n >= 200 {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
			n++
		}
		b.WriteRune(c)
		n++
	}
	return b.String()
}
