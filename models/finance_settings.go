package models

import (
	"context"
	"strconv"
	"strings"
	"time"

	"mobilityfund/export"
	"mobilityfund/workflow"
)

// FinanceSettingsInput is what the settings form may change: the ledger
// setup every batch copies, the voucher text and the last closed year.
type FinanceSettingsInput struct {
	export.Ledger
	// VoucherText is a template: {application}, {decision}, {unit},
	// {title} and {batch} are replaced per line.
	VoucherText string
	// ClosedThrough is the last fiscal year (named by the year it starts
	// in) that finance has closed: no batch may be dated in it. 0: none.
	ClosedThrough int
}

// FinanceSettings say where the pot's money is booked from and how
// voucher texts are written. There is one row.
type FinanceSettings struct {
	ID int64
	FinanceSettingsInput
	UpdatedBy *int64
	UpdatedAt time.Time
}

// TableName names the one-row settings table.
func (FinanceSettings) TableName() string { return "finance_settings" }

// Complete reports whether batches can be made with these settings.
func (f FinanceSettings) Complete() bool {
	return f.Organisation != "" && f.PotCostCentre != "" && f.PotAccount != "" && f.UnitAccount != "" && f.VoucherText != ""
}

// FieldKind says what a settings field holds and how it is checked.
type FieldKind string

// The kinds of settings field.
const (
	FieldText      FieldKind = "text"       // one line of text
	FieldCode      FieldKind = "code"       // a cost centre, project or chart type: no spaces, quotes or braces
	FieldAccount   FieldKind = "account"    // an account: 4–6 digits, as in BAS-style charts
	FieldOrgNumber FieldKind = "org_number" // an organisationsnummer: NNNNNN-NNNN with its check digit
	FieldSeries    FieldKind = "series"     // a voucher series: letters and digits
	FieldMonth     FieldKind = "month"      // 1–12
	FieldYear      FieldKind = "year"       // a year, or empty for none
	FieldDirection FieldKind = "direction"  // export.PotDebit or export.UnitDebit
)

// SettingField is one field of the finance settings form: its name in
// the form and in error maps, what it holds, and its rules. The list of
// them is the one description of the form: binding, validation and the
// page all read it.
type SettingField struct {
	Name     string
	Kind     FieldKind
	Max      int  // characters
	Required bool // must not be blank
	Hint     string
	text     func(*FinanceSettingsInput) *string
	number   func(*FinanceSettingsInput) *int
}

// SettingGroup is a set of fields the form shows together, under Legend
// (a message id; empty for no fieldset).
type SettingGroup struct {
	Legend string
	Fields []SettingField
}

// FinanceSettingGroups returns the settings form's fields in the order
// the page shows them.
func FinanceSettingGroups() []SettingGroup {
	type in = FinanceSettingsInput
	text := func(name string, kind FieldKind, max int, required bool, f func(*in) *string) SettingField {
		return SettingField{Name: name, Kind: kind, Max: max, Required: required, text: f}
	}
	number := func(name string, kind FieldKind, f func(*in) *int) SettingField {
		return SettingField{Name: name, Kind: kind, Max: 4, number: f}
	}
	hint := func(f SettingField, id string) SettingField { f.Hint = id; return f }
	return []SettingGroup{
		{Legend: "finance.group.organisation", Fields: []SettingField{
			text("organisation", FieldText, 200, true, func(f *in) *string { return &f.Organisation }),
			hint(text("org_number", FieldOrgNumber, 11, false, func(f *in) *string { return &f.OrgNumber }), "finance.org_number_hint"),
			hint(text("chart_type", FieldCode, 20, false, func(f *in) *string { return &f.ChartType }), "finance.chart_type_hint"),
			hint(number("fiscal_year_start", FieldMonth, func(f *in) *int { return &f.FiscalYearStart }), "finance.fiscal_year_start_hint"),
			hint(number("closed_through", FieldYear, func(f *in) *int { return &f.ClosedThrough }), "finance.closed_through_hint"),
		}},
		{Legend: "finance.group.pot", Fields: []SettingField{
			text("pot_cost_centre", FieldCode, 40, true, func(f *in) *string { return &f.PotCostCentre }),
			text("pot_project", FieldCode, 40, false, func(f *in) *string { return &f.PotProject }),
			text("pot_name", FieldText, 100, true, func(f *in) *string { return &f.PotName }),
			text("pot_account", FieldAccount, 6, true, func(f *in) *string { return &f.PotAccount }),
			text("pot_account_name", FieldText, 100, true, func(f *in) *string { return &f.PotAccountName }),
		}},
		{Legend: "finance.group.unit", Fields: []SettingField{
			text("unit_account", FieldAccount, 6, true, func(f *in) *string { return &f.UnitAccount }),
			text("unit_account_name", FieldText, 100, true, func(f *in) *string { return &f.UnitAccountName }),
		}},
		{Legend: "finance.group.voucher", Fields: []SettingField{
			hint(SettingField{Name: "direction", Kind: FieldDirection, Max: 20, Required: true,
				text: func(f *in) *string { return (*string)(&f.Direction) }}, "finance.direction_hint"),
			hint(text("voucher_series", FieldSeries, 10, false, func(f *in) *string { return &f.VoucherSeries }), "finance.voucher_series_hint"),
			hint(text("voucher_text", FieldText, 200, true, func(f *in) *string { return &f.VoucherText }), "finance.voucher_text_hint"),
		}},
	}
}

// FinanceSettingsForm is the settings form as typed: field name → text.
type FinanceSettingsForm map[string]string

// Form returns the settings as the form shows them.
func (in FinanceSettingsInput) Form() FinanceSettingsForm {
	form := FinanceSettingsForm{}
	for _, g := range FinanceSettingGroups() {
		for _, f := range g.Fields {
			switch {
			case f.text != nil:
				form[f.Name] = *f.text(&in)
			case *f.number(&in) != 0:
				form[f.Name] = strconv.Itoa(*f.number(&in))
			}
		}
	}
	return form
}

// Input reads the form into settings, trimming every field, and returns
// a message id per field that is not valid (see Valid), empty when all
// is well. Fields the form does not know are ignored.
func (form FinanceSettingsForm) Input() (FinanceSettingsInput, map[string]string) {
	var in FinanceSettingsInput
	errs := map[string]string{}
	for _, g := range FinanceSettingGroups() {
		for _, f := range g.Fields {
			v := strings.TrimSpace(form[f.Name])
			if f.text != nil {
				*f.text(&in) = v
				continue
			}
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				errs[f.Name] = "finance.err.number"
				continue
			}
			*f.number(&in) = n
		}
	}
	for name, msg := range in.Valid() {
		if errs[name] == "" {
			errs[name] = msg
		}
	}
	return in, errs
}

// Valid trims every text field, fills in the defaults (the calendar year,
// the usual direction), and returns a message id per invalid field, empty
// when all is well.
func (in *FinanceSettingsInput) Valid() map[string]string {
	if in.FiscalYearStart == 0 {
		in.FiscalYearStart = 1
	}
	if in.Direction == "" {
		in.Direction = export.PotDebit
	}
	errs := map[string]string{}
	for _, g := range FinanceSettingGroups() {
		for _, f := range g.Fields {
			if msg := f.check(in); msg != "" {
				errs[f.Name] = msg
			}
		}
	}
	return errs
}

// check returns what is wrong with the field's value in in, or "".
func (f SettingField) check(in *FinanceSettingsInput) string {
	if f.number != nil {
		n := *f.number(in)
		switch {
		case f.Kind == FieldMonth && (n < 1 || n > 12):
			return "finance.err.month"
		case f.Kind == FieldYear && n != 0 && (n < 2000 || n > 2100):
			return "finance.err.year"
		}
		return ""
	}
	p := f.text(in)
	*p = strings.TrimSpace(*p)
	v := *p
	switch {
	case v == "":
		if f.Required {
			return workflow.MsgRequired
		}
		return ""
	case len([]rune(v)) > f.Max:
		return "finance.err.too_long"
	case strings.ContainsAny(v, "\r\n"):
		return "finance.err.one_line"
	}
	switch f.Kind {
	case FieldCode, FieldAccount, FieldSeries:
		if strings.ContainsAny(v, " \t\"{}") {
			return "finance.err.code"
		}
	}
	switch f.Kind {
	case FieldAccount:
		if !ValidAccount(v) {
			return "finance.err.account"
		}
	case FieldSeries:
		if strings.IndexFunc(v, func(r rune) bool { return !isASCIIAlnum(r) }) >= 0 {
			return "finance.err.series"
		}
	case FieldOrgNumber:
		norm, ok := OrgNumber(v)
		if !ok {
			return "finance.err.org_number"
		}
		*p = norm
	case FieldDirection:
		if v != string(export.PotDebit) && v != string(export.UnitDebit) {
			return "finance.err.direction"
		}
	}
	return ""
}

// ValidAccount reports whether s is an account number as BAS-style charts
// write them: four to six digits (the state's chart and most university
// ledgers use four or five).
func ValidAccount(s string) bool {
	if len(s) < 4 || len(s) > 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// OrgNumber checks a Swedish organisationsnummer, ten digits with an
// optional hyphen after the sixth, and its check digit (the Luhn
// algorithm); it returns the number written NNNNNN-NNNN.
func OrgNumber(s string) (string, bool) {
	digits := strings.Replace(s, "-", "", 1)
	if len(digits) != 10 || (len(s) == 11 && s[6] != '-') {
		return "", false
	}
	sum := 0
	for i, r := range digits {
		if r < '0' || r > '9' {
			return "", false
		}
		d := int(r - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if sum%10 != 0 {
		return "", false
	}
	return digits[:6] + "-" + digits[6:], true
}

func isASCIIAlnum(r rune) bool {
	return '0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z'
}

// FinanceSettings returns the finance settings, or a NotFoundError when
// the row the migration writes is missing.
func (s *Store) FinanceSettings(ctx context.Context) (*FinanceSettings, error) {
	var f FinanceSettings
	if err := s.conn(ctx).First(&f, 1).Error; err != nil {
		return nil, notFound(err, "finance settings", 1)
	}
	return &f, nil
}

// SaveFinanceSettings stores new settings with an audit row. It returns
// workflow.ErrForbidden unless the actor is finance or admin, and a
// *workflow.ValidationError for invalid input. Batches made earlier keep
// the settings they were made with.
func (s *Store) SaveFinanceSettings(ctx context.Context, actor *Actor, in FinanceSettingsInput) (*FinanceSettings, error) {
	if !canFinance(actor) && !actor.Has(workflow.RoleAdmin) {
		return nil, workflow.ErrForbidden
	}
	if errs := in.Valid(); len(errs) > 0 {
		return nil, &workflow.ValidationError{Fields: errs}
	}
	var out FinanceSettings
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		now := s.now()
		f := FinanceSettings{ID: 1, FinanceSettingsInput: in, UpdatedBy: &actor.User.ID, UpdatedAt: now}
		res := tx.Model(&FinanceSettings{}).Where("id = 1").Select("*").Omit("id").Updates(&f)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &NotFoundError{What: "finance settings", ID: 1}
		}
		out = f
		return tx.Create(&AuditEvent{Entity: "finance_settings", EntityID: 1, ActorID: &actor.User.ID,
			Action: "update_settings", CreatedAt: now}).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
