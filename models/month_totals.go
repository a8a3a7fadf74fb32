package models

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// MonthTotal is what the applications the follow-up counts of one call
// and unit moved in the pot in one month ("2026-03") of the university's
// time zone: granted by decision date, spent by report submission date,
// returned by the date of the acceptance or revocation. Events is how
// many movements were summed. Triggers (migration 00064) keep it in the
// transaction of every change; Migrate fills it again when the zone
// changes.
type MonthTotal struct {
	CallID      int64  `gorm:"primaryKey;autoIncrement:false"`
	UnitID      int64  `gorm:"primaryKey;autoIncrement:false"`
	Month       string `gorm:"primaryKey"`
	Events      int64
	GrantedOre  int64
	SpentOre    int64
	ReturnedOre int64
}

// The months written to zone_months: every timestamp the application
// keeps falls between them.
const (
	zoneMonthsFrom = 1900
	zoneMonthsTo   = 2200
)

// zoneMonthSQL is the SQL for the month of the university's time zone
// that the timestamp col falls in, from zone_months: the PostgreSQL
// triggers' zone_month written out, which sums a hundred thousand rows in
// half the time of the function. SQLite's strftime reads the driver's text
// (fraction and offset) as UTC.
func (s *Store) zoneMonthSQL(col string) string {
	if s.dialect == Postgres {
		return "(SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= " + col + " ORDER BY zm.starts_at DESC LIMIT 1)"
	}
	return "(SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', " + col +
		") ORDER BY zm.starts_at DESC LIMIT 1)"
}

// monthTotalsSelect sums month_totals' rows from the applications of the
// follow-up (and where, if not empty), their submitted reports and the
// audit events that gave money back.
func (s *Store) monthTotalsSelect(where string) string {
	if where != "" {
		where = " AND " + where
	}
	return "SELECT p.call_id, p.unit_id, p.month, CAST(COUNT(*) AS BIGINT) AS events, " +
		"CAST(SUM(p.granted_ore) AS BIGINT) AS granted_ore, CAST(SUM(p.spent_ore) AS BIGINT) AS spent_ore, " +
		"CAST(SUM(p.returned_ore) AS BIGINT) AS returned_ore FROM (" +
		"SELECT a.call_id, a.unit_id, " + s.zoneMonthSQL("a.decided_at") + " AS month, a.granted_ore, 0 AS spent_ore, 0 AS returned_ore " +
		"FROM applications a WHERE " + countedWhere + " AND a.granted_ore > 0 AND a.decided_at IS NOT NULL" + where +
		" UNION ALL SELECT a.call_id, a.unit_id, " + s.zoneMonthSQL("r.submitted_at") + ", 0, a.spent_ore, 0 " +
		"FROM applications a JOIN application_reports r ON r.application_id = a.id " +
		"WHERE " + countedWhere + " AND r.submitted_at IS NOT NULL" + where +
		" UNION ALL SELECT a.call_id, a.unit_id, " + s.zoneMonthSQL("e.created_at") + ", 0, 0, e.amount_ore " +
		"FROM applications a JOIN audit_events e ON e.application_id = a.id " +
		"WHERE " + countedWhere + " AND e.action IN ('accept_report', 'revoke')" + where +
		") p WHERE p.month IS NOT NULL GROUP BY p.call_id, p.unit_id, p.month"
}

// monthTotalsFill sums month_totals for the applications of where (all
// when empty) into the table, which has no rows of theirs yet.
func (s *Store) monthTotalsFill(where string) string {
	return "INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore) " +
		s.monthTotalsSelect(where)
}

// zoneMonth is one month of the university's time zone: when it starts,
// in UTC, and its name.
type zoneMonth struct {
	start time.Time
	name  string
}

// zoneMonths returns the months of the store's zone, and what identifies
// them: the zone's name and a hash of every month's start, so that new
// rules for the zone (a newer time zone database) count as another zone.
func (s *Store) zoneMonths() ([]zoneMonth, string) {
	h := fnv.New64a()
	var out []zoneMonth
	for y := zoneMonthsFrom; y < zoneMonthsTo; y++ {
		for m := time.January; m <= time.December; m++ {
			start := time.Date(y, m, 1, 0, 0, 0, 0, s.zone).UTC()
			out = append(out, zoneMonth{start: start, name: start.In(s.zone).Format("2006-01")})
			_, _ = h.Write([]byte(start.Format(time.RFC3339)))
		}
	}
	return out, s.zone.String() + " " + strconv.FormatUint(h.Sum64(), 16)
}

// ensureZoneMonths writes the months of the store's time zone into
// zone_months and sums month_totals again from scratch when the zone they
// were written for is another (or none: a new database, or one migration
// 00064 has just reached). Migrate calls it under the migration lock, so
// one replica does it while the others wait.
func (s *Store) ensureZoneMonths(ctx context.Context) error {
	months, zone := s.zoneMonths()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var written string
		err := tx.Raw("SELECT zone FROM month_zone WHERE id = 1").Row().Scan(&written)
		if err == nil && written == zone {
			return nil
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		for _, q := range []string{"DELETE FROM zone_months", "DELETE FROM month_zone", "DELETE FROM month_totals"} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		for batch := range slices.Chunk(months, 1200) {
			rows := make([]string, len(batch))
			args := make([]any, 0, 2*len(batch))
			for i, m := range batch {
				var at any = m.start
				if s.dialect == SQLite {
					at = m.start.Format(time.DateTime)
				}
				rows[i], args = "(?, ?)", append(args, at, m.name)
			}
			if err := tx.Exec("INSERT INTO zone_months (starts_at, month) VALUES "+strings.Join(rows, ", "), args...).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec("INSERT INTO month_zone (id, zone) VALUES (1, ?)", zone).Error; err != nil {
			return err
		}
		if s.dialect == Postgres {
			if err := tx.Exec("ANALYZE zone_months").Error; err != nil {
				return err
			}
		}
		return tx.Exec(s.monthTotalsFill("")).Error
	})
}

// MonthTotalsRecomputed sums month_totals from the applications, reports
// and audit events themselves, the way the triggers should have kept it;
// tests compare the two.
func (s *Store) MonthTotalsRecomputed(ctx context.Context) ([]MonthTotal, error) {
	var out []MonthTotal
	err := s.conn(ctx).Raw(s.monthTotalsSelect("") + " ORDER BY p.call_id, p.unit_id, p.month").Scan(&out).Error
	return out, err
}

// MonthTotals returns the kept month totals that still count something,
// in the order of MonthTotalsRecomputed.
func (s *Store) MonthTotals(ctx context.Context) ([]MonthTotal, error) {
	var out []MonthTotal
	err := s.conn(ctx).Where("events <> 0 OR granted_ore <> 0 OR spent_ore <> 0 OR returned_ore <> 0").
		Order("call_id, unit_id, month").Find(&out).Error
	return out, err
}

// FollowupMonths sums the pot's movements by month of the university's
// time zone, in month order, from the kept month totals. It returns only
// database errors.
func (s *Store) FollowupMonths(ctx context.Context, f FollowupFilter) ([]MonthSums, error) {
	q, err := s.followupKept(ctx, "month_totals a", f)
	if err != nil {
		return nil, err
	}
	var out []MonthSums
	err = q.Select("a.month AS month, CAST(COALESCE(SUM(a.granted_ore), 0) AS BIGINT) AS granted_ore, " +
		"CAST(COALESCE(SUM(a.spent_ore), 0) AS BIGINT) AS spent_ore, " +
		"CAST(COALESCE(SUM(a.returned_ore), 0) AS BIGINT) AS returned_ore").
		Group("a.month").Having("SUM(a.events) <> 0").Order("a.month").Scan(&out).Error
	return out, err
}
