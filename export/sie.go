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

// TextMax is how many characters of a voucher or transaction text a SIE
// file holds. SIE 4B sets no limit, but a reader keeps a text in a field
// of its own size and may refuse a longer one; 60 keeps the default texts
// whole and is cut on a character boundary (one byte in code page 437).
const TextMax = 60

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
	Transactions   int
	Transliterated int
	Unknown        int
}

// VoucherText is the text of a batch's voucher.
func VoucherText(b Batch) string {
	return b.PotName + " batch " + strconv.FormatInt(b.ID, 10)
}

// WriteSIE writes a SIE 4I import file holding the batch as one voucher:
// the header records (#ORGNR and #KPTYP when set, #RAR for the fiscal
// year of the accounting date), #KONTO for both accounts, #DIM for cost
// centres (1) and projects (6), #OBJEKT for objects and the pot's own,
// then one #VER in the ledger's series, without a number (the import
// gives it one), dated on the accounting date, with two #TRANS rows per
// line that debit one party and credit the other as the ledger's
// direction says (a negative line goes back the other way), so that the
// voucher balances. The file is code page 437 (#FORMAT PC8) with CRLF
// line ends and amounts with a point and two decimals. Objects must hold
// every cost centre and project the lines use; it is a small list (one per
// unit at most), collected by the caller before the lines stream. It
// returns ErrIncomplete, *UndeclaredObjectError, or the first error of
// lines or of w.
func WriteSIE(w io.Writer, b Batch, objects []Object, lines iter.Seq2[Line, error]) (SIEStats, error) {
	var st SIEStats
	if b.PotAccount == "" || b.UnitAccount == "" || b.PotCostCentre == "" {
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
	sw.raw("#GEN " + b.Created.Format(sieDate)).quoted(b.CreatedBy).end()
	sw.raw("#SIETYP 4").end()
	if b.OrgNumber != "" {
		sw.raw("#ORGNR").token(b.OrgNumber).end()
	}
	sw.raw("#FNAMN").quoted(b.Organisation).end()
	first, last, _ := b.FiscalYear(b.Date)
	sw.raw("#RAR 0 " + first.Format(sieDate) + " " + last.Format(sieDate)).end()
	if b.ChartType != "" {
		sw.raw("#KPTYP").token(b.ChartType).end()
	}
	sw.raw("#KONTO").token(b.PotAccount).quoted(b.PotAccountName).end()
	if b.UnitAccount != b.PotAccount {
		sw.raw("#KONTO").token(b.UnitAccount).quoted(b.UnitAccountName).end()
	}
	sw.raw("#DIM 1").quoted("Kostnadsställe").end()
	sw.raw("#DIM 6").quoted("Projekt").end()
	for _, o := range list {
		sw.raw("#OBJEKT " + strconv.Itoa(o.Dim)).quoted(o.Number).quoted(o.Name).end()
	}
	date := b.Date.Format(sieDate)
	for l, err := range lines {
		if err != nil {
			return sw.stats(), err
		}
		for _, o := range []Object{{Dim: DimCostCentre, Number: l.CostCentre}, {Dim: DimProject, Number: l.Project}} {
			if !declared[o] && (o.Dim == DimCostCentre || o.Number != "") {
				return sw.stats(), &UndeclaredObjectError{Application: l.Application, Object: o}
			}
		}
		if sw.vouchers == 0 {
			sw.raw("#VER").quoted(b.VoucherSeries).raw(` "" ` + date).text(VoucherText(b)).raw(" " + b.Created.Format(sieDate)).end()
			sw.raw("{").end()
			sw.vouchers++
		}
		debit, credit := b.Sides(l)
		amount := money.Decimal(abs(l.AmountOre), '.')
		sw.raw("#TRANS").token(debit.Account).objects(debit.CostCentre, debit.Project).raw(" " + amount + " " + date).text(l.Text).end()
		sw.raw("#TRANS").token(credit.Account).objects(credit.CostCentre, credit.Project).raw(" -" + amount + " " + date).text(l.Text).end()
		if sw.err != nil {
			return sw.stats(), sw.err
		}
		sw.transactions += 2
	}
	if sw.vouchers > 0 {
		sw.raw("}").end()
	}
	if sw.err == nil {
		sw.err = sw.bw.Flush()
	}
	return sw.stats(), sw.err
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// sieWriter builds one record at a time and remembers the first error.
type sieWriter struct {
	bw           *bufio.Writer
	enc          encoder
	rec          []byte
	err          error
	vouchers     int
	transactions int
}

func (s *sieWriter) stats() SIEStats {
	return SIEStats{Vouchers: s.vouchers, Transactions: s.transactions,
		Transliterated: s.enc.Transliterated, Unknown: s.enc.Unknown}
}

func (s *sieWriter) raw(t string) *sieWriter {
	s.rec = append(s.rec, t...)
	return s
}

// quoted adds a text field, always in quotes.
func (s *sieWriter) quoted(t string) *sieWriter {
	s.rec = s.enc.quote(append(s.rec, ' '), t, 0)
	return s
}

// text adds a voucher or transaction text, cut to TextMax characters.
func (s *sieWriter) text(t string) *sieWriter {
	s.rec = s.enc.quote(append(s.rec, ' '), t, TextMax)
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
	s.rec = s.enc.quote(append(s.rec, " {1 "...), costCentre, 0)
	if project != "" {
		s.rec = s.enc.quote(append(s.rec, " 6 "...), project, 0)
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
