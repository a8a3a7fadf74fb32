package export

import (
	"io"
	"iter"
	"strconv"
	"time"

	"mobilityfund/money"
)

// AuditColumns are the headings of the audit trail's CSV file.
var AuditColumns = []string{"Id", "Tid", "Vem", "Vad", "Post", "Ansökan", "Händelse", "Från", "Till", "Belopp", "Kommentar"}

// AuditRow is one line of the audit trail.
type AuditRow struct {
	ID            int64
	At            time.Time
	Actor         string
	Entity        string
	EntityID      int64
	ApplicationID int64 // 0 when the event is not about an application
	Action        string
	From, To      string
	AmountOre     int64
	Comment       string
}

// WriteAuditCSV writes the audit trail as CSV for Swedish Excel, times
// in loc with their offset, so that every line says exactly when. It
// returns the first error of rows or w.
func WriteAuditCSV(w io.Writer, rows iter.Seq2[AuditRow, error], loc *time.Location) error {
	cw, err := newCSV(w)
	if err != nil {
		return err
	}
	if err := cw.Write(AuditColumns); err != nil {
		return err
	}
	rec := make([]string, len(AuditColumns))
	for r, err := range rows {
		if err != nil {
			return err
		}
		rec[0] = strconv.FormatInt(r.ID, 10)
		rec[1] = r.At.In(loc).Format("2006-01-02 15:04:05 -07:00")
		rec[2] = Inert(r.Actor)
		rec[3] = Inert(r.Entity)
		rec[4] = strconv.FormatInt(r.EntityID, 10)
		rec[5] = ""
		if r.ApplicationID != 0 {
			rec[5] = strconv.FormatInt(r.ApplicationID, 10)
		}
		rec[6], rec[7], rec[8] = Inert(r.Action), Inert(r.From), Inert(r.To)
		rec[9] = ""
		if r.AmountOre != 0 {
			rec[9] = money.Decimal(r.AmountOre, ',')
		}
		rec[10] = Inert(r.Comment)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
