-- +goose Up
-- What the decision documents say of the university itself: its name, the
-- fund the money comes from and the regular decider's office, in both
-- languages. One row, edited by administrators; empty until they fill it.
CREATE TABLE record_settings (
    id               BIGINT PRIMARY KEY CHECK (id = 1),
    university_sv    TEXT NOT NULL DEFAULT '',
    university_en    TEXT NOT NULL DEFAULT '',
    fund_sv          TEXT NOT NULL DEFAULT '',
    fund_en          TEXT NOT NULL DEFAULT '',
    decider_title_sv TEXT NOT NULL DEFAULT '',
    decider_title_en TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    updated_by       BIGINT REFERENCES users (id),
    updated_at       DATETIME NOT NULL
);
INSERT INTO record_settings (id, updated_at) VALUES (1, CURRENT_TIMESTAMP);

-- Every grant, partial grant, rejection and revocation is a decision: a
-- record with its own reference number, written with the audit row of
-- the action, and its document in Swedish and English. The register
-- lists decisions until they are marked registered.
CREATE TABLE decisions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id    BIGINT NOT NULL REFERENCES applications (id),
    audit_event_id    BIGINT NOT NULL UNIQUE REFERENCES audit_events (id),
    kind              TEXT NOT NULL CHECK (kind IN ('grant', 'partial', 'reject', 'revoke')),
    decision_ref      TEXT NOT NULL CHECK (decision_ref <> ''),
    decided_at        DATETIME NOT NULL,
    decided_by        BIGINT NOT NULL REFERENCES users (id),
    decider_name      TEXT NOT NULL,
    on_behalf_of      BIGINT REFERENCES users (id),
    on_behalf_of_name TEXT NOT NULL DEFAULT '',
    presenter_id      BIGINT REFERENCES users (id),
    presenter_name    TEXT NOT NULL DEFAULT '',
    title             TEXT NOT NULL,
    unit_id           BIGINT NOT NULL REFERENCES org_units (id),
    unit_name         TEXT NOT NULL,
    amount_ore        BIGINT NOT NULL CHECK (amount_ore >= 0),
    file_name         TEXT NOT NULL,
    registered_at     DATETIME,
    registered_by     BIGINT REFERENCES users (id),
    CHECK ((registered_at IS NULL) = (registered_by IS NULL))
);
CREATE INDEX decisions_application_id_idx ON decisions (application_id);
CREATE INDEX decisions_unregistered_idx ON decisions (decided_at) WHERE registered_at IS NULL;

CREATE TABLE decision_documents (
    decision_id BIGINT NOT NULL REFERENCES decisions (id),
    language    TEXT NOT NULL CHECK (language IN ('sv', 'en')),
    file_name   TEXT NOT NULL,
    content     BLOB NOT NULL,
    sha256      TEXT NOT NULL,
    PRIMARY KEY (decision_id, language)
);

-- The conversation on an application: comments between applicants and
-- coordinators, and internal notes. Comments are part of the record:
-- never deleted, edited only briefly by their author, struck with a reason.
CREATE TABLE comments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    author_id     BIGINT NOT NULL REFERENCES users (id),
    internal      BOOLEAN NOT NULL DEFAULT FALSE,
    body          TEXT NOT NULL CHECK (body <> ''),
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    DATETIME NOT NULL,
    edited_at     DATETIME,
    struck_at     DATETIME,
    struck_by     BIGINT REFERENCES users (id),
    strike_reason TEXT NOT NULL DEFAULT '',
    CHECK ((struck_at IS NULL) = (struck_by IS NULL))
);
CREATE INDEX comments_application_id_idx ON comments (application_id, id);

-- The applicant the university addresses first: one of the application's
-- applicants; NULL means its author.
ALTER TABLE applications ADD COLUMN contact_id BIGINT REFERENCES users (id);

-- +goose Down
ALTER TABLE applications DROP COLUMN contact_id;
DROP TABLE comments;
DROP TABLE decision_documents;
DROP TABLE decisions;
DROP TABLE record_settings;
