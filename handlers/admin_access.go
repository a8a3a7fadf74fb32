package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"mobilityfund/workflow"
)

// Administrators disable a person, enable them again, or end all their
// sessions, from the person's page (/admin/people/:id). Each action asks
// first: the button posts without confirm=yes and gets a page that says
// what will happen, whose button posts again with it. No JavaScript is
// needed. Every change is in the audit trail (models/access.go).

// accessActions are the actions, by the last part of their path.
var accessActions = map[string]struct {
	question, confirm, done string
}{
	"disable":      {"access.confirm_disable", "access.disable", "disabled"},
	"enable":       {"access.confirm_enable", "access.enable", "enabled"},
	"end-sessions": {"access.confirm_end_sessions", "access.end_sessions", "sessions_ended"},
}

// changeAccess asks for confirmation, then disables, enables or signs out
// the person in the URL. Administrators' own access is refused on the
// person page (422); a person already disabled or enabled gets 409.
func (h *Handler) changeAccess(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := h.pathID(c)
		if !ok {
			return
		}
		act := accessActions[action]
		if c.PostForm("confirm") != "yes" {
			u, err := h.store.UserByID(c.Request.Context(), id)
			if err != nil {
				h.fail(c, err)
				return
			}
			h.render(c, http.StatusOK, "admin_access_confirm", gin.H{"User": u, "Action": action,
				"Question": act.question, "Confirm": act.confirm})
			return
		}
		ctx, by := c.Request.Context(), actorOf(c)
		var err error
		switch action {
		case "disable":
			_, err = h.store.SetDisabled(ctx, by, id, true)
		case "enable":
			_, err = h.store.SetDisabled(ctx, by, id, false)
		default:
			_, err = h.store.EndSessionsBy(ctx, by, id)
		}
		var verr *workflow.ValidationError
		switch {
		case errors.As(err, &verr):
			h.renderPerson(c, statusOf(err), grantForm{}, verr.Fields)
		case err != nil:
			h.fail(c, err)
		default:
			h.log.Info("access changed", "by", by.User.ID, "user", id, "action", action)
			c.Redirect(http.StatusSeeOther, "/admin/people/"+strconv.FormatInt(id, 10)+"?done="+act.done)
		}
	}
}
