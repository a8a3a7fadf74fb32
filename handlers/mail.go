package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// mailPageLimit is how many rows the mail pages show.
const mailPageLimit = 200

// showMailAdminPage lists the notifications that failed for good and
// those still waiting, with their last error, for an administrator.
func (h *Handler) showMailAdminPage(c *gin.Context) {
	rows, counts, err := h.store.OutboxProblems(c.Request.Context(), mailPageLimit)
	if err != nil {
		h.fail(c, err)
		return
	}
	retried, _ := strconv.ParseInt(c.Query("retried"), 10, 64)
	h.render(c, http.StatusOK, "mail_admin", gin.H{"Rows": rows, "Counts": counts, "Retried": retried})
}

// retryMail makes a failed or waiting notification due now, with its
// attempts counted afresh; the worker sends it at its next look.
func (h *Handler) retryMail(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if err := h.store.RetryOutbox(c.Request.Context(), id); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/mail?retried="+strconv.FormatInt(id, 10))
}

// showMailboxPage shows, in development only, the mail the worker
// rendered instead of sending it (no SMTP_HOST), newest first.
func (h *Handler) showMailboxPage(c *gin.Context) {
	mails, err := h.store.Mailbox(c.Request.Context(), mailPageLimit)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "mail_mailbox", gin.H{"Mails": mails})
}
