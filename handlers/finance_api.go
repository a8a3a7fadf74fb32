package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
)

// batchJSON is a batch as the JSON endpoint shows it.
type batchJSON struct {
	ID             int64      `json:"id"`
	BatchDate      string     `json:"batch_date"`
	AccountingDate string     `json:"accounting_date"`
	Direction      string     `json:"direction"`
	VoucherSeries  string     `json:"voucher_series,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	CreatedBy      string     `json:"created_by"`
	LineCount      int        `json:"line_count"`
	TotalOre       int64      `json:"total_ore"`
	Booked         bool       `json:"booked"`
	BookedAt       *time.Time `json:"booked_at"`
	VoucherNumber  string     `json:"voucher_number,omitempty"`
	VoucherDate    string     `json:"voucher_date,omitempty"`
	Version        int        `json:"version"`
	Files          []string   `json:"files"`
}

// lineJSON is a batch line as the JSON endpoint shows it.
type lineJSON struct {
	Position      int    `json:"position"`
	ApplicationID int64  `json:"application_id"`
	Reference     string `json:"reference"`
	Kind          string `json:"kind"`
	Title         string `json:"title"`
	DecisionRef   string `json:"decision_ref"`
	DecisionDate  string `json:"decision_date,omitempty"`
	Unit          string `json:"unit"`
	CostCentre    string `json:"cost_centre"`
	Project       string `json:"project,omitempty"`
	Activities    string `json:"activities"`
	UnitCode      string `json:"unit_code"`
	AmountOre     int64  `json:"amount_ore"`
	VoucherText   string `json:"voucher_text"`
}

func toBatchJSON(b *models.FinanceBatch) batchJSON {
	out := batchJSON{ID: b.ID, BatchDate: b.BatchDate.Format(time.DateOnly), AccountingDate: b.AccountingDate.Format(time.DateOnly),
		Direction: string(b.Direction), VoucherSeries: b.BookedSeries, CreatedAt: b.CreatedAt,
		CreatedBy: b.CreatedByName, LineCount: b.LineCount, TotalOre: b.TotalOre, Booked: b.Booked(),
		BookedAt: b.BookedAt, VoucherNumber: b.VoucherNumber, Version: b.Version}
	if b.VoucherDate != nil {
		out.VoucherDate = b.VoucherDate.Format(time.DateOnly)
	}
	for _, f := range []string{"csv", "xlsx", "si"} {
		out.Files = append(out.Files, "/finance/batches/"+strconv.FormatInt(b.ID, 10)+"/download/"+f)
	}
	return out
}

// apiFinanceBatches lists the batches as JSON, newest first.
func (h *Handler) apiFinanceBatches(c *gin.Context) {
	batches, err := h.store.FinanceBatches(c.Request.Context())
	if err != nil {
		h.failJSON(c, err)
		return
	}
	out := make([]batchJSON, len(batches))
	for i := range batches {
		out[i] = toBatchJSON(&batches[i])
	}
	c.JSON(http.StatusOK, gin.H{"batches": out})
}

// apiFinanceBatch shows one batch with all its lines as JSON, streaming
// the lines from the database cursor.
func (h *Handler) apiFinanceBatch(c *gin.Context) {
	id, ok := paramID(c, "id")
	if !ok {
		h.failJSON(c, models.ErrNotFound)
		return
	}
	b, err := h.store.FinanceBatchByID(c.Request.Context(), id)
	if err != nil {
		h.failJSON(c, err)
		return
	}
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Status(http.StatusOK)
	w := c.Writer
	enc := json.NewEncoder(w)
	_, _ = w.WriteString(`{"batch":`)
	_ = enc.Encode(toBatchJSON(b))
	_, _ = w.WriteString(`,"lines":[`)
	first := true
	err = h.store.EachFinanceBatchLine(c.Request.Context(), id, func(l *models.FinanceBatchLine) error {
		if !first {
			if _, err := w.WriteString(","); err != nil {
				return err
			}
		}
		first = false
		j := lineJSON{Position: l.Position, ApplicationID: l.ApplicationID, Reference: l.Reference, Kind: l.Kind,
			Title: l.Title, DecisionRef: l.DecisionRef, Unit: l.UnitName, CostCentre: l.CostCentre,
			Project: l.ProjectCode, Activities: l.Activities, UnitCode: l.UnitCode, AmountOre: l.AmountOre, VoucherText: l.VoucherText}
		if l.DecisionDate != nil {
			j.DecisionDate = l.DecisionDate.Format(time.DateOnly)
		}
		return enc.Encode(j)
	})
	if err != nil {
		h.log.ErrorContext(c.Request.Context(), "finance batch JSON", "batch", id, "err", err)
		c.Abort()
		return
	}
	_, _ = w.WriteString("]}")
}
