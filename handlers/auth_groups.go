package handlers

import (
	"errors"

	"github.com/gin-gonic/gin"

	"mobilityfund/auth"
	"mobilityfund/models"
)

// Roles from provider groups are kept fresh while a session lives
// (auth.OIDC.RefreshGroups says how they are read): at most every
// OIDC_GROUPS_REFRESH_MINUTES. A provider that refuses the refresh token
// has ended the sign-in, and the session ends here too. Where neither
// token works, the groups are read at the next sign-in.

// groupsDue reports whether the session's groups are to be read again now.
func (h *Handler) groupsDue(sess *models.Session) bool {
	if !h.oidc.KeepsTokens() || sess.ProviderToken == "" {
		return false
	}
	return sess.GroupsCheckedAt == nil || h.store.Now().Sub(*sess.GroupsCheckedAt) >= h.oidc.GroupsRefresh()
}

// refreshOutcome is what refreshGroups did.
type refreshOutcome int

const (
	refreshNone  refreshOutcome = iota // nothing read; the grants stand
	refreshDone                        // the grants follow the groups read now
	refreshEnded                       // the provider ended the sign-in
)

// refreshGroups reads the groups of user, signed in with sess, from the
// provider and brings their grants from groups in step. Of several
// requests at once only one asks. Failures other than the provider
// ending the sign-in are logged and leave the grants as they are, to be
// tried again after the interval.
func (h *Handler) refreshGroups(c *gin.Context, sess *models.Session, user *models.User) refreshOutcome {
	ctx := c.Request.Context()
	due, err := h.store.GroupsDue(ctx, sess.ID, h.store.Now().Add(-h.oidc.GroupsRefresh()))
	if err != nil || !due || !h.oidc.Ready() {
		return refreshNone
	}
	tok, ok := h.keys.OpenToken(sess.ProviderToken)
	if !ok {
		return refreshNone
	}
	got, err := h.oidc.RefreshGroups(ctx, tok, user.Subject)
	switch {
	case errors.Is(err, auth.ErrSignInEnded):
		h.log.Info("the provider ended the sign-in; session ended", "user", user.ID)
		return refreshEnded
	case errors.Is(err, auth.ErrNothingToRead), errors.Is(err, auth.ErrNotReady):
		return refreshNone
	case err != nil:
		h.log.Warn("groups not refreshed", "user", user.ID, "err", err)
		return refreshNone
	case got.Userinfo != nil:
		h.log.Warn("userinfo failed; groups as the refreshed ID token has them", "user", user.ID, "err", got.Userinfo)
	}
	unknown, err := h.store.RefreshGroups(ctx, sess.ID, user.ID, got.Groups, h.oidc.Rules(), h.keys.SealToken(got.Token))
	if err != nil {
		h.log.Error("groups not refreshed", "user", user.ID, "err", err)
		return refreshNone
	}
	if len(unknown) > 0 {
		h.log.Warn("groups name unknown org units", "user", user.ID, "units", unknown)
	}
	return refreshDone
}
