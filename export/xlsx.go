package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
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
// formula whose value is stored too. b.Created is the workbook's creation
// date, so the same batch gives the same bytes. The archive is written
// straight to w and the sheet's rows are rendered by excelize a chunk at a
// time (see sheetSplicer) as the lines come, so memory stays flat however
// long the batch is. It returns the first error of lines, of excelize or
// of w.
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
	if err := sw.Flush(); err != nil {
		return err
	}
	// The sheet as written holds the heading only; the splicer puts the
	// lines and the sum after it while the archive is written to w.
	return writeSpliced(f, w, "xl/worksheets/sheet1.xml", func(out io.Writer) error {
		return writeLineRows(out, st, lines)
	})
}

// writeSpliced writes f's archive to w with what rows writes put at the
// end of the sheetData of the sheet at path (such as
// "xl/worksheets/sheet1.xml" for the first sheet), as that entry is
// written.
func writeSpliced(f *excelize.File, w io.Writer, path string, rows func(io.Writer) error) error {
	sp := &sheetSplicer{path: path, rows: rows}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		sp.zw = zip.NewWriter(w)
		return sp
	})
	return f.Write(io.Discard)
}

// writeLineRows writes the rows of lines and the sum row as the sheet's
// XML, from row 2 on, a chunk at a time (see rowChunks).
func writeLineRows(out io.Writer, st styles, lines iter.Seq2[Line, error]) error {
	var total int64
	rows := newRowChunks(out, 2)
	for l, err := range lines {
		if err != nil {
			return err
		}
		total += l.AmountOre
		cells := make([]any, len(Columns))
		cells[0] = l.Batch
		cells[1] = l.Application
		cells[2] = l.Title
		cells[3] = l.DecisionRef
		if !l.DecisionDate.IsZero() {
			cells[4] = excelize.Cell{StyleID: st.date, Value: civil(l.DecisionDate)}
		}
		cells[5] = l.Unit
		cells[6] = l.CostCentre
		cells[7] = l.Project
		cells[8] = l.Activities
		cells[9] = excelize.Cell{StyleID: st.amount, Value: Kronor(l.AmountOre)}
		cells[10] = KindNames[l.Kind]
		if err := rows.add(cells); err != nil {
			return err
		}
	}
	last := rows.next - 1 // the last line's row, 1 (the heading) when there is none
	sum := make([]any, len(Columns))
	sum[0] = excelize.Cell{StyleID: st.bold, Value: "Summa"}
	sum[9] = excelize.Cell{StyleID: st.sum, Value: Kronor(total),
		Formula: "SUM(J2:J" + strconv.Itoa(max(last, 2)) + ")"}
	if err := rows.add(sum); err != nil {
		return err
	}
	return rows.flush()
}

// xlsxChunk is how many rows excelize renders at a time.
const xlsxChunk = 2000

// rowChunks writes rows of cells as a sheet's XML, numbered on from a
// first row: each chunk of xlsxChunk rows is rendered by renderRows, so
// that the cells are exactly those excelize writes, and only a chunk is
// ever held. The cells given to add must not be reused.
type rowChunks struct {
	out   io.Writer
	next  int // the number of the next row added
	chunk [][]any
}

func newRowChunks(out io.Writer, first int) *rowChunks {
	return &rowChunks{out: out, next: first}
}

// add adds a row, rendering the chunk when it is full.
func (r *rowChunks) add(cells []any) error {
	r.next++
	if r.chunk = append(r.chunk, cells); len(r.chunk) == xlsxChunk {
		return r.flush()
	}
	return nil
}

// flush renders the rows added since the last chunk.
func (r *rowChunks) flush() error {
	if len(r.chunk) == 0 {
		return nil
	}
	err := renderRows(r.out, r.next-len(r.chunk), r.chunk)
	clear(r.chunk)
	r.chunk = r.chunk[:0]
	return err
}

// renderRows writes rows, numbered from first on, as excelize's stream
// writer writes them into a sheet's sheetData.
func renderRows(out io.Writer, first int, rows [][]any) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := newStyles(f); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	for i, cells := range rows {
		if err := sw.SetRow("A"+strconv.Itoa(first+i), cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	c := &sheetCapture{path: "xl/worksheets/sheet1.xml"}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return c })
	if err := f.Write(io.Discard); err != nil && !errors.Is(err, errCaptured) {
		return err
	}
	data := c.buf.Bytes()
	from, to := bytes.Index(data, []byte("<sheetData>")), bytes.LastIndex(data, []byte("</sheetData>"))
	if from < 0 || to < from {
		return errors.New("export: no sheet data in the rendered rows")
	}
	_, err = out.Write(data[from+len("<sheetData>") : to])
	return err
}

// sheetCapture is an archive that keeps one entry's bytes and drops the
// rest: excelize writes a stream's sheet first, and the entry after it
// ends the writing with errCaptured.
type sheetCapture struct {
	path string
	buf  bytes.Buffer
	got  bool
}

// errCaptured ends the writing of a workbook once its sheet is captured.
var errCaptured = errors.New("export: sheet captured")

func (c *sheetCapture) Create(name string) (io.Writer, error) {
	switch {
	case name == c.path:
		c.got = true
		return &c.buf, nil
	case c.got:
		return nil, errCaptured
	}
	return io.Discard, nil
}

func (c *sheetCapture) AddFS(fs.FS) error { return nil }
func (c *sheetCapture) Close() error      { return nil }

// sheetSplicer writes excelize's archive to zw, but puts what rows
// writes at the end of the sheet's sheetData: excelize writes the sheet
// with its heading only, and the rows stream in as the entry is written.
type sheetSplicer struct {
	zw      *zip.Writer
	path    string
	rows    func(io.Writer) error
	pending *bytes.Buffer // the sheet as excelize wrote it, until the next entry
}

func (s *sheetSplicer) finish() error {
	if s.pending == nil {
		return nil
	}
	data := s.pending.Bytes()
	s.pending = nil
	at := bytes.LastIndex(data, []byte("</sheetData>"))
	if at < 0 {
		return errors.New("export: the sheet has no sheet data")
	}
	out, err := s.zw.Create(s.path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	if _, err := bw.Write(data[:at]); err != nil {
		return err
	}
	if err := s.rows(bw); err != nil {
		return err
	}
	if _, err := bw.Write(data[at:]); err != nil {
		return err
	}
	return bw.Flush()
}

func (s *sheetSplicer) Create(name string) (io.Writer, error) {
	if err := s.finish(); err != nil {
		return nil, err
	}
	if name == s.path {
		s.pending = &bytes.Buffer{}
		return s.pending, nil
	}
	return s.zw.Create(name)
}

func (s *sheetSplicer) AddFS(fsys fs.FS) error { return s.zw.AddFS(fsys) }

func (s *sheetSplicer) Close() error {
	if err := s.finish(); err != nil {
		return err
	}
	return s.zw.Close()
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
