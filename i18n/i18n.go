// Package i18n holds every user-visible string in Swedish and English
// (go-i18n message files embedded in the binary) and formats money and
// dates for a reader's language.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"

	"mobilityfund/money"
)

//go:embed locales/*.toml
var localeFS embed.FS

// Languages are the supported languages, Swedish first: it is the default.
var Languages = []string{"sv", "en"}

// Bundle holds the loaded messages of every language.
type Bundle struct {
	b   *goi18n.Bundle
	ids map[string][]string // language → message ids
	// zone is the university's time zone, in which dates are written.
	zone *time.Location
}

// New loads the embedded message files, locales/AREA.LANG.toml: one file
// per area of the application and language. It returns an error when a
// file does not parse or defines an id twice.
func New() (*Bundle, error) {
	b := goi18n.NewBundle(language.Swedish)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	out := &Bundle{b: b, ids: map[string][]string{}, zone: stockholm}
	for _, lang := range Languages {
		files, err := fs.Glob(localeFS, "locales/*."+lang+".toml")
		if err != nil {
			return nil, err
		}
		seen := map[string]string{}
		for _, path := range files {
			data, err := localeFS.ReadFile(path)
			if err != nil {
				return nil, err
			}
			mf, err := b.ParseMessageFileBytes(data, path)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			for _, m := range mf.Messages {
				if other, dup := seen[m.ID]; dup {
					return nil, fmt.Errorf("%s: message %q is defined in %s too", path, m.ID, other)
				}
				seen[m.ID] = path
				out.ids[lang] = append(out.ids[lang], m.ID)
			}
		}
		sort.Strings(out.ids[lang])
	}
	return out, nil
}

// SetZone sets the time zone dates are written in (TIME_ZONE; the
// default is Europe/Stockholm). Call it before the bundle is used.
func (b *Bundle) SetZone(loc *time.Location) {
	if loc != nil {
		b.zone = loc
	}
}

// IDs returns the message ids defined for lang, sorted.
func (b *Bundle) IDs(lang string) []string { return b.ids[lang] }

// Has reports whether id is defined in lang.
func (b *Bundle) Has(lang, id string) bool {
	ids := b.ids[lang]
	i := sort.SearchStrings(ids, id)
	return i < len(ids) && ids[i] == id
}

// Localizer translates and formats for one reader.
type Localizer struct {
	Lang string
	l    *goi18n.Localizer
	b    *Bundle
}

// For returns a localizer for lang ("sv" or "en"; anything else is
// Swedish).
func (b *Bundle) For(lang string) *Localizer {
	if lang != "en" {
		lang = "sv"
	}
	return &Localizer{Lang: lang, l: goi18n.NewLocalizer(b.b, lang), b: b}
}

// T translates id. Arguments are name/value pairs for the message's
// template: T("budget.left", "Amount", "12 kr"). A missing id shows as the
// id itself in brackets, so it is visible on the page (and a test fails on
// every id that lacks a translation).
func (l *Localizer) T(id string, args ...any) string {
	var data map[string]any
	if len(args) > 1 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil || s == "" {
		return "[" + id + "]"
	}
	return s
}

// N translates id for a count: the message's "one" or "other" form as
// the reader's language chooses for n ("1 ansökan", "2 ansökningar"), with
// n as {{.Count}} and args as for T.
func (l *Localizer) N(id string, n any, args ...any) string {
	data := map[string]any{"Count": n}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: data})
	if err != nil || s == "" {
		return "[" + id + "]"
	}
	return s
}

// Money formats an amount in öre for the reader: "1 234 567 kr" or
// "SEK 1,234,567".
func (l *Localizer) Money(ore int64) string { return money.Format(ore, l.Lang) }

// MoneyInput formats an amount for a form field so that it parses back.
func (l *Localizer) MoneyInput(ore int64) string { return money.FormatPlain(ore, l.Lang) }

// Date formats a date as ISO 8601 (2026-03-31) in the university's time, the form
// Swedish public bodies write and English readers parse unambiguously.
func (l *Localizer) Date(t any) string {
	tt, ok := asTime(t)
	if !ok {
		return "–"
	}
	return tt.In(l.b.zone).Format("2006-01-02")
}

// DateTime formats a moment as "2026-03-31 14:05" in the university's
// time.
func (l *Localizer) DateTime(t any) string {
	tt, ok := asTime(t)
	if !ok {
		return "–"
	}
	return tt.In(l.b.zone).Format("2006-01-02 15:04")
}

func asTime(t any) (time.Time, bool) {
	switch v := t.(type) {
	case time.Time:
		return v, !v.IsZero()
	case *time.Time:
		if v == nil || v.IsZero() {
			return time.Time{}, false
		}
		return *v, true
	}
	return time.Time{}, false
}

// stockholm is the default zone, that of the first university.
var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Negotiate picks the reader's language: their saved choice, else the
// first supported language in Accept-Language (Swedish for sv, English for
// any other language the browser names first), else Swedish.
func Negotiate(saved, acceptLanguage string) string {
	if saved == "sv" || saved == "en" {
		return saved
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return "sv"
	}
	base, _ := tags[0].Base()
	if strings.EqualFold(base.String(), "sv") {
		return "sv"
	}
	return "en"
}
