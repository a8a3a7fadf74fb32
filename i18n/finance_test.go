package i18n

import (
	"strconv"
	"testing"

	"mobilityfund/export"
	"mobilityfund/models"
)

// TestFinanceMessages checks the finance ids the pages build from a
// prefix and a value: every settings field, legend and hint, the months,
// the directions, the kinds of line, the reconciliation's columns, and
// the messages the finance models return.
func TestFinanceMessages(t *testing.T) {
	t.Parallel()
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{models.MsgYearClosed, models.MsgDateFar, "finance.err.number", "finance.err.month", "finance.err.year",
		"finance.err.account", "finance.err.series", "finance.err.org_number", "finance.err.direction", "finance.err.code",
		"finance.err.too_long", "finance.err.one_line", "finance.field.accounting_date", "finance.field.voucher_series",
		"finance.field.voucher_number", "finance.field.voucher_date"}
	for _, g := range models.FinanceSettingGroups() {
		want = append(want, g.Legend)
		for _, f := range g.Fields {
			want = append(want, "finance.field."+f.Name)
			if f.Hint != "" {
				want = append(want, f.Hint)
			}
		}
	}
	for m := 1; m <= 12; m++ {
		want = append(want, "finance.month."+strconv.Itoa(m))
	}
	for _, d := range export.Directions() {
		want = append(want, "finance.direction."+string(d))
	}
	for kind := range export.KindNames {
		want = append(want, "finance.kind."+kind)
	}
	for _, c := range export.ReconciliationColumns() {
		want = append(want, "finance.recon.col."+c)
	}
	for _, id := range want {
		for _, lang := range Languages {
			if !b.Has(lang, id) {
				t.Errorf("%q is missing in %s", id, lang)
			}
		}
	}
}
