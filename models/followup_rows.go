package models

import (
	"context"

	"gorm.io/gorm"
)

// operationalChunk is how many applications EachOperationalRow reads
// rows for at a time.
const operationalChunk = 500

// operationalSelect is the columns of an OperationalRow, which
// OperationalRows and EachOperationalRow select.
const operationalSelect = "a.id AS application_id, a.created_at, a.title, a.state, a.unit_id, a.call_id, " +
	"par.name_sv AS area_sv, par.name_en AS area_en, pg.text_sv AS goal_sv, pg.text_en AS goal_en, " +
	"pa.text_sv AS activity_sv, pa.text_en AS activity_en, pa.neolaia, " +
	"a.granted_ore, a.returned_ore, a.spent_ore, a.expected_students_first, a.expected_students_second, " +
	"a.expected_students_third, a.expected_mobility_windows, a.expected_partner_agreements, " +
	"COALESCE(rep.students_first, 0) AS students_first, COALESCE(rep.students_second, 0) AS students_second, " +
	"COALESCE(rep.students_third, 0) AS students_third, COALESCE(rep.windows_identified, 0) AS windows_identified, " +
	"COALESCE(rep.windows_created, 0) AS windows_created, COALESCE(rep.partner_agreements, 0) AS partner_agreements, " +
	"COALESCE(rep.participants, 0) AS participants"

// operationalJoins joins the applications a of q to their plan activities,
// goals and areas, and to their submitted reports, for operationalSelect.
func operationalJoins(q *gorm.DB) *gorm.DB {
	return q.Joins("JOIN application_activities aa ON aa.application_id = a.id").
		Joins("JOIN plan_activities pa ON pa.id = aa.activity_id").
		Joins("JOIN plan_goals pg ON pg.id = pa.goal_id").
		Joins("JOIN plan_areas par ON par.id = pg.area_id").
		Joins("LEFT JOIN application_reports rep ON rep.application_id = a.id AND rep.submitted_at IS NOT NULL")
}

// EachOperationalRow calls fn with every row OperationalRows would
// return, in its order, holding only a chunk of applications' rows at a
// time: it lists the units that have funded applications under the
// filter, then for each unit reads the next operationalChunk application
// ids after the last one read, and then the rows of those that hold
// money. No statement sorts more than one unit's applications. It stops at fn's
// first error and returns it, or the database's.
func (s *Store) EachOperationalRow(ctx context.Context, f FollowupFilter, fn func(*OperationalRow) error) error {
	return s.eachOperationalRow(ctx, f, operationalChunk, fn)
}

// eachOperationalRow is EachOperationalRow reading chunk applications at
// a time.
func (s *Store) eachOperationalRow(ctx context.Context, f FollowupFilter, chunk int, fn func(*OperationalRow) error) error {
	q, err := s.followupBase(ctx, f)
	if err != nil {
		return err
	}
	var units []int64
	if err := q.Where("a.state IN ?", moneyStates()).Distinct("a.unit_id").Order("a.unit_id").Pluck("a.unit_id", &units).Error; err != nil {
		return err
	}
	for _, unit := range units {
		for after := int64(0); ; {
			q, err := s.followupBase(ctx, f)
			if err != nil {
				return err
			}
			// The index on (unit_id, id) (migration 00072) gives the
			// chunk from where the last one ended, in order. The state is
			// left to the rows' query, as the state index would be read
			// over every unit.
			var ids []int64
			err = q.Where("a.unit_id = ? AND a.id > ?", unit, after).
				Order("a.id").Limit(chunk).Pluck("a.id", &ids).Error
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				break
			}
			after = ids[len(ids)-1]
			if err := s.eachOperationalRowOf(ctx, ids, fn); err != nil {
				return err
			}
			if len(ids) < chunk {
				break
			}
		}
	}
	return nil
}

// eachOperationalRowOf calls fn with the rows of the applications ids
// that hold money (ids are of one unit and of the filter), in application
// and plan order.
func (s *Store) eachOperationalRowOf(ctx context.Context, ids []int64, fn func(*OperationalRow) error) error {
	var rows []OperationalRow
	err := operationalJoins(s.conn(ctx).Table("applications a")).
		Where("a.id IN ? AND a.state IN ?", ids, moneyStates()).Select(operationalSelect).
		Order("a.id, par.position, pg.position, pa.position").Scan(&rows).Error
	if err != nil {
		return err
	}
	for i := range rows {
		if err := fn(&rows[i]); err != nil {
			return err
		}
	}
	return nil
}
