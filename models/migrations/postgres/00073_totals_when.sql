-- +goose Up
-- The plan and month totals of an application change only with what they
-- count: its call, unit, money, dates and outcomes, whether it is deleted,
-- whether its state counts at all (not a draft, not withdrawn) and, for
-- the plan totals, whether it holds money. A step between two states that
-- count alike (granted to booked, booked to reported, …) leaves them as
-- they are, so the triggers skip it: booking a batch of 100 000 awards
-- moves every application once.
DROP TRIGGER month_totals_application_trigger ON applications;
CREATE TRIGGER month_totals_application_trigger
AFTER UPDATE OF call_id, unit_id, state, granted_ore, spent_ore, decided_at, deleted_at ON applications
FOR EACH ROW WHEN (OLD.call_id IS DISTINCT FROM NEW.call_id OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
    OR OLD.granted_ore IS DISTINCT FROM NEW.granted_ore OR OLD.spent_ore IS DISTINCT FROM NEW.spent_ore
    OR OLD.decided_at IS DISTINCT FROM NEW.decided_at OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
    OR (OLD.state IN ('draft', 'withdrawn')) IS DISTINCT FROM (NEW.state IN ('draft', 'withdrawn')))
EXECUTE FUNCTION month_totals_application();
CREATE TRIGGER month_totals_application_insert_trigger
AFTER INSERT ON applications FOR EACH ROW EXECUTE FUNCTION month_totals_application();

DROP TRIGGER plan_totals_application_trigger ON applications;
CREATE TRIGGER plan_totals_application_trigger
AFTER UPDATE OF call_id, unit_id, state, requested_ore, granted_ore, returned_ore, spent_ore,
    expected_students_first, expected_students_second, expected_students_third, expected_mobility_windows,
    expected_partner_agreements, deleted_at ON applications
FOR EACH ROW WHEN (OLD.call_id IS DISTINCT FROM NEW.call_id OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
    OR OLD.requested_ore IS DISTINCT FROM NEW.requested_ore OR OLD.granted_ore IS DISTINCT FROM NEW.granted_ore
    OR OLD.returned_ore IS DISTINCT FROM NEW.returned_ore OR OLD.spent_ore IS DISTINCT FROM NEW.spent_ore
    OR OLD.expected_students_first IS DISTINCT FROM NEW.expected_students_first
    OR OLD.expected_students_second IS DISTINCT FROM NEW.expected_students_second
    OR OLD.expected_students_third IS DISTINCT FROM NEW.expected_students_third
    OR OLD.expected_mobility_windows IS DISTINCT FROM NEW.expected_mobility_windows
    OR OLD.expected_partner_agreements IS DISTINCT FROM NEW.expected_partner_agreements
    OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
    OR (OLD.state IN ('draft', 'withdrawn')) IS DISTINCT FROM (NEW.state IN ('draft', 'withdrawn'))
    OR (OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked'))
        IS DISTINCT FROM (NEW.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked')))
EXECUTE FUNCTION plan_totals_application();

-- +goose Down
DROP TRIGGER plan_totals_application_trigger ON applications;
CREATE TRIGGER plan_totals_application_trigger
AFTER UPDATE OF call_id, unit_id, state, requested_ore, granted_ore, returned_ore, spent_ore,
    expected_students_first, expected_students_second, expected_students_third, expected_mobility_windows,
    expected_partner_agreements, deleted_at
ON applications FOR EACH ROW EXECUTE FUNCTION plan_totals_application();
DROP TRIGGER month_totals_application_insert_trigger ON applications;
DROP TRIGGER month_totals_application_trigger ON applications;
CREATE TRIGGER month_totals_application_trigger
AFTER INSERT OR UPDATE OF call_id, unit_id, state, granted_ore, spent_ore, decided_at, deleted_at
ON applications FOR EACH ROW EXECUTE FUNCTION month_totals_application();
