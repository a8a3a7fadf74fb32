package export

import (
	"archive/zip"
	"io"
	"iter"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// SheetName is the name of the one sheet of an XLSX batch file.
const SheetName = "Omföring"

// WriteXLSX writes lines as an Excel workbook with the columns of the CSV
// file: text cells, a real date cell for the decision date, a number cell
// in kronor for the amount, and a last row that sums the amounts with a
// formula whose value is stored too. Rows go through excelize's stream
// writer (which keeps at most a chunk in memory and the rest in a
// temporary file) and the archive is written straight to w, so memory
// stays flat however long the batch is. b.Created is the workbook's creation
// date, so the same batch gives the same bytes. It returns the first error
// of lines, of excelize or of w.
func WriteXLSX(w io.Writer, b Batch, lines iter.Seq2[Line, error]) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	stamp := b.Created.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Created: stamp, Modified: stamp, Creator: ProgramName, LastModifiedBy: ProgramName,
		Title: "Batch " + strconv.FormatInt(b.ID, 10), Language: "sv-SE",
	}); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return err
	}
	for col, width := range []float64{8, 14, 40, 18, 13, 40, 14, 14, 30, 16, 14} {
		if err := sw.SetColWidth(col+1, col+1, width); err != nil {
			return err
		}
	}
	head := make([]any, len(Columns))
	for i, c := range Columns {
		head[i] = excelize.Cell{StyleID: st.bold, Value: c}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	var (
		total int64
		row   = 1
		cells = make([]any, len(Columns))
	)
	for l, err := range lines {
		if err != nil {
			return err
		}
		row++
		total += l.AmountOre
		cells[0] = l.Batch
		cells[1] = l.Application
		cells[2] = l.Title
		cells[3] = l.DecisionRef
		cells[4] = nil
		if !l.DecisionDate.IsZero() {
			cells[4] = excelize.Cell{StyleID: st.date, Value: civil(l.DecisionDate)}
		}
		cells[5] = l.Unit
		cells[6] = l.CostCentre
		cells[7] = l.Project
		cells[8] = l.Activities
		cells[9] = excelize.Cell{StyleID: st.amount, Value: Kronor(l.AmountOre)}
		cells[10] = KindNames[l.Kind]
		if err := sw.SetRow("A"+strconv.Itoa(row), cells); err != nil {
			return err
		}
	}
	sum := make([]any, len(Columns))
	sum[0] = excelize.Cell{StyleID: st.bold, Value: "Summa"}
	sum[9] = excelize.Cell{StyleID: st.sum, Value: Kronor(total),
		Formula: "SUM(J2:J" + strconv.Itoa(max(row, 2)) + ")"}
	if err := sw.SetRow("A"+strconv.Itoa(row+1), sum); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// excelize assembles the archive in a buffer and then copies it to w;
	// handing it a zip writer on w itself streams the archive instead.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return f.Write(io.Discard)
}

// styles are the cell styles of the workbooks.
type styles struct{ bold, date, amount, sum int }

// newStyles registers the workbooks' cell styles in f.
func newStyles(f *excelize.File) (st styles, err error) {
	dateFmt := "yyyy-mm-dd"
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&st.date, excelize.Style{CustomNumFmt: &dateFmt}},
		{&st.amount, excelize.Style{NumFmt: 4}}, // #,##0.00
		{&st.sum, excelize.Style{NumFmt: 4, Font: &excelize.Font{Bold: true}}},
	} {
		if *s.id, err = f.NewStyle(&s.style); err != nil {
			return st, err
		}
	}
	return st, nil
}

// Kronor is an amount as the spreadsheet number it becomes. A float64
// holds every öre amount below 2⁵³ öre and excelize writes it in its
// shortest form, so "1234.5" in the file is exactly 1 234,50 kr.
func Kronor(ore int64) float64 { return float64(ore) / 100 }

// civil returns a date as midnight UTC of the same calendar day, so that
// the spreadsheet shows the day that was stored whatever its time zone.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
