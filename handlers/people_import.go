package handlers

import (
	"cmp"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
)

// The import of people from CSV, for sites whose identity provider sends
// no group claims (README, "People"). It lives apart from the people
// pages (admin_roles.go) so that each can change on its own.

// showPeopleImport shows the import form and the file's columns.
func (h *Handler) showPeopleImport(c *gin.Context) {
	h.render(c, http.StatusOK, "admin_people_import", gin.H{"Columns": models.PeopleColumns, "Done": knownDone(c.Query("done"), "imported")})
}

// peopleIssuer is the issuer imported people sign in from: the single
// sign-on provider's, or the development sign-in's without one.
func (h *Handler) peopleIssuer() string {
	return cmp.Or(h.cfg.OIDC.Issuer, models.DevIssuer)
}

// previewPeopleImport reads an uploaded people file and shows what
// importing it would change, changing nothing.
func (h *Handler) previewPeopleImport(c *gin.Context) {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size > maxOrgChartFile {
		h.peopleImportFailed(c, &models.ImportError{Problems: []models.ImportProblem{{Row: 1, Msg: models.MsgImportEmpty}}})
		return
	}
	file, err := fh.Open()
	if err != nil {
		h.fail(c, err)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxOrgChartFile))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.runPeopleImport(c, models.DecodeText(data), false)
}

// applyPeopleImport imports the file the preview showed; the page carried
// its text in a hidden field.
func (h *Handler) applyPeopleImport(c *gin.Context) {
	h.runPeopleImport(c, c.PostForm("content"), true)
}

func (h *Handler) runPeopleImport(c *gin.Context, text string, apply bool) {
	rows, err := models.ParsePeople([]byte(text))
	if err != nil {
		h.peopleImportFailed(c, err)
		return
	}
	changes, err := h.store.ImportPeople(c.Request.Context(), actorOf(c), h.peopleIssuer(), rows, apply)
	if err != nil {
		h.peopleImportFailed(c, err)
		return
	}
	if apply {
		c.Redirect(http.StatusSeeOther, "/admin/people-import?done=imported")
		return
	}
	var changed []models.PersonChange
	for _, ch := range changes {
		if ch.Action != "" || ch.Granted != "" {
			changed = append(changed, ch)
		}
	}
	h.render(c, http.StatusOK, "admin_people_import", gin.H{"Columns": models.PeopleColumns, "Preview": changed,
		"Unchanged": len(changes) - len(changed), "Content": text})
}

func (h *Handler) peopleImportFailed(c *gin.Context, err error) {
	var ie *models.ImportError
	if !errors.As(err, &ie) {
		h.fail(c, err)
		return
	}
	l := localizer(c)
	var problems []importProblem
	for _, p := range ie.Problems {
		problems = append(problems, importProblem{Row: p.Row, Field: p.Field, Message: l.T(p.Msg, "Other", p.Other)})
	}
	h.render(c, statusOf(err), "admin_people_import", gin.H{"Columns": models.PeopleColumns, "ImportProblems": problems})
}
