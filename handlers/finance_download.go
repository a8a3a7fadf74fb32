package handlers

import (
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/models"
)

// downloadFinanceBatch writes a batch as CSV, XLSX or SIE, streaming its
// lines from the database to the response. The content comes from the
// stored batch only, so every download of a batch is the same file.
func (h *Handler) downloadFinanceBatch(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	format := c.Param("format")
	types := map[string]string{
		"csv":  "text/csv; charset=utf-8",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"si":   "text/plain; charset=IBM437",
	}
	if types[format] == "" {
		h.fail(c, errPageNotFound)
		return
	}
	ctx := c.Request.Context()
	b, err := h.store.FinanceBatchByID(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	var objects []export.Object
	if format == "si" {
		objs, err := h.store.FinanceBatchObjects(ctx, id)
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, o := range objs {
			objects = append(objects, export.Object{Dim: o.Dim, Number: o.Number, Name: o.Name})
		}
	}
	name := fmt.Sprintf("mobilitetsfonden-batch-%04d.%s", b.ID, format)
	c.Header("Content-Type", types[format])
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	lines := h.financeLines(c, b.ID)
	switch format {
	case "csv":
		err = export.WriteCSV(c.Writer, lines)
	case "xlsx":
		err = export.WriteXLSX(c.Writer, financeBatch(b), lines)
	default:
		var st export.SIEStats
		st, err = export.WriteSIE(c.Writer, financeBatch(b), objects, lines)
		if st.Unknown > 0 {
			h.log.WarnContext(c.Request.Context(), "SIE file has characters code page 437 cannot hold, written as ?", "batch", b.ID, "count", st.Unknown)
		}
	}
	if err != nil {
		// The status is sent; all that is left is to cut the download
		// short and say why in the log.
		h.log.ErrorContext(c.Request.Context(), "finance download", "batch", b.ID, "format", format, "err", err)
		c.Abort()
	}
}

// errStopped ends a line cursor early when the writer stops reading.
var errStopped = errors.New("stopped")

// financeLines streams a batch's stored lines as the finance package's
// lines, straight from the database cursor.
func (h *Handler) financeLines(c *gin.Context, batchID int64) iter.Seq2[export.Line, error] {
	return func(yield func(export.Line, error) bool) {
		err := h.store.EachFinanceBatchLine(c.Request.Context(), batchID, func(l *models.FinanceBatchLine) error {
			fl := export.Line{Batch: l.BatchID, Kind: l.Kind, Application: l.Reference, Title: l.Title,
				DecisionRef: l.DecisionRef, Unit: l.UnitName, UnitCode: l.UnitCode, CostCentre: l.CostCentre,
				Project: l.ProjectCode, Activities: l.Activities, AmountOre: l.AmountOre, Text: l.VoucherText}
			if l.DecisionDate != nil {
				fl.DecisionDate = *l.DecisionDate
			}
			if !yield(fl, nil) {
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			yield(export.Line{}, err)
		}
	}
}

// financeBatch is what a file says about the batch, from the copy of the
// settings stored with it.
func financeBatch(b *models.FinanceBatch) export.Batch {
	return export.Batch{ID: b.ID, Date: b.AccountingDate, Created: b.BatchDate, CreatedBy: b.CreatedByName, Ledger: b.Ledger}
}
