package export

import (
	"archive/zip"
	"bytes"
	"io"
	"iter"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// wholeSheetXLSX is WriteXLSX as one stream writer over every row, the
// way the file was written before its rows were rendered a chunk at a
// time: the chunked file must be the same, byte for byte.
func wholeSheetXLSX(w io.Writer, b Batch, lines []Line) error {
	f := excelize.NewFile()
	defer f.Close()
	stamp := b.Created.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Created: stamp, Modified: stamp, Creator: ProgramName,
		LastModifiedBy: ProgramName, Title: "Batch " + strconv.FormatInt(b.ID, 10), Language: "sv-SE"}); err != nil {
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
	var total int64
	row := 1
	for _, l := range lines {
		row++
		total += l.AmountOre
		cells := make([]any, len(Columns))
		cells[0], cells[1], cells[2], cells[3] = l.Batch, l.Application, l.Title, l.DecisionRef
		if !l.DecisionDate.IsZero() {
			cells[4] = excelize.Cell{StyleID: st.date, Value: civil(l.DecisionDate)}
		}
		cells[5], cells[6], cells[7], cells[8] = l.Unit, l.CostCentre, l.Project, l.Activities
		cells[9] = excelize.Cell{StyleID: st.amount, Value: Kronor(l.AmountOre)}
		cells[10] = KindNames[l.Kind]
		if err := sw.SetRow("A"+strconv.Itoa(row), cells); err != nil {
			return err
		}
	}
	sum := make([]any, len(Columns))
	sum[0] = excelize.Cell{StyleID: st.bold, Value: "Summa"}
	sum[9] = excelize.Cell{StyleID: st.sum, Value: Kronor(total), Formula: "SUM(J2:J" + strconv.Itoa(max(row, 2)) + ")"}
	if err := sw.SetRow("A"+strconv.Itoa(row+1), sum); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return f.Write(io.Discard)
}

// TestXLSXChunksAsOneSheet: a batch of several chunks, none and one line,
// with texts that need escaping, spaces kept and dates or none, is the
// same file as one stream writer over all of it makes.
func TestXLSXChunksAsOneSheet(t *testing.T) {
	t.Parallel()
	b := Batch{ID: 7, Created: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	texts := []string{"Resa till Győr & <Wien>", " ledande blanksteg", "=SUM(A1)", "rad\nbrytning", "_x0041_ \"citat\" 'a'", "中文 €"}
	for _, n := range []int{0, 1, xlsxChunk - 1, xlsxChunk, 2*xlsxChunk + 17} {
		var lines []Line
		for i := range n {
			l := Line{Batch: b.ID, Kind: []string{KindAward, KindReversal, KindReturn}[i%3], Application: "MF-2026-" + strconv.Itoa(i),
				Title: texts[i%len(texts)], DecisionRef: texts[(i+1)%len(texts)], Unit: "Enheten", CostCentre: "0110",
				Project: "P-" + strconv.Itoa(i%7), Activities: "1.2.3; 2.1.1", AmountOre: int64(i*1013 - 50_000)}
			if i%4 != 0 {
				l.DecisionDate = time.Date(2026, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
			}
			lines = append(lines, l)
		}
		var want, got bytes.Buffer
		if err := wholeSheetXLSX(&want, b, lines); err != nil {
			t.Fatal(err)
		}
		if err := WriteXLSX(&got, b, Lines(lines)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d lines: the chunked file (%d bytes) differs from one sheet (%d bytes)", n, got.Len(), want.Len())
		}
	}
}

// TestXLSXLineError: an error of the lines ends the file with it.
func TestXLSXLineError(t *testing.T) {
	t.Parallel()
	bad := iter.Seq2[Line, error](func(yield func(Line, error) bool) {
		if yield(Line{Batch: 1, Kind: KindAward, AmountOre: 1}, nil) {
			yield(Line{}, io.ErrUnexpectedEOF)
		}
	})
	err := WriteXLSX(io.Discard, Batch{ID: 1}, bad)
	if err == nil || !strings.Contains(err.Error(), io.ErrUnexpectedEOF.Error()) {
		t.Errorf("err = %v", err)
	}
}
