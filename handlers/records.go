package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// downloadDecisionDocument sends a decision's stored PDF, Swedish or
// (?lang=en) English, byte for byte as it was written with the decision.
func (h *Handler) downloadDecisionDocument(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	lang := c.DefaultQuery("lang", "sv")
	if lang != "sv" && lang != "en" {
		h.fail(c, errPageNotFound)
		return
	}
	doc, err := h.store.DecisionDocumentFor(c.Request.Context(), actorOf(c), id, lang)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(doc.FileName))
	c.Header("Cache-Control", "private, no-store")
	c.Header("ETag", `"`+doc.Sha256+`"`)
	c.Data(http.StatusOK, "application/pdf", doc.Content)
}

// showRegister lists the decisions to be registered (or, with
// ?registered=1, those registered lately) for whoever keeps the register.
func (h *Handler) showRegister(c *gin.Context) {
	h.renderRegister(c, http.StatusOK, "")
}

func (h *Handler) renderRegister(c *gin.Context, status int, notice string) {
	registered := c.Query("registered") == "1"
	page, err := h.store.DecisionRegister(c.Request.Context(), actorOf(c), registered, c.Query("after"))
	if err != nil {
		h.fail(c, err)
		return
	}
	next := ""
	if page.Next != "" {
		q := url.Values{"after": {page.Next}}
		if registered {
			q.Set("registered", "1")
		}
		next = "/register?" + q.Encode()
	}
	h.render(c, status, "register", gin.H{"Rows": page.Rows, "Waiting": page.Waiting, "Next": next,
		"Registered": registered, "Done": notice})
}

// exportRegisterCSV streams the decisions to be registered as CSV for
// the registry system.
func (h *Handler) exportRegisterCSV(c *gin.Context) {
	ctx := c.Request.Context()
	actor := actorOf(c)
	if !workflow.MayKeepRegister(actor.Workflow) {
		h.fail(c, workflow.ErrForbidden)
		return
	}
	seq := func(yield func(export.RegistryRow, error) bool) {
		err := h.store.EachDecisionToRegister(ctx, actor, func(r models.RegisterEntry) error {
			decider := r.DeciderName
			if r.OnBehalfOfName != "" {
				decider += " (ersättare för " + r.OnBehalfOfName + ")"
			}
			if !yield(export.RegistryRow{Ref: r.DecisionRef, Date: h.store.DecisionDay(r.DecidedAt), Title: r.Title,
				Unit: r.UnitName, AmountOre: r.AmountOre, Decider: decider, FileName: r.FileName}, nil) {
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			yield(export.RegistryRow{}, err)
		}
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="beslut-att-registrera.csv"`)
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	if err := export.WriteRegistryCSV(c.Writer, seq); err != nil {
		// The status is sent; cutting the body short tells the client.
		h.log.ErrorContext(ctx, "register CSV", "err", err)
		c.Abort()
	}
}

// markRegistered records that a decision is in the registry.
func (h *Handler) markRegistered(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if err := h.store.MarkRegistered(c.Request.Context(), actorOf(c), id); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/register?done="+strconv.FormatInt(id, 10))
}

// showRecordSettings shows what decision documents say of the
// university, for administrators.
func (h *Handler) showRecordSettings(c *gin.Context) {
	set, err := h.store.RecordSettings(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "record_settings", gin.H{"Groups": settingGroups(recordInput(set)), "Version": set.Version,
		"Saved": c.Query("done") == "save", "Complete": set.Complete(), "Errors": map[string]string{}})
}

func recordInput(s *models.RecordSettings) models.RecordSettingsInput {
	return models.RecordSettingsInput{UniversitySV: s.UniversitySV, UniversityEN: s.UniversityEN, FundSV: s.FundSV,
		FundEN: s.FundEN, DeciderTitleSV: s.DeciderTitleSV, DeciderTitleEN: s.DeciderTitleEN}
}

// saveRecordSettings stores the settings form; a bad form comes back
// with what was typed and what is wrong.
func (h *Handler) saveRecordSettings(c *gin.Context) {
	in := models.RecordSettingsInput{UniversitySV: c.PostForm("university_sv"), UniversityEN: c.PostForm("university_en"),
		FundSV: c.PostForm("fund_sv"), FundEN: c.PostForm("fund_en"),
		DeciderTitleSV: c.PostForm("decider_title_sv"), DeciderTitleEN: c.PostForm("decider_title_en")}
	version := formVersion(c)
	_, err := h.store.SaveRecordSettings(c.Request.Context(), actorOf(c), version, in)
	if invalid, ok := err.(*workflow.ValidationError); ok {
		h.render(c, statusOf(err), "record_settings", gin.H{"Groups": settingGroups(in), "Version": version, "Errors": invalid.Fields})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/records?done=save")
}

// settingGroup is one setting of the form in both languages.
type settingGroup struct {
	Key    string
	Fields []settingField
}

type settingField struct{ Name, Lang, Value string }

func settingGroups(in models.RecordSettingsInput) []settingGroup {
	pair := func(key, sv, en string) settingGroup {
		return settingGroup{Key: key, Fields: []settingField{{key + "_sv", "sv", sv}, {key + "_en", "en", en}}}
	}
	return []settingGroup{pair("university", in.UniversitySV, in.UniversityEN), pair("fund", in.FundSV, in.FundEN),
		pair("decider_title", in.DeciderTitleSV, in.DeciderTitleEN)}
}
