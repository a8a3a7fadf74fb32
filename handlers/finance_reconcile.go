package handlers

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/models"
)

// showReconciliation shows finance, per call and per unit, what the app
// has committed beside what the batches have moved, with any difference
// and the applications behind it.
func (h *Handler) showReconciliation(c *gin.Context) {
	r, err := h.store.Reconcile(c.Request.Context(), actorOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "finance_reconcile", gin.H{"R": r})
}

// exportReconciliationCSV sends the reconciliation as CSV for Swedish
// Excel: a row per call, then a row per unit, with headings in the
// reader's language.
func (h *Handler) exportReconciliationCSV(c *gin.Context) {
	r, err := h.store.Reconcile(c.Request.Context(), actorOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	l := localizer(c)
	var buf bytes.Buffer
	if err := export.WriteReconciliationCSV(&buf, func(id string) string { return l.T("finance.recon.col." + id) },
		reconciliationRows(l.T("finance.recon.level.call"), l.T("finance.recon.level.unit"), l.Lang, r)); err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="avstamning.csv"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// reconciliationRows are the reconciliation as the export package's rows.
func reconciliationRows(callLevel, unitLevel, lang string, r *models.Reconciliation) []export.ReconciliationRow {
	var out []export.ReconciliationRow
	for _, c := range r.Calls {
		out = append(out, export.ReconciliationRow{Level: callLevel, Name: models.Text(lang, c.Call.TitleSV, c.Call.TitleEN),
			BudgetOre: c.Call.BudgetOre, Sums: c.Sums})
	}
	for _, u := range r.Units {
		out = append(out, export.ReconciliationRow{Level: unitLevel, Name: u.Unit.Name(lang), IsUnit: true, Sums: u.Sums})
	}
	return out
}
