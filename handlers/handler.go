// Package handlers is the web layer: gin routes, middleware, one file per
// resource, and the one place that maps errors to HTTP statuses. Handlers
// are thin: bind the request, call models, render or redirect. They never
// open transactions or write SQL.
package handlers

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/auth"
	"mobilityfund/config"
	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/notify"
	"mobilityfund/templates"
	"mobilityfund/workflow"
)

// Deps are everything the web layer needs; main builds them.
type Deps struct {
	Config config.Config
	Store  *models.Store
	I18n   *i18n.Bundle
	Log    *slog.Logger
	// SessionKey keys the session ids and the sign-in cookie:
	// SESSION_SECRET, or random bytes per start in development. At least
	// 32 bytes.
	SessionKey []byte
	// OIDC is the single sign-on client; nil when OIDC_ISSUER is not set.
	OIDC *auth.OIDC
}

// Handler holds the dependencies every route uses.
type Handler struct {
	cfg   config.Config
	store *models.Store
	i18n  *i18n.Bundle
	log   *slog.Logger
	pages *templates.Renderer
	keys  *auth.Keys
	oidc  *auth.OIDC
	// mail renders the subjects of a person's mail for their own view of
	// their personal data (handlers/personal_data.go).
	mail *notify.Renderer
}

// New builds the web application. It returns an error when a template
// does not parse or the session key is shorter than 32 bytes.
func New(d Deps) (http.Handler, error) {
	h := &Handler{cfg: d.Config, store: d.Store, i18n: d.I18n, log: slog.New(withRequestID{d.Log.Handler()}), oidc: d.OIDC}
	keys, err := auth.NewKeys(d.SessionKey)
	if err != nil {
		return nil, err
	}
	h.keys = keys
	if h.mail, err = notify.NewRenderer(d.Config.BaseURL); err != nil {
		return nil, err
	}
	pages, err := templates.New(template.FuncMap{
		"text":         models.Text,
		"maxlen":       maxLength,
		"dict":         dict,
		"state":        stateName,
		"neolaia":      neolaiaName,
		"relation":     relationName,
		"badge":        stateBadge,
		"daysSince":    daysSince,
		"option":       optionOf,
		"blocked":      blockedReason,
		"bytes":        byteSize,
		"fieldname":    fieldName,
		"typed":        attemptValue,
		"sortURL":      sortLink,
		"add":          func(a, b int) int { return a + b },
		"decisionLink": decisionLink,
		"field":        func(prefix string, i int) string { return prefix + strconv.Itoa(i) },
	})
	if err != nil {
		return nil, err
	}
	h.pages = pages

	// gin's mode is a process-wide setting; main sets it, once.
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// The client address (rate limits, logs) is the connection's peer
	// unless a trusted proxy forwards the request.
	if err := r.SetTrustedProxies(d.Config.TrustedProxies); err != nil {
		return nil, err
	}
	// Sessions are rows in the database (handlers/session.go).
	r.Use(requestID(), h.accessLog(), h.recoverer(), securityHeaders(d.Config.Production(), d.OIDC.FormActionOrigin), readOnlyMemo(), h.identify(), h.readBody())
	h.routes(r)

	// Browsers send Sec-Fetch-Site or Origin with every request; a
	// state-changing request from another origin is refused before it
	// reaches a handler.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Cross-origin request refused / Begäran från annan webbplats nekad", http.StatusForbidden)
	}))
	return cop.Handler(r), nil
}

func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}

// stateName names a state; audit rows carry states as plain strings.
func stateName(l *i18n.Localizer, s any) string {
	return l.T("state." + fmt.Sprint(s))
}

// relationName names a plan activity's NEOLAiA relation: an activity
// without one reads "Nej", the same word an application's "no" shows
// (the plan itself marks it with a dash).
func relationName(l *i18n.Localizer, n models.Neolaia) string {
	if n == "" {
		n = models.NeolaiaNo
	}
	return neolaiaName(l, n)
}

// daysSince is how many whole days have passed from then to now.
func daysSince(now, then time.Time) int {
	if now.Before(then) {
		return 0
	}
	return int(now.Sub(then).Hours() / 24)
}

// stateBadge shows a state as a badge: its name in text, and a colour
// that repeats it (never the colour alone).
func stateBadge(l *i18n.Localizer, s any) template.HTML {
	st := fmt.Sprint(s)
	return template.HTML(`<span class="state state-` + template.HTMLEscapeString(st) + `">` +
		template.HTMLEscapeString(stateName(l, s)) + `</span>`)
}

func neolaiaName(l *i18n.Localizer, n models.Neolaia) string {
	if n == "" {
		return "–"
	}
	return l.T("neolaia." + string(n))
}

// maxLength is the longest text of a kind that the rules accept, for a
// form field's maxlength: "title", "text", "line", "message" or "ref".
func maxLength(kind string) int {
	switch kind {
	case "title":
		return workflow.MaxTitle
	case "line":
		return workflow.MaxLineText
	case "message":
		return workflow.MaxMessage
	case "ref":
		return workflow.MaxReference
	}
	return workflow.MaxText
}
