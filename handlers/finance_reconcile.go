package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/models"
)

// showReconciliation shows finance, per call and per unit, what the app
// has committed beside what the batches have moved, with any difference
// and the applications behind it.
//
// Each call lists the first models.DifferencesShown applications behind
// its difference; ?call=ID&after=APP pages on through one call's, in id
// order.
func (h *Handler) showReconciliation(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.store.Reconcile(ctx, actorOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	q := c.Request.URL.Query()
	call, after := queryID(q, "call"), queryID(q, "after")
	// next is, per call, the after of the page that follows the one shown.
	next := map[int64]int64{}
	for i := range r.Calls {
		rc := &r.Calls[i]
		if rc.Call.ID == call && after > 0 {
			page, err := h.store.ReconciliationDifferences(ctx, actorOf(c), call, after, models.DifferencesShown+1)
			if err != nil {
				h.fail(c, err)
				return
			}
			rc.Differences = page
			if len(page) > models.DifferencesShown {
				rc.Differences = page[:models.DifferencesShown]
				next[rc.Call.ID] = page[models.DifferencesShown-1].ApplicationID
			}
			continue
		}
		if rc.DifferenceCount > len(rc.Differences) && len(rc.Differences) > 0 {
			next[rc.Call.ID] = rc.Differences[len(rc.Differences)-1].ApplicationID
		}
	}
	h.render(c, http.StatusOK, "finance_reconcile", gin.H{"R": r, "Next": next, "PagedCall": call, "After": after})
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
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="avstamning.csv"`)
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	if err := export.WriteReconciliationRows(c.Writer, func(id string) string { return l.T("finance.recon.col." + id) },
		export.Lines(reconciliationRows(l.T("finance.recon.level.call"), l.T("finance.recon.level.unit"), l.Lang, r))); err != nil {
		// The status is sent; the download is cut short.
		h.log.ErrorContext(c.Request.Context(), "reconciliation CSV", "err", err)
		c.Abort()
	}
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
