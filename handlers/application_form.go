package handlers

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/workflow"
)

// draftForm is the application form exactly as typed, so that a form with
// mistakes comes back with everything the person wrote.
type draftForm struct {
	Unit           string
	Title          string
	Summary        string
	Purpose        string
	PeriodStart    string
	PeriodEnd      string
	Neolaia        string
	Considerations [5]string
	Levels         []string
	Expected       map[string]string // first, second, third, windows, agreements
	ExpectedOther  string
	Lines          []lineForm
	Activities     []int64
	// Lang is the language the amounts were typed in.
	Lang string
	// Version is the version of the application the form was loaded
	// with, and Base the fingerprint of its fields then
	// (handlers/application_conflict.go): a save that comes too late is
	// told apart, field by field, from the one before it.
	Version string
	Base    string
}

// lineForm is one budget line as typed.
type lineForm struct {
	Category    string
	Description string
	Amount      string
}

// expectedKeys are the counted outcomes, in form order.
var expectedKeys = []string{"first", "second", "third", "windows", "agreements"}

// maxBudgetLines bounds a form so that a crafted post cannot make the
// server build an enormous page.
const maxBudgetLines = 50

// readDraftForm reads a posted application form. op says what the
// person pressed: "save", "add_line" or "remove_line" (then index says
// which line).
func readDraftForm(f url.Values, lang string) (form draftForm, op string, index int) {
	form = draftForm{Lang: lang, Unit: f.Get("unit"), Title: f.Get("title"), Summary: f.Get("summary"), Purpose: f.Get("purpose"),
		PeriodStart: f.Get("period_start"), PeriodEnd: f.Get("period_end"), Neolaia: f.Get("neolaia"),
		Levels: f["target_levels"], Expected: map[string]string{}, ExpectedOther: f.Get("expected_other"),
		Version: f.Get("version"), Base: f.Get("base")}
	for i, name := range workflow.ConsiderationFields {
		form.Considerations[i] = f.Get("consideration_" + name)
	}
	for _, k := range expectedKeys {
		form.Expected[k] = f.Get("expected_" + k)
	}
	cats, descs, amounts := f["line_category"], f["line_description"], f["line_amount"]
	for i := range min(len(cats), maxBudgetLines) {
		l := lineForm{Category: cats[i]}
		if i < len(descs) {
			l.Description = descs[i]
		}
		if i < len(amounts) {
			l.Amount = amounts[i]
		}
		form.Lines = append(form.Lines, l)
	}
	for _, s := range f["activities"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 && !slices.Contains(form.Activities, id) {
			form.Activities = append(form.Activities, id)
		}
	}
	op = f.Get("op")
	if rest, ok := strings.CutPrefix(op, "remove_line:"); ok {
		op = "remove_line"
		index, _ = strconv.Atoi(rest)
	}
	return form, op, index
}

// draft turns the typed form into a models.Draft, and lists what could
// not be read: field name → message id. Blank lines are dropped.
func (f draftForm) draft() (models.Draft, map[string]string) {
	problems := map[string]string{}
	d := models.Draft{Title: f.Title, Summary: f.Summary, Purpose: f.Purpose, Neolaia: models.Neolaia(f.Neolaia),
		Considerations: f.Considerations, TargetLevels: f.Levels, ExpectedOther: f.ExpectedOther, ActivityIDs: f.Activities}
	if id, err := strconv.ParseInt(f.Unit, 10, 64); err == nil {
		d.UnitID = id
	} else {
		problems["unit"] = "error.required"
	}
	d.PeriodStart = parseDateField(f.PeriodStart, "period_start", problems)
	d.PeriodEnd = parseDateField(f.PeriodEnd, "period_end", problems)
	if d.PeriodStart != nil && d.PeriodEnd != nil && d.PeriodEnd.Before(*d.PeriodStart) {
		// Said when the draft is saved, not first at submission.
		problems["period_end"] = "error.period_order"
	}
	counts := []*int{&d.ExpectedStudentsFirst, &d.ExpectedStudentsSecond, &d.ExpectedStudentsThird,
		&d.ExpectedMobilityWindows, &d.ExpectedPartnerAgreements}
	for i, k := range expectedKeys {
		s := strings.TrimSpace(f.Expected[k])
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			problems["expected_"+k] = "error.count_invalid"
			continue
		}
		*counts[i] = n
	}
	for i, l := range f.Lines {
		if strings.TrimSpace(l.Description) == "" && strings.TrimSpace(l.Amount) == "" {
			continue
		}
		ore, err := money.ParseFor(l.Amount, f.Lang)
		if err == nil && ore == 0 {
			err = money.ErrEmpty
		}
		if err != nil {
			problems["line_"+strconv.Itoa(i)] = moneyMessage(err)
			continue
		}
		d.Lines = append(d.Lines, models.DraftLine{Category: l.Category, Description: l.Description, AmountOre: ore})
	}
	return d, problems
}

// moneyMessage is the message id for a money.Parse error; the package's
// errors are named after their messages.
func moneyMessage(err error) string {
	for _, known := range []error{money.ErrEmpty, money.ErrNegative, money.ErrTooLarge, money.ErrAmbiguous} {
		if errors.Is(err, known) {
			return "error." + known.Error()
		}
	}
	return "error.amount_invalid"
}

func parseDateField(s, field string, problems map[string]string) *time.Time {
	d, msg := parseDay(s, time.UTC)
	if msg != "" {
		problems[field] = msg
	}
	return d
}

// formOf fills the form from a stored draft, for the edit page.
func formOf(d models.Draft, l *i18n.Localizer) draftForm {
	f := draftForm{Unit: strconv.FormatInt(d.UnitID, 10), Title: d.Title, Summary: d.Summary, Purpose: d.Purpose,
		Neolaia: string(d.Neolaia), Considerations: d.Considerations, Levels: d.TargetLevels,
		ExpectedOther: d.ExpectedOther, Activities: d.ActivityIDs, Expected: map[string]string{}, Lang: l.Lang}
	if d.PeriodStart != nil {
		f.PeriodStart = d.PeriodStart.Format("2006-01-02")
	}
	if d.PeriodEnd != nil {
		f.PeriodEnd = d.PeriodEnd.Format("2006-01-02")
	}
	for i, n := range []int{d.ExpectedStudentsFirst, d.ExpectedStudentsSecond, d.ExpectedStudentsThird,
		d.ExpectedMobilityWindows, d.ExpectedPartnerAgreements} {
		if n != 0 {
			f.Expected[expectedKeys[i]] = strconv.Itoa(n)
		}
	}
	for _, line := range d.Lines {
		f.Lines = append(f.Lines, lineForm{Category: line.Category, Description: line.Description, Amount: l.MoneyInput(line.AmountOre)})
	}
	return f
}

// Total is the sum of the lines that parse, for the form's running total.
func (f draftForm) Total() int64 {
	var sum int64
	for _, l := range f.Lines {
		if ore, err := money.ParseFor(l.Amount, f.Lang); err == nil {
			sum += ore
		}
	}
	return sum
}

// HasLevel and HasActivity answer the form's checkboxes.
func (f draftForm) HasLevel(l string) bool        { return slices.Contains(f.Levels, l) }
func (f draftForm) HasActivity(id int64) bool     { return slices.Contains(f.Activities, id) }
func (f draftForm) Consideration(i int) string    { return f.Considerations[i] }
func (f draftForm) ExpectedValue(k string) string { return f.Expected[k] }

// fieldName is the label of a form field in an error summary; budget
// lines are numbered from 1.
func fieldName(l *i18n.Localizer, field string) string {
	if n, ok := strings.CutPrefix(field, "line_"); ok {
		if i, err := strconv.Atoi(n); err == nil {
			return l.T("field.line", "N", i+1)
		}
	}
	return l.T("field." + field)
}
