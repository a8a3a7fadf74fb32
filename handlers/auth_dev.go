package handlers

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"mobilityfund/i18n"
	"mobilityfund/models"
)

// showLoginPage offers single sign-on and, in development, the demo users.
func (h *Handler) showLoginPage(c *gin.Context) {
	h.renderLogin(c, http.StatusOK, "")
}

// renderLogin shows the sign-in page with status, and problem (a message
// id, or "") above the sign-in button: why the last attempt failed.
func (h *Handler) renderLogin(c *gin.Context, status int, problem string) {
	data := gin.H{"DevLogin": h.cfg.DevLogin, "SSO": h.oidc != nil, "Problem": problem,
		"SSOReady": h.oidc != nil && h.oidc.ready() != nil, "Next": nextAfterSignIn(c.Query("next"))}
	if h.cfg.DevLogin {
		ctx := c.Request.Context()
		users, err := h.store.DevUsers(ctx)
		if err != nil {
			h.fail(c, err)
			return
		}
		roles := make(map[int64]string, len(users))
		l := localizer(c)
		for _, u := range users {
			a, err := h.store.ActorFor(ctx, u.ID)
			if err != nil {
				h.fail(c, err)
				return
			}
			roles[u.ID] = describeRoles(l, a)
		}
		data["Users"], data["Roles"] = users, roles
	}
	h.render(c, status, "login", data)
}

// describeRoles lists a person's roles in force, for the sign-in page.
func describeRoles(l *i18n.Localizer, a *models.Actor) string {
	var names []string
	for _, g := range a.Grants {
		names = append(names, l.T("role."+string(g.Role)))
	}
	sort.Strings(names)
	if len(names) == 0 {
		return l.T("role.none")
	}
	return strings.Join(names, ", ")
}

// devLogin signs in as a demo user. The route exists only when DEV_LOGIN
// is on, which production refuses.
func (h *Handler) devLogin(c *gin.Context) {
	id, err := strconv.ParseInt(c.PostForm("user_id"), 10, 64)
	if err != nil {
		h.fail(c, errPageNotFound)
		return
	}
	u, err := h.store.UserByID(c.Request.Context(), id)
	if err != nil || u.Issuer != models.DevIssuer {
		h.fail(c, errPageNotFound)
		return
	}
	if u.Disabled {
		h.renderLogin(c, http.StatusForbidden, "auth.err.disabled")
		return
	}
	if err := h.startSession(c, u.ID); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, nextAfterSignIn(c.PostForm("next")))
}

// setLanguage saves the reader's language: on their profile when signed
// in, else in a cookie; then goes back to the page they were on.
func (h *Handler) setLanguage(c *gin.Context) {
	lang := c.PostForm("lang")
	if lang != "sv" && lang != "en" {
		lang = "sv"
	}
	if a := actorOf(c); a != nil {
		if err := h.store.SetLanguage(c.Request.Context(), a.User.ID, lang); err != nil {
			h.fail(c, err)
			return
		}
	}
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(langCookie, lang, 365*24*3600, "/", "", h.cfg.Production(), true)
	c.Redirect(http.StatusSeeOther, localPath(c.PostForm("next")))
}

// localPath keeps a redirect target on this site: anything that is not a
// plain local path becomes "/".
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}
