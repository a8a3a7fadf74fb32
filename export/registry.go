package export

import (
	"io"
	"iter"
	"mobilityfund/money"
	"time"
)

// RegistryColumns are the headings of the register's CSV file: what a
// registrar needs to enter a decision in the registry system. Swedish
// whatever the reader's language, as the registry is.
var RegistryColumns = []string{"Dnr", "Datum", "Rubrik", "Enhet", "Belopp", "Beslutande", "Filnamn"}

// RegistryRow is one decision to be registered.
type RegistryRow struct {
	Ref       string    // the decision's reference number (diarienummer)
	Date      time.Time // the decision's day (a civil date)
	Title     string    // the application's title
	Unit      string
	AmountOre int64 // granted; what returns for a revocation; 0 for a rejection
	Decider   string
	FileName  string // the document's file name
}

// WriteRegistryCSV writes rows as CSV that Swedish Excel and registry
// imports read: UTF-8 with a byte order mark, semicolons, CRLF line ends,
// amounts with a decimal comma, and text cells that a spreadsheet would
// run as formulas made inert. It returns the first error of rows or w.
func WriteRegistryCSV(w io.Writer, rows iter.Seq2[RegistryRow, error]) error {
	cw, err := newCSV(w)
	if err != nil {
		return err
	}
	if err := cw.Write(RegistryColumns); err != nil {
		return err
	}
	rec := make([]string, len(RegistryColumns))
	for r, err := range rows {
		if err != nil {
			return err
		}
		rec[0] = Inert(r.Ref)
		rec[1] = ""
		if !r.Date.IsZero() {
			rec[1] = r.Date.Format(dateLayout)
		}
		rec[2] = Inert(r.Title)
		rec[3] = Inert(r.Unit)
		rec[4] = money.Decimal(r.AmountOre, ',')
		rec[5] = Inert(r.Decider)
		rec[6] = Inert(r.FileName)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
