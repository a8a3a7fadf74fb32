package handlers

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"
)

// render writes a page with the data every page needs added: the reader's
// localizer, the signed-in person, the current path.
func (h *Handler) render(c *gin.Context, status int, page string, data gin.H) {
	if data == nil {
		data = gin.H{}
	}
	data["L"] = localizer(c)
	data["Me"] = actorOf(c)
	data["Path"] = c.Request.URL.Path
	data["RequestURI"] = c.Request.URL.RequestURI()
	data["DevMode"] = !h.cfg.Production()
	data["RequestID"] = RequestIDOf(c.Request.Context())
	if me := actorOf(c); me != nil && page != "error" {
		// The menu says how much waits; an error page asks the database
		// nothing, since the database may be why it is shown.
		if n, err := h.store.TaskCount(c.Request.Context(), me); err == nil {
			data["TaskCount"] = n
		}
	}
	var buf bytes.Buffer
	if err := h.pages.Render(&buf, page, data); err != nil {
		h.log.ErrorContext(c.Request.Context(), "render", "page", page, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8",
			[]byte("Internt fel / Internal error"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
