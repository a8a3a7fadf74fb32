-- +goose Up
-- A plan's version goes up with every change to the plan or to its
-- responsibles, areas, goals and activities, in the transaction of the
-- change, whoever makes it: the server keeps a plan it has read and reads
-- it again only when its version has moved.
ALTER TABLE plans ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- +goose StatementBegin
CREATE FUNCTION plans_version_own() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER plans_version_own BEFORE UPDATE ON plans FOR EACH ROW EXECUTE FUNCTION plans_version_own();

-- +goose StatementBegin
-- plans_version_bump moves the version of the plan that row r of table
-- tab belongs to.
CREATE FUNCTION plans_version_bump(tab TEXT, r JSONB) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CASE tab
    WHEN 'plan_goals' THEN
        UPDATE plans SET version = version + 1
        WHERE id = (SELECT plan_id FROM plan_areas WHERE id = (r ->> 'area_id')::BIGINT);
    WHEN 'plan_activities' THEN
        UPDATE plans SET version = version + 1
        WHERE id = (SELECT a.plan_id FROM plan_goals g JOIN plan_areas a ON a.id = g.area_id WHERE g.id = (r ->> 'goal_id')::BIGINT);
    ELSE
        UPDATE plans SET version = version + 1 WHERE id = (r ->> 'plan_id')::BIGINT;
    END CASE;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION plans_version_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM plans_version_bump(TG_TABLE_NAME, to_jsonb(OLD));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM plans_version_bump(TG_TABLE_NAME, to_jsonb(NEW));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER plan_responsibles_version AFTER INSERT OR UPDATE OR DELETE ON plan_responsibles FOR EACH ROW EXECUTE FUNCTION plans_version_part();
CREATE TRIGGER plan_areas_version AFTER INSERT OR UPDATE OR DELETE ON plan_areas FOR EACH ROW EXECUTE FUNCTION plans_version_part();
CREATE TRIGGER plan_goals_version AFTER INSERT OR UPDATE OR DELETE ON plan_goals FOR EACH ROW EXECUTE FUNCTION plans_version_part();
CREATE TRIGGER plan_activities_version AFTER INSERT OR UPDATE OR DELETE ON plan_activities FOR EACH ROW EXECUTE FUNCTION plans_version_part();

-- +goose Down
DROP TRIGGER plan_activities_version ON plan_activities;
DROP TRIGGER plan_goals_version ON plan_goals;
DROP TRIGGER plan_areas_version ON plan_areas;
DROP TRIGGER plan_responsibles_version ON plan_responsibles;
DROP FUNCTION plans_version_part();
DROP FUNCTION plans_version_bump(TEXT, JSONB);
DROP TRIGGER plans_version_own ON plans;
DROP FUNCTION plans_version_own();
ALTER TABLE plans DROP COLUMN version;
