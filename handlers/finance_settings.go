package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// showFinanceSettings shows the settings form and, in plain words, how a
// transfer is booked with the settings saved.
func (h *Handler) showFinanceSettings(c *gin.Context) {
	set, err := h.store.FinanceSettings(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderFinanceSettings(c, http.StatusOK, set, set.Form(), map[string]string{})
}

// renderFinanceSettings renders the settings page with form as typed and
// its problems (field → message id); set is what is saved.
func (h *Handler) renderFinanceSettings(c *gin.Context, status int, set *models.FinanceSettings, form models.FinanceSettingsForm, errs map[string]string) {
	l := localizer(c)
	h.render(c, status, "finance_settings", gin.H{"Form": form, "Groups": models.FinanceSettingGroups(), "Errors": errs,
		"Saved": c.Query("saved") != "", "Directions": export.Directions(), "Booking": directionText(l, set.Ledger),
		"Months": []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}})
}

// directionText says how the saved settings book an award, for any unit.
func directionText(l *i18n.Localizer, ledger export.Ledger) string {
	debit, credit := ledger.Sides(export.Line{AmountOre: 1})
	side := func(id string, s export.Side) string {
		if s.Pot {
			return l.T(id, sideArgs(l, s, "")...)
		}
		return l.T(id, "Party", l.T("finance.party.unit"), "Objects", l.T("finance.unit_objects"), "Account", s.Account)
	}
	return side("finance.debit_side", debit) + " · " + side("finance.credit_side", credit)
}

// saveFinanceSettings stores the settings; invalid input comes back in
// the form as typed, with a message beside each field.
func (h *Handler) saveFinanceSettings(c *gin.Context) {
	form := models.FinanceSettingsForm{}
	for _, g := range models.FinanceSettingGroups() {
		for _, f := range g.Fields {
			form[f.Name] = c.PostForm(f.Name)
		}
	}
	in, errs := form.Input()
	status := http.StatusUnprocessableEntity
	if len(errs) == 0 {
		_, err := h.store.SaveFinanceSettings(c.Request.Context(), actorOf(c), in)
		var invalid *workflow.ValidationError
		switch {
		case err == nil:
			c.Redirect(http.StatusSeeOther, "/finance/settings?saved=1")
			return
		case errors.As(err, &invalid):
			errs = invalid.Fields
			status = statusOf(err)
		default:
			h.fail(c, err)
			return
		}
	}
	set, err := h.store.FinanceSettings(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderFinanceSettings(c, status, set, form, errs)
}
