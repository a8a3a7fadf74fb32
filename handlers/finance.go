package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// financeShown is how many lines the finance pages list; files and the
// JSON endpoint hold all of them.
const financeShown = 500

// showFinanceOverview shows what waits for export and the batches made.
func (h *Handler) showFinanceOverview(c *gin.Context) {
	h.renderFinanceOverview(c, http.StatusOK, "", nil)
}

// renderFinanceOverview renders the overview with an optional message
// (a message id and its arguments) about a refused batch.
func (h *Handler) renderFinanceOverview(c *gin.Context, status int, msg string, args []any) {
	ctx := c.Request.Context()
	pending, err := h.store.PendingFinance(ctx, actorOf(c), financeShown)
	if err != nil {
		h.fail(c, err)
		return
	}
	batches, err := h.store.FinanceBatches(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	settings, err := h.store.FinanceSettings(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	var problem string
	if msg != "" {
		problem = localizer(c).T(msg, args...)
	}
	h.render(c, status, "finance", gin.H{"Pending": pending, "Batches": batches, "Settings": settings,
		"Problem": problem, "Missing": strings.Join(pending.MissingCostCentre, ", ")})
}

// createFinanceBatch fixes everything pending in a new batch and shows it.
func (h *Handler) createFinanceBatch(c *gin.Context) {
	b, err := h.store.CreateFinanceBatch(c.Request.Context(), actorOf(c))
	var missing *models.MissingCostCentreError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/finance/batches/"+strconv.FormatInt(b.ID, 10))
	case errors.Is(err, models.ErrNothingToExport):
		h.renderFinanceOverview(c, http.StatusConflict, "finance.nothing_to_export", nil)
	case errors.Is(err, models.ErrFinanceSettingsIncomplete):
		h.renderFinanceOverview(c, http.StatusConflict, "finance.settings_incomplete", nil)
	case errors.As(err, &missing):
		h.renderFinanceOverview(c, http.StatusConflict, "finance.missing_cost_centre",
			[]any{"Units", strings.Join(missing.Units, ", ")})
	case errors.Is(err, models.ErrExportConflict):
		h.renderFinanceOverview(c, http.StatusConflict, "finance.export_conflict", nil)
	default:
		h.fail(c, err)
	}
}

// bookingForm is the booking form as typed.
type bookingForm struct {
	VoucherNumber string
	VoucherDate   string
}

// showFinanceBatch shows a batch: its lines, sums, downloads and, until
// it is booked, the booking form.
func (h *Handler) showFinanceBatch(c *gin.Context) {
	form := bookingForm{VoucherDate: h.store.Now().In(stockholm).Format(time.DateOnly)}
	h.renderFinanceBatch(c, http.StatusOK, form, nil, "")
}

// renderFinanceBatch renders a batch page; errs are the booking form's
// problems (field → message id) and problem a message shown above it.
func (h *Handler) renderFinanceBatch(c *gin.Context, status int, form bookingForm, errs map[string]string, problem string, args ...any) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	b, err := h.store.FinanceBatchByID(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	lines, err := h.store.FinanceBatchLines(ctx, id, financeShown, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	if problem != "" {
		problem = localizer(c).T(problem, args...)
	}
	h.render(c, status, "finance_batch", gin.H{"Batch": b, "Lines": lines, "Form": form, "Errors": errs,
		"Problem": problem, "More": b.LineCount > len(lines), "JustBooked": c.Query("booked") != ""})
}

// bookFinanceBatch records that a batch was booked, with its voucher.
func (h *Handler) bookFinanceBatch(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	form := bookingForm{VoucherNumber: c.PostForm("voucher_number"), VoucherDate: c.PostForm("voucher_date")}
	in := models.BookingInput{VoucherNumber: form.VoucherNumber}
	errs := in.Valid()
	delete(errs, "voucher_date")
	if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(form.VoucherDate), stockholm); err == nil {
		in.VoucherDate = d
	} else {
		errs["voucher_date"] = "finance.err.date"
	}
	version, err := strconv.Atoi(c.PostForm("version"))
	if err != nil {
		version = -1
	}
	if len(errs) > 0 {
		h.renderFinanceBatch(c, http.StatusUnprocessableEntity, form, errs, "")
		return
	}
	_, err = h.store.BookFinanceBatch(c.Request.Context(), actorOf(c), id, version, in)
	var (
		booked  *models.BatchBookedError
		invalid *workflow.ValidationError
	)
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/finance/batches/"+strconv.FormatInt(id, 10)+"?booked=1")
	case errors.As(err, &invalid):
		h.renderFinanceBatch(c, http.StatusUnprocessableEntity, form, invalid.Fields, "")
	case errors.As(err, &booked):
		h.renderFinanceBatch(c, http.StatusConflict, form, nil, "finance.booked_already",
			"Voucher", booked.VoucherNumber, "Date", booked.BookedAt.In(stockholm).Format(time.DateOnly))
	case errors.Is(err, models.ErrStale), errors.Is(err, workflow.ErrInvalidTransition):
		h.renderFinanceBatch(c, http.StatusConflict, form, nil, "finance.stale")
	default:
		h.fail(c, err)
	}
}

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
			h.log.Warn("SIE file has characters code page 437 cannot hold, written as ?", "batch", b.ID, "count", st.Unknown)
		}
	}
	if err != nil {
		// The status is sent; all that is left is to cut the download
		// short and say why in the log.
		h.log.Error("finance download", "batch", b.ID, "format", format, "err", err)
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
			fl := export.Line{Batch: l.BatchID, Application: l.Reference, Title: l.Title, DecisionRef: l.DecisionRef,
				Unit: l.UnitName, CostCentre: l.CostCentre, Project: l.ProjectCode, Activities: l.Activities,
				AmountOre: l.AmountOre, Text: l.VoucherText}
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
	return export.Batch{ID: b.ID, Date: b.BatchDate, CreatedBy: b.CreatedByName, Ledger: b.Ledger}
}

// showFinanceSettings shows the settings form.
func (h *Handler) showFinanceSettings(c *gin.Context) {
	set, err := h.store.FinanceSettings(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "finance_settings", gin.H{"Form": set.FinanceSettingsInput, "Groups": models.FinanceSettingGroups(),
		"Errors": map[string]string{}, "Saved": c.Query("saved") != ""})
}

// saveFinanceSettings stores the settings; invalid input comes back in
// the form with a message beside each field.
func (h *Handler) saveFinanceSettings(c *gin.Context) {
	var in models.FinanceSettingsInput
	for _, g := range models.FinanceSettingGroups() {
		for _, f := range g.Fields {
			*f.Of(&in) = c.PostForm(f.Name)
		}
	}
	typed := in
	_, err := h.store.SaveFinanceSettings(c.Request.Context(), actorOf(c), in)
	var invalid *workflow.ValidationError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/finance/settings?saved=1")
	case errors.As(err, &invalid):
		h.render(c, http.StatusUnprocessableEntity, "finance_settings", gin.H{"Form": typed, "Groups": models.FinanceSettingGroups(),
			"Errors": invalid.Fields})
	default:
		h.fail(c, err)
	}
}

// batchJSON is a batch as the JSON endpoint shows it.
type batchJSON struct {
	ID            int64      `json:"id"`
	BatchDate     string     `json:"batch_date"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     string     `json:"created_by"`
	LineCount     int        `json:"line_count"`
	TotalOre      int64      `json:"total_ore"`
	Booked        bool       `json:"booked"`
	BookedAt      *time.Time `json:"booked_at"`
	VoucherNumber string     `json:"voucher_number,omitempty"`
	VoucherDate   string     `json:"voucher_date,omitempty"`
	Version       int        `json:"version"`
	Files         []string   `json:"files"`
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
	AmountOre     int64  `json:"amount_ore"`
	VoucherText   string `json:"voucher_text"`
}

func toBatchJSON(b *models.FinanceBatch) batchJSON {
	out := batchJSON{ID: b.ID, BatchDate: b.BatchDate.Format(time.DateOnly), CreatedAt: b.CreatedAt,
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
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
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
			Project: l.ProjectCode, Activities: l.Activities, AmountOre: l.AmountOre, VoucherText: l.VoucherText}
		if l.DecisionDate != nil {
			j.DecisionDate = l.DecisionDate.Format(time.DateOnly)
		}
		return enc.Encode(j)
	})
	if err != nil {
		h.log.Error("finance batch JSON", "batch", id, "err", err)
		c.Abort()
		return
	}
	_, _ = w.WriteString("]}")
}

// failJSON answers an API request that failed: 404 for a batch that does
// not exist, 500 (details in the log) for anything else.
func (h *Handler) failJSON(c *gin.Context, err error) {
	if errors.Is(err, models.ErrNotFound) {
		c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
		return
	}
	h.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	c.JSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
}
