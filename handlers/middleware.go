package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

const (
	langCookie = "mf_lang"

	keyActor     = "actor"
	keyLocalizer = "localizer"
)

// securityHeaders sets the headers every response carries. The CSP allows
// no inline script and nothing from another origin, except that forms may
// lead to the origin formAction returns (the identity provider's, where
// the sign-out form's redirect continues; "" for none). Browsers apply
// form-action to the redirects that follow a form's submission too.
func securityHeaders(production bool, formAction func() string) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		forms := "'self'"
		if o := formAction(); o != "" {
			forms += " " + o
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action "+forms+"; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if production {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		c.Next()
	}
}

// recoverer turns a panic into the 500 page and logs the stack; the user
// never sees a stack trace.
func (h *Handler) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if rec := recover(); rec != nil {
				h.log.ErrorContext(c.Request.Context(), "panic", "path", c.Request.URL.Path, "panic", rec, "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					h.fail(c, errors.New("internal error"))
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// identify loads the browser's session and the signed-in person (with the
// roles in force now, so a revoked role stops working at the next
// request) and picks the reader's language. A person disabled or deleted
// since signing in loses the session.
func (h *Handler) identify() gin.HandlerFunc {
	return func(c *gin.Context) {
		var (
			actor *models.Actor
			sess  *models.Session
			err   error
		)
		// Assets need no one signed in: spare them the session lookup.
		if !strings.HasPrefix(c.Request.URL.Path, "/static/") {
			sess, err = h.loadSession(c)
		}
		if sess != nil {
			actor, err = h.store.ActorFor(c.Request.Context(), sess.UserID)
			if err == nil && h.groupsDue(sess) {
				// Roles from groups follow the provider while the
				// session lives (handlers/auth_groups.go).
				switch h.refreshGroups(c, sess, &actor.User) {
				case refreshDone:
					actor, err = h.store.ActorFor(c.Request.Context(), sess.UserID)
				case refreshEnded:
					err = &models.NotFoundError{What: "session", ID: sess.ID}
				}
			}
			if errors.Is(err, models.ErrNotFound) {
				actor, err = nil, nil
				if _, err := h.endSession(c); err != nil {
					h.log.ErrorContext(c.Request.Context(), "end session of disabled user", "err", err)
				}
			}
		}
		if err != nil {
			// Who is asking cannot be told now: answer "try again in a
			// moment" rather than as if nobody were signed in, which
			// would send the person to sign in and lose what they sent.
			c.Set(keyActor, (*models.Actor)(nil))
			saved, _ := c.Cookie(langCookie)
			c.Set(keyLocalizer, h.i18n.For(i18n.Negotiate(saved, c.GetHeader("Accept-Language"))))
			h.fail(c, err)
			c.Abort()
			return
		}
		saved := ""
		if actor != nil {
			saved = actor.User.Language
		} else if ck, err := c.Cookie(langCookie); err == nil {
			saved = ck
		}
		if actor != nil {
			// Nothing shown to a signed-in person may be kept by a
			// browser or proxy for the next person at a shared computer.
			c.Header("Cache-Control", "no-store")
		}
		c.Set(keyActor, actor)
		c.Set(keyLocalizer, h.i18n.For(i18n.Negotiate(saved, c.GetHeader("Accept-Language"))))
		c.Next()
	}
}

func actorOf(c *gin.Context) *models.Actor {
	a, _ := c.Get(keyActor)
	actor, _ := a.(*models.Actor)
	return actor
}

func localizer(c *gin.Context) *i18n.Localizer {
	return c.MustGet(keyLocalizer).(*i18n.Localizer)
}

// toLogin sends an anonymous GET to the sign-in page, which brings the
// person back to the page they asked for.
func toLogin(c *gin.Context) {
	c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
}

// requireLogin sends anonymous visitors to the sign-in page.
func (h *Handler) requireLogin(c *gin.Context) {
	if actorOf(c) == nil {
		if c.Request.Method == http.MethodGet {
			toLogin(c)
		} else {
			h.fail(c, errUnauthenticated)
		}
		c.Abort()
		return
	}
	c.Next()
}

// requireRole is the one authorization gate for routes: it lets a request
// through when the signed-in person holds at least one of roles in force
// now (for any unit or university-wide; the roles are re-read on every
// request, so a revoked grant stops working at once). An anonymous GET is
// redirected to /login, any other anonymous request answers 401, and a
// person without the role gets 403 through h.fail. Whether the person may
// see one particular record (the unit of an application, say) is still
// the handler's job: an id in a URL never grants access by itself.
func (h *Handler) requireRole(roles ...workflow.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		a := actorOf(c)
		if a == nil {
			if c.Request.Method == http.MethodGet {
				toLogin(c)
			} else {
				h.fail(c, errUnauthenticated)
			}
			c.Abort()
			return
		}
		for _, r := range roles {
			if a.Has(r) {
				c.Next()
				return
			}
		}
		h.fail(c, workflow.ErrForbidden)
		c.Abort()
	}
}

// accessLog writes one line per request: method, path (never the query
// string, which may hold what people searched for), status, duration and
// who asked, so that an operator can follow what happened.
func (h *Handler) accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		var user int64
		if a := actorOf(c); a != nil {
			user = a.User.ID
		}
		h.log.InfoContext(c.Request.Context(), "request", "method", c.Request.Method, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "duration", time.Since(start).Round(time.Microsecond), "user", user)
	}
}

// readOnlyMemo lets a request that changes nothing (GET, HEAD) read the
// org chart once, however many parts of the page ask for it.
func readOnlyMemo() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
			c.Request = c.Request.WithContext(models.WithOrgChartMemo(c.Request.Context()))
		}
		c.Next()
	}
}
