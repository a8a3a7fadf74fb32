package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// financeShown is how many lines a finance page lists; the pages that
// follow (keyset on the application), the files and the JSON endpoint
// hold the rest.
const financeShown = 500

// batchForm is the form that makes a batch, as typed.
type batchForm struct {
	AccountingDate string
}

// showFinanceOverview shows what waits for export and the batches made.
func (h *Handler) showFinanceOverview(c *gin.Context) {
	form := batchForm{AccountingDate: h.store.Now().In(h.store.Zone()).Format(time.DateOnly)}
	h.renderFinanceOverview(c, http.StatusOK, form, nil, "", nil)
}

// renderFinanceOverview renders the overview with the batch form as typed,
// its problems (field → message id), and an optional message (a message
// id and its arguments) about a refused batch.
func (h *Handler) renderFinanceOverview(c *gin.Context, status int, form batchForm, errs map[string]string, msg string, args []any) {
	ctx := c.Request.Context()
	q := c.Request.URL.Query()
	page := models.PendingPage{Limit: financeShown, After: queryID(q, "after"), WarningsAfter: queryID(q, "warnings_after")}
	pending, err := h.store.PendingFinancePage(ctx, actorOf(c), page)
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
	l := localizer(c)
	var problem string
	if msg != "" {
		problem = l.T(msg, args...)
	}
	sides := make([]string, len(pending.Lines))
	for i, line := range pending.Lines {
		sides[i] = sidesText(l, settings.Ledger, line)
	}
	h.render(c, status, "finance", gin.H{"Pending": pending, "Batches": batches, "Settings": settings,
		"Problem": problem, "Missing": strings.Join(pending.MissingCostCentre, ", "), "Sides": sides,
		"Form": form, "Errors": errs, "Warnings": warningTexts(pending.Warnings), "Page": page})
}

// warningText is one line of the preview's warning about characters a
// SIE file cannot hold: the application (empty for the settings) and
// "ő → o, 中 → ?".
type warningText struct {
	ApplicationID int64
	Reference     string
	Changes       string
}

func warningTexts(ws []models.TextWarning) []warningText {
	out := make([]warningText, len(ws))
	for i, w := range ws {
		parts := make([]string, len(w.Changes))
		for j, ch := range w.Changes {
			parts[j] = string(ch.From) + " → " + ch.To
		}
		out[i] = warningText{ApplicationID: w.ApplicationID, Reference: w.Reference, Changes: strings.Join(parts, ", ")}
	}
	return out
}

// sidesText names a line's direction in plain words: "Debet: potten 9100
// / MOBPOT, konto 97110 · Kredit: HUMUS 1110 / P1110-MOB, konto 93110".
func sidesText(l *i18n.Localizer, ledger export.Ledger, line models.FinanceBatchLine) string {
	debit, credit := ledger.Sides(export.Line{CostCentre: line.CostCentre, Project: line.ProjectCode, AmountOre: line.AmountOre})
	return l.T("finance.debit_side", sideArgs(l, debit, line.UnitCode)...) + " · " +
		l.T("finance.credit_side", sideArgs(l, credit, line.UnitCode)...)
}

// sideArgs are the message arguments naming one side of a transfer.
func sideArgs(l *i18n.Localizer, s export.Side, unit string) []any {
	party := unit
	if s.Pot {
		party = l.T("finance.party.pot")
	}
	objects := s.CostCentre
	if s.Project != "" {
		objects += " / " + s.Project
	}
	return []any{"Party", party, "Objects", objects, "Account", s.Account}
}

// createFinanceBatch fixes everything pending in a new batch, dated on
// the accounting date finance chose, and shows it.
func (h *Handler) createFinanceBatch(c *gin.Context) {
	form := batchForm{AccountingDate: strings.TrimSpace(c.PostForm("accounting_date"))}
	var in models.BatchInput
	if form.AccountingDate != "" {
		d, err := time.ParseInLocation(time.DateOnly, form.AccountingDate, h.store.Zone())
		if err != nil {
			h.renderFinanceOverview(c, http.StatusUnprocessableEntity, form, map[string]string{"accounting_date": "finance.err.date"}, "", nil)
			return
		}
		in.AccountingDate = d
	}
	b, err := h.store.CreateFinanceBatch(c.Request.Context(), actorOf(c), in)
	var (
		missing *models.MissingCostCentreError
		invalid *workflow.ValidationError
	)
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/finance/batches/"+strconv.FormatInt(b.ID, 10))
	case errors.As(err, &invalid):
		h.renderFinanceOverview(c, statusOf(err), form, invalid.Fields, "", nil)
	case errors.Is(err, models.ErrNothingToExport):
		h.renderFinanceOverview(c, statusOf(err), form, nil, "finance.nothing_to_export", nil)
	case errors.Is(err, models.ErrFinanceSettingsIncomplete):
		h.renderFinanceOverview(c, statusOf(err), form, nil, "finance.settings_incomplete", nil)
	case errors.As(err, &missing):
		h.renderFinanceOverview(c, statusOf(err), form, nil, "finance.missing_cost_centre",
			[]any{"Units", strings.Join(missing.Units, ", ")})
	case errors.Is(err, models.ErrExportConflict):
		h.renderFinanceOverview(c, statusOf(err), form, nil, "finance.export_conflict", nil)
	default:
		h.fail(c, err)
	}
}

// bookingForm is the booking form as typed.
type bookingForm struct {
	VoucherSeries string
	VoucherNumber string
	VoucherDate   string
}

// showFinanceBatch shows a batch: its lines, sums, downloads and, until
// it is booked, the booking form, filled in with the batch's series and
// accounting date.
func (h *Handler) showFinanceBatch(c *gin.Context) {
	h.renderFinanceBatch(c, http.StatusOK, nil, nil, "")
}

// renderFinanceBatch renders a batch page; form is the booking form as
// typed (nil: the batch's own series and date), errs its problems (field
// → message id) and problem a message shown above it.
func (h *Handler) renderFinanceBatch(c *gin.Context, status int, form *bookingForm, errs map[string]string, problem string, args ...any) {
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
	l := localizer(c)
	if problem != "" {
		problem = l.T(problem, args...)
	}
	if form == nil {
		form = &bookingForm{VoucherSeries: b.VoucherSeries, VoucherDate: b.AccountingDate.Format(time.DateOnly)}
	}
	sides := make([]string, len(lines))
	for i, line := range lines {
		sides[i] = sidesText(l, b.Ledger, line)
	}
	h.render(c, status, "finance_batch", gin.H{"Batch": b, "Lines": lines, "Sides": sides, "Form": form, "Errors": errs,
		"Problem": problem, "More": b.LineCount > len(lines), "JustBooked": c.Query("booked") != "",
		"VoucherText": export.VoucherText(financeBatch(b))})
}

// bookFinanceBatch records that a batch was booked, with its voucher.
func (h *Handler) bookFinanceBatch(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	form := &bookingForm{VoucherSeries: c.PostForm("voucher_series"), VoucherNumber: c.PostForm("voucher_number"),
		VoucherDate: c.PostForm("voucher_date")}
	in := models.BookingInput{VoucherSeries: form.VoucherSeries, VoucherNumber: form.VoucherNumber}
	errs := in.Valid()
	delete(errs, "voucher_date")
	if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(form.VoucherDate), h.store.Zone()); err == nil {
		in.VoucherDate = d
	} else {
		errs["voucher_date"] = "finance.err.date"
	}
	version := formVersion(c)
	if len(errs) > 0 {
		h.renderFinanceBatch(c, http.StatusUnprocessableEntity, form, errs, "")
		return
	}
	_, err := h.store.BookFinanceBatch(c.Request.Context(), actorOf(c), id, version, in)
	var (
		booked  *models.BatchBookedError
		invalid *workflow.ValidationError
	)
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/finance/batches/"+strconv.FormatInt(id, 10)+"?booked=1")
	case errors.As(err, &invalid):
		h.renderFinanceBatch(c, statusOf(err), form, invalid.Fields, "")
	case errors.As(err, &booked):
		h.renderFinanceBatch(c, statusOf(err), form, nil, "finance.booked_already",
			"Voucher", booked.VoucherNumber, "Date", booked.BookedAt.In(h.store.Zone()).Format(time.DateOnly))
	case errors.Is(err, models.ErrStale), errors.Is(err, workflow.ErrInvalidTransition):
		h.renderFinanceBatch(c, statusOf(err), form, nil, "finance.stale")
	default:
		h.fail(c, err)
	}
}
