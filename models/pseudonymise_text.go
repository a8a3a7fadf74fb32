package models

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textTarget is one text to replace inside free text: a person's email or
// name (or its HTML-escaped form, as rendered mail holds it), found
// ignoring case and only where it stands on its own, as bounded says.
type textTarget struct {
	find    *regexp.Regexp
	lower   string // for the database's rough pre-selection
	to      string
	bounded func(before, after string) bool
}

// textTargets returns the targets that replace old by to: as typed and
// HTML-escaped.
func textTargets(old, to string, bounded func(before, after string) bool) []textTarget {
	old = strings.TrimSpace(old)
	if old == "" {
		return nil
	}
	forms := []string{old}
	if e := html.EscapeString(old); e != old {
		forms = append(forms, e)
	}
	out := make([]textTarget, len(forms))
	for i, f := range forms {
		out[i] = textTarget{find: regexp.MustCompile("(?i)" + regexp.QuoteMeta(f)), lower: strings.ToLower(f),
			to: to, bounded: bounded}
	}
	return out
}

// wordBoundary accepts a match of a name that no letter or digit
// continues on either side: "Anna Berg" in "Anna Bergström" is another
// name.
func wordBoundary(before, after string) bool {
	b, _ := utf8.DecodeLastRuneInString(before)
	a, _ := utf8.DecodeRuneInString(after)
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return (before == "" || !word(b)) && (after == "" || !word(a))
}

// emailBoundary accepts a match of an address that is the whole address:
// "an@example.org" is not inside "jan@example.org" or
// "an@example.org.uk".
func emailBoundary(before, after string) bool {
	b, _ := utf8.DecodeLastRuneInString(before)
	if before != "" && (unicode.IsLetter(b) || unicode.IsDigit(b) || strings.ContainsRune("._%+-'", b)) {
		return false
	}
	a, n := utf8.DecodeRuneInString(after)
	if after == "" {
		return true
	}
	if unicode.IsLetter(a) || unicode.IsDigit(a) || a == '-' {
		return false
	}
	if a == '.' { // a full stop ends a sentence; a dot and a letter go on with the domain
		next, _ := utf8.DecodeRuneInString(after[n:])
		return !(unicode.IsLetter(next) || unicode.IsDigit(next))
	}
	return true
}

// replaceTargets replaces every bounded occurrence of each target in s.
func replaceTargets(s string, targets []textTarget) string {
	for _, t := range targets {
		var b strings.Builder
		last := 0
		for _, m := range t.find.FindAllStringIndex(s, -1) {
			if !t.bounded(s[:m[0]], s[m[1]:]) {
				continue
			}
			b.WriteString(s[last:m[0]])
			b.WriteString(t.to)
			last = m[1]
		}
		if last > 0 {
			b.WriteString(s[last:])
			s = b.String()
		}
	}
	return s
}

// keptColumn reports the text columns pseudonymisation leaves alone: the
// user row is changed by id (a text search there could rename a
// namesake), sessions are deleted, and the audit trail's only changeable
// column is its comment.
func keptColumn(table, col string) bool {
	switch table {
	case "users", "sessions", "goose_db_version", "audit_redaction_permits":
		return true
	case "audit_events":
		return col != "comment"
	}
	return false
}

// replacePage is how many rows of one column replaceInText reads at once.
const replacePage = 500

// replaceInText replaces the targets in every text column of every table
// (but keptColumn), counting changed rows into changed. The database
// picks the rows that contain a target ignoring case (ASCII letters only
// on SQLite); Go decides where it stands on its own and writes the row
// back by its physical address (SQLite's rowid, PostgreSQL's ctid, both
// stable within the transaction that holds the row), which needs no
// knowledge of each table's key. Rows are read a page at a time; those
// that held no bounded match are skipped by the next page's offset.
func (s *Store) replaceInText(ctx context.Context, targets []textTarget, changed map[string]int64) error {
	if len(targets) == 0 {
		return nil
	}
	cols, err := s.TextColumns(ctx)
	if err != nil {
		return err
	}
	addr, byAddr := "CAST(rowid AS TEXT)", "rowid = ?"
	find := "INSTR(LOWER(%s), LOWER(?)) > 0"
	if s.dialect == Postgres {
		addr, byAddr = "ctid::text", "ctid = ?::tid"
		find = "STRPOS(LOWER(%s), LOWER(?)) > 0"
	}
	order := strings.SplitN(addr, "::", 2)[0]
	if s.dialect == SQLite {
		order = "rowid"
	}
	tx := s.conn(ctx)
	for _, c := range cols {
		if keptColumn(c[0], c[1]) {
			continue
		}
		table, col := quoteIdent(c[0]), quoteIdent(c[1])
		conds := make([]string, len(targets))
		args := make([]any, len(targets))
		for i, t := range targets {
			conds[i], args[i] = fmt.Sprintf(find, col), t.lower
		}
		query := "SELECT " + addr + " AS a, " + col + " AS v FROM " + table + " WHERE " + strings.Join(conds, " OR ") +
			" ORDER BY " + order + " LIMIT " + fmt.Sprint(replacePage) + " OFFSET ?"
		skipped := 0
		for {
			var rows []struct {
				A string
				V *string
			}
			if err := tx.Raw(query, append(args, skipped)...).Scan(&rows).Error; err != nil {
				return fmt.Errorf("%s.%s: %w", c[0], c[1], err)
			}
			for _, r := range rows {
				if r.V == nil {
					skipped++
					continue
				}
				v := replaceTargets(*r.V, targets)
				if v == *r.V {
					skipped++
					continue
				}
				if err := tx.Exec("UPDATE "+table+" SET "+col+" = ? WHERE "+byAddr, v, r.A).Error; err != nil {
					return fmt.Errorf("%s.%s: %w", c[0], c[1], err)
				}
				changed[c[0]+"."+c[1]]++
			}
			if len(rows) < replacePage {
				break
			}
		}
	}
	return nil
}

// TextColumns lists every text column of every table as {table, column},
// read from the database's own catalogue, so that a table added later is
// covered without a change here. It returns database errors only.
func (s *Store) TextColumns(ctx context.Context) ([][2]string, error) {
	q := `SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND UPPER(p.type) IN ('TEXT', 'VARCHAR')
		ORDER BY m.name, p.cid`
	if s.dialect == Postgres {
		q = `SELECT table_name AS t, column_name AS c FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying')
			ORDER BY table_name, ordinal_position`
	}
	var rows []struct{ T, C string }
	if err := s.conn(ctx).Raw(q).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([][2]string, len(rows))
	for i, r := range rows {
		out[i] = [2]string{r.T, r.C}
	}
	return out, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
