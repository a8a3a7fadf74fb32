package models

import (
	"context"
	"strconv"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// BookingInput is what finance records when a batch has been booked:
// the voucher the import created, series and number, and its date.
type BookingInput struct {
	VoucherSeries string
	VoucherNumber string
	VoucherDate   time.Time
}

// Valid returns a message id per invalid field, empty when all is well.
func (in *BookingInput) Valid() map[string]string {
	errs := map[string]string{}
	in.VoucherSeries = strings.TrimSpace(in.VoucherSeries)
	if len(in.VoucherSeries) > 10 || strings.IndexFunc(in.VoucherSeries, func(r rune) bool { return !isASCIIAlnum(r) }) >= 0 {
		errs["voucher_series"] = "finance.err.series"
	}
	in.VoucherNumber = strings.TrimSpace(in.VoucherNumber)
	switch {
	case in.VoucherNumber == "":
		errs["voucher_number"] = workflow.MsgRequired
	case len([]rune(in.VoucherNumber)) > 40 || strings.ContainsAny(in.VoucherNumber, "\r\n"):
		errs["voucher_number"] = "finance.err.too_long"
	}
	if in.VoucherDate.IsZero() {
		errs["voucher_date"] = "finance.err.date"
	}
	return errs
}

// BookFinanceBatch records that batch id was booked, in one transaction:
// every application of the batch that still waits for its money goes from
// granted to booked through the workflow (with its audit row and the
// applicants' notifications, as Apply writes them, a chunk of
// applications per statement), and the batch gets its voucher. An award
// revoked after the batch was made is left as it is: its reversal goes in
// the next batch. It returns workflow.ErrForbidden for anyone but
// finance, a NotFoundError, a *workflow.ValidationError, a *StaleError
// when version is not the batch's, a *BatchBookedError when the batch was
// booked already, and Apply's errors.
func (s *Store) BookFinanceBatch(ctx context.Context, actor *Actor, id int64, version int, in BookingInput) (*FinanceBatch, error) {
	if !canFinance(actor) {
		return nil, workflow.ErrForbidden
	}
	if errs := in.Valid(); len(errs) > 0 {
		return nil, &workflow.ValidationError{Fields: errs}
	}
	var out FinanceBatch
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var b FinanceBatch
		if err := s.forUpdate(tx).First(&b, id).Error; err != nil {
			return notFound(err, "finance batch", id)
		}
		if b.BookedAt != nil {
			return &BatchBookedError{Batch: b.ID, VoucherNumber: b.Voucher(), BookedAt: *b.BookedAt}
		}
		if b.Version != version {
			return &StaleError{Have: version, Current: b.Version}
		}
		var apps []bookedApp
		err := tx.Table("applications").Select("applications.id, applications.version, applications.state").
			Joins("JOIN finance_batch_lines ON finance_batch_lines.application_id = applications.id").
			Where("finance_batch_lines.batch_id = ? AND finance_batch_lines.kind = ?", id, LineAward).
			Order("applications.id").Scan(&apps).Error
		if err != nil {
			return err
		}
		date := s.civilDate(in.VoucherDate)
		b.BookedSeries, b.VoucherNumber = in.VoucherSeries, in.VoucherNumber
		comment := "Verifikation " + b.Voucher() + " " + date.Format(time.DateOnly) +
			" (batch " + strconv.FormatInt(id, 10) + ")"
		granted := apps[:0]
		for _, a := range apps {
			if a.State == workflow.StateGranted {
				granted = append(granted, a)
			}
		}
		if err := s.bookApplications(ctx, actor, granted, comment); err != nil {
			return err
		}
		now := s.now()
		res := tx.Model(&FinanceBatch{}).Where("id = ? AND version = ? AND booked_at IS NULL", id, version).
			Updates(map[string]any{"booked_series": in.VoucherSeries, "voucher_number": in.VoucherNumber, "voucher_date": date,
				"booked_by": actor.User.ID, "booked_at": now, "version": version + 1})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &StaleError{Have: version, Current: version + 1}
		}
		b.VoucherDate, b.BookedBy, b.BookedAt, b.Version = &date, &actor.User.ID, &now, version+1
		out = b
		return tx.Create(&AuditEvent{Entity: "finance_batch", EntityID: id, ActorID: &actor.User.ID, Action: "book_batch",
			Comment: comment, AmountOre: b.TotalOre, CreatedAt: now}).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
