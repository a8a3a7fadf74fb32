package handlers

import (
	"encoding/hex"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/workflow"
)

// A save can come too late: someone else saved the application after
// this person opened the form. Nothing they typed may be lost, and nothing
// the other person saved may be overwritten unseen. The form carries a
// fingerprint of every field as it was loaded ("base"); on a stale save
// the handler compares base, what was typed and what is stored now,
// field by field: what only the other person changed comes into the form,
// what only this person changed stays as typed, and where both changed,
// the form keeps this person's text and the page shows the other's beside
// it. The form then carries the new version, so saving it again is a
// knowing choice.

// shownField is one field of the application form as people read it.
type shownField struct {
	Key, Label, Value string
}

// formFields lists the form's fields in form order as readable text,
// normalised so that the same content always reads the same.
func formFields(f draftForm, l *i18n.Localizer, plan *models.Plan, chart *models.OrgChart) []shownField {
	var out []shownField
	add := func(key, value string) {
		value = strings.TrimSpace(strings.ReplaceAll(value, "\r\n", "\n"))
		out = append(out, shownField{Key: key, Label: fieldName(l, key), Value: value})
	}
	unit := f.Unit
	if id, err := strconv.ParseInt(f.Unit, 10, 64); err == nil && chart != nil {
		if u, ok := chart.Unit(id); ok {
			unit = u.Name(l.Lang)
		}
	}
	add("unit", unit)
	add("title", f.Title)
	add("summary", f.Summary)
	add("purpose", f.Purpose)
	add("period_start", f.PeriodStart)
	add("period_end", f.PeriodEnd)
	var lines []string
	for _, line := range f.Lines {
		if strings.TrimSpace(line.Description) == "" && strings.TrimSpace(line.Amount) == "" {
			continue
		}
		amount := line.Amount
		if ore, err := money.ParseFor(line.Amount, f.Lang); err == nil {
			amount = l.Money(ore)
		}
		lines = append(lines, l.T("category."+line.Category)+": "+strings.TrimSpace(line.Description)+" – "+amount)
	}
	add("budget", strings.Join(lines, "\n"))
	add("activities", strings.Join(activityNames(f.Activities, plan, l.Lang), "\n"))
	neolaia := ""
	if f.Neolaia != "" {
		neolaia = neolaiaName(l, models.Neolaia(f.Neolaia))
	}
	add("neolaia", neolaia)
	var levels []string
	for _, lv := range models.StudyLevels {
		if f.HasLevel(lv) {
			levels = append(levels, l.T("level."+lv))
		}
	}
	add("target_levels", strings.Join(levels, ", "))
	for _, k := range expectedKeys {
		add("expected_"+k, f.Expected[k])
	}
	add("expected_other", f.ExpectedOther)
	for i, name := range workflow.ConsiderationFields {
		add("consideration_"+name, f.Considerations[i])
	}
	return out
}

// activityNames names the chosen activities in plan order.
func activityNames(ids []int64, plan *models.Plan, lang string) []string {
	var out []string
	if plan == nil {
		return out
	}
	for _, a := range plan.Areas {
		for _, g := range a.Goals {
			for _, act := range g.Activities {
				if slices.Contains(ids, act.ID) {
					out = append(out, models.Text(lang, act.TextSV, act.TextEN))
				}
			}
		}
	}
	return out
}

// fingerprint is a short digest of one field's content: enough to tell
// whether it changed, not to read it. It travels in the form and is
// compared when the form comes back, possibly to another process or after
// a restart, so it must be stable: FNV-1a, which has no seed. Nothing
// rests on it being hard to forge: a forged base only changes which
// fields the person is asked about, and they may edit every field anyway.
func fingerprint(f shownField) string {
	h := fnv.New64a()
	h.Write([]byte(f.Key + "\x00" + f.Value))
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// baseOf is the form's hidden "base": key=fingerprint pairs.
func baseOf(fields []shownField) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Key + "=" + fingerprint(f)
	}
	return strings.Join(parts, ";")
}

// parseBase reads a posted base; a missing or garbled one gives an empty
// map, and every field then counts as changed by both.
func parseBase(s string) map[string]string {
	out := map[string]string{}
	for _, p := range strings.Split(s, ";") {
		if k, v, ok := strings.Cut(p, "="); ok && len(v) == 12 {
			out[k] = v
		}
	}
	return out
}

// editConflict is what the form shows after a stale save.
type editConflict struct {
	By   string    // who saved last ("" when unknown)
	At   time.Time // when
	Rows []conflictRow
	// Taken counts the fields that only the other person changed and
	// that the form now shows as they saved them.
	Taken int
}

// conflictRow is one field the other person changed.
type conflictRow struct {
	Label, Theirs, Mine string
	// Both is set when this person changed the field too: the form keeps
	// Mine, and saving replaces Theirs.
	Both bool
}

// mergeStale compares what was typed (based on base) with what is stored
// now, moves the other person's changes into the typed form where this
// person left a field alone, and describes what differs.
func mergeStale(typed *draftForm, base string, stored draftForm, l *i18n.Localizer, plan *models.Plan, chart *models.OrgChart) *editConflict {
	was := parseBase(base)
	mine := formFields(*typed, l, plan, chart)
	theirs := formFields(stored, l, plan, chart)
	c := &editConflict{}
	for i, t := range theirs {
		m := mine[i]
		if t.Value == m.Value || fingerprint(t) == was[t.Key] {
			continue // the same, or the other person did not change it
		}
		if fingerprint(m) == was[m.Key] {
			// Only the other person changed it: take their version.
			typed.take(t.Key, stored)
			c.Taken++
			c.Rows = append(c.Rows, conflictRow{Label: t.Label, Theirs: t.Value})
			continue
		}
		c.Rows = append(c.Rows, conflictRow{Label: t.Label, Theirs: t.Value, Mine: m.Value, Both: true})
	}
	return c
}

// take copies field key of from into the form.
func (f *draftForm) take(key string, from draftForm) {
	switch key {
	case "unit":
		f.Unit = from.Unit
	case "title":
		f.Title = from.Title
	case "summary":
		f.Summary = from.Summary
	case "purpose":
		f.Purpose = from.Purpose
	case "period_start":
		f.PeriodStart = from.PeriodStart
	case "period_end":
		f.PeriodEnd = from.PeriodEnd
	case "budget":
		f.Lines = slices.Clone(from.Lines)
	case "activities":
		f.Activities = slices.Clone(from.Activities)
	case "neolaia":
		f.Neolaia = from.Neolaia
	case "target_levels":
		f.Levels = slices.Clone(from.Levels)
	case "expected_other":
		f.ExpectedOther = from.ExpectedOther
	default:
		if k, ok := strings.CutPrefix(key, "expected_"); ok {
			f.Expected[k] = from.Expected[k]
		} else if k, ok := strings.CutPrefix(key, "consideration_"); ok {
			if i := slices.Index(workflow.ConsiderationFields[:], k); i >= 0 {
				f.Considerations[i] = from.Considerations[i]
			}
		}
	}
}

// lastChange is who changed the application last, and when, from its
// timeline (oldest first).
func lastChange(p *applicationPage) (string, time.Time) {
	if n := len(p.Timeline); n > 0 {
		return p.Timeline[n-1].ActorName, p.Timeline[n-1].CreatedAt
	}
	return "", time.Time{}
}

// actionConflict is what a page says when an action's form came too late.
type actionConflict struct {
	By    string
	At    time.Time
	State workflow.State
	// Offered says whether the action can still be taken: its form then
	// comes back filled in with the new version; else the typed text is
	// shown to copy.
	Offered bool
}

// staleNotice describes a stale action for the page, or is nil when
// failed is not one.
func staleNotice(p *applicationPage, failed *actionAttempt) *actionConflict {
	if failed == nil || !failed.Stale {
		return nil
	}
	n := &actionConflict{State: p.Detail.App.State, Offered: p.Offers(failed.Action)}
	n.By, n.At = lastChange(p)
	return n
}
