package export

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"

	"mobilityfund/money"
)

// sieDate is the SIE date layout.
const sieDate = "20060102"

// ErrIncomplete is returned when the batch lacks an account or the pot's
// cost centre, without which no voucher can be written.
var ErrIncomplete = errors.New("export: accounts and the pot's cost centre must be set")

// UndeclaredObjectError is returned when a line names a cost centre or
// project that the file did not declare with #OBJEKT.
type UndeclaredObjectError struct {
	Application string
	Object      Object
}

func (e *UndeclaredObjectError) Error() string {
	return fmt.Sprintf("export: %s uses object %d %q, which is not declared", e.Application, e.Object.Dim, e.Object.Number)
}

// SIEStats reports what a SIE file holds and what writing it changed:
// characters that code page 437 lacks are written as look-alikes
// (Transliterated) or, when there is none, as "?" (Unknown). Nothing is
// dropped silently: a caller can show or log these counts.
type SIEStats struct {
	Vouchers       int
	Transliterated int
	Unknown        int
}

// WriteSIE writes a SIE 4I import file: the header records, #KONTO for
// both accounts, #DIM for cost centres (1) and projects (6), #OBJEKT for
// objects and the pot's own, then one balanced #VER per line that debits
// the unit's cost centre and project and credits the pot's (a negative
// line reverses that). The file is code page 437 (#FORMAT PC8) with CRLF
// line ends and amounts with a point and two decimals. Objects must hold
// every cost centre and project the lines use; it is a small list (one per
// unit at most), collected by the caller before the lines stream. It
// returns ErrIncomplete, *UndeclaredObjectError, or the first error of
// lines or of w.
func WriteSIE(w io.Writer, b Batch, objects []Object, lines iter.Seq2[Line, error]) (SIEStats, error) {
	var st SIEStats
	if b.DebitAccount == "" || b.CreditAccount == "" || b.PotCostCentre == "" {
		return st, ErrIncomplete
	}
	all := append([]Object{{DimCostCentre, b.PotCostCentre, b.PotName}}, objects...)
	if b.PotProject != "" {
		all = append(all, Object{DimProject, b.PotProject, b.PotName})
	}
	declared := map[Object]bool{}
	var list []Object
	for _, o := range all {
		key := Object{Dim: o.Dim, Number: o.Number}
		if o.Number == "" || declared[key] {
			continue
		}
		declared[key] = true
		list = append(list, o)
	}
	slices.SortFunc(list, func(x, y Object) int {
		return cmp.Or(cmp.Compare(x.Dim, y.Dim), cmp.Compare(x.Number, y.Number))
	})

	sw := &sieWriter{bw: bufio.NewWriterSize(w, 64<<10)}
	sw.raw("#FLAGGA 0").end()
	sw.raw("#PROGRAM").quoted(ProgramName).quoted(ProgramVersion).end()
	sw.raw("#FORMAT PC8").end()
	date := b.Date.Format(sieDate)
	sw.raw("#GEN " + date).quoted(b.CreatedBy).end()
	sw.raw("#SIETYP 4").end()
	sw.raw("#FNAMN").quoted(b.Organisation).end()
	sw.raw("#KONTO").token(b.DebitAccount).quoted(b.DebitAccountName).end()
	if b.CreditAccount != b.DebitAccount {
		sw.raw("#KONTO").token(b.CreditAccount).quoted(b.CreditAccountName).end()
	}
	sw.raw("#DIM 1").quoted("Kostnadsställe").end()
	sw.raw("#DIM 6").quoted("Projekt").end()
	for _, o := range list {
		sw.raw("#OBJEKT " + strconv.Itoa(o.Dim)).quoted(o.Number).quoted(o.Name).end()
	}
	for l, err := range lines {
		if err != nil {
			return sw.stats(), err
		}
		for _, o := range []Object{{Dim: DimCostCentre, Number: l.CostCentre}, {Dim: DimProject, Number: l.Project}} {
			if !declared[o] && (o.Dim == DimCostCentre || o.Number != "") {
				return sw.stats(), &UndeclaredObjectError{Application: l.Application, Object: o}
			}
		}
		sw.raw(`#VER "" "" ` + date).quoted(l.Text).end()
		sw.raw("{").end()
		sw.raw("#TRANS").token(b.DebitAccount).objects(l.CostCentre, l.Project).raw(" " + money.Decimal(l.AmountOre, '.')).end()
		sw.raw("#TRANS").token(b.CreditAccount).objects(b.PotCostCentre, b.PotProject).raw(" " + money.Decimal(-l.AmountOre, '.')).end()
		sw.raw("}").end()
		if sw.err != nil {
			return sw.stats(), sw.err
		}
		sw.vouchers++
	}
	if sw.err == nil {
		sw.err = sw.bw.Flush()
	}
	return sw.stats(), sw.err
}

// sieWriter builds one record at a time and remembers the first error.
type sieWriter struct {
	bw       *bufio.Writer
	enc      encoder
	rec      []byte
	err      error
	vouchers int
}

func (s *sieWriter) stats() SIEStats {
	return SIEStats{Vouchers: s.vouchers, Transliterated: s.enc.Transliterated, Unknown: s.enc.Unknown}
}

func (s *sieWriter) raw(t string) *sieWriter {
	s.rec = append(s.rec, t...)
	return s
}

// quoted adds a text field, always in quotes.
func (s *sieWriter) quoted(t string) *sieWriter {
	s.rec = s.enc.quote(append(s.rec, ' '), t)
	return s
}

// token adds a field such as an account number: bare when it is plain
// letters and digits, quoted otherwise.
func (s *sieWriter) token(t string) *sieWriter {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '-' || c == '.') {
			return s.quoted(t)
		}
	}
	if t == "" {
		return s.quoted(t)
	}
	return s.raw(" " + t)
}

// objects adds a #TRANS object list: the cost centre, and the project
// when there is one.
func (s *sieWriter) objects(costCentre, project string) *sieWriter {
	s.rec = s.enc.quote(append(s.rec, " {1 "...), costCentre)
	if project != "" {
		s.rec = s.enc.quote(append(s.rec, " 6 "...), project)
	}
	s.rec = append(s.rec, '}')
	return s
}

// end finishes the record with CRLF and writes it.
func (s *sieWriter) end() {
	s.rec = append(s.rec, '\r', '\n')
	if s.err == nil {
		_, s.err = s.bw.Write(s.rec)
	}
	s.rec = s.rec[:0]
}
