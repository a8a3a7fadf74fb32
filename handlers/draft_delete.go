package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// deleteDraft deletes a draft for its applicants and goes back to the
// list, which no longer shows it.
func (h *Handler) deleteDraft(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	if err := h.store.DeleteDraft(c.Request.Context(), actorOf(c), id, version); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/applications?done=deleted")
}
