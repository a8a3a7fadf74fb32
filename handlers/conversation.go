package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
	"mobilityfund/workflow"
)

// loadRecord adds to the application page what belongs to the record:
// the decisions, the contact person and the conversation.
func (h *Handler) loadRecord(c *gin.Context, p *applicationPage) error {
	ctx := c.Request.Context()
	app := &p.Detail.App
	var err error
	if p.Decisions, err = h.store.DecisionsOf(ctx, app.ID); err != nil {
		return err
	}
	if p.Contact, err = h.store.ContactOf(ctx, app); err != nil {
		return err
	}
	if p.Conversation, err = h.store.PageConversation(ctx, actorOf(c), p.ApplicationPage); err != nil {
		return err
	}
	if p.Conversation.Access.Write && !workflow.Settled(app.State) {
		if p.Applicants, err = h.store.ApplicantsOf(ctx, app, p.Chart); err != nil {
			return err
		}
	}
	return nil
}

// conversationTab is the thread the page shows: the internal notes when
// asked for (or when a note's form failed) and the reader may read them,
// else the comments.
func conversationTab(c *gin.Context, p *applicationPage, failed *actionAttempt) string {
	if !p.Conversation.Access.ReadNotes {
		return "comments"
	}
	if c.Query("tab") == "notes" || (failed != nil && failed.Action == "note") {
		return "notes"
	}
	if failed != nil && failed.CommentID != 0 {
		for _, n := range p.Conversation.Notes {
			if n.ID == failed.CommentID {
				return "notes"
			}
		}
	}
	return "comments"
}

// conversationFailed shows the application page again with the form that
// failed, what was typed and what is wrong; anything but a validation
// error is the error page.
func (h *Handler) conversationFailed(c *gin.Context, id int64, a *actionAttempt, err error) {
	var invalid *workflow.ValidationError
	if !errors.As(err, &invalid) {
		h.fail(c, err)
		return
	}
	a.Errors = invalid.Fields
	h.renderApplication(c, statusOf(err), id, a)
}

// back redirects to the application page's conversation after a change.
func back(c *gin.Context, id int64, done string, notes bool) {
	tab := ""
	if notes {
		tab = "&tab=notes"
	}
	c.Redirect(http.StatusSeeOther, "/applications/"+strconv.FormatInt(id, 10)+"?done="+done+tab+"#conversation")
}

// addComment writes a comment, or (internal=1) an internal note.
func (h *Handler) addComment(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	internal := c.PostForm("internal") == "1"
	a := &actionAttempt{Action: "comment", Comment: c.PostForm("body")}
	if internal {
		a.Action = "note"
	}
	if _, err := h.store.AddComment(c.Request.Context(), actorOf(c), id, internal, a.Comment); err != nil {
		h.conversationFailed(c, id, a, err)
		return
	}
	back(c, id, string(a.Action), internal)
}

// commentPath reads the application and comment ids of a comment's URL.
func (h *Handler) commentPath(c *gin.Context) (id, cid int64, ok bool) {
	id, ok = h.pathID(c)
	if !ok {
		return 0, 0, false
	}
	cid, ok = paramID(c, "cid")
	if !ok {
		h.fail(c, errPageNotFound)
	}
	return id, cid, ok
}

// editComment corrects a comment's text within the edit window.
func (h *Handler) editComment(c *gin.Context) {
	id, cid, ok := h.commentPath(c)
	if !ok {
		return
	}
	a := &actionAttempt{Action: "edit", Comment: c.PostForm("body"), CommentID: cid}
	cm, err := h.store.EditComment(c.Request.Context(), actorOf(c), id, cid, formVersion(c), a.Comment)
	if err != nil {
		h.conversationFailed(c, id, a, err)
		return
	}
	back(c, id, "edit", cm.Internal)
}

// strikeComment strikes a comment with a reason.
func (h *Handler) strikeComment(c *gin.Context) {
	id, cid, ok := h.commentPath(c)
	if !ok {
		return
	}
	a := &actionAttempt{Action: "strike", Comment: c.PostForm("reason"), CommentID: cid}
	cm, err := h.store.StrikeComment(c.Request.Context(), actorOf(c), id, cid, formVersion(c), a.Comment)
	if err != nil {
		h.conversationFailed(c, id, a, err)
		return
	}
	back(c, id, "strike", cm.Internal)
}

// setContact names the application's contact person.
func (h *Handler) setContact(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	a := &actionAttempt{Action: "contact"}
	user, _ := strconv.ParseInt(c.PostForm("contact"), 10, 64)
	if _, err := h.store.SetContact(c.Request.Context(), actorOf(c), id, user); err != nil {
		h.conversationFailed(c, id, a, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/applications/"+strconv.FormatInt(id, 10)+"?done=contact")
}

// decisionLink is a decision document's URL.
func decisionLink(d models.Decision, lang string) string {
	u := "/decisions/" + strconv.FormatInt(d.ID, 10) + "/document"
	if lang == "en" {
		u += "?lang=en"
	}
	return u
}
