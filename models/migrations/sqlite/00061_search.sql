-- +goose Up
-- Search finds text anywhere in an application's title or summary,
-- whatever its case: an FTS5 index of trigrams (case folded as Unicode
-- does it), kept by triggers in the transaction of every change.
CREATE VIRTUAL TABLE applications_fts USING fts5(title, summary, content = 'applications', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 0');
INSERT INTO applications_fts (applications_fts) VALUES ('rebuild');
-- +goose StatementBegin
CREATE TRIGGER applications_fts_insert AFTER INSERT ON applications
BEGIN
    INSERT INTO applications_fts (rowid, title, summary) VALUES (NEW.id, NEW.title, NEW.summary);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER applications_fts_delete AFTER DELETE ON applications
BEGIN
    INSERT INTO applications_fts (applications_fts, rowid, title, summary) VALUES ('delete', OLD.id, OLD.title, OLD.summary);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER applications_fts_update AFTER UPDATE OF title, summary ON applications
BEGIN
    INSERT INTO applications_fts (applications_fts, rowid, title, summary) VALUES ('delete', OLD.id, OLD.title, OLD.summary);
    INSERT INTO applications_fts (rowid, title, summary) VALUES (NEW.id, NEW.title, NEW.summary);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER applications_fts_update;
DROP TRIGGER applications_fts_delete;
DROP TRIGGER applications_fts_insert;
DROP TABLE applications_fts;
