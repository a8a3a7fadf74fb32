package export

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// wholeFollowupXLSX is WriteFollowupXLSX as the workbook was written
// before the plan sheet's rows were rendered a chunk at a time: every
// activity in one stream writer, the workbook in memory. The chunked file
// must be the same, byte for byte.
func wholeFollowupXLSX(w io.Writer, wb FollowupWorkbook, acts []FollowupActivity) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", wb.PlanSheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(wb.UnitSheet); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := writeSheet(f, st, wb.PlanSheet, activityColumns, wb.Label, acts); err != nil {
		return err
	}
	if err := writeSheet(f, st, wb.UnitSheet, unitColumns, wb.Label, wb.Units); err != nil {
		return err
	}
	return f.Write(w)
}

// TestFollowupXLSXChunksAsOneSheet: a plan sheet of none, one and several
// chunks of activities, with texts that need escaping or neutralising,
// is the same file as the whole workbook written in memory makes.
func TestFollowupXLSXChunksAsOneSheet(t *testing.T) {
	t.Parallel()
	texts := []string{"Resa till Győr & <Wien>", " ledande blanksteg", "=SUM(A1)", "rad\nbrytning", "_x0041_ \"citat\" 'a'", "中文 €", "", "-1"}
	wb := FollowupWorkbook{PlanSheet: "Verksamhetsplan", UnitSheet: "Per enhet", Label: func(id string) string { return "<" + id + ">" },
		Units: []FollowupUnit{{Code: "NT", Unit: "=Enheten", Faculty: "Fakulteten", Applications: 3, Funded: 2, GrantedOre: 12_345_67,
			Outcomes: Outcomes{ExpFirst: 4, ActParticipants: 9}}, {Code: "HS", Unit: "Humaniora"}}}
	for _, n := range []int{0, 1, xlsxChunk - 1, xlsxChunk, 2*xlsxChunk + 17} {
		acts := make([]FollowupActivity, n)
		for i := range acts {
			acts[i] = FollowupActivity{Unit: texts[i%len(texts)], Number: "MF-2026-" + strconv.Itoa(i), Title: texts[(i+1)%len(texts)],
				Area: texts[(i+2)%len(texts)], Goal: "Mål " + strconv.Itoa(i%5), Activity: "2.1." + strconv.Itoa(i%9),
				Neolaia: texts[(i+3)%len(texts)], Category: "Internationalisering", GrantedOre: int64(i * 1013), ReturnedOre: int64(i % 7 * 50),
				SpentOre: int64(i*1013 - 50_000), Outcomes: Outcomes{ExpFirst: int64(i % 3), ActFirst: int64(i % 4), ExpWindows: int64(i % 2),
					ActParticipants: int64(i)}}
		}
		var want, got bytes.Buffer
		if err := wholeFollowupXLSX(&want, wb, acts); err != nil {
			t.Fatal(err)
		}
		if err := WriteFollowupXLSX(&got, wb, Lines(acts)); err != nil {
			t.Fatal(err)
		}
		if err := sameArchive(got.Bytes(), want.Bytes()); err != nil {
			t.Errorf("%d activities: the chunked file (%d bytes) differs from the whole one (%d bytes): %v", n, got.Len(), want.Len(), err)
		}
	}
}

// sameArchive reports how two workbooks differ: excelize writes the
// entries of its streamed sheets in the random order of a Go map, so two
// files of the same workbook hold the same entries, each with the same
// header and compressed bytes, and are the same bytes when the order is.
func sameArchive(got, want []byte) error {
	entries := func(b []byte) ([]string, map[string][]byte, error) {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, nil, err
		}
		var names []string
		raw := map[string][]byte{}
		for _, f := range zr.File {
			r, err := f.OpenRaw()
			if err != nil {
				return nil, nil, err
			}
			data, err := io.ReadAll(r)
			if err != nil {
				return nil, nil, err
			}
			names = append(names, f.Name)
			raw[f.Name] = fmt.Appendf(data, "|%d|%d|%x|%v", f.Method, f.UncompressedSize64, f.CRC32, f.Modified)
		}
		return names, raw, nil
	}
	gn, g, err := entries(got)
	if err != nil {
		return err
	}
	wn, w, err := entries(want)
	if err != nil {
		return err
	}
	if len(gn) != len(wn) || len(g) != len(gn) {
		return fmt.Errorf("entries %q, want %q", gn, wn)
	}
	for name, data := range w {
		if !bytes.Equal(g[name], data) {
			return fmt.Errorf("entry %s differs", name)
		}
	}
	if slices.Equal(gn, wn) && !bytes.Equal(got, want) {
		return errors.New("the same entries in the same order, but other bytes")
	}
	return nil
}

// TestFollowupXLSXActivityError: an error of the activities ends the
// file with it.
func TestFollowupXLSXActivityError(t *testing.T) {
	t.Parallel()
	bad := iter.Seq2[FollowupActivity, error](func(yield func(FollowupActivity, error) bool) {
		if yield(FollowupActivity{Unit: "NT"}, nil) {
			yield(FollowupActivity{}, io.ErrUnexpectedEOF)
		}
	})
	wb := FollowupWorkbook{PlanSheet: "A", UnitSheet: "B", Label: func(id string) string { return id }}
	err := WriteFollowupXLSX(io.Discard, wb, bad)
	if err == nil || !strings.Contains(err.Error(), io.ErrUnexpectedEOF.Error()) {
		t.Errorf("err = %v", err)
	}
}
