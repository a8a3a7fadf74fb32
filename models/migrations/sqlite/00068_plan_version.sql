-- +goose Up
-- A plan's version goes up with every change to the plan or to its
-- responsibles, areas, goals and activities, in the transaction of the
-- change, whoever makes it: the server keeps a plan it has read and reads
-- it again only when its version has moved.
ALTER TABLE plans ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- +goose StatementBegin
CREATE TRIGGER plans_version_own AFTER UPDATE OF code, title_sv, title_en, starts_on, ends_on ON plans
BEGIN
    UPDATE plans SET version = version + 1 WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_responsibles_version_insert AFTER INSERT ON plan_responsibles
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN (NEW.plan_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_responsibles_version_update AFTER UPDATE ON plan_responsibles
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN (OLD.plan_id, NEW.plan_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_responsibles_version_delete AFTER DELETE ON plan_responsibles
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN (OLD.plan_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_areas_version_insert AFTER INSERT ON plan_areas
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN (NEW.plan_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_areas_version_update AFTER UPDATE ON plan_areas
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN (OLD.plan_id, NEW.plan_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_areas_version_delete AFTER DELETE ON plan_areas
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN (OLD.plan_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_goals_version_insert AFTER INSERT ON plan_goals
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN ((SELECT plan_id FROM plan_areas WHERE id = NEW.area_id));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_goals_version_update AFTER UPDATE ON plan_goals
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN ((SELECT plan_id FROM plan_areas WHERE id = OLD.area_id), (SELECT plan_id FROM plan_areas WHERE id = NEW.area_id));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_goals_version_delete AFTER DELETE ON plan_goals
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN ((SELECT plan_id FROM plan_areas WHERE id = OLD.area_id));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_activities_version_insert AFTER INSERT ON plan_activities
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN ((SELECT a.plan_id FROM plan_goals g JOIN plan_areas a ON a.id = g.area_id WHERE g.id = NEW.goal_id));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_activities_version_update AFTER UPDATE ON plan_activities
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN ((SELECT a.plan_id FROM plan_goals g JOIN plan_areas a ON a.id = g.area_id WHERE g.id = OLD.goal_id), (SELECT a.plan_id FROM plan_goals g JOIN plan_areas a ON a.id = g.area_id WHERE g.id = NEW.goal_id));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_activities_version_delete AFTER DELETE ON plan_activities
BEGIN
    UPDATE plans SET version = version + 1 WHERE id IN ((SELECT a.plan_id FROM plan_goals g JOIN plan_areas a ON a.id = g.area_id WHERE g.id = OLD.goal_id));
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER plan_activities_version_delete;
DROP TRIGGER plan_activities_version_update;
DROP TRIGGER plan_activities_version_insert;
DROP TRIGGER plan_goals_version_delete;
DROP TRIGGER plan_goals_version_update;
DROP TRIGGER plan_goals_version_insert;
DROP TRIGGER plan_areas_version_delete;
DROP TRIGGER plan_areas_version_update;
DROP TRIGGER plan_areas_version_insert;
DROP TRIGGER plan_responsibles_version_delete;
DROP TRIGGER plan_responsibles_version_update;
DROP TRIGGER plan_responsibles_version_insert;
DROP TRIGGER plans_version_own;
ALTER TABLE plans DROP COLUMN version;
